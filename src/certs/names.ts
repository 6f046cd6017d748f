// Host name matching as RFC 6125 describes it for TLS clients: DNS names with an optional
// left-most wildcard label, IP addresses against IP entries only, no CN fallback.
import { isIP } from 'node:net';

export function normalizeHost(host: string): string {
  return host.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

export function dnsNameMatches(pattern: string, host: string): boolean {
  const want = normalizeHost(host);
  const have = normalizeHost(pattern);
  if (!have.startsWith('*.')) return have === want;
  const [first, ...rest] = want.split('.');
  // A wildcard stands for exactly one non-empty label, and never for a bare public suffix.
  return first.length > 0 && rest.length >= 2 && rest.join('.') === have.slice(2);
}

function ipEquals(a: string, b: string): boolean {
  const canonical = (ip: string) => {
    const host = normalizeHost(ip);
    if (isIP(host) !== 6) return host;
    const [head, tail = ''] = host.split('::');
    const left = head ? head.split(':') : [];
    const right = tail ? tail.split(':') : [];
    const zeros = host.includes('::') ? Array(8 - left.length - right.length).fill('0') : [];
    return [...left, ...zeros, ...right].map((group) => parseInt(group, 16).toString(16)).join(':');
  };
  return canonical(a) === canonical(b);
}

export interface NameEntries {
  dnsNames: string[];
  ipAddresses: string[];
}

export function hostMatches(entries: NameEntries, host: string): boolean {
  return isIP(normalizeHost(host))
    ? entries.ipAddresses.some((ip) => ipEquals(ip, host))
    : entries.dnsNames.some((pattern) => dnsNameMatches(pattern, host));
}
