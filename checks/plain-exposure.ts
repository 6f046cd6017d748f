import { diagnosisCheck, fail, pass, skip, warn } from './define.js';
import { plainMqttDetail } from './verdicts/plain-mqtt.js';

export const plainExposure = diagnosisCheck({
  id: 'plain.exposure',
  title: 'Plain MQTT is not reachable from outside',
  dependsOn: ['dns.resolve'],
  needs: ['plainExposure'],
  codes: {
    ok: 'The plain MQTT port is not reachable from here',
    'anonymous-open': 'Plain MQTT accepts anonymous clients from outside',
    'plain-mqtt-exposed': 'Plain MQTT answers from outside (anonymous access refused)',
    'port-open': 'Something else answers on the plain MQTT port from outside',
    'loopback-target': 'Not tested: the target is 127.0.0.1, where inside and outside look alike',
    'no-address': 'Not tested: there is no address to probe',
  },
  run({ plainExposure: facts }) {
    const where = `${facts.address}:${facts.port}`;
    const evidence = { address: facts.address, port: facts.port, tcp: facts.tcp?.outcome, mqtt: facts.mqtt ? { ...facts.mqtt, detail: plainMqttDetail(facts.mqtt) } : undefined };
    if (facts.indistinguishable) {
      return skip(`the target is 127.0.0.1 itself, where the seed binds port ${facts.port}: from here, inside and outside look alike`, evidence, undefined, 'loopback-target', 'inconclusive');
    }
    // Without an address nothing was probed: "not reachable" would be a pass on no evidence.
    if (!facts.address) {
      return skip(`no address to probe port ${facts.port} at: the name did not resolve`, evidence, 'Fix name resolution first (see dns.resolve), or give the address with --resolve NAME:ADDRESS.', 'no-address');
    }
    const fix = `Bind plain MQTT to the broker host only: \`listener ${facts.port} 127.0.0.1\` (the seed's port.conf), and restart mosquitto.`;
    if (facts.tcp?.outcome !== 'connected') {
      return pass(`port ${facts.port} is not reachable at ${facts.address} (${facts.tcp?.outcome}): plain MQTT stays on the broker host`, evidence, 'ok');
    }
    if (facts.mqtt?.speaksMqtt && facts.mqtt.returnCode === 0) {
      return fail(`${where} accepts anonymous plain-text MQTT from outside: anyone can read and publish, unencrypted`, fix, evidence, 'anonymous-open');
    }
    if (facts.mqtt?.speaksMqtt) {
      return warn(`${where} speaks plain-text MQTT from outside (it refused anonymous access, CONNACK ${facts.mqtt.returnCode}); credentials would cross the network in clear`, fix, evidence, 'plain-mqtt-exposed');
    }
    return warn(`something answers on ${where} from outside (${facts.mqtt ? plainMqttDetail(facts.mqtt) : 'not MQTT'})`, `Nothing should listen there publicly. ${fix}`, evidence, 'port-open');
  },
});
