import { diagnosisCheck, fail, pass, warn } from './define.js';
import { IP_TARGET_WARNINGS } from './verdicts/hostname.js';

const FQDN_HINT = (host: string, names: string[]) => {
  const fqdn = names[0] ?? 'your.broker.fqdn';
  return `Use the FQDN the certificate names${names.length ? ` (${names.join(', ')})` : ''}, e.g. \`lampi-doctor ${fqdn} --resolve ${fqdn}:${host}\`; the bridge's \`address\` line needs that FQDN too.`;
};

export const dnsResolve = diagnosisCheck({
  id: 'dns.resolve',
  title: 'The name resolves',
  dependsOn: [],
  needs: ['resolution', 'literalTarget'],
  codes: {
    ok: 'The name resolves',
    'ip-literal': 'The target is an IP address; the server certificate lists it, but devices should not rely on it',
    'ip-not-in-certificate': 'The target is an IP address that the server certificate does not list',
    'ip-literal-unverified': 'The target is an IP address (the certificate could not be seen to compare)',
    timeout: 'The DNS lookup timed out',
    'does-not-resolve': 'The name does not resolve',
  },
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
      if (literalTarget.coveredBySan === null) {
        return warn(
          `${resolution.host} is an IP address: certificates name the broker by its FQDN (the server's certificate could not be seen to compare)`,
          `${FQDN_HINT(resolution.host, names)} ${IP_TARGET_WARNINGS}`,
          evidence,
          'ip-literal-unverified',
        );
      }
      return warn(
        `${resolution.host} is an IP address: certificates name the broker by its FQDN, so TLS clients will reject it`,
        `${FQDN_HINT(resolution.host, names)} ${IP_TARGET_WARNINGS}`,
        evidence,
        'ip-not-in-certificate',
      );
    }
    if (resolution.addresses.length > 0) {
      const via = resolution.source === '--resolve' ? ' (from --resolve)' : '';
      return pass(`${resolution.host} resolves to ${resolution.addresses.join(', ')}${via}`, evidence, 'ok');
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
      'does-not-resolve',
    );
  },
});
