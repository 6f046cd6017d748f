// What a port said to a plain MQTT CONNECT, in words (plain.exposure, tls.handshake evidence).
import type { PlainMqttFacts } from '../../src/facts.js';

export function plainMqttDetail(facts: PlainMqttFacts): string {
  switch (facts.answer) {
    case 'connack':
      return `CONNACK with return code ${facts.returnCode}`;
    case 'other-bytes':
      return `answered ${facts.firstBytes}, not an MQTT CONNACK`;
    case 'silent':
      return `no answer to an MQTT CONNECT within ${facts.timeoutMs} ms`;
    case 'closed':
      return 'closed without an MQTT answer';
    default:
      return facts.errorCode ?? 'error';
  }
}
