import type { ChainEntry, ServerChainFacts } from '../src/facts.js';
import { chainUnavailableReason } from './verdicts/tls-facts.js';
import type { Outcome } from '../src/engine/types.js';
import { diagnosisCheck, fail, pass, skip } from './define.js';

const ISSUER_MISSING = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT']);
const DATES_ONLY = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

function chainEvidence(facts: ServerChainFacts, caPath?: string) {
  return {
    depth: facts.certificates.length,
    chain: facts.certificates.map((cert) => ({
      depth: cert.depth,
      subject: cert.subject,
      issuer: cert.issuer,
      notAfter: cert.notAfter,
      inCaFile: cert.inCaFile,
    })),
    verifyError: facts.verifyError ?? null,
    trustStore: facts.trustStore === 'ca-file' ? (caPath ?? 'ca-file') : 'system roots',
  };
}

function describeChain(certs: ChainEntry[]): string {
  return certs.map((cert) => cert.commonName ?? cert.subject).join(' <- ');
}

function unknownCa(facts: ServerChainFacts, top: ChainEntry, evidence: Outcome['evidence'], trust: string): Outcome {
  const sameName = facts.caFile?.certificates.some((ca) => ca.subject === top.issuer || ca.subject === top.subject);
  const detail = sameName
    ? `a CA named like yours (${top.issuer}) but with another key: the CA was regenerated after the server certificate was issued, or the other way round`
    : `${top.issuer}, which ${trust} does not hold`;
  return fail(
    `unknown CA: the server's chain leads to ${detail}`,
    `Re-issue the server certificate from your CA (openssl x509 -req -CA lampi_ca.crt -CAkey lampi_ca.key ...) and point \`certfile\` at it, or pass the CA that did issue it as --ca.`,
    evidence,
  );
}

export const tlsChain = diagnosisCheck({
  id: 'tls.chain',
  title: 'The certificate chain verifies to the CA',
  dependsOn: ['tcp.connect'],
  needs: ['serverChain'],
  run({ serverChain }, { caPath }) {
    if (!serverChain.available) return skip(`could not see the server's certificate: ${chainUnavailableReason(serverChain.unavailable)}`);
    const evidence = chainEvidence(serverChain, caPath);
    const certs = serverChain.certificates;
    const leaf = certs[0];
    const top = certs[certs.length - 1];
    const trust = serverChain.trustStore === 'ca-file' ? `--ca ${caPath ?? ''}`.trim() : 'the system trust store';
    const error = serverChain.verifyError;

    if (!error || DATES_ONLY.has(error)) {
      const dates = error ? ' (its dates fail: see tls.validity)' : '';
      return pass(`chain of ${certs.length} verifies to ${trust}: ${describeChain(certs)}${dates}`, evidence);
    }
    const noCaHint = serverChain.trustStore === 'system' ? ' You gave no --ca: pass the private CA, e.g. --ca lampi_ca.crt.' : '';
    if (error === 'DEPTH_ZERO_SELF_SIGNED_CERT') {
      return fail(
        `the server certificate is self-signed (${leaf.subject}), not issued by a CA`,
        `Issue the server certificate from your CA (openssl x509 -req -in server.csr -CA lampi_ca.crt -CAkey lampi_ca.key ...) and point \`certfile\` at it.${noCaHint}`,
        evidence,
      );
    }
    if (error === 'SELF_SIGNED_CERT_IN_CHAIN') return unknownCa(serverChain, top, evidence, trust);
    if (ISSUER_MISSING.has(error)) {
      const knownIssuer = serverChain.caFile?.certificates.some((ca) => ca.subject === top.issuer);
      if (knownIssuer || serverChain.trustStore === 'system') return unknownCa(serverChain, top, evidence, trust);
      return fail(
        `missing intermediate: the server sent ${certs.length === 1 ? 'only its own certificate' : `${certs.length} certificates`} without "${top.issuer}" that issued ${certs.length === 1 ? 'it' : 'the last one'}, and ${trust} lacks it`,
        'certfile must hold the leaf followed by the intermediate: `cat lampi_server.crt intermediate.crt > lampi_server-chain.crt`, point `certfile` at that file and restart mosquitto (if that issuer is not under your CA, --ca is the wrong CA).',
        evidence,
      );
    }
    return fail(
      `the chain does not verify against ${trust}: ${error}`,
      `OpenSSL reports ${error}; compare the chain below with \`openssl verify -CAfile lampi_ca.crt lampi_server.crt\` on the broker host.${noCaHint}`,
      evidence,
    );
  },
});
