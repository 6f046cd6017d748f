import type { CertificateInfo } from '../src/facts.js';
import { keyProblems } from './verdicts/key-strength.js';
import { chainUnavailableReason } from './verdicts/tls-facts.js';
import { diagnosisCheck, fail, pass, skip } from './define.js';

function keyLabel(cert: CertificateInfo): string {
  const { algorithm, bits, curve } = cert.publicKey;
  return algorithm === 'EC' ? `EC ${curve ?? `${bits} bits`}` : `${algorithm} ${bits ?? '?'} bits`;
}

export const tlsKey = diagnosisCheck({
  id: 'tls.key',
  title: 'Key strength and signatures',
  dependsOn: ['tcp.connect'],
  needs: ['serverChain'],
  codes: {
    ok: 'No weak key or signature in the chain',
    'weak-key': 'A key in the chain is too small',
    'weak-signature': 'A certificate in the chain is signed with a broken hash',
    'not-seen': 'Not tested: the server\'s certificate could not be seen',
  },
  run({ serverChain }) {
    if (!serverChain.available) return skip(`could not see the server's certificate: ${chainUnavailableReason(serverChain.unavailable)}`, undefined, undefined, 'not-seen', 'prerequisite-failed');
    const certs = serverChain.certificates;
    const rows = certs.map((cert) => ({
      subject: cert.subject,
      key: keyLabel(cert),
      signature: cert.signature.algorithm,
      problems: keyProblems(cert, cert.selfIssued && cert.depth > 0),
      ...(cert.servedInstead ? { fromCaFile: true } : {}),
    }));
    const evidence = { certificates: rows };
    const bad = rows.filter((row) => row.problems.length > 0);
    if (bad.length > 0) {
      const weakKey = bad.some((row) => row.problems.some((problem) => !problem.startsWith('signed with')));
      // Only --ca's own copies of intermediates are weak (OpenSSL verifies through them): the broker's files are fine.
      const onlyCaCopies = bad.every((row) => row.fromCaFile);
      const caFlag = ['--ca', serverChain.caFile?.path].filter(Boolean).join(' ');
      return fail(
        bad.map((row) => `${row.subject}${row.fromCaFile ? ` (the copy in ${caFlag})` : ''}: ${row.problems.join(', ')}`).join('; '),
        onlyCaCopies
          ? `Take the weak copy out of the CA file (${caFlag}; the root alone is enough) or replace it with the certificate the broker sends; the broker needs no change (see tls.chain).`
          : 'Generate a stronger key and re-issue: `openssl genrsa -out lampi_server.key 2048` (or `openssl ecparam -genkey -name prime256v1`), signed with `-sha256`; then update `keyfile`/`certfile` and restart mosquitto.',
        evidence,
        weakKey ? 'weak-key' : 'weak-signature',
      );
    }
    const leaf = rows[0];
    return pass(`server key ${leaf.key}, signed with ${leaf.signature}; no weak key or signature in the chain`, evidence, 'ok');
  },
});
