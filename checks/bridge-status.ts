import type { BridgeStateFacts } from '../src/facts.js';
import { diagnosisCheck, fail, pass, skip, warn } from './define.js';

export type BridgeState = 'connected' | 'disconnected' | 'unknown';

export interface StateReading {
  state: BridgeState;
  topic?: string;
  /** Found only under a different remote prefix than expected. */
  otherPrefix?: string;
}

/** Reads the bridge's state from retained notifications: the mapped one first, then the raw ones. */
export function readBridgeState(facts: BridgeStateFacts): StateReading {
  const expectedPrefix = facts.expectedFilter?.replace(/\+\/state$/, '') ?? '';
  const mine = (topic: string) => !facts.bridgeClientId || topic.includes(`/${facts.bridgeClientId}/`);
  const pick = (candidates: { topic: string; value: string }[]) => candidates.find((s) => mine(s.topic)) ?? candidates[0];
  const asState = (value: string): BridgeState => (value === '1' ? 'connected' : value === '0' ? 'disconnected' : 'unknown');

  const mapped = pick(facts.states.filter((s) => s.topic.startsWith(expectedPrefix)));
  if (mapped) return { state: asState(mapped.value), topic: mapped.topic };
  // A state under another devices/<id>/ prefix means the bridge's topic lines map elsewhere: that
  // outranks the raw notification the bridge also leaves on the cloud.
  const elsewhere = pick(facts.states.filter((s) => s.topic.startsWith('devices/')));
  if (elsewhere) return { state: asState(elsewhere.value), topic: elsewhere.topic, otherPrefix: elsewhere.topic.replace(/lamp\/connection\/.*$/, '') };
  const raw = facts.states.filter((s) => facts.bridgeClientId && s.topic.includes(`/${facts.bridgeClientId}/`));
  if (raw[0]) return { state: asState(raw[0].value), topic: raw[0].topic };
  return { state: 'unknown' };
}

export const bridgeStatus = diagnosisCheck({
  id: 'bridge.status',
  title: 'The lamp\'s bridge is connected',
  dependsOn: ['mqtt.connect'],
  needs: ['bridgeState'],
  run({ bridgeState }) {
    if (!bridgeState.configured) return skip(`not checked: ${bridgeState.reason}`);
    const reading = readBridgeState(bridgeState);
    const evidence = {
      state: reading.state,
      topic: reading.topic,
      expected: bridgeState.expectedFilter,
      bridgeClientId: bridgeState.bridgeClientId,
      retainedStates: bridgeState.states.map((s) => ({ ...s })),
      transcript: bridgeState.transcript,
    };
    if (bridgeState.connectFailure) return fail(`could not read the bridge state: ${bridgeState.connectFailure}`, 'See mqtt.connect.', evidence);
    if (reading.otherPrefix) {
      return fail(
        `no bridge state under ${bridgeState.expectedFilter}, but a bridge reports under ${reading.otherPrefix}: the bridge's topic lines use another prefix`,
        `Make the remote prefix of every \`topic\` line in lampi_bridge.conf \`devices/${bridgeState.deviceId}/\`, or pass the lamp's real id with --device-id.`,
        evidence,
      );
    }
    if (reading.state === 'connected') return pass(`connected: ${reading.topic} = 1 (retained by the bridge, read without publishing)`, evidence);
    if (reading.state === 'disconnected') {
      return fail(
        `disconnected: ${reading.topic} = 0, the lamp's bridge lost its connection to this broker`,
        'On the lamp: `sudo tail /var/log/mosquitto/mosquitto.log`. Usual causes: bridge_certfile/bridge_keyfile not a pair or not issued by the CA, bridge_cafile wrong, `address` not the FQDN the server certificate names, or port 1883 instead of 8883.',
        evidence,
      );
    }
    return warn(
      `unknown: no retained bridge state at ${bridgeState.expectedFilter} on the cloud`,
      `The bridge has never connected, or does not report: lampi_bridge.conf needs \`topic lamp/connection/+/state out 2 "" devices/${bridgeState.deviceId}/\` and the lamp must publish that state (e.g. \`notification_topic lamp/connection/${bridgeState.bridgeClientId}/state\`).`,
      evidence,
    );
  },
});
