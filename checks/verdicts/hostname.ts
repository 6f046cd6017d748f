// Does the server certificate name the host, as OpenSSL's -verify_hostname / -verify_ip decide?
// Shared by tls.hostname and wss.handshake. Fixes are given for the seeds' flow, where the CSR is
// signed with `openssl x509 -req -extfile`, which drops extensions requested with -addext.
import { isIP } from '../../src/ip-address.js';
import { chainUnavailableReason } from './tls-facts.js';
import { dnsNameMatches, hostMatches, isPartialWildcard, matchingName } from '../../src/certs/names.js';
import type { Outcome } from '../../src/engine/types.js';
import type { ServerChainFacts } from '../../src/facts.js';
import { fail, pass, skip, warn } from '../define.js';

/** Every finding code hostnameVerdict gives, with its title (tls.hostname declares these). */
export const HOSTNAME_CODES = {
  ok: 'The certificate\'s subjectAltName names the host',
  'not-seen': 'Not tested: the server\'s certificate could not be seen',
  'trailing-dot': 'The target ends with a dot, which OpenSSL does not match against the certificate',
  'partial-wildcard': 'The host matches only a partial wildcard, which browsers refuse',
  'cn-only': 'The certificate names the host only in its CN and has no subjectAltName',
  'cn-without-dns-san': 'The certificate names the host only in its CN; its subjectAltName has no DNS entry',
  'no-san': 'The certificate has no subjectAltName and its CN is not the host',
  mismatch: 'The certificate is for other names than the host',
} as const;

/** The subjectAltName entry that names `host`: IP:<address> for an address, DNS:<name> otherwise. */
export function sanEntry(host: string): string {
  const bare = host.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  return isIP(bare) ? `IP:${bare}` : `DNS:${bare}`;
}

export function reissueHint(host: string): string {
  const entry = sanEntry(host);
  const section = entry.startsWith('IP:') ? `IP.1 = ${entry.slice(3)}` : `DNS.1 = ${entry.slice(4)}`;
  return (
    `Re-issue the server certificate with \`subjectAltName = ${entry}\` in the extension file you sign with: ` +
    `\`openssl x509 -req -in lampi_server.csr -CA lampi_ca.crt -CAkey lampi_ca.key -CAcreateserial -days 365 -extfile server.ext\`, ` +
    `where server.ext holds \`subjectAltName = ${entry}\` (or \`subjectAltName = @alt_names\` and an \`[alt_names]\` section with \`${section}\`). ` +
    '`-addext` on the CSR alone is lost: `openssl x509 -req` does not copy a CSR\'s extensions. Then restart mosquitto.'
  );
}

/** The seeds' warnings about dialling an address, which hold even when the certificate lists it. */
export const IP_TARGET_WARNINGS =
  'Seed 000: name the broker by its FQDN, not an address (an address changes, an FQDN can move with it). Seed 001: the ESP8266\'s TLS library cannot validate an IP address, so a lamp\'s ESP8266 will not connect to it whatever the certificate lists.';

export function hostnameVerdict(serverChain: ServerChainFacts, host: string): Outcome {
  if (!serverChain.available) return skip(`could not see the server's certificate: ${chainUnavailableReason(serverChain.unavailable)}`, undefined, undefined, 'not-seen');
  const leaf = serverChain.certificates[0];
  const san = [...leaf.dnsNames.map((name) => `DNS:${name}`), ...leaf.ipAddresses.map((ip) => `IP:${ip}`)];
  const evidence = { host, subjectAltName: san, commonName: leaf.commonName ?? null, opensslVerifyCode: 0 };
  const refused = { ...evidence, opensslVerifyCode: 62 };
  const reissue = reissueHint(host);

  if (!isIP(host) && host.endsWith('.')) {
    const bare = host.slice(0, -1);
    return fail(
      `the target ${host} ends with a trailing dot: OpenSSL does not match it against the certificate's names (hostname mismatch), although ${bare} ${hostMatches(leaf, bare) ? 'is' : 'would be checked as'} listed`,
      `Drop the trailing dot: use ${bare} on the command line, in the clients and in the bridge's \`address\` line.`,
      refused,
      'trailing-dot',
    );
  }
  const matched = matchingName(leaf, host);
  if (matched !== undefined) {
    if (!isIP(host) && isPartialWildcard(matched)) {
      return warn(
        `${host} matches the certificate's partial wildcard DNS:${matched}: OpenSSL and Mosquitto accept it (s_client -verify_hostname verifies), browsers (wss://) refuse wildcards that are not a whole label`,
        `${reissue} A whole-label wildcard (\`*.${matched.slice(matched.indexOf('.') + 1)}\`) or the exact name works everywhere.`,
        evidence,
        'partial-wildcard',
      );
    }
    return pass(`${host} matches the certificate's subjectAltName (${san.join(', ')})`, evidence, 'ok');
  }
  // X509_check_host falls back to the CN only when the certificate has no DNS subjectAltName (IP entries do not count).
  const cnNamesHost = Boolean(leaf.commonName && !isIP(host) && dnsNameMatches(leaf.commonName, host));
  if (san.length === 0) {
    if (cnNamesHost) {
      return warn(
        `the certificate names ${host} only in its CN and has no subjectAltName: openssl and Mosquitto still accept that, browsers (wss://) and modern clients do not`,
        reissue,
        evidence,
        'cn-only',
      );
    }
    return fail(`the certificate has no subjectAltName and its CN (${leaf.commonName ?? 'none'}) is not ${host}`, reissue, refused, 'no-san');
  }
  if (cnNamesHost && leaf.dnsNames.length === 0) {
    return warn(
      `the certificate names ${host} only in its CN; its subjectAltName has no DNS entry (${san.join(', ')}), so OpenSSL and Mosquitto fall back to the CN and accept it, browsers (wss://) and modern clients do not`,
      reissue.replace(`\`subjectAltName = ${sanEntry(host)}\``, `\`subjectAltName = ${sanEntry(host)}, ${san.join(', ')}\``),
      evidence,
      'cn-without-dns-san',
    );
  }
  const cnNote = cnNamesHost ? ` Its CN is ${leaf.commonName}, but the CN is ignored once a certificate has a DNS subjectAltName.` : '';
  return fail(
    `the certificate is for ${san.join(', ')}, not ${host}${cnNote ? `.${cnNote}` : ''}`,
    `${reissue} Clients, and the bridge's \`address\` line, must use a name the certificate lists.${isIP(host) ? ` ${IP_TARGET_WARNINGS}` : ''}`,
    refused,
    'mismatch',
  );
}
