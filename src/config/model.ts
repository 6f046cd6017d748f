// What a loaded configuration means: listeners and bridges with their options, as Mosquitto 2.0
// assigns them. Options keep their file and line so every finding can point at one.
import { dirname, isAbsolute, resolve } from 'node:path';
import type { LoadedConfig, LoadProblem } from './load.js';
import { parseTopic, type ConfEntry, type LayoutFact, type TopicMapping } from './mosquitto-conf.js';
import { contextOf } from './mosquitto-versions.js';
import { BOOLEAN_OPTIONS, BOOLEAN_VALUES, tlsVersionsOf } from './options.js';

export interface Block {
  file: string;
  line: number;
  entries: ConfEntry[];
}

export interface ListenerModel extends Block {
  port: number;
  address?: string;
  /** Options given before any `listener` line configure Mosquitto's default listener. */
  implicit: boolean;
}

export interface BridgeModel extends Block {
  name: string;
  topics: TopicMapping[];
}

export interface Misplaced {
  entry: ConfEntry;
  problem: 'listener-option-in-bridge' | 'bridge-option-outside-bridge' | 'unknown';
}

export interface ConfigModel {
  /** The path given on the command line. */
  root: string;
  files: string[];
  entries: ConfEntry[];
  problems: LoadProblem[];
  /** Lines Mosquitto reads otherwise than they look (byte order mark, tabs, indented comments). */
  layout: LayoutFact[];
  global: ConfEntry[];
  listeners: ListenerModel[];
  bridges: BridgeModel[];
  misplaced: Misplaced[];
  perListenerSettings: boolean;
  /** The user Mosquitto drops to when started as root. */
  user: string;
}

/** Options that belong to a listener when per_listener_settings is true, and are global otherwise. */
export const SECURITY_OPTIONS: ReadonlySet<string> = new Set(['allow_anonymous', 'acl_file', 'password_file', 'psk_file', 'auth_plugin', 'plugin', 'allow_zero_length_clientid', 'auto_id_prefix', 'auth_plugin_deny_special_chars']);

export function last(block: Block | undefined, key: string): ConfEntry | undefined {
  return block?.entries.filter((entry) => entry.key === key).at(-1);
}

/** A path option's value, resolved as this tool reads it (relative to the file that names it). */
export function pathOf(entry: ConfEntry | undefined): string | undefined {
  const value = entry?.args[0];
  if (!entry || !value) return undefined;
  return isAbsolute(value) ? value : resolve(dirname(entry.file), value);
}

/** A boolean option whose value Mosquitto refuses (only true, false, 1 and 0 start). */
export const invalidBoolean = (entry: ConfEntry | undefined): boolean => Boolean(entry && BOOLEAN_OPTIONS.has(entry.key) && entry.args.length > 0 && !BOOLEAN_VALUES.has(entry.args[0]));

/**
 * The boolean lines in force for a listener (its own, and the security options it runs with) whose
 * value Mosquitto refuses to start on: while there is one, the listener never runs, so rules that
 * describe how it behaves have nothing to describe (config.option/invalid-boolean names the line).
 */
export function refusedBooleans(model: ConfigModel, listener: ListenerModel): ConfEntry[] {
  const own = listener.entries.filter((entry) => invalidBoolean(entry));
  const security = ['allow_anonymous', 'allow_zero_length_clientid'].map((key) => securityOption(model, listener, key)).filter((entry) => invalidBoolean(entry));
  return [...new Set([...own, ...security as ConfEntry[]])];
}

/**
 * A TLS MQTT listener's tls_version that Mosquitto refuses to start with (exit 1, "Unsupported
 * tls_version"). Measured on 2.0.11 for listeners with certfile and keyfile; a listener without a
 * keyfile never sets TLS up, and websockets hand TLS to libwebsockets, so neither is judged here.
 */
export function unsupportedTlsVersion(listener: ListenerModel, version: { major: number }): ConfEntry | undefined {
  const entry = last(listener, 'tls_version');
  if (!entry || !last(listener, 'certfile') || !last(listener, 'keyfile') || isWebsockets(listener)) return undefined;
  return tlsVersionsOf(version).includes(entry.args.join(' ')) ? undefined : entry;
}

/** Whether Mosquitto refuses to start on a value of this listener (see refusedBooleans, unsupportedTlsVersion). */
export const listenerRefused = (model: ConfigModel, listener: ListenerModel, version: { major: number }): boolean => refusedBooleans(model, listener).length > 0 || Boolean(unsupportedTlsVersion(listener, version));

/**
 * Whether a bridge has a value that keeps it from ever connecting: a boolean Mosquitto refuses to
 * start on, or (with TLS) a bridge_tls_version it does not know ("Protocol TLSv1.2 not supported").
 * config.option names the line; rules that describe the bridge's session have nothing to describe.
 */
export function bridgeRefused(bridge: BridgeModel, version: { major: number }): boolean {
  if (bridge.entries.some((entry) => invalidBoolean(entry))) return true;
  const tlsVersion = last(bridge, 'bridge_tls_version');
  return Boolean(tlsVersion && (last(bridge, 'bridge_cafile') || last(bridge, 'bridge_capath')) && !tlsVersionsOf(version).includes(tlsVersion.args.join(' ')));
}

export function isTls(listener: ListenerModel): boolean {
  return Boolean(last(listener, 'certfile') || last(listener, 'psk_hint'));
}

export function isWebsockets(listener: ListenerModel): boolean {
  return last(listener, 'protocol')?.args[0] === 'websockets';
}

/** The security option in force for a listener, honouring per_listener_settings. */
export function securityOption(model: ConfigModel, listener: ListenerModel, key: string): ConfEntry | undefined {
  return model.perListenerSettings ? last(listener, key) : model.global.filter((entry) => entry.key === key).at(-1);
}

export function buildModel(root: string, loaded: LoadedConfig): ConfigModel {
  const model: ConfigModel = {
    root,
    files: loaded.files,
    entries: loaded.entries,
    problems: loaded.problems,
    layout: loaded.layout ?? [],
    global: [],
    listeners: [],
    bridges: [],
    misplaced: [],
    perListenerSettings: loaded.entries.some((entry) => entry.key === 'per_listener_settings' && entry.args[0] === 'true'),
    user: loaded.entries.filter((entry) => entry.key === 'user').at(-1)?.args[0] ?? 'mosquitto',
  };
  let listener: ListenerModel | undefined;
  let bridge: BridgeModel | undefined;
  const defaultListener = (entry: ConfEntry): ListenerModel => {
    listener ??= { file: entry.file, line: entry.line, entries: [], port: 1883, implicit: true };
    if (!model.listeners.includes(listener)) model.listeners.push(listener);
    return listener;
  };

  for (const entry of loaded.entries) {
    const context = contextOf(entry.key);
    if (entry.key === 'listener') {
      listener = { file: entry.file, line: entry.line, entries: [entry], port: Number(entry.args[0]), address: entry.args[1], implicit: false };
      model.listeners.push(listener);
      bridge = undefined;
    } else if (entry.key === 'connection') {
      bridge = { file: entry.file, line: entry.line, entries: [entry], name: entry.args[0] ?? '', topics: [] };
      model.bridges.push(bridge);
    } else if (context === 'bridge') {
      if (!bridge) model.misplaced.push({ entry, problem: 'bridge-option-outside-bridge' });
      else {
        bridge.entries.push(entry);
        if (entry.key === 'topic') bridge.topics.push(parseTopic(entry));
      }
    } else if (context === 'listener') {
      // Mosquitto applies listener options to the last listener, even inside a connection block.
      if (bridge) model.misplaced.push({ entry, problem: 'listener-option-in-bridge' });
      const target = listener ?? defaultListener(entry);
      if (entry.key === 'port' && target.implicit) target.port = Number(entry.args[0]);
      target.entries.push(entry);
    } else if (context === 'global') {
      model.global.push(entry);
      if (SECURITY_OPTIONS.has(entry.key) && listener) listener.entries.push(entry);
    } else {
      model.misplaced.push({ entry, problem: 'unknown' });
    }
  }
  return model;
}
