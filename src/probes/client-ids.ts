// Client ids: ours must never be a bridge's (the broker would drop the lamp's bridge to let us in and
// hand us its persistent session), and our own sessions must never share one (they would evict each
// other). Comparisons ignore case, as operators do when they copy ids around.
import { randomBytes } from 'node:crypto';

/** Roles of the tool's own MQTT sessions: a user's --client-id prefix is extended with one of these. */
export type SessionRole =
  | 'connect' | 'rt' | 'state' | 'in-cloud' | 'in-lamp' | 'out-cloud' | 'out-lamp' | 'wss' | 'auth-none' | 'auth-untrusted'
  // The MQTT goodbyes that end the TLS probes' handshakes (mqtt-goodbye.ts).
  | 'tls' | 'tls1.0' | 'tls1.1' | 'tls1.2' | 'tls1.3' | 'wss-upgrade';
export const SESSION_ROLES: readonly SessionRole[] = [
  'connect', 'rt', 'state', 'in-cloud', 'in-lamp', 'out-cloud', 'out-lamp', 'wss', 'auth-none', 'auth-untrusted',
  'tls', 'tls1.0', 'tls1.1', 'tls1.2', 'tls1.3', 'wss-upgrade',
];

/** The LAMPI convention for a bridge's remote_clientid: `<device-id>_broker`. */
export const BRIDGE_ID_CONVENTION = /_broker$/i;

export function sessionClientId(prefix: string | undefined, role: SessionRole): string {
  return prefix ? `${prefix}-${role}` : `lampi-doctor-${randomBytes(6).toString('hex')}`;
}

/**
 * A grade student's --client-id prefix: the grader's, extended by the student's roster line, so two
 * students on one broker never share a session id (the broker would close one student's session to
 * let the other's in). Without a prefix every session draws a random id already.
 */
export function studentClientIdPrefix(prefix: string | undefined, line: number): string | undefined {
  return prefix === undefined ? undefined : `${prefix}-line${line}`;
}

/** The bridge identities this run can see: from flags and config up front, from the cloud's state topics as they arrive. */
export class BridgeIdentities {
  private readonly ids = new Set<string>();
  private readonly connectionNames = new Set<string>();

  add(id: string | undefined): this {
    if (id) this.ids.add(id.toLowerCase());
    return this;
  }

  /** A state topic the cloud publishes names a bridge connection (and, by the seed's mapping, its device). */
  learnFromStateTopic(topic: string): void {
    const seed = /^devices\/([^/]+)\/lamp\/connection\/([^/]+)\/state$/.exec(topic);
    if (seed) {
      this.add(`${seed[1]}_broker`);
      this.connectionNames.add(seed[2].toLowerCase());
      return;
    }
    const named = /^(?:\$SYS\/broker|lamp)\/connection\/([^/]+)\/state$/.exec(topic);
    if (named) this.connectionNames.add(named[1].toLowerCase());
  }

  /**
   * Whether `id` is (ignoring case) a bridge's: a known id, the `<device-id>_broker` convention, a
   * connection's name, or Mosquitto's default bridge id `<hostname>.<connection name>`.
   */
  clashes(id: string): boolean {
    const lower = id.toLowerCase();
    if (this.ids.has(lower) || BRIDGE_ID_CONVENTION.test(lower)) return true;
    for (const name of this.connectionNames) if (lower === name || lower.endsWith(`.${name}`)) return true;
    return false;
  }
}
