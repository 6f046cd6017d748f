import type { HandshakeFacts } from '../src/facts.js';
import type { Outcome } from '../src/engine/types.js';
import { diagnosisCheck, fail, pass, versionLabel } from './define.js';
import { plainMqttDetail } from './verdicts/plain-mqtt.js';

const CLIENT_CERT_FLAGS = '--cert client.crt --key client.key (the files the bridge uses as bridge_certfile / bridge_keyfile)';

/** Shared with mqtt.connect: a TLS alert from the broker, in words, with its fix. */
export function alertVerdict(facts: Pick<HandshakeFacts, 'alert' | 'clientCertificateSent'>, evidence: Record<string, unknown>): Outcome {
  const alert = facts.alert!;
  const said = `the broker ended the handshake with alert ${alert.number ?? '?'} "${alert.description}"`;
  const ev = evidence as Outcome['evidence'];
  switch (alert.number) {
    case 116:
      return fail(`the broker requires a client certificate and none was sent (${alert.description})`, `Pass ${CLIENT_CERT_FLAGS}.`, ev);
    case 48:
      return fail(
        `the broker does not trust the client certificate: ${alert.description} (it was not issued by the CA in the listener's cafile)`,
        'Issue the client certificate from the CA named by the listener\'s `cafile` (lampi_ca.crt), or make `cafile` name the CA that issued it.',
        ev,
      );
    case 45:
      return fail(`the broker refused the client certificate as expired (${alert.description})`, 'Re-issue the client certificate (openssl x509 -req -days 365 ...) and pass the new one.', ev);
    case 44:
      return fail(`the broker says the client certificate is revoked (${alert.description})`, 'Issue a new client certificate; the listener\'s `crlfile` lists this one as revoked.', ev);
    case 42:
    case 43:
    case 46:
      return fail(
        `the broker rejected the client certificate (${alert.description})`,
        'The certificate must chain to the listener\'s `cafile`, be within its dates and carry extendedKeyUsage clientAuth: see tls.client-auth below.',
        ev,
      );
    case 70:
      return fail(
        `no TLS version in common: ${alert.description}`,
        'The listener\'s `tls_version` allows none of TLS 1.2 and 1.3: set `tls_version tlsv1.2` (in Mosquitto 2 it is the minimum).',
        ev,
      );
    case 40:
      return facts.clientCertificateSent
        ? fail(`${said}: no cipher or version in common, or the certificate was refused`, 'Look at the `tls_version` and `ciphers` lines of the listener, and at tls.client-auth below.', ev)
        : fail(`${said}: the broker most likely requires a client certificate`, `Pass ${CLIENT_CERT_FLAGS}.`, ev);
    default:
      return fail(said, 'The broker log (/var/log/mosquitto/mosquitto.log) names the OpenSSL error behind it.', ev);
  }
}

export const tlsHandshake = diagnosisCheck({
  id: 'tls.handshake',
  title: 'The TLS handshake completes',
  dependsOn: ['tcp.connect'],
  needs: ['handshake'],
  run({ handshake }, { port, timeoutMs }) {
    const evidence = {
      outcome: handshake.outcome,
      protocol: handshake.protocol,
      cipher: handshake.cipher,
      clientCertificateSent: handshake.clientCertificateSent,
      alert: handshake.alert ? { number: handshake.alert.number ?? null, description: handshake.alert.description } : undefined,
      errorCode: handshake.errorCode,
      plainMqtt: handshake.plainMqtt ? { ...handshake.plainMqtt, detail: plainMqttDetail(handshake.plainMqtt) } : undefined,
      elapsedMs: handshake.elapsedMs,
    };
    switch (handshake.outcome) {
      case 'accepted': {
        const how = handshake.clientCertificateSent ? 'with the client certificate' : 'without a client certificate';
        return pass(`${versionLabel(handshake.protocol)} handshake completed ${how} (${handshake.cipher}, ${handshake.elapsedMs} ms)`, evidence);
      }
      case 'alert':
        return alertVerdict(handshake, evidence);
      case 'closed':
        if (handshake.plainMqtt?.speaksMqtt) {
          return fail(
            `port ${port} speaks plain MQTT, not TLS: it hung up on the TLS hello, then answered an MQTT CONNECT`,
            `Give \`listener ${port}\` its \`cafile\`, \`certfile\` and \`keyfile\` lines (options apply to the listener line above them), or point --port at the TLS listener; plain MQTT belongs on \`listener 1883 127.0.0.1\`.`,
            evidence,
          );
        }
        return fail(
          `the server closed the connection during the TLS handshake${handshake.errorCode === 'ECONNRESET' ? ' (a reset: ECONNRESET)' : ''}`,
          'The broker log names the cause (OpenSSL errors in /var/log/mosquitto/mosquitto.log): often a certfile/keyfile the mosquitto user cannot read, or a proxy in front of the port that expects another protocol.',
          evidence,
          // Reset or closed: which one a peer that hangs up on the hello gives is a race, so one code.
          'connection-closed',
        );
      case 'not-tls':
        return fail(
          `the server answered, but not with TLS (${handshake.errorCode})`,
          `Something other than a TLS listener holds port ${port}: check \`sudo ss -ltnp 'sport = :${port}'\` and point --port at the TLS listener.`,
          evidence,
          'not-tls',
        );
      case 'timeout':
        return fail(
          `the server accepted TCP but never answered the TLS hello within ${timeoutMs} ms`,
          `Something holds port ${port} without speaking TLS (a stuck process, a proxy or a tarpit): check \`sudo ss -ltnp 'sport = :${port}'\` on the broker host.`,
          evidence,
          'timeout',
        );
      case 'oversized':
        return fail(
          `the server's certificate chain is larger than TLS clients accept (${handshake.errorCode}): OpenSSL, and so Mosquitto and its bridges, refuse it`,
          'The `certfile` should hold the server certificate and its intermediates only (a few KB): rebuild it with `cat lampi_server.crt intermediate.crt > lampi_server-chain.crt`, not a whole CA bundle.',
          evidence,
          'oversized-chain',
        );
      case 'unsupported':
        return { status: 'error', summary: `this machine's TLS library could not offer a usable version (${handshake.errorCode})`, hint: 'Run lampi-doctor with a current Node.js 20+.', evidence };
      default:
        return { status: 'error', summary: `the handshake failed unexpectedly: ${handshake.message ?? handshake.errorCode}`, hint: 'Re-run with a longer --timeout; if it persists, report it with the --format json output.', evidence };
    }
  },
});
