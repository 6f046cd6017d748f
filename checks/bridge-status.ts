import type { BridgeStateFacts } from '../src/facts.js';
import { diagnosisCheck, fail, pass, skip, warn } from './define.js';

export type BridgeState = 'connected' | 'disconnected' | 'unknown';

export interface StateReading {
  state: BridgeState;
  topic?: string;
  /** Found only under a different remote prefix than expected. */
  otherPrefix?: string;
}

/**
 * Reads the bridge's state from retained notifications. Two copies exist on the cloud: the lamp's
 * own, carried by the `lamp/connection/+/state` mapping under devices/<id>/, and the raw one the
 * bridge sets on the cloud as its last will. When the lamp dies only the raw one turns to "0"
 * (the mapped copy keeps a stale "1"), so a "0" in either means disconnected.
 */
export function readBridgeState(facts: BridgeStateFacts): StateReading {
  const expectedPrefix = facts.expectedFilter?.replace(/\+\/state$/, '') ?? '';
  const mine = (topic: string) => !facts.bridgeClientId || topic.includes(`/${facts.bridgeClientId}/`);
  const pick = (candidates: { topic: string; value: string }[]) => candidates.find((s) => mine(s.topic)) ?? candidates[0];
  const asState = (value: string): BridgeState => (value === '1' ? 'connected' : value === '0' ? 'disconnected' : 'unknown');

  const mapped = pick(facts.states.filter((s) => s.topic.startsWith(expectedPrefix)));
  const raw = facts.bridgeClientId ? facts.states.find((s) => !s.topic.startsWith('devices/') && mine(s.topic)) : undefined;
  if (!mapped) {
    // A state under another devices/<id>/ prefix means the bridge's topic lines map elsewhere.
    const elsewhere = pick(facts.states.filter((s) => s.topic.startsWith('devices/')));
    if (elsewhere) return { state: asState(elsewhere.value), topic: elsewhere.topic, otherPrefix: elsewhere.topic.replace(/lamp\/connection\/.*$/, '') };
  }
  const readings = [mapped, raw].filter((s): s is { topic: string; value: string } => Boolean(s));
  const down = readings.find((s) => s.value === '0');
  if (down) return { state: 'disconnected', topic: down.topic };
  const up = readings.find((s) => s.value === '1');
  if (up) return { state: 'connected', topic: up.topic };
  return { state: 'unknown', topic: readings[0]?.topic };
}

export const bridgeStatus = diagnosisCheck({
  id: 'bridge.status',
  title: 'The lamp\'s bridge is connected',
  dependsOn: ['mqtt.connect'],
  needs: ['bridgeState'],
  run({ bridgeState }) {
    if (!bridgeState.configured) return skip(`not checked: ${bridgeState.reason}`, undefined, undefined, 'not-configured');
    const reading = readBridgeState(bridgeState);
    const evidence = {
      state: reading.state,
      topic: reading.topic,
      expected: bridgeState.expectedFilter,
      bridgeClientId: bridgeState.bridgeClientId,
      retainedStates: bridgeState.states.map((s) => ({ ...s })),
      brokerVersion: bridgeState.brokerVersion ?? null,
      transcript: bridgeState.transcript,
    };
    if (bridgeState.connectFailure) return fail(`could not read the bridge state: ${bridgeState.connectFailure}`, 'See mqtt.connect.', evidence, 'unreadable');
    if (reading.otherPrefix) {
      return fail(
        `no bridge state under ${bridgeState.expectedFilter}, but a bridge reports under ${reading.otherPrefix}: the bridge's topic lines use another prefix`,
        `Make the remote prefix of every \`topic\` line in lampi_bridge.conf \`devices/${bridgeState.deviceId}/\`, or pass the lamp's real id with --device-id.`,
        evidence,
        'other-prefix',
      );
    }
    if (reading.state === 'connected') return pass(`connected: ${reading.topic} = 1 (retained by the bridge, read without publishing)`, evidence, 'connected');
    if (reading.state === 'disconnected') {
      return fail(
        `disconnected: ${reading.topic} = 0, the lamp's bridge lost its connection to this broker`,
        'On the lamp: `sudo tail /var/log/mosquitto/mosquitto.log`. Usual causes: bridge_certfile/bridge_keyfile not a pair or not issued by the CA, bridge_cafile wrong, `address` not the FQDN the server certificate names, or port 1883 instead of 8883.',
        evidence,
        'disconnected',
      );
    }
    if (bridgeState.sysTree === false) {
      // Not Mosquitto: without its $SYS tree nothing here says whether a bridge ever connected.
      return skip(
        `could not tell: no retained bridge state at ${bridgeState.expectedFilter}, and this broker has no Mosquitto $SYS tree ($SYS/broker/version unanswered), so it is not Mosquitto or hides $SYS; tested: the state topics the lamp's bridge would retain`,
        evidence,
        'On the lamp, `sudo tail /var/log/mosquitto/mosquitto.log` says whether its bridge connects; bridge.inbound and bridge.outbound (with --local) test the path itself.',
        'not-mosquitto',
      );
    }
    return warn(
      `unknown: no retained bridge state at ${bridgeState.expectedFilter} on the cloud`,
      `The bridge has never connected, or does not report: lampi_bridge.conf needs \`topic lamp/connection/+/state out 2 "" devices/${bridgeState.deviceId}/\` and the lamp must publish that state (e.g. \`notification_topic lamp/connection/${bridgeState.bridgeClientId}/state\`).`,
      evidence,
      'unknown',
    );
  },
});
