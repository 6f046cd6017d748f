import { diagnosisCheck, fail, pass, warn } from './define.js';
import { IP_TARGET_WARNINGS } from './verdicts/hostname.js';

export const dnsResolve = diagnosisCheck({
  id: 'dns.resolve',
  title: 'The name resolves',
  dependsOn: [],
  needs: ['resolution', 'literalTarget'],
  run({ resolution, literalTarget }) {
    const evidence = { host: resolution.host, addresses: resolution.addresses, source: resolution.source };
    if (resolution.isIpLiteral) {
      if (literalTarget.coveredBySan) {
        // OpenSSL accepts an IP SAN, but the seeds warn against dialling addresses all the same.
        return warn(
          `${resolution.host} is an IP address; the server certificate lists it in its SAN, so OpenSSL clients accept it, but devices and the seeds' setup should not rely on it`,
          IP_TARGET_WARNINGS,
          evidence,
          'ip-literal',
        );
      }
      const names = literalTarget.certificateNames;
      const fqdn = names[0] ?? 'your.broker.fqdn';
      return warn(
        `${resolution.host} is an IP address: certificates name the broker by its FQDN, so TLS clients will reject it`,
        `Use the FQDN the certificate names${names.length ? ` (${names.join(', ')})` : ''}, e.g. \`lampi-doctor ${fqdn} --resolve ${fqdn}:${resolution.host}\`; the bridge's \`address\` line needs that FQDN too. ${IP_TARGET_WARNINGS}`,
        evidence,
        'ip-not-in-certificate',
      );
    }
    if (resolution.addresses.length > 0) {
      const via = resolution.source === '--resolve' ? ' (from --resolve)' : '';
      return pass(`${resolution.host} resolves to ${resolution.addresses.join(', ')}${via}`, evidence);
    }
    if (resolution.errorCode === 'ETIMEOUT') {
      return fail(
        `looking up ${resolution.host} timed out: the DNS resolver sent no answer within ${resolution.timeoutMs ?? resolution.elapsedMs} ms`,
        'The DNS resolver does not answer: check /etc/resolv.conf and the network; to test without DNS use --resolve NAME:ADDRESS.',
        { ...evidence, errorCode: resolution.errorCode },
        'timeout',
      );
    }
    return fail(
      `${resolution.host} does not resolve (${resolution.errorCode ?? 'no addresses'})`,
      `Check the spelling of the FQDN, or create its DNS record; to test a server before its DNS exists use --resolve ${resolution.host}:ADDRESS.`,
      { ...evidence, errorCode: resolution.errorCode },
    );
  },
});
