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
    'server-below-tls12': 'The server answered with a TLS version older than 1.2, which this client refuses',
    'no-local-tls-versions': 'Could not test: this machine\'s TLS library had no TLS version to offer',
    'connection-lost': 'Could not test: the TLS attempt could not connect although tcp.connect just had',
    'unclassified-error': 'Could not test: the handshake failed with an error lampi-doctor does not classify',
    ...ALERT_CODES,
  },
  run({ handshake, clientCertificate }, { host, port, timeoutMs, now }) {
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
        // The probe's UNSUPPORTED_CODES. ERR_SSL_UNSUPPORTED_PROTOCOL: OpenSSL's client refused the
        // version the server chose (ssl_choose_client_version), below this attempt's minimum, TLS 1.2
        // (Node's default); a TLS 1.0/1.1-only OpenSSL server answers alert 70 instead, so this is a
        // server that ignores the TLS 1.3 version list. ERR_SSL_NO_PROTOCOLS_AVAILABLE: the client's
        // own version range was empty (tls_setup_handshake), before a byte was sent.
        if (handshake.errorCode === 'ERR_SSL_UNSUPPORTED_PROTOCOL') {
          return fail(
            `the server answered with a TLS version older than 1.2 (OpenSSL: unsupported protocol): it offers only TLS 1.0 or 1.1, which this client refuses, as current OpenSSL clients do`,
            `Make the broker speak TLS 1.2 or newer: on Mosquitto, \`tls_version tlsv1.2\` under \`listener ${port}\` (1.x and 2.0.0-2.0.8 speak exactly the version given), on a TLS library that has it. Confirm with \`openssl s_client -connect ${host}:${port} -tls1_2\` (fails: "unsupported protocol") and \`-tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'\` (connects).`,
            evidence,
            'server-below-tls12',
          );
        }
        return {
          status: 'error',
          summary: `this machine's TLS library had no TLS version to offer (${handshake.errorCode}, OpenSSL: no protocols available): nothing was sent, so port ${port} is untested`,
          hint: 'The Node.js running lampi-doctor has its TLS versions restricted: check NODE_OPTIONS and --openssl-config for --tls-min-v1.x / --tls-max-v1.x or a MinProtocol/MaxProtocol that leave nothing, and `node -p "process.versions.openssl"`; run it with an official Node.js 20+.',
          evidence,
          code: 'no-local-tls-versions',
        };
      case 'no-connection':
        return {
          status: 'error',
          summary: `the TLS attempt could not connect to port ${port} (${handshake.errorCode}), although tcp.connect reached it moments before: the handshake is untested`,
          hint: 'The broker may have stopped or restarted in between (`sudo journalctl -u mosquitto` shows it), or something limits connections per client (a firewall rate limit): run again.',
          evidence,
          code: 'connection-lost',
        };
      default:
        return {
          status: 'error',
          summary: `the handshake failed with an error lampi-doctor does not classify: ${handshake.errorCode ?? 'no error code'}${handshake.message ? ` (${handshake.message})` : ''}`,
          hint: 'Re-run with a longer --timeout; if it persists, report it with the --format json output (the error code is in the evidence).',
          evidence,
          code: 'unclassified-error',
        };
    }
  },
});
