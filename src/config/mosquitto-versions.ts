// What each Mosquitto version accepts and means: its option vocabulary (mosquitto.conf(5) and
// src/conf.c of that release), the aliases it takes, what it announces as deprecated, and how it
// reads tls_version. Verdicts key on the version the broker runs (default: Debian's 2.0.11).
import { UsageError } from '../engine/types.js';
import { BRIDGE_OPTIONS, GLOBAL_OPTIONS, LISTENER_OPTIONS } from './options.js';

export interface MosquittoVersion {
  major: number;
  minor: number;
  patch: number;
  /** "2.0.11" */
  text: string;
  /** Where the version came from: the --mosquitto-version flag, the local binary or the broker, or the default. */
  source: 'flag' | 'detected' | 'default';
}

/** Debian 12 and Raspberry Pi OS ship 2.0.11. */
export const DEFAULT_MOSQUITTO_VERSION = '2.0.11';

/** "2.0.11", "v2.1", "mosquitto version 2.0.11" -> the version; undefined when there is none. */
export function parseMosquittoVersion(text: string, source: MosquittoVersion['source'] = 'flag'): MosquittoVersion | undefined {
  const match = /(?:^|[^\d.])v?(\d{1,2})\.(\d{1,2})(?:\.(\d{1,3}))?(?![\d.])/.exec(` ${text.slice(0, 200)}`);
  if (!match) return undefined;
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
  return { major, minor, patch, text: `${major}.${minor}.${patch}`, source };
}

export const defaultMosquittoVersion = (): MosquittoVersion => parseMosquittoVersion(DEFAULT_MOSQUITTO_VERSION, 'default')!;

/** a < b: -1, a == b: 0, a > b: 1 */
export function compareVersions(a: Pick<MosquittoVersion, 'major' | 'minor' | 'patch'>, b: string): number {
  const other = parseMosquittoVersion(b)!;
  const left = [a.major, a.minor, a.patch];
  const right = [other.major, other.minor, other.patch];
  for (let i = 0; i < 3; i += 1) if (left[i] !== right[i]) return left[i] < right[i] ? -1 : 1;
  return 0;
}

export const atLeast = (version: MosquittoVersion, other: string) => compareVersions(version, other) >= 0;

/**
 * 1.x and 2.0.0-2.0.8 use `tls_version` / `bridge_tls_version` as the one version they speak;
 * 2.0.9 fixed it to be the minimum, as the documentation had said since 2.0.0.
 */
export function tlsVersionIsExact(version: MosquittoVersion): boolean {
  return !atLeast(version, '2.0.9');
}

export function tlsVersionMeaning(version: MosquittoVersion): string {
  return tlsVersionIsExact(version)
    ? `Mosquitto ${version.text} speaks exactly the tls_version / bridge_tls_version given (1.x and 2.0.0-2.0.8 pin it)`
    : `Mosquitto ${version.text} treats tls_version / bridge_tls_version as the minimum (since 2.0.9)`;
}

export type OptionContext = 'global' | 'listener' | 'bridge';

/** Options that came with a release, by where they belong. Everything else is in 2.0 (and 1.6). */
const INTRODUCED: Record<string, { since: string; context: OptionContext }> = {
  // 2.0.0
  bridge_bind_address: { since: '2.0.0', context: 'bridge' },
  bridge_max_packet_size: { since: '2.0.0', context: 'bridge' },
  bridge_outgoing_retain: { since: '2.0.0', context: 'bridge' },
  // 2.1.0 (src/conf.c of the 2.1 release; "about 25 more" in issue 9)
  accept_protocol_versions: { since: '2.1.0', context: 'listener' },
  bridge_ciphers: { since: '2.1.0', context: 'bridge' },
  'bridge_ciphers_tls1.3': { since: '2.1.0', context: 'bridge' },
  bridge_max_topic_alias: { since: '2.1.0', context: 'bridge' },
  bridge_receive_maximum: { since: '2.1.0', context: 'bridge' },
  bridge_reload_type: { since: '2.1.0', context: 'bridge' },
  bridge_session_expiry_interval: { since: '2.1.0', context: 'bridge' },
  bridge_tcp_keepalive: { since: '2.1.0', context: 'bridge' },
  bridge_tcp_user_timeout: { since: '2.1.0', context: 'bridge' },
  bridge_tls_use_os_certs: { since: '2.1.0', context: 'bridge' },
  disable_client_cert_date_checks: { since: '2.1.0', context: 'listener' },
  enable_control_api: { since: '2.1.0', context: 'global' },
  enable_proxy_protocol: { since: '2.1.0', context: 'listener' },
  global_max_clients: { since: '2.1.0', context: 'global' },
  global_max_connections: { since: '2.1.0', context: 'global' },
  global_plugin: { since: '2.1.0', context: 'global' },
  listener_allow_anonymous: { since: '2.1.0', context: 'listener' },
  listener_auto_id_prefix: { since: '2.1.0', context: 'listener' },
  max_topic_alias_broker: { since: '2.1.0', context: 'listener' },
  packet_buffer_size: { since: '2.1.0', context: 'global' },
  plugin_load: { since: '2.1.0', context: 'global' },
  plugin_use: { since: '2.1.0', context: 'listener' },
  proxy_protocol_v2_require_tls: { since: '2.1.0', context: 'listener' },
  retain_expiry_interval: { since: '2.1.0', context: 'global' },
  websockets_origin: { since: '2.1.0', context: 'listener' },
};

/** Second names Mosquitto accepts for an option (src/conf.c: `!strcmp(token, "a") || !strcmp(token, "b")`). */
export const ALIASES: Record<string, string> = {
  username: 'remote_username',
  password: 'remote_password',
  clientid: 'remote_clientid',
  addresses: 'address',
  maximum_qos: 'max_qos',
  retained_persistence: 'persistence',
};

export interface Deprecation {
  option: string;
  /** The first version that announces it. */
  since: string;
  /** deprecated: still works, going away; unavailable: accepted and ignored; ignored: no longer needed. */
  kind: 'deprecated' | 'unavailable' | 'ignored';
  /** What Mosquitto says, and what to write instead. */
  advice: string;
  instead?: string;
}

/** What Mosquitto prints at start-up (its log, `mosquitto -c ... -v`), by version. */
const DEPRECATIONS: Deprecation[] = [
  { option: 'retry_interval', since: '2.0.0', kind: 'unavailable', advice: 'Mosquitto says "The retry_interval option is no longer available" and ignores it: MQTT retries only on reconnect.' },
  { option: 'port', since: '2.0.0', kind: 'deprecated', advice: 'Mosquitto says "The \'port\' option is now deprecated and will be removed in a future version. Please use \'listener\' instead."', instead: 'listener' },
  { option: 'bind_address', since: '2.0.0', kind: 'deprecated', advice: 'Mosquitto says "The \'bind_address\' option is now deprecated": give the address on the listener line (`listener 1883 127.0.0.1`).', instead: 'listener' },
  { option: 'allow_duplicate_messages', since: '2.0.0', kind: 'deprecated', advice: 'Mosquitto says "The \'allow_duplicate_messages\' option is now deprecated ... The behaviour will default to true": remove the line.' },
  { option: 'clientid_prefixes', since: '2.0.0', kind: 'deprecated', advice: 'Mosquitto says "The \'clientid_prefixes\' option is now deprecated": restrict clients with an ACL or a plugin instead.' },
  { option: 'auto_id_prefix', since: '2.1.0', kind: 'deprecated', advice: 'Mosquitto 2.1 says "Please use \'listener_auto_id_prefix\' instead."', instead: 'listener_auto_id_prefix' },
  { option: 'per_listener_settings', since: '2.1.0', kind: 'deprecated', advice: 'Mosquitto 2.1 deprecates per_listener_settings: set `listener_allow_anonymous` and `plugin_use` under each listener instead.', instead: 'listener_allow_anonymous' },
  { option: 'dhparamfile', since: '2.1.0', kind: 'ignored', advice: 'Mosquitto 2.1 says "dhparamfile is no longer required" and ignores it: remove the line.' },
  { option: 'message_size_limit', since: '2.1.0', kind: 'deprecated', advice: 'Mosquitto 2.1 recommends replacing `message_size_limit` with `max_packet_size`.', instead: 'max_packet_size' },
];

const BASE = new Map<string, OptionContext>([
  ...GLOBAL_OPTIONS.map((name) => [name, 'global'] as const),
  ...LISTENER_OPTIONS.map((name) => [name, 'listener'] as const),
  ...BRIDGE_OPTIONS.map((name) => [name, 'bridge'] as const),
  ['retry_interval', 'global'],
]);

/** Options whose name is a prefix (auth_opt_NAME, plugin_opt_NAME). */
const PREFIXES = ['auth_opt_', 'plugin_opt_'];

/** The canonical name of an option (its alias resolved). */
export const canonicalOption = (option: string): string => ALIASES[option] ?? option;

/** Where an option belongs in any version this tool knows, or undefined for a word no version knows. */
export function anyVersionContext(option: string): OptionContext | undefined {
  if (PREFIXES.some((prefix) => option.startsWith(prefix))) return 'global';
  const name = canonicalOption(option);
  return BASE.get(name) ?? INTRODUCED[name]?.context;
}

/** Where an option belongs in any version, 'unknown' for a word no version knows. */
export function contextOf(option: string): OptionContext | 'unknown' {
  return anyVersionContext(option) ?? 'unknown';
}

/** The first version that knows the option (undefined: every version this tool models). */
export function introducedIn(option: string): string | undefined {
  return INTRODUCED[canonicalOption(option)]?.since;
}

/** Whether `version` accepts the option at all. */
export function knownIn(version: MosquittoVersion, option: string): boolean {
  if (!anyVersionContext(option)) return false;
  const since = introducedIn(option);
  return !since || atLeast(version, since);
}

/** Every option name `version` accepts (canonical names, aliases and the prefixes aside). */
export function vocabulary(version: MosquittoVersion): string[] {
  return [...BASE.keys(), ...Object.keys(INTRODUCED)].filter((name) => knownIn(version, name));
}

/** What `version` announces about an option it still reads, if anything. */
export function deprecationOf(version: MosquittoVersion, option: string): Deprecation | undefined {
  return DEPRECATIONS.find((d) => d.option === canonicalOption(option) && atLeast(version, d.since));
}

export const ALL_DEPRECATIONS: readonly Deprecation[] = DEPRECATIONS;

/** The version of the local `mosquitto` binary (first line of `mosquitto -h`), if there is one. */
export function detectLocalMosquittoVersion(): MosquittoVersion | undefined {
  try {
    // Loaded here, not at the top: a diagnosis imports this module but never detects (~15 ms saved).
    const { spawnSync } = process.getBuiltinModule('node:child_process');
    const run = spawnSync('mosquitto', ['-h'], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'pipe'] });
    const firstLine = `${run.stdout ?? ''}${run.stderr ?? ''}`.split('\n').find((line) => /mosquitto version/i.test(line));
    return firstLine ? parseMosquittoVersion(firstLine, 'detected') : undefined;
  } catch {
    return undefined;
  }
}

/** The version verdicts key on: the flag's, else the detected one, else the default. */
export function resolveMosquittoVersion(flag: string | undefined, detect: () => MosquittoVersion | undefined = detectLocalMosquittoVersion): MosquittoVersion {
  if (flag !== undefined) {
    const parsed = parseMosquittoVersion(flag, 'flag');
    if (!parsed || !/^\s*v?\d+\.\d+(\.\d+)?\s*$/.test(flag)) throw new UsageError(`--mosquitto-version ${JSON.stringify(flag.slice(0, 40))} is not a version: give it as X.Y.Z, e.g. ${DEFAULT_MOSQUITTO_VERSION}`);
    return parsed;
  }
  return detect() ?? defaultMosquittoVersion();
}
