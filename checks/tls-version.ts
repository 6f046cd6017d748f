import { tlsVersionMeaning } from '../src/config/mosquitto-versions.js';
import { acceptedThenEnded, handshakeNotThrough, refusedForCipher, versionDetail } from './verdicts/tls-facts.js';
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
    'tls12-no-shared-cipher': 'TLS 1.2 is refused with no cipher suite in common (alert 40): the listener\'s `ciphers` line, not `tls_version`',
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
    if (refusedForCipher(tls12)) {
      // Alert 40 before the server's hello: it has the version but no TLS 1.2 suite it may use with
      // what the client offers. `ciphers` sets TLS 1.2 and older suites only, so TLS 1.3 still works.
      const tls13 = protocolSupport.versions.find((probe) => probe.version === 'TLSv1.3');
      const algorithm = leaf?.publicKey.algorithm;
      const suites = algorithm === 'EC' ? 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384' : algorithm === 'RSA' ? 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384' : 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256';
      return fail(
        `the server refuses TLS 1.2 (${tail}) with alert 40 (handshake failure) before choosing a cipher: it allows no TLS 1.2 suite that standard clients offer${algorithm ? ` for its ${algorithm} key` : ''}, which the listener's \`ciphers\` line decides (\`tls_version\` is not the cause${tls13?.result === 'accepted' ? '; `ciphers` does not set TLS 1.3 suites, so TLS 1.3 works' : ''})`,
        `Clients that speak at most TLS 1.2 cannot connect. Make the listener's \`ciphers\` line allow suites standard clients offer${algorithm ? ` for its ${algorithm} key` : ''}, e.g. \`ciphers ${suites}\`, or remove the line to get OpenSSL's defaults, then restart mosquitto. \`tls_version\` needs no change.`,
        { ...evidence, tls12Alert: tls12?.alertNumber ?? null },
        'tls12-no-shared-cipher',
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
    const ended = acceptedThenEnded(protocolSupport.versions, versionLabel);
    return pass(`${negotiated}${tail}${ended ? ` (${ended})` : ''}`, evidence, 'ok');
  },
});
