// The server chain's verdict, shared by tls.chain and wss.handshake. Node records one verification
// error (OpenSSL's last); OpenSSL's clients stop at the first. So faults Node's error can hide (an
// expired leaf masks an unknown CA; SECLEVEL=0 lets SHA-1 through; 'UNSPECIFIED' for a non-CA issuer)
// are found from the certificates themselves, and each is named with the code s_client would print.
import type { Outcome } from '../../src/engine/types.js';
import type { ChainEntry, ServerChainFacts } from '../../src/facts.js';
import { fail, pass, skip } from '../define.js';
import { usableAsServer } from './purpose.js';

/** Node's error names -> OpenSSL's X509_V_ERR numbers (what `openssl s_client` prints as verify error:num=N). */
export const OPENSSL_VERIFY_CODES: Record<string, number> = {
  UNABLE_TO_GET_ISSUER_CERT: 2,
  CERT_SIGNATURE_FAILURE: 7,
  CERT_NOT_YET_VALID: 9,
  CERT_HAS_EXPIRED: 10,
  DEPTH_ZERO_SELF_SIGNED_CERT: 18,
  SELF_SIGNED_CERT_IN_CHAIN: 19,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 20,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 21,
  INVALID_PURPOSE: 26,
  HOSTNAME_MISMATCH: 62,
  EE_KEY_TOO_SMALL: 66,
  CA_KEY_TOO_SMALL: 67,
  CA_MD_TOO_WEAK: 68,
  INVALID_CA: 79,
};

const ISSUER_MISSING = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT']);
const DATES_ONLY = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const WEAK_HASHES = new Set(['SHA-1', 'MD5', 'MD2']);

function chainEvidence(facts: ServerChainFacts, caPath: string | undefined, opensslVerifyCode: number | null) {
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
    opensslVerifyCode,
    localAnchor: facts.localAnchor ? { ...facts.localAnchor } : null,
    trustStore: facts.trustStore === 'ca-file' ? (caPath ?? 'ca-file') : 'system roots',
  };
}

function describeChain(certs: ChainEntry[]): string {
  return certs.map((cert) => cert.commonName ?? cert.subject).join(' <- ');
}

interface Fault {
  summary: string;
  hint: string;
  code: string;
  openssl: number;
}

const REISSUE_FROM_CA = 'Re-issue the server certificate from your CA (openssl x509 -req -in lampi_server.csr -CA lampi_ca.crt -CAkey lampi_ca.key -CAcreateserial -days 365 -extfile server.ext) and point `certfile` at it';

function unknownCa(facts: ServerChainFacts, top: ChainEntry, trust: string): Fault {
  const sameName = facts.caFile?.certificates.some((ca) => ca.subject === top.issuer || (ca.subject === top.subject && top.depth > 0));
  const detail = sameName
    ? `a CA named like yours (${top.issuer}) but with another key: the CA was regenerated after the server certificate was issued, or the other way round`
    : `${top.issuer}, which ${trust} does not hold`;
  const rootSent = top.selfIssued && top.depth > 0;
  return {
    summary: `unknown CA: the server's chain leads to ${detail}`,
    hint: `${REISSUE_FROM_CA}, or pass the CA that did issue it as --ca.`,
    code: 'unknown-ca',
    openssl: rootSent ? 19 : 20,
  };
}

/** The fault that makes OpenSSL refuse the chain (anchoring first, as OpenSSL builds the chain first). */
function chainFault(facts: ServerChainFacts, trust: string, noCaHint: string): Fault | undefined {
  const certs = facts.certificates;
  const leaf = certs[0];
  const top = certs[certs.length - 1];
  const error = facts.verifyError;
  const anchorFailed = facts.localAnchor ? !facts.localAnchor.ok : Boolean(error && !DATES_ONLY.has(error));

  const unhashed = facts.caFile?.unhashedFiles ?? [];
  if ((anchorFailed || (error && !DATES_ONLY.has(error))) && unhashed.length > 0 && !facts.caFile?.certificates.some((ca) => ca.subject === top.issuer)) {
    return {
      summary: `--ca ${facts.caFile?.path} is a folder whose certificate files (${unhashed.slice(0, 3).join(', ')}${unhashed.length > 3 ? ', ...' : ''}) have no hash links: OpenSSL (and mosquitto_pub --capath) find no CA there, so the chain does not verify`,
      hint: `Run \`openssl rehash ${facts.caFile?.path}\` (or \`c_rehash\`) after adding CA files to the folder; on a broker, the same holds for a listener's \`capath\`.`,
      code: 'capath-unhashed',
      // Mosquitto sends its cafile's root along (OpenSSL's auto-chain), which s_client then reports as 19.
      openssl: top.selfIssued && top.depth > 0 ? 19 : 20,
    };
  }
  if (anchorFailed || (error && !DATES_ONLY.has(error))) {
    if (error === 'DEPTH_ZERO_SELF_SIGNED_CERT' || (certs.length === 1 && leaf.selfIssued && !leaf.inCaFile)) {
      const sameName = facts.caFile?.certificates.some((ca) => ca.subject === leaf.subject);
      if (!sameName) {
        return {
          summary: `the server certificate is self-signed (${leaf.subject}), not issued by a CA`,
          hint: `Issue the server certificate from your CA (openssl x509 -req -in server.csr -CA lampi_ca.crt -CAkey lampi_ca.key ...) and point \`certfile\` at it.${noCaHint}`,
          code: 'self-signed',
          openssl: 18,
        };
      }
    }
    if (error === 'INVALID_PURPOSE') return purposeFault(leaf);
    if (error === 'UNSPECIFIED') {
      // Node has no name for OpenSSL 3's X509_V_ERR_INVALID_CA (79) and then shows only the leaf.
      return {
        summary: `OpenSSL refused the chain above ${leaf.commonName ?? leaf.subject} with an error Node reports as UNSPECIFIED: in OpenSSL 3 that is "invalid CA certificate", an issuer (${leaf.issuer}) that is not a CA (basicConstraints CA:FALSE)`,
        hint: `${REISSUE_FROM_CA}; only a certificate made with \`basicConstraints = critical, CA:TRUE\` may sign others. \`openssl s_client -connect HOST:PORT -verify_return_error -CAfile lampi_ca.crt </dev/null\` names the error.`,
        code: 'invalid-ca',
        openssl: 79,
      };
    }
    const topInCa = top.inCaFile || facts.caFile?.certificates.some((ca) => ca.fingerprint256 === top.fingerprint256);
    if (topInCa && !top.selfIssued) {
      return {
        summary: `--ca holds ${top.commonName ?? top.subject}, an intermediate, but not the root that issued it (${top.issuer}): the trust file lacks the root, while the server's chain is complete`,
        hint: `Put the root CA into the --ca file (and the clients' cafile / the bridge's bridge_cafile): \`cat lampi_root_ca.crt >> ca.crt\`. OpenSSL only trusts a chain that ends at a self-signed root; nothing on the server needs to change.`,
        code: 'ca-lacks-root',
        openssl: 2,
      };
    }
    if (error === 'SELF_SIGNED_CERT_IN_CHAIN' || facts.localAnchor?.problem === 'bad-signature') return unknownCa(facts, top, trust);
    if (!error || DATES_ONLY.has(error) || ISSUER_MISSING.has(error)) {
      const knownIssuer = facts.caFile?.certificates.some((ca) => ca.subject === top.issuer);
      if (knownIssuer || facts.trustStore === 'system' || (top.selfIssued && top.depth > 0)) return unknownCa(facts, top, trust);
      return {
        summary: `missing intermediate: the server sent ${certs.length === 1 ? 'only its own certificate' : `${certs.length} certificates`} without "${top.issuer}" that issued ${certs.length === 1 ? 'it' : 'the last one'}, and ${trust} lacks it`,
        hint: 'certfile must hold the leaf followed by the intermediate: `cat lampi_server.crt intermediate.crt > lampi_server-chain.crt`, point `certfile` at that file and restart mosquitto (if that issuer is not under your CA, --ca is the wrong CA).',
        code: 'missing-intermediate',
        openssl: 20,
      };
    }
  }
  const notCa = certs.slice(1).find((cert) => !cert.isCa);
  if (notCa) {
    return {
      summary: `${notCa.subject} signed the next certificate in the chain but is not a CA (basicConstraints CA:FALSE): OpenSSL refuses the chain (invalid CA certificate)`,
      hint: `${REISSUE_FROM_CA}; only a certificate made with \`basicConstraints = critical, CA:TRUE\` may sign others.`,
      code: 'invalid-ca',
      openssl: 79,
    };
  }
  if (error === 'INVALID_PURPOSE' || !usableAsServer(leaf)) return purposeFault(leaf);
  const weak = certs.find((cert) => !(cert.selfIssued && cert.depth > 0) && WEAK_HASHES.has(cert.signature.hash));
  if (weak) {
    return {
      summary: `${weak.subject} is signed with ${weak.signature.algorithm}: OpenSSL 3 at its default security level refuses ${weak.signature.hash} signatures (ca md too weak), so clients will not verify this chain`,
      hint: `${REISSUE_FROM_CA.replace('openssl x509 -req', 'openssl x509 -req -sha256')}; restart mosquitto.`,
      code: 'weak-signature',
      openssl: 68,
    };
  }
  if (error && !DATES_ONLY.has(error)) {
    return {
      summary: `the chain does not verify against ${trust}: ${error}`,
      hint: `OpenSSL reports ${error}; compare the chain below with \`openssl verify -CAfile lampi_ca.crt lampi_server.crt\` on the broker host.${noCaHint}`,
      code: 'not-verified',
      openssl: OPENSSL_VERIFY_CODES[error] ?? -1,
    };
  }
  return undefined;
}

function purposeFault(leaf: ChainEntry): Fault {
  return {
    summary: `the server certificate may not be used by servers: its extendedKeyUsage is ${leaf.extendedKeyUsage.join(', ') || 'none'}, without serverAuth (unsupported certificate purpose)`,
    hint: `Re-issue it with the server extension file: \`extendedKeyUsage = serverAuth\` and its subjectAltName (openssl x509 -req ... -extfile server.ext), point \`certfile\` at it and restart mosquitto.`,
    code: 'server-purpose',
    openssl: 26,
  };
}

export function chainVerdict(serverChain: ServerChainFacts, caPath: string | undefined): Outcome {
  if (!serverChain.available) return skip(`could not see the server's certificate: ${serverChain.reason}`, undefined, undefined, 'not-seen');
  const certs = serverChain.certificates;
  const trust = serverChain.trustStore === 'ca-file' ? `--ca ${caPath ?? ''}`.trim() : 'the system trust store';
  const noCaHint = serverChain.trustStore === 'system' ? ' You gave no --ca: pass the private CA, e.g. --ca lampi_ca.crt.' : '';
  const fault = chainFault(serverChain, trust, noCaHint);
  if (fault) return fail(fault.summary, fault.hint, chainEvidence(serverChain, caPath, fault.openssl), fault.code);
  const error = serverChain.verifyError;
  const dates = error ? ' (its dates fail: see tls.validity)' : '';
  return pass(`chain of ${certs.length} verifies to ${trust}: ${describeChain(certs)}${dates}`, chainEvidence(serverChain, caPath, error ? OPENSSL_VERIFY_CODES[error] ?? null : 0), 'ok');
}
