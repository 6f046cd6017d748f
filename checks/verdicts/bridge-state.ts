// Reading the bridge's connection state from the retained notifications the cloud holds: shared by
// bridge.status and the bridge flow checks (no check imports another check).
import type { BridgeFlowFacts, BridgeStateFacts } from '../../src/facts.js';

export type BridgeState = 'connected' | 'disconnected' | 'unknown';

export interface StateReading {
  state: BridgeState;
  topic?: string;
  /** Found only under a different remote prefix than expected. */
  otherPrefix?: string;
  /** The mapped copy, when it says otherwise than the bridge's own notification (which decided). */
  staleCopy?: { topic: string; value: string };
}

/**
 * Reads the bridge's state from retained notifications. Two copies exist on the cloud. The raw one is
 * the cloud's own record of the bridge's connection: the bridge publishes "1" there when it connects,
 * and the cloud publishes the bridge's last will "0" when that connection drops. The mapped one is the
 * lamp's local notification, carried over the bridge by the `lamp/connection/+/state` mapping under
 * devices/<id>/, so it changes only while the bridge is up and can be stale either way: a "1" kept
 * after the lamp died, or a "0" the lamp queued while its bridge was down (cleansession false)
 * delivered after the newer "1" once it reconnected (seen with Mosquitto 2.0.11, with the bridge up and
 * messages crossing). So the raw copy decides when there is one, and the mapped copy only without it.
 */
export function readBridgeState(facts: BridgeStateFacts): StateReading {
  const expectedPrefix = facts.expectedFilter?.replace(/\+\/state$/, '') ?? '';
  const mine = (topic: string) => !facts.bridgeClientId || topic.includes(`/${facts.bridgeClientId}/`);
  const pick = (candidates: { topic: string; value: string }[]) => candidates.find((s) => mine(s.topic)) ?? candidates[0];
  const asState = (value: string): BridgeState => (value === '1' ? 'connected' : value === '0' ? 'disconnected' : 'unknown');

  const mapped = pick(facts.states.filter((s) => s.topic.startsWith(expectedPrefix)));
  // The bridge's own notification: on its configured notification_topic (--bridge-config), else the seed's.
  const raw =
    facts.states.find((s) => facts.notificationTopic !== undefined && s.topic === facts.notificationTopic) ??
    (facts.bridgeClientId ? facts.states.find((s) => !s.topic.startsWith('devices/') && mine(s.topic)) : undefined);
  if (!mapped) {
    // A state under another devices/<id>/ prefix means the bridge's topic lines map elsewhere.
    const elsewhere = pick(facts.states.filter((s) => s.topic.startsWith('devices/')));
    if (elsewhere) return { state: asState(elsewhere.value), topic: elsewhere.topic, otherPrefix: elsewhere.topic.replace(/lamp\/connection\/.*$/, '') };
  }
  // When both copies agree the mapped one is named, as it always was: it is the topic the seed maps.
  const decisive = raw && asState(raw.value) !== 'unknown' && raw.value !== mapped?.value ? raw : (mapped ?? raw);
  if (!decisive) return { state: 'unknown', topic: raw?.topic };
  const reading: StateReading = { state: asState(decisive.value), topic: decisive.topic };
  if (decisive === raw && mapped && mapped.value !== raw.value) reading.staleCopy = { topic: mapped.topic, value: mapped.value };
  return reading;
}

/** What the bridge flows of this run (with --local) say about the bridge, whatever its retained state says. */
export interface LiveBridge {
  /** The directions whose probes crossed the bridge in this run ("cloud -> lamp 10/10"): the bridge is up. */
  crossed: string[];
  /** The lamp broker did not answer at --local (nothing listening, or silent): its mosquitto is not running there. */
  lampSilent?: { url?: string; words: string; timedOut: boolean };
}

export function liveBridge(flows: readonly BridgeFlowFacts[]): LiveBridge {
  const crossed = flows
    .filter((flow) => flow.configured && (flow.samplesMs.length > 0 || flow.arrivedElsewhere))
    .map((flow) => `${flow.direction === 'inbound' ? 'cloud -> lamp' : 'lamp -> cloud'} ${flow.samplesMs.length > 0 ? `${flow.samplesMs.length}/${flow.sent}` : `on ${flow.arrivedElsewhere}`}`);
  const failure = flows.map((flow) => flow.failure).find((f) => f?.broker === 'lamp' && f.stage === 'connect' && (f.outcome === 'timeout' || f.errorCode === 'ECONNREFUSED'));
  if (!failure) return { crossed };
  const timedOut = failure.outcome === 'timeout';
  const words = failure.detail ?? (timedOut ? (failure.timeoutMs !== undefined ? `no CONNACK within ${failure.timeoutMs} ms` : 'no CONNACK in time') : (failure.errorCode ?? 'refused'));
  return { crossed, lampSilent: { url: failure.url, words, timedOut } };
}
