// RFC 5280 name constraints as OpenSSL applies them (crypto/x509/v3_ncons.c): a CA's permitted and
// excluded subtrees against the leaf's DNS names (its CN too when it has no DNS name) and IPv4 addresses.
import type { CertificateInfo } from '../../src/facts.js';

export interface NameConstraintViolation {
  ca: CertificateInfo;
  /** The first name outside the constraints, and every one (`DNS:…`, `IP:…`). */
  name: string;
  names: string[];
  rule: 'not-permitted' | 'excluded';
}

function dnsWithin(name: string, base: string): boolean {
  const n = name.toLowerCase();
  const b = base.toLowerCase();
  if (b === '') return true;
  if (b.startsWith('.')) return n.endsWith(b);
  return n === b || n.endsWith(`.${b}`);
}

function ipWithin(address: string, subtree: string): boolean {
  const [base, mask] = subtree.split('/').map((part) => part.split('.').map(Number));
  const ip = address.split('.').map(Number);
  if (ip.length !== 4 || !base || !mask) return false;
  return ip.every((byte, i) => (byte & mask[i]) === (base[i] & mask[i]));
}

const within = (kind: 'DNS' | 'IP', name: string, subtree: string) => (kind === 'DNS' ? dnsWithin(name, subtree.slice(4)) : ipWithin(name, subtree.slice(3)));

/** The first leaf name a CA of the chain does not vouch for, if any. */
export function nameConstraintViolation(leaf: CertificateInfo, cas: CertificateInfo[]): NameConstraintViolation | undefined {
  const names: ['DNS' | 'IP', string][] = [
    ...(leaf.dnsNames.length > 0 ? leaf.dnsNames : leaf.commonName ? [leaf.commonName] : []).map((name): ['DNS', string] => ['DNS', name]),
    ...leaf.ipAddresses.filter((ip) => ip.includes('.')).map((ip): ['IP', string] => ['IP', ip]),
  ];
  for (const ca of cas) {
    const constraints = ca.nameConstraints;
    if (!constraints) continue;
    const outside = names.flatMap(([kind, name]): { name: string; rule: NameConstraintViolation['rule'] }[] => {
      if (constraints.excluded.some((subtree) => subtree.startsWith(`${kind}:`) && within(kind, name, subtree))) return [{ name: `${kind}:${name}`, rule: 'excluded' }];
      const permitted = constraints.permitted.filter((subtree) => subtree.startsWith(`${kind}:`));
      return permitted.length > 0 && !permitted.some((subtree) => within(kind, name, subtree)) ? [{ name: `${kind}:${name}`, rule: 'not-permitted' }] : [];
    });
    if (outside.length > 0) return { ca, name: outside[0].name, names: outside.map((entry) => entry.name), rule: outside[0].rule };
  }
  return undefined;
}
