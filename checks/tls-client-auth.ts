import type { Outcome } from '../src/engine/types.js';
import { clientAuthDetail, clientAuthEvidence, handshakeNotThrough } from './verdicts/tls-facts.js';
import type { ClientCertificateFacts, HandshakeFacts } from '../src/facts.js';
import { diagnosisCheck, isoDay, skip } from './define.js';
import { dateFinding, describeDateFinding } from './verdicts/dates.js';
import { describeKeyUsage, ekuAllowsClient, keyUsageAllowsClient } from './verdicts/purpose.js';

interface Finding {
  status: 'fail' | 'warn';
  summary: string;
  hint: string;
  code: string;
}

function enforcementFindings(withoutCert: boolean | null | undefined, withUntrusted: boolean | null | undefined): Finding[] {
  const findings: Finding[] = [];
  if (withoutCert) {
    findings.push({
      status: 'fail',
      summary: 'the broker accepts TLS clients that send no certificate',
      hint: 'Add `require_certificate true` under the TLS listener (with `use_identity_as_username true`, as in the seed\'s port.conf) and restart mosquitto.',
      code: 'certificate-optional',
    });
  }
  if (withUntrusted) {
    findings.push({
      status: 'fail',
      summary: 'the broker accepts a client certificate from an unknown CA (a throwaway CA made for this test)',
      hint: 'Set `require_certificate true`, and make `cafile` name only your CA (lampi_ca.crt), not a system bundle or capath.',
      code: 'untrusted-accepted',
    });
  }
  return findings;
}

function clientCertificateFindings(client: ClientCertificateFacts, now: Date, warnDays: number, caPath?: string, brokerAccepted = false): Finding[] {
  if (!client.given || !client.certificate) return [];
  const cert = client.certificate;
  const findings: Finding[] = [];
  const dates = dateFinding(cert, now, warnDays);
  if (dates) {
    findings.push({
      status: dates.problem === 'expires-soon' ? 'warn' : 'fail',
      summary: `your client certificate ${describeDateFinding(dates).replace(cert.subject, '').trim()}`,
      hint: 'Re-issue the client certificate from the CA (openssl x509 -req ... -days 365) and install it as the bridge\'s `bridge_certfile`.',
      code: dates.problem === 'expires-soon' ? 'client-expires-soon' : dates.problem === 'expired' ? 'client-expired' : 'client-not-yet-valid',
    });
  }
  if (!keyUsageAllowsClient(cert)) {
    findings.push({
      status: 'fail',
      summary: `your client certificate may not be used by clients: its keyUsage is ${describeKeyUsage(cert)}, without digitalSignature (or keyAgreement), so OpenSSL's sslclient purpose check refuses it and the broker answers with alert 43 (unsupported certificate)`,
      hint: 'Re-issue it with a client extension file holding `keyUsage = critical, digitalSignature` (add keyEncipherment for RSA if you like) and `extendedKeyUsage = clientAuth` (openssl x509 -req -in client.csr -CA lampi_ca.crt -CAkey lampi_ca.key -days 365 -extfile client.ext). `openssl verify -purpose sslclient -CAfile lampi_ca.crt client.crt` must then print OK.',
      code: 'client-certificate-purpose',
    });
  }
  if (!ekuAllowsClient(cert)) {
    findings.push({
      status: 'fail',
      summary: `your client certificate may not be used by clients: its extendedKeyUsage is ${cert.extendedKeyUsage.join(', ')}, without clientAuth (OpenSSL does not count anyExtendedKeyUsage)`,
      hint: 'Re-issue it with a client extension file holding `extendedKeyUsage = clientAuth` (openssl x509 -req ... -extfile client.ext), not the server\'s.',
      code: 'client-purpose',
    });
  }
  if (client.chain && !client.chain.verified && client.chain.caEmpty) {
    findings.push({
      status: 'warn',
      summary: `your client certificate could not be checked: --ca ${caPath ?? ''} holds no certificate OpenSSL would find (a folder without hash links)`,
      hint: `Run \`openssl rehash ${caPath ?? '<folder>'}\`, or pass the CA file itself as --ca.`,
      code: 'ca-empty',
    });
  } else if (client.chain && !client.chain.verified && client.chain.problem === 'no-issuer' && client.chain.caHasRoot === false) {
    // OpenSSL only trusts chains that end at a root; tls.chain names the missing root.
    findings.push({
      status: 'warn',
      summary: `your client certificate could not be checked: --ca holds no root CA, only intermediates (issuer of yours: ${cert.issuer})`,
      hint: 'Put the root CA into the --ca file as well (the broker\'s cafile must hold it too).',
      code: 'ca-lacks-root',
    });
  } else if (client.chain && !client.chain.verified && !(brokerAccepted && client.chain.problem === 'no-issuer')) {
    // (A certificate the broker accepted is from a CA its cafile trusts, whatever --ca, which checks the server, holds.)
    const why =
      client.chain.problem === 'no-ca'
        ? { summary: 'your client certificate could not be checked against a CA (no --ca given)', hint: 'Pass the CA as --ca lampi_ca.crt.', code: 'no-ca' }
        : client.chain.problem === 'bad-signature'
          ? { summary: `your client certificate names ${cert.issuer} as issuer, but that CA's key did not sign it (CA regenerated?)`, hint: 'Re-issue the client certificate from the current CA key.', code: 'client-bad-signature' }
          : {
              summary: `your client certificate is not issued by ${caPath ? `--ca ${caPath}` : 'the CA'} (issuer: ${cert.issuer})`,
              // Its issuer may be an intermediate under that CA that --cert does not carry: sending it is the smaller fix.
              hint: cert.selfIssued
                ? 'Issue the client certificate from the CA the broker\'s `cafile` names.'
                : `If ${cert.issuer} is an intermediate CA under the CA the broker's \`cafile\` names, send it: append it to --cert after the leaf (\`cat client.crt intermediate.crt > client-chain.crt\`), as the lamp's bridge_certfile. Otherwise issue the client certificate from the CA the broker's \`cafile\` names.`,
              code: 'client-not-from-ca',
            };
    findings.push({ status: client.chain.problem === 'no-ca' ? 'warn' : 'fail', ...why });
  }
  return findings;
}

/**
 * How the broker showed it accepted the client certificate, if it did: the main handshake, made with
 * it, was accepted (TLS 1.2 checks the certificate before Finished; TLS 1.3 answers with a session
 * ticket, or with an alert that refuses it).
 */
function brokerAcceptance(handshake: HandshakeFacts | undefined): string | undefined {
  if (handshake?.clientCertificateSent && handshake.handshakeCompleted && handshake.outcome === 'accepted') return `the ${handshake.protocol ?? 'TLS'} handshake with it`;
  return undefined;
}

export const tlsClientAuth = diagnosisCheck({
  id: 'tls.client-auth',
  title: 'The broker enforces client certificates',
  dependsOn: ['tcp.connect'],
  // The main handshake, made with --cert, shows whether the broker accepted the client certificate.
  needs: ['clientAuth', 'clientCertificate', 'handshake'],
  codes: {
    ok: 'The broker refuses clients without a certificate or with an unknown CA\'s, and your client certificate is sound',
    unclear: 'The broker\'s answer to a missing or untrusted certificate was unclear',
    'not-tested': 'Not tested: the TLS handshake did not get through',
    'certificate-optional': 'The broker accepts TLS clients that send no certificate',
    'untrusted-accepted': 'The broker accepts a client certificate from an unknown CA',
    'client-expired': 'Your client certificate has expired',
    'client-not-yet-valid': 'Your client certificate is not valid yet',
    'client-expires-soon': 'Your client certificate expires soon',
    'client-certificate-purpose': 'Your client certificate\'s keyUsage does not allow client use',
    'client-purpose': 'Your client certificate\'s extendedKeyUsage lacks clientAuth',
    'ca-empty': '--ca holds no CA certificate to check your client certificate against',
    'ca-lacks-root': '--ca holds an intermediate but not the root your client certificate chains to',
    'no-ca': 'Your client certificate could not be checked: no --ca given',
    'client-bad-signature': 'Your client certificate names a CA whose key did not sign it',
    'client-not-from-ca': 'Your client certificate is not issued by the CA',
  },
  run({ clientAuth, clientCertificate, handshake }, { now, expiryWarnDays, caPath }): Outcome {
    // The handshake did not speak TLS (closed, not TLS, timeout, ...): tls.handshake fails with the
    // cause, so this is a failed prerequisite, not a check with nothing to work on.
    if (!clientAuth.tested) {
      return skip(`could not test: ${handshakeNotThrough(clientAuth.handshakeOutcome)}`, { handshakeOutcome: clientAuth.handshakeOutcome }, 'See tls.handshake.', 'not-tested', 'prerequisite-failed');
    }
    const acceptedBy = clientCertificate.given ? brokerAcceptance(handshake) : undefined;
    const without = clientAuth.withoutCertificate;
    const untrusted = clientAuth.withUntrustedCertificate;
    const cert = clientCertificate.certificate;
    const evidence = {
      withoutCertificate: without ? clientAuthEvidence(without) : undefined,
      withUntrustedCertificate: untrusted ? clientAuthEvidence(untrusted) : undefined,
      clientCertificate: cert
        ? {
            subject: cert.subject,
            issuer: cert.issuer,
            notAfter: cert.notAfter,
            extendedKeyUsage: cert.extendedKeyUsage,
            keyUsage: cert.keyUsage ?? null,
            mqttUsername: cert.commonName ?? null,
            chainVerified: clientCertificate.chain?.verified ?? false,
          }
        : null,
    };
    const findings = [
      ...enforcementFindings(without?.accepted, untrusted?.accepted),
      ...clientCertificateFindings(clientCertificate, now, expiryWarnDays, caPath, acceptedBy !== undefined),
    ];
    const worst = findings.find((finding) => finding.status === 'fail') ?? findings[0];
    if (worst) {
      const more = findings.length > 1 ? ` (+${findings.length - 1} more: see evidence)` : '';
      return {
        status: worst.status,
        summary: worst.summary + more,
        hint: findings.map((finding) => finding.hint).join(' '),
        evidence: { ...evidence, findings: findings.map((finding) => finding.summary), codes: findings.map((finding) => finding.code) },
        code: worst.code,
      };
    }
    const undecided = [without, untrusted].some((attempt) => attempt?.accepted === null);
    const enforcement = undecided
      ? `the broker's answer to a missing or untrusted certificate was unclear (${[without, untrusted].map((a) => a && clientAuthDetail(a)).join('; ')})`
      : 'the broker refuses clients with no certificate and with an unknown CA\'s certificate';
    const issuedBy =
      clientCertificate.chain?.verified === false && acceptedBy
        ? `is issued by ${cert?.issuer}, which --ca does not hold, and the broker accepted it (${acceptedBy}): its cafile trusts that CA`
        : 'is issued by the CA';
    const own = cert
      ? `; your certificate CN=${cert.commonName} (the MQTT username under use_identity_as_username) ${issuedBy}, clientAuth, valid until ${isoDay(cert.notAfter)}`
      : '; no --cert given, so your own certificate was not checked';
    return { status: undecided ? 'warn' : 'pass', summary: enforcement + own, hint: undecided ? 'Re-run with a longer --timeout.' : undefined, evidence, code: undecided ? 'unclear' : 'ok' };
  },
});
