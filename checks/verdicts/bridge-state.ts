// Reading the bridge's connection state from the retained notifications the cloud holds: shared by
// bridge.status and the bridge flow checks (no check imports another check).
import type { BridgeStateFacts } from '../../src/facts.js';

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
