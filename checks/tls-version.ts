import { tlsVersionMeaning } from '../src/config/mosquitto-versions.js';
import { handshakeNotThrough, versionDetail } from './verdicts/tls-facts.js';
import { describeKeyUsage, keyUsageForbidsSigning } from './verdicts/purpose.js';
import { diagnosisCheck, fail, pass, skip, versionLabel, warn } from './define.js';

const LEGACY = new Set(['TLSv1', 'TLSv1.1']);

export const tlsVersion = diagnosisCheck({
  id: 'tls.version',
  title: 'TLS protocol versions',
  dependsOn: ['tcp.connect'],
  needs: ['protocolSupport', 'serverChain'],
  codes: {
    ok: 'TLS 1.2 is accepted and no legacy version is',
    'tls12-refused': 'The server refuses TLS 1.2',
    'leaf-key-usage': 'TLS 1.2 is refused because the EC server certificate\'s keyUsage lacks digitalSignature',
    'legacy-accepted': 'The server accepts TLS 1.0 or 1.1',
    'handshake-failed': 'Not tested: the TLS handshake did not get through',
  },
  run({ protocolSupport, serverChain }, { mosquitto }) {
    if (!protocolSupport.tested) return skip(`could not test: ${handshakeNotThrough(protocolSupport.handshakeOutcome)}`, undefined, undefined, 'handshake-failed', 'prerequisite-failed');
    const list = (result: string) =>
      protocolSupport.versions.filter((probe) => probe.result === result).map((probe) => versionLabel(probe.version));
    const accepted = list('accepted');
    const refused = list('refused');
    const untested = list('untested');
    const evidence = {
      negotiated: protocolSupport.negotiated,
      versions: protocolSupport.versions.map((probe) => ({ version: probe.version, result: probe.result, detail: versionDetail(probe) })),
    };
    const tail = [
      `accepts ${accepted.join(', ') || 'none'}`,
      refused.length ? `refuses ${refused.join(', ')}` : '',
      untested.length ? `could not test ${untested.join(', ')}` : '',
    ].filter(Boolean).join('; ');
    const negotiated = protocolSupport.negotiated ? `negotiated ${versionLabel(protocolSupport.negotiated)}; ` : '';

    const tls12 = protocolSupport.versions.find((probe) => probe.version === 'TLSv1.2');
    const leaf = serverChain.available ? serverChain.certificates[0] : undefined;
    if (tls12?.result === 'refused' && leaf && keyUsageForbidsSigning(leaf)) {
      // OpenSSL's TLS 1.2 server offers ECDHE-ECDSA only with a digitalSignature key; TLS 1.3 does not look.
      return fail(
        `the server refuses TLS 1.2 (${tail}) because its certificate's keyUsage (${describeKeyUsage(leaf)}) lacks digitalSignature: OpenSSL will not sign a TLS 1.2 ECDHE-ECDSA handshake with that ${leaf.publicKey.algorithm} key (alert 40, handshake failure), not because of \`tls_version\``,
        'Re-issue the server certificate with `keyUsage = critical, digitalSignature` and `extendedKeyUsage = serverAuth` in the server extension file (openssl x509 -req ... -extfile server.ext), point `certfile` at it and restart mosquitto; see tls.chain. No `tls_version` change is needed.',
        { ...evidence, leafKeyUsage: leaf.keyUsage ?? null },
        'leaf-key-usage',
      );
    }
    if (tls12?.result === 'refused') {
      return fail(
        `the server refuses TLS 1.2 (${tail})`,
        `Clients that speak at most TLS 1.2 cannot connect: a lamp on Mosquitto 1.x or 2.0.0-2.0.8 with the seed's \`bridge_tls_version tlsv1.2\` (those pin that exact version; 2.0.9+ treat it as a minimum) and many embedded TLS stacks. Set \`tls_version tlsv1.2\` on the listener (${mosquitto ? tlsVersionMeaning(mosquitto) : 'in Mosquitto 2.0.9+ the minimum version'}).`,
        evidence,
        'tls12-refused',
      );
    }
    const legacy = protocolSupport.versions.filter((probe) => LEGACY.has(probe.version) && probe.result === 'accepted');
    if (legacy.length > 0) {
      return warn(
        `the server still accepts legacy ${legacy.map((probe) => versionLabel(probe.version)).join(' and ')} (${tail})`,
        'Set `tls_version tlsv1.2` on the listener and remove any `ciphers ...@SECLEVEL=0` line that re-enables old protocols.',
        evidence,
        'legacy-accepted',
      );
    }
    return pass(`${negotiated}${tail}`, evidence, 'ok');
  },
});
