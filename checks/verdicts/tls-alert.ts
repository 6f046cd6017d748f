// A TLS alert from the broker, in words, with its fix. Shared by tls.handshake and mqtt.connect.
// What the tool knows locally about the client certificate (in date? chains to --ca? clientAuth?)
// decides whom an alert blames: OpenSSL's alert names a symptom, not always the client's fault.
import type { Outcome } from '../../src/engine/types.js';
import type { CertificateInfo, ClientCertificateFacts, TlsAlert } from '../../src/facts.js';
import { fail, isoDay } from '../define.js';
import { inDate } from './dates.js';
import { keyProblems } from './key-strength.js';
import { describeKeyUsage, ekuAllowsClient, keyUsageAllowsClient } from './purpose.js';

/** Every finding code alertVerdict gives, with its title: the checks that return it declare these. */
export const ALERT_CODES = {
  'client-certificate-required': 'The broker requires a client certificate and none was sent',
  'broker-lacks-client-issuer': 'The broker finds no trusted issuer for a client certificate that chains to --ca: its cafile, capath or crlfile lacks your CA',
  'client-ca-mismatch': 'The broker does not trust the issuer of the client certificate',
  'crl-expired': 'The broker says "certificate expired" for a client certificate in date: its CRL is past nextUpdate, or its clock is wrong',
  'client-expired': 'The broker refused the client certificate as expired',
  'client-revoked': 'The broker\'s CRL lists the client certificate as revoked',
  'client-certificate-purpose': 'The client certificate\'s keyUsage or extendedKeyUsage does not allow client use',
  'client-certificate-rejected': 'The broker rejected the client certificate',
  'protocol-version': 'No TLS version in common with the broker (alert 70)',
  'handshake-failure': 'The broker ended the handshake: no cipher or version in common, or the certificate was refused',
  alert: 'The broker ended the handshake with another TLS alert',
} as const;

const CLIENT_CERT_FLAGS = '--cert client.crt --key client.key (the files the bridge uses as bridge_certfile / bridge_keyfile)';

export interface LocalClientView {
  /** The --cert leaf, when one was given. */
  certificate?: CertificateInfo;
  /** The --cert leaf chains to --ca locally (undefined: no --ca to check against). */
  chainsToCa?: boolean;
  /** The leaf's own issuer is in neither --ca, --cert nor what the server sent (checked against --ca). */
  issuerNowhere?: boolean;
  /** Certificates in the --cert file after the leaf. */
  intermediates?: number;
}

export function localClientView(facts: ClientCertificateFacts): LocalClientView {
  const chain = facts.chain;
  return {
    certificate: facts.certificate,
    chainsToCa: chain?.problem === 'no-ca' ? undefined : chain?.verified,
    issuerNowhere: chain !== undefined && !chain.verified && chain.problem === 'no-issuer' && chain.path.length <= 1,
    intermediates: facts.intermediates,
  };
}

/**
 * A client certificate that chains to --ca, is in date and allows client use, refused with alert 42,
 * 43 or 46: the broker's own verification failed on something not visible from here. OpenSSL's
 * alert for each verify error (ssl_x509err2alert): 42 for a CRL not yet valid, a certificate not yet
 * valid by the broker's clock, or a key or digest below its security level; 45 for a CRL past
 * nextUpdate, 48 for no CRL from the issuer (both answered above); 46 for errors it has no alert for.
 */
function soundButRejected(alert: TlsAlert, cert: CertificateInfo, evidence: Outcome['evidence']): Outcome {
  const said = `alert ${alert.number} "${alert.description}"`;
  const weak = keyProblems(cert, false);
  const lint = '`lampi-doctor lint` on the broker\'s mosquitto.conf (or --config with this run) checks the listener\'s crlfile: its dates and its issuer';
  const verify = 'on the broker, `openssl verify -purpose sslclient -CAfile <cafile> -crl_check -CRLfile <crlfile> client.crt` names the error (11: CRL is not yet valid) and `timedatectl` shows its clock';
  if (alert.number === 42 && weak.length > 0) {
    return fail(
      `the broker rejected your client certificate (${said}); it chains to --ca here and is within its dates, but it is weak (${weak.join('; ')}), and OpenSSL at security level 2 (Debian's default, so Mosquitto there) refuses it`,
      `Re-issue the client certificate with a 2048-bit RSA or a P-256 key, signed with -sha256 (openssl x509 -req ... -sha256 -extfile client.ext), and install it as --cert and the bridge's \`bridge_certfile\`. If that is not it: ${lint}; ${verify}.`,
      evidence,
      'client-certificate-rejected',
    );
  }
  const suspects =
    alert.number === 42
      ? `OpenSSL answers alert 42 for a listener \`crlfile\` that is not valid yet (its lastUpdate in the future: the CA's clock or the broker's is off; one past its nextUpdate gives alert 45, one from another CA alert 48), and for a certificate not valid yet by the broker's clock (yours starts ${isoDay(cert.notBefore)}; a CA in its \`cafile\` may start later): suspect the crlfile, the broker's clock, then its cafile`
      : `the broker log (/var/log/mosquitto/mosquitto.log) names the OpenSSL error; suspect the listener's \`crlfile\` (its dates, or a CRL from another CA), the broker's clock, or its \`cafile\``;
  return fail(
    `the broker rejected your client certificate (${said}), although it chains to --ca here, is within its dates (until ${isoDay(cert.notAfter)}) and allows client use: the broker refuses it for a reason lampi-doctor cannot see from here`,
    `Do not re-issue the client certificate on this evidence: ${suspects}. ${lint[0].toUpperCase()}${lint.slice(1)}; ${verify}.`,
    evidence,
    'client-certificate-rejected',
  );
}

export function alertVerdict(alert: TlsAlert, clientCertificateSent: boolean, client: LocalClientView, now: Date, evidence: Outcome['evidence']): Outcome {
  const said = `the broker ended the handshake with alert ${alert.number ?? '?'} "${alert.description}"`;
  const cert = client.certificate;
  const sound = cert !== undefined && client.chainsToCa === true && inDate(cert, now);
  switch (alert.number) {
    case 116:
      return fail(`the broker requires a client certificate and none was sent (${alert.description})`, `Pass ${CLIENT_CERT_FLAGS}.`, evidence, 'client-certificate-required');
    case 48:
      if (sound) {
        return fail(
          `the broker found no trusted issuer for your client certificate (alert 48 "${alert.description}"), although it chains to --ca here: the listener's cafile names another CA, its capath lacks the hash links \`openssl rehash\` makes, or its crlfile holds no revocation list from your CA`,
          'On the broker: `openssl verify -purpose sslclient -CAfile <cafile> [-crl_check -CRLfile <crlfile>] client.crt` shows which. Point `cafile` at your CA (lampi_ca.crt); after adding files to a `capath` folder run `openssl rehash <folder>`; a `crlfile` must hold a CRL issued by the CA that issued the client certificates. Then restart mosquitto.',
          evidence,
          'broker-lacks-client-issuer',
        );
      }
      if (cert && client.chainsToCa === false && client.issuerNowhere && client.intermediates === 0 && !cert.selfIssued) {
        return fail(
          `the broker found no trusted issuer for your client certificate (alert 48 "${alert.description}"): --cert holds the certificate alone, and its issuer (${cert.issuer}) is in neither --ca nor --cert, so it is an intermediate CA that the client must send, or a CA the broker does not know`,
          `If ${cert.issuer} is an intermediate CA under the CA the listener's \`cafile\` names, send it: append it to --cert after the leaf (\`cat client.crt intermediate.crt > client-chain.crt\`, then --cert client-chain.crt) and make the lamp's \`bridge_certfile\` that same file; a cafile holding only the root needs the intermediate from the client (or add the intermediate to the cafile). Otherwise issue the client certificate from the CA named by the listener's \`cafile\`. \`openssl verify -CAfile <cafile> -untrusted intermediate.crt client.crt\` on the broker shows which.`,
          evidence,
          'client-ca-mismatch',
        );
      }
      return fail(
        `the broker does not trust the client certificate: ${alert.description} (it was not issued by the CA in the listener's cafile)`,
        'Issue the client certificate from the CA named by the listener\'s `cafile` (lampi_ca.crt), or make `cafile` name the CA that issued it.',
        evidence,
        'client-ca-mismatch',
      );
    case 45:
      if (sound) {
        return fail(
          `the broker says "certificate expired" (alert 45), but your client certificate is valid until ${isoDay(cert.notAfter)} and chains to --ca: the listener's certificate revocation list (crlfile) is past its nextUpdate, or the broker's clock is wrong`,
          'Re-issue the CRL and point `crlfile` at it: `openssl ca -config ca.cnf -gencrl -crldays 30 -out lampi_ca.crl`, then restart mosquitto; check the broker\'s clock with `timedatectl`. Do not re-issue the client certificate: it is fine.',
          evidence,
          'crl-expired',
        );
      }
      return fail(
        `the broker refused the client certificate as expired (${alert.description})`,
        'Re-issue the client certificate (openssl x509 -req -days 365 ...) and pass the new one.',
        evidence,
        'client-expired',
      );
    case 44:
      return fail(`the broker says the client certificate is revoked (${alert.description})`, 'Issue a new client certificate; the listener\'s `crlfile` lists this one as revoked.', evidence, 'client-revoked');
    case 42:
    case 43:
    case 46:
      if (cert && !keyUsageAllowsClient(cert)) {
        return fail(
          `the broker refused the client certificate (alert ${alert.number} "${alert.description}"): its keyUsage is ${describeKeyUsage(cert)}, without digitalSignature (or keyAgreement), so OpenSSL will not accept it from a client`,
          'Re-issue the client certificate with `keyUsage = critical, digitalSignature` and `extendedKeyUsage = clientAuth` in the client extension file: see tls.client-auth below.',
          evidence,
          'client-certificate-purpose',
        );
      }
      if (cert && !ekuAllowsClient(cert)) {
        return fail(
          `the broker refused the client certificate (alert ${alert.number} "${alert.description}"): its extendedKeyUsage is ${cert.extendedKeyUsage.join(', ')}, without clientAuth, so OpenSSL will not accept it from a client`,
          'Re-issue the client certificate with a client extension file: `extendedKeyUsage = clientAuth` (not the server\'s serverAuth file; anyExtendedKeyUsage alone is not accepted), e.g. `openssl x509 -req -in client.csr -CA lampi_ca.crt -CAkey lampi_ca.key -days 365 -extfile client.ext`.',
          evidence,
          'client-certificate-purpose',
        );
      }
      if (sound) return soundButRejected(alert, cert, evidence);
      return fail(
        `the broker rejected the client certificate (${alert.description})`,
        'The certificate must chain to the listener\'s `cafile`, be within its dates and carry extendedKeyUsage clientAuth (and keyUsage digitalSignature, if it has a keyUsage): see tls.client-auth below.',
        evidence,
        'client-certificate-rejected',
      );
    case 70:
      return fail(
        `no TLS version in common: ${alert.description}`,
        'The listener\'s `tls_version` allows none of TLS 1.2 and 1.3: set `tls_version tlsv1.2` (in Mosquitto 2 it is the minimum).',
        evidence,
        'protocol-version',
      );
    case 40:
      return clientCertificateSent
        ? fail(`${said}: no cipher or version in common, or the certificate was refused`, 'Look at the `tls_version` and `ciphers` lines of the listener, and at tls.client-auth below.', evidence, 'handshake-failure')
        : fail(`${said}: the broker most likely requires a client certificate`, `Pass ${CLIENT_CERT_FLAGS}.`, evidence, 'client-certificate-required');
    default:
      return fail(said, 'The broker log (/var/log/mosquitto/mosquitto.log) names the OpenSSL error behind it.', evidence, 'alert');
  }
}
