import type { Outcome } from '../src/engine/types.js';
import type { MqttConnectFacts } from '../src/facts.js';
import { diagnosisCheck, fail, pass } from './define.js';
import { alertVerdict } from './tls-handshake.js';

interface Refusal {
  words: string;
  hint: string;
}

const AUTH_HINT = (username: string) =>
  `Under \`use_identity_as_username true\` the certificate's CN (${username}) is the MQTT username: grant it in the \`acl_file\`, and check \`allow_anonymous\` / \`password_file\` on that listener.`;

/** CONNACK codes of MQTT 3.1.1 and reason codes of MQTT 5, in words with their fix. */
export function connackRefusal(code: number, username: string): Refusal {
  switch (code) {
    case 1:
    case 0x84:
      return { words: 'unacceptable protocol version', hint: 'Try the other --mqtt-version (3.1.1 or 5); Mosquitto 1.x does not speak MQTT 5.' };
    case 2:
    case 0x85:
      return { words: 'client identifier rejected', hint: 'Leave --client-id out, so a unique lampi-doctor-<random> id is used.' };
    case 3:
    case 0x88:
    case 0x89:
      return { words: 'server unavailable', hint: 'The broker is up but not accepting clients: check its log and `max_connections`.' };
    case 4:
    case 0x86:
      return { words: 'bad user name or password', hint: AUTH_HINT(username) };
    case 5:
    case 0x87:
      return { words: 'not authorised', hint: AUTH_HINT(username) };
    case 0x8a:
      return { words: 'banned', hint: 'The broker bans this client (a plugin or dynamic security rule).' };
    default:
      return { words: `refused with code ${code}`, hint: 'The broker log names the cause of the refusal.' };
  }
}

export function connectEvidence(connect: MqttConnectFacts) {
  return {
    clientId: connect.clientId,
    protocolVersion: connect.protocolVersion === 5 ? '5' : '3.1.1',
    outcome: connect.outcome,
    returnCode: connect.returnCode,
    errorCode: connect.errorCode,
    elapsedMs: connect.elapsedMs,
    transcript: connect.transcript,
  };
}

export function connectFailure(connect: MqttConnectFacts, username: string, where: string): Outcome {
  const evidence = connectEvidence(connect);
  switch (connect.outcome) {
    case 'refused': {
      const refusal = connackRefusal(connect.returnCode ?? -1, username);
      return fail(`${where} refused the MQTT CONNECT: ${refusal.words} (CONNACK ${connect.returnCode})`, refusal.hint, evidence, 'refused');
    }
    case 'tls-alert': {
      const told = alertVerdict({ alert: connect.alert, clientCertificateSent: true }, evidence);
      return { ...told, summary: `${where} refused the TLS session before CONNACK: ${told.summary}` };
    }
    case 'tls-error':
      return fail(
        `${where}: MQTT clients verify the server certificate, and it fails: ${connect.message}`,
        'See tls.chain and tls.hostname: clients (and the bridge) only connect to a certificate that chains to their CA and names the host they dial.',
        evidence,
      );
    case 'closed':
      return fail(
        `${where} closed the connection before answering the CONNECT`,
        'Mosquitto closes TLS sessions whose client certificate it rejects after a TLS 1.3 handshake, and clients it refuses outright: its log says which (sudo tail /var/log/mosquitto/mosquitto.log).',
        evidence,
      );
    case 'timeout':
      return fail(`${where} sent no CONNACK: no answer within ${connect.timeoutMs ?? connect.elapsedMs} ms`, 'The broker accepted the TLS session but did not answer MQTT: is this port an MQTT listener?', evidence, 'no-connack');
    case 'protocol-error':
      return fail(
        `${where} answered the CONNECT with bytes that are not valid MQTT (${connect.message})`,
        'Something other than an MQTT broker (or a broken proxy) answers on this port: check `sudo ss -ltnp` on the broker host and point --port at Mosquitto\'s listener.',
        evidence,
        'not-mqtt',
      );
    default:
      return fail(`${where}: the MQTT connection failed: ${connect.message ?? connect.errorCode}`, 'Check the broker log.', evidence);
  }
}

export const mqttConnect = diagnosisCheck({
  id: 'mqtt.connect',
  title: 'MQTT CONNECT over verified TLS',
  dependsOn: ['tls.chain', 'tls.hostname'],
  needs: ['mqttConnect', 'clientCertificate'],
  run({ mqttConnect: connect, clientCertificate }) {
    const username = clientCertificate.certificate?.commonName ?? '(no client certificate)';
    if (connect.outcome !== 'connected') return connectFailure(connect, username, 'the broker');
    const version = connect.protocolVersion === 5 ? 'MQTT 5' : 'MQTT 3.1.1';
    const identity = clientCertificate.certificate ? `; with use_identity_as_username its username is ${username}` : '';
    return pass(`${version} CONNECT accepted for client id ${connect.clientId} (CONNACK 0, ${connect.elapsedMs} ms)${identity}`, connectEvidence(connect));
  },
});
