import { dnsNameMatches, hostMatches } from '../src/certs/names.js';
import { chainUnavailableReason } from './verdicts/tls-facts.js';
import { diagnosisCheck, fail, pass, skip, warn } from './define.js';

export const tlsHostname = diagnosisCheck({
  id: 'tls.hostname',
  title: 'The certificate names the host',
  dependsOn: ['tcp.connect'],
  needs: ['serverChain'],
  run({ serverChain }, { host }) {
    if (!serverChain.available) return skip(`could not see the server's certificate: ${chainUnavailableReason(serverChain.unavailable)}`);
    const leaf = serverChain.certificates[0];
    const san = [...leaf.dnsNames.map((name) => `DNS:${name}`), ...leaf.ipAddresses.map((ip) => `IP:${ip}`)];
    const evidence = { host, subjectAltName: san, commonName: leaf.commonName ?? null };
    const reissue = `Re-issue the server certificate with \`subjectAltName = DNS:${host}\` (openssl: \`-addext "subjectAltName=DNS:${host}"\`, or an [alt_names] section in the extfile) and restart mosquitto.`;

    if (hostMatches(leaf, host)) {
      return pass(`${host} matches the certificate's subjectAltName (${san.join(', ')})`, evidence);
    }
    if (san.length === 0) {
      if (leaf.commonName && dnsNameMatches(leaf.commonName, host)) {
        return warn(
          `the certificate names ${host} only in its CN and has no subjectAltName: openssl and Mosquitto accept that, browsers (wss://) and modern clients do not`,
          reissue,
          evidence,
        );
      }
      return fail(`the certificate has no subjectAltName and its CN (${leaf.commonName ?? 'none'}) is not ${host}`, reissue, evidence);
    }
    return fail(
      `the certificate is for ${san.join(', ')}, not ${host}`,
      `${reissue} Clients, and the bridge's \`address\` line, must use a name the certificate lists.`,
      evidence,
    );
  },
});
