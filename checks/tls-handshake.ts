import { diagnosisCheck, fail, pass, versionLabel } from './define.js';
import { ALERT_CODES, alertVerdict, localClientView } from './verdicts/tls-alert.js';

export const tlsHandshake = diagnosisCheck({
  id: 'tls.handshake',
  title: 'The TLS handshake completes',
  dependsOn: ['tcp.connect'],
  needs: ['handshake', 'clientCertificate'],
  codes: {
    ok: 'The TLS handshake completes',
    'plain-mqtt': 'The port speaks plain MQTT, not TLS',
    closed: 'The server closed the connection during the TLS handshake',
    'not-tls': 'The server answered, but not with TLS',
    timeout: 'The server accepted TCP but never answered the TLS hello',
    'oversized-chain': 'The server\'s certificate chain is larger than TLS clients accept',
    ...ALERT_CODES,
  },
  run({ handshake, clientCertificate }, { port, timeoutMs, now }) {
    const evidence = {
      outcome: handshake.outcome,
      protocol: handshake.protocol,
      cipher: handshake.cipher,
      clientCertificateSent: handshake.clientCertificateSent,
      alert: handshake.alert ? { number: handshake.alert.number ?? null, description: handshake.alert.description } : undefined,
      errorCode: handshake.errorCode,
      plainMqtt: handshake.plainMqtt ? { ...handshake.plainMqtt } : undefined,
      elapsedMs: handshake.elapsedMs,
    };
    switch (handshake.outcome) {
      case 'accepted': {
        const how = handshake.clientCertificateSent ? 'with the client certificate' : 'without a client certificate';
        return pass(`${versionLabel(handshake.protocol)} handshake completed ${how} (${handshake.cipher}, ${handshake.elapsedMs} ms)`, evidence, 'ok');
      }
      case 'alert':
        return alertVerdict(handshake.alert!, handshake.clientCertificateSent, localClientView(clientCertificate), now, evidence);
      case 'closed':
        if (handshake.plainMqtt?.speaksMqtt) {
          return fail(
            `port ${port} speaks plain MQTT, not TLS: it hung up on the TLS hello, then answered an MQTT CONNECT`,
            `Give \`listener ${port}\` its \`cafile\`, \`certfile\` and \`keyfile\` lines (options apply to the listener line above them), or point --port at the TLS listener; plain MQTT belongs on \`listener 1883 127.0.0.1\`.`,
            evidence,
            'plain-mqtt',
          );
        }
        return fail(
          `the server closed the connection during the TLS handshake`,
          'The broker log names the cause (OpenSSL errors in /var/log/mosquitto/mosquitto.log): often a certfile/keyfile the mosquitto user cannot read, or a proxy in front of the port that expects another protocol.',
          evidence,
          'closed',
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
