// The server chain's verdict, shared by tls.chain and wss.handshake. Node records one verification
// error (OpenSSL's last); OpenSSL's clients stop at the first. So faults Node's error can hide (an
// expired leaf masks an unknown CA; SECLEVEL=0 lets SHA-1 through; 'UNSPECIFIED' for errors Node has no name for)
// are found from the certificates themselves, and each is named with the code s_client would print.
import type { Outcome } from '../../src/engine/types.js';
import { chainUnavailableReason } from './tls-facts.js';
import type { ChainEntry, ServerChainFacts } from '../../src/facts.js';
import { fail, pass, skip } from '../define.js';
import { describeKeyUsage, keyUsageAllowsServer, keyUsageForbidsSigning, usableAsServer } from './purpose.js';
import { nameConstraintViolation } from './name-constraints.js';

/** Every finding code chainVerdict gives, with its title (tls.chain declares these). */
export const CHAIN_CODES = {
  ok: 'The server\'s chain verifies to the CA',
  'not-seen': 'Not tested: the server\'s certificate could not be seen',
  'capath-unhashed': '--ca is a folder without the hash links `openssl rehash` makes',
  'self-signed': 'The server certificate is self-signed, not issued by a CA',
  'server-key-usage': 'The server certificate\'s keyUsage does not allow a TLS server',
  'server-purpose': 'The server certificate\'s extendedKeyUsage lacks serverAuth',
  'path-length-exceeded': 'A CA in the chain has more CAs below it than its pathlen allows',
  'unhandled-critical-extension': 'A certificate in the chain has a critical extension OpenSSL does not handle',
  'invalid-ca': 'A certificate that issues another in the chain is not a CA to OpenSSL',
  'name-constraints': 'The server\'s name is outside the name constraints of a CA in the chain',
  unspecified: 'OpenSSL refused the chain for a reason Node does not name',
  'ca-lacks-root': '--ca holds an intermediate but not the root that issued it',
  'missing-intermediate': 'The server does not send the intermediate CA that issued its certificate',
  'unknown-ca': 'The chain leads to a CA that --ca does not hold',
  'ca-file-not-ca': '--ca holds only non-CA certificates (a server or client certificate given as the CA)',
  'weak-signature': 'A certificate in the chain is signed with a hash OpenSSL 3 refuses (SHA-1, MD5)',
  'not-verified': 'The chain does not verify for another reason',
} as const;

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
  PATH_LENGTH_EXCEEDED: 25,
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
      ...(cert.servedInstead ? { servedInstead: cert.servedInstead } : {}),
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
  // Refused: the local walk found no anchor, or Node's error is more than a date.
  const refused = facts.localAnchor?.ok === false || Boolean(error && !DATES_ONLY.has(error));

  const unhashed = facts.caFile?.unhashedFiles ?? [];
  // The rehash is the fix only when an unlinked file holds the CA the chain misses (when the facts say
  // what they hold); a folder of other CAs is an unknown CA, rehashed or not.
  const issuerUnlinked = facts.caFile?.unhashedSubjects ? facts.caFile.unhashedSubjects.includes(top.issuer) : true;
  if (refused && unhashed.length > 0 && issuerUnlinked && !facts.caFile?.certificates.some((ca) => ca.subject === top.issuer)) {
    return {
      summary: `--ca ${facts.caFile?.path} is a folder whose certificate files (${unhashed.slice(0, 3).join(', ')}${unhashed.length > 3 ? ', ...' : ''}) have no hash links: OpenSSL (and mosquitto_pub --capath) find no CA there, so the chain does not verify`,
      hint: `Run \`openssl rehash ${facts.caFile?.path}\` (or \`c_rehash\`) after adding CA files to the folder; on a broker, the same holds for a listener's \`capath\`.`,
      code: 'capath-unhashed',
      // Mosquitto sends its cafile's root along (OpenSSL's auto-chain), which s_client then reports as 19.
      openssl: top.selfIssued && top.depth > 0 ? 19 : 20,
    };
  }
  // --ca holding only leaf certificates (the server's own, a client's): no CA to verify anything with.
  const trusted = facts.trustStore === 'ca-file' ? (facts.caFile?.certificates ?? []) : [];
  if (refused && trusted.length > 0 && trusted.every((ca) => !ca.isCa && !ca.anchorOnlyCa && !(ca.selfIssued && ca.subject === leaf.subject))) {
    const held = trusted.slice(0, 2).map((ca) => ca.subject).join('; ');
    return {
      summary: `--ca ${facts.caFile?.path} holds no CA certificate, only ${held}${trusted.length > 2 ? ', ...' : ''} (basicConstraints CA:FALSE: a server or client certificate), so nothing there can verify the server's chain`,
      hint: `Pass the CA that issued the server certificate as --ca (the seed's lampi_ca.crt; the server's chain names it: ${top.issuer}). The server needs no change for this: a leaf certificate is no trust anchor.`,
      code: 'ca-file-not-ca',
      openssl: top.selfIssued && top.depth > 0 ? 19 : 20,
    };
  }
  if (refused) {
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
    if (error === 'PATH_LENGTH_EXCEEDED') {
      // OpenSSL counts the non-self-issued CAs between a CA and the leaf against that CA's pathlen.
      const culprit = certs.find((cert, depth) => depth > 1 && cert.pathLength !== undefined && certs.slice(1, depth).filter((below) => !below.selfIssued).length > cert.pathLength);
      const who = culprit ? `${culprit.commonName ?? culprit.subject} (depth ${culprit.depth}) has pathlen:${culprit.pathLength}` : 'a CA in the chain has a pathlen (basicConstraints pathlen:N)';
      return {
        summary: `${who} but more CAs below it in the server's chain (${describeChain(certs)}): OpenSSL refuses the chain (path length constraint exceeded)`,
        hint: 'Re-issue the CA that carries the pathlen with a larger `pathlen:N` (or none), or issue the server certificate from that CA directly, then put the new chain in `certfile` and restart mosquitto. `openssl x509 -noout -ext basicConstraints -in <each CA>` shows the pathlen; `openssl verify -CAfile lampi_ca.crt -untrusted chain.crt chain.crt` prints error 25 and its depth.',
        code: 'path-length-exceeded',
        openssl: 25,
      };
    }
    const critical = certs.find((cert) => (cert.unhandledCriticalExtensions ?? []).length > 0);
    if (critical) {
      const oids = critical.unhandledCriticalExtensions ?? [];
      return {
        summary: `${critical.commonName ?? critical.subject} (depth ${critical.depth}) has a critical extension OpenSSL does not handle (${oids.join(', ')}): OpenSSL refuses the chain with "unhandled critical extension"`,
        hint: `Re-issue that certificate without the extension, or with it marked non-critical (drop \`critical,\` from its line in the extension file you sign with), point \`certfile\` at it and restart mosquitto. \`openssl verify -CAfile lampi_ca.crt lampi_server.crt\` prints the same error 34.`,
        code: 'unhandled-critical-extension',
        openssl: 34,
      };
    }
    if (error === 'UNSPECIFIED' || error === 'PERMITTED_SUBTREE_VIOLATION' || error === 'EXCLUDED_SUBTREE_VIOLATION') {
      // Node does not name OpenSSL's errors 47 and 48: the CAs' name constraints show them.
      const issuers = [...certs.slice(1), ...(facts.caFile?.certificates.filter((ca) => certs.some((cert) => cert.issuer === ca.subject)) ?? [])];
      const outside = nameConstraintViolation(leaf, issuers);
      if (outside) {
        const allowed = outside.ca.nameConstraints!.permitted.filter((subtree) => subtree !== 'other').join(', ');
        return {
          summary: `the server's name ${outside.name} is ${outside.rule === 'excluded' ? 'excluded by' : 'outside'} the name constraints of ${outside.ca.subject}${allowed ? ` (it permits ${allowed})` : ''}: OpenSSL refuses the chain (${outside.rule === 'excluded' ? 'excluded subtree violation' : 'permitted subtree violation'})`,
          hint: `A name-constrained CA vouches only for the names it permits, and the server certificate names ${outside.names.join(', ')} outside them: issue it from a CA without such constraints, or re-issue ${outside.ca.commonName ?? 'that CA'} so that its constraints cover every name the certificate carries (\`nameConstraints = critical, ${outside.names.map((name) => `permitted;${name.startsWith('IP:') ? `${name}/255.255.255.255` : name}`).join(', ')}\` beside its other subtrees, in its extension file). \`openssl verify -CAfile lampi_ca.crt lampi_server.crt\` prints error ${outside.rule === 'excluded' ? 48 : 47}.`,
          code: 'name-constraints',
          openssl: outside.rule === 'excluded' ? 48 : 47,
        };
      }
    }
    if (error === 'UNSPECIFIED') {
      // Node names only some of OpenSSL's verify errors; the rest arrive as UNSPECIFIED, with only the
      // leaf in view. Blame a non-CA issuer only when the CA file shows one; otherwise say we do not know.
      const issuerInCa = facts.caFile?.certificates.filter((ca) => ca.subject === leaf.issuer) ?? [];
      // Node lists the sent chain only through certificates OpenSSL accepts as issuers (X509_check_issued):
      // a lone leaf whose issuer is neither missing (Node would say so) nor in --ca was sent but refused as a CA.
      const sentIssuerRefused = certs.length === 1 && !leaf.selfIssued && issuerInCa.length === 0 && facts.caFile !== undefined;
      if (sentIssuerRefused || (issuerInCa.length > 0 && issuerInCa.every((ca) => !ca.isCa && !ca.anchorOnlyCa))) {
        return {
          summary: `OpenSSL refused the chain above ${leaf.commonName ?? leaf.subject}: its issuer (${leaf.issuer}${sentIssuerRefused ? ', sent by the server' : ` in ${trust}`}) is not a CA to OpenSSL (basicConstraints CA:FALSE, or a keyUsage without keyCertSign): invalid CA certificate`,
          hint: `${REISSUE_FROM_CA}; only a certificate made with \`basicConstraints = critical, CA:TRUE\` may sign others. \`openssl verify -CAfile lampi_ca.crt lampi_server.crt\` names the error.`,
          code: 'invalid-ca',
          openssl: 79,
        };
      }
      return {
        summary: `OpenSSL refused the server's chain (${describeChain(certs)}) for a reason Node does not name (UNSPECIFIED); the certificates seen do not show which, so lampi-doctor cannot tell the cause`,
        hint: `See the reason with \`openssl verify -show_chain -CAfile lampi_ca.crt lampi_server.crt\` on the broker host, or \`openssl s_client -connect HOST:PORT -verify_return_error -CAfile lampi_ca.crt </dev/null\` (it prints "verify error:num=N" and the depth).${noCaHint}`,
        code: 'unspecified',
        openssl: -1,
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
  // OpenSSL takes a v1 root, or a keyUsage-only CA, as the trust anchor at the top, never below it.
  const notCa = certs.slice(1).find((cert, index) => !cert.isCa && !(cert.anchorOnlyCa && index === certs.length - 2));
  if (notCa) {
    return {
      summary: `${notCa.subject} signed the next certificate in the chain but is not a CA (basicConstraints CA:FALSE): OpenSSL refuses the chain (invalid CA certificate)`,
      hint: `${REISSUE_FROM_CA}; only a certificate made with \`basicConstraints = critical, CA:TRUE\` may sign others.`,
      code: 'invalid-ca',
      openssl: 79,
    };
  }
  // (An INVALID_PURPOSE error was answered above.)
  if (!usableAsServer(leaf)) return purposeFault(leaf);
  const weak = certs.find((cert) => !(cert.selfIssued && cert.depth > 0) && WEAK_HASHES.has(cert.signature.hash));
  if (weak?.servedInstead) {
    // The weak one is --ca's own copy of an intermediate: the broker's files are fine, the CA file is not.
    return {
      summary: `${trust} holds a copy of ${weak.subject} signed with ${weak.signature.algorithm} (same name and key as the one the broker sends), and OpenSSL verifies through it, as it looks in the CA file first: at its default security level it refuses ${weak.signature.hash} signatures (ca md too weak), so clients using this CA file will not verify the broker`,
      hint: `Take that copy of ${weak.subject} out of the CA file (${trust}; the root alone is enough), or replace it with the one the broker sends; the broker needs no change. \`openssl storeutl -noout -text -certs FILE | grep -E 'Subject:|Signature Algorithm'\` shows which certificate it is.`,
      code: 'weak-signature',
      openssl: 68,
    };
  }
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
  if (!keyUsageAllowsServer(leaf)) {
    const rsa = leaf.publicKey.algorithm === 'RSA';
    return {
      summary: `the server certificate's keyUsage is ${describeKeyUsage(leaf)}, without digitalSignature${rsa ? ' or keyEncipherment' : ''}: OpenSSL's sslserver purpose check refuses it (unsupported certificate purpose)${keyUsageForbidsSigning(leaf) ? `, and its ${leaf.publicKey.algorithm} key may not sign a TLS 1.2 ECDHE handshake` : ''}`,
      hint: `Re-issue it with \`keyUsage = critical, digitalSignature${rsa ? ', keyEncipherment' : ''}\` (keyCertSign belongs on CA certificates) beside \`extendedKeyUsage = serverAuth\` and its subjectAltName in the server extension file (openssl x509 -req ... -extfile server.ext), point \`certfile\` at it and restart mosquitto. \`openssl verify -purpose sslserver -CAfile lampi_ca.crt lampi_server.crt\` must then print OK.`,
      code: 'server-key-usage',
      openssl: 26,
    };
  }
  return {
    summary: `the server certificate may not be used by servers: its extendedKeyUsage is ${leaf.extendedKeyUsage.join(', ') || 'none'}, without serverAuth (unsupported certificate purpose)`,
    hint: `Re-issue it with the server extension file: \`extendedKeyUsage = serverAuth\` and its subjectAltName (openssl x509 -req ... -extfile server.ext), point \`certfile\` at it and restart mosquitto.`,
    code: 'server-purpose',
    openssl: 26,
  };
}

export function chainVerdict(serverChain: ServerChainFacts, caPath: string | undefined): Outcome {
  if (!serverChain.available) return skip(`could not see the server's certificate: ${chainUnavailableReason(serverChain.unavailable)}`, undefined, undefined, 'not-seen');
  const certs = serverChain.certificates;
  const trust = serverChain.trustStore === 'ca-file' ? `--ca ${caPath ?? ''}`.trim() : 'the system trust store';
  const noCaHint = serverChain.trustStore === 'system' ? ' You gave no --ca: pass the private CA, e.g. --ca lampi_ca.crt.' : '';
  const fault = chainFault(serverChain, trust, noCaHint);
  if (fault) return fail(fault.summary, fault.hint, chainEvidence(serverChain, caPath, fault.openssl), fault.code);
  const error = serverChain.verifyError;
  const dates = error ? ' (its dates fail: see tls.validity)' : '';
  return pass(`chain of ${certs.length} verifies to ${trust}: ${describeChain(certs)}${dates}`, chainEvidence(serverChain, caPath, error ? OPENSSL_VERIFY_CODES[error] ?? null : 0), 'ok');
}
