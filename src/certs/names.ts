// Host name matching as OpenSSL's X509_check_host does it for s_client -verify_hostname and Mosquitto:
// DNS names with one wildcard in the first label (partial ones included), IP addresses against IP
// entries only. The CN fallback (only without DNS subjectAltNames) is the caller's: see hostnameVerdict.
import { isIP } from '../ip-address.js';

export function normalizeHost(host: string): string {
  return host.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

/**
 * Where a pattern's wildcard sits, as OpenSSL's valid_star() accepts it (crypto/x509/v3_utl.c): one `*`
 * at the start or end of the first, non-IDNA label, with at least two dots in the pattern. Partial
 * wildcards (`cl*.example.com`) are allowed: X509_check_host's default flags, used by s_client
 * -verify_hostname and by Mosquitto, do not set X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS.
 */
function wildcardSplit(pattern: string): { prefix: string; suffix: string } | undefined {
  const star = pattern.indexOf('*');
  if (star < 0 || pattern.indexOf('*', star + 1) >= 0) return undefined;
  const firstDot = pattern.indexOf('.');
  if (firstDot < 0 || star > firstDot) return undefined;
  if (pattern.split('.').length - 1 < 2) return undefined;
  const label = pattern.slice(0, firstDot);
  if (label.startsWith('xn--')) return undefined;
  if (star !== 0 && star !== firstDot - 1) return undefined;
  if (!/^[a-z0-9*][a-z0-9*-]*$/.test(label) || pattern.slice(firstDot + 1).split('.').some((part) => !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(part))) return undefined;
  return { prefix: pattern.slice(0, star), suffix: pattern.slice(star + 1) };
}

/** True for a wildcard that is not the whole first label (`cl*.example.com`): OpenSSL accepts it, browsers do not. */
export function isPartialWildcard(pattern: string): boolean {
  const split = wildcardSplit(normalizeHost(pattern));
  return Boolean(split && (split.prefix.length > 0 || !split.suffix.startsWith('.')));
}

/** OpenSSL's X509_check_host match of one DNS name (subjectAltName or CN) against a host, default flags. */
export function dnsNameMatches(pattern: string, host: string): boolean {
  const want = normalizeHost(host);
  const have = normalizeHost(pattern);
  if (have === want) return true;
  const split = wildcardSplit(have);
  if (!split) return false;
  const { prefix, suffix } = split;
  if (want.length < prefix.length + suffix.length || !want.startsWith(prefix) || !want.endsWith(suffix)) return false;
  const matched = want.slice(prefix.length, want.length - suffix.length);
  const fullLabel = prefix.length === 0 && suffix.startsWith('.');
  // A whole-label wildcard must match at least one character; a partial one never matches IDNA labels.
  if (fullLabel && matched.length === 0) return false;
  if (!fullLabel && want.startsWith('xn--')) return false;
  return /^[a-z0-9-]*$/.test(matched);
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

/** The subjectAltName entry that matches `host`, if any. */
export function matchingName(entries: NameEntries, host: string): string | undefined {
  return isIP(normalizeHost(host))
    ? entries.ipAddresses.find((ip) => ipEquals(ip, host))
    : entries.dnsNames.find((pattern) => dnsNameMatches(pattern, host));
}

export function hostMatches(entries: NameEntries, host: string): boolean {
  return isIP(normalizeHost(host))
    ? entries.ipAddresses.some((ip) => ipEquals(ip, host))
    : entries.dnsNames.some((pattern) => dnsNameMatches(pattern, host));
}
