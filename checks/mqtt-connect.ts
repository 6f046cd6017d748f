import { diagnosisCheck, pass } from './define.js';
import { CONNECT_FAILURE_CODES, connectEvidence, connectFailure } from './verdicts/mqtt-connect.js';
import { localClientView } from './verdicts/tls-alert.js';

export const mqttConnect = diagnosisCheck({
  id: 'mqtt.connect',
  title: 'MQTT CONNECT over verified TLS',
  dependsOn: ['tls.chain', 'tls.hostname'],
  needs: ['mqttConnect', 'clientCertificate'],
  codes: {
    ok: 'The broker accepts the MQTT CONNECT over verified TLS',
    ...CONNECT_FAILURE_CODES,
  },
  run({ mqttConnect: connect, clientCertificate }, { now }) {
    const username = clientCertificate.certificate?.commonName ?? '(no client certificate)';
    if (connect.outcome !== 'connected') return connectFailure(connect, username, 'the broker', localClientView(clientCertificate), now);
    const version = connect.protocolVersion === 5 ? 'MQTT 5' : 'MQTT 3.1.1';
    // A username sent with -u is the one the broker checked; otherwise the certificate's CN may be it.
    const identity = connect.withUsername ? '; logged in with the username given (-u)' : clientCertificate.certificate ? `; with use_identity_as_username its username is ${username}` : '';
    return pass(`${version} CONNECT accepted for client id ${connect.clientId} (CONNACK 0, ${connect.elapsedMs} ms)${identity}`, connectEvidence(connect), 'ok');
  },
});
