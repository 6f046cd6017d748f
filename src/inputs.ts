// Turns command-line values into a probe context, or a UsageError: all of it before any traffic.
import { isIP } from './ip-address.js';
import { isFolder, readCaFolder } from './certs/ca-folder.js';
import { keyMatchesCertificate, readCertificateFile, readKeyFile } from './certs/pem.js';
import { UsageError } from './engine/types.js';
import { bridgeConnections, intendedPrefix, readConf, type TopicMapping } from './config/mosquitto-conf.js';
import { BridgeIdentities, SESSION_ROLES, sessionClientId } from './probes/client-ids.js';
import type { MqttOptions, ProbeContext } from './probes/fact-source.js';

export const DEFAULT_TLS_PORT = 8883;
export const DEFAULT_TIMEOUT_MS = 3000;
export const DEFAULT_EXPIRY_WARN_DAYS = 30;
export const DEFAULT_WSS_PORT = 50002;
export const DEFAULT_PLAIN_PORT = 1883;
export const DEFAULT_SAMPLES = 10;
export const DEFAULT_PROBE_PREFIX = 'lampi-doctor/';
/**
 * The most students graded at once. How many actually run is sized to the machine as the run goes
 * (src/grade/admission.ts): above a few, the next starts only while our event loop has spare time, so
 * students that only wait out a timeout overlap freely while those doing TLS work do not starve
 * each other into false timeouts (a fixed cores x 4 left 2 cores idle behind 8 silent peers).
 */
export const DEFAULT_CONCURRENCY = 128;

export interface DiagnoseInput {
  target: string;
  port?: number;
  ca?: string;
  cert?: string;
  key?: string;
  keyPassphrase?: string;
  /** TLS name (SNI and verification) when it differs from the address dialled. */
  servername?: string;
  /** MQTT login, for listeners with a password_file (e.g. websockets for browsers). */
  username?: string;
  password?: string;
  resolve?: string[];
  timeoutMs?: number;
  expiryWarnDays?: number;
  mqttVersion?: string;
  clientId?: string;
  samples?: number;
  qos?: number;
  local?: string;
  deviceId?: string;
  bridgeConfig?: string;
  probePrefix?: string;
  wssPort?: number;
  /** --wss-path: the websockets path clients use (default /mqtt). */
  wssPath?: string;
  plainPort?: number;
  /** --mosquitto-version: the broker's Mosquitto version, for version-dependent verdicts. */
  mosquittoVersion?: string;
}

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

export function parseTarget(target: string, port?: number): { host: string; port: number } {
  const raw = target.trim();
  if (!raw) throw new UsageError('missing target: give the broker\'s FQDN, e.g. lampi-doctor cloud.example.com');
  if (/^[a-z]+:\/\//i.test(raw)) {
    throw new UsageError(`give the broker's name, not a URL: lampi-doctor ${raw.replace(/^[a-z]+:\/\//i, '').replace(/[:/].*$/, '')} --port N`);
  }
  let host = raw;
  let portFromTarget: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(raw);
  const hostPort = /^([^:]+):(\d+)$/.exec(raw);
  if (bracketed) {
    host = bracketed[1];
    portFromTarget = bracketed[2] ? Number(bracketed[2]) : undefined;
  } else if (hostPort) {
    host = hostPort[1];
    portFromTarget = Number(hostPort[2]);
  }
  if (!isIP(host) && !HOSTNAME.test(host)) throw new UsageError(`"${target}" is not a host name or IP address`);
  if (port !== undefined && portFromTarget !== undefined && port !== portFromTarget) {
    throw new UsageError(`the port is given twice, differently: ${target} and --port ${port}; keep one`);
  }
  const chosen = port ?? portFromTarget ?? DEFAULT_TLS_PORT;
  return { host, port: checkPort(chosen, '--port') };
}

export const DEFAULT_WSS_PATH = '/mqtt';

function checkWssPath(path: string): string {
  if (!/^\/[\x21-\x7e]*$/.test(path)) throw new UsageError(`--wss-path ${path}: a URL path starting with /, e.g. /mqtt`);
  return path;
}

export function checkPort(value: number, flag: string): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new UsageError(`${flag} must be a port number from 1 to 65535, not ${value}`);
  return value;
}

/** curl's syntax: NAME:ADDRESS or NAME:PORT:ADDRESS; IPv6 addresses may be bracketed. */
export function parseResolve(entries: readonly string[], port: number): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of entries) {
    const match = /^([^:]+):(?:(\d+):)?\[?([0-9a-fA-F.:]+?)\]?$/.exec(entry.trim());
    if (!match || !isIP(match[3])) {
      throw new UsageError(`--resolve ${entry}: expected NAME:ADDRESS (or NAME:PORT:ADDRESS), e.g. --resolve cloud.example.com:203.0.113.7`);
    }
    if (match[2] !== undefined && Number(match[2]) !== port) continue; // curl ignores entries for other ports
    map.set(match[1].toLowerCase(), match[3]);
  }
  return map;
}

function positive(value: number | undefined, fallback: number, flag: string, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < min) throw new UsageError(`${flag} must be a number of at least ${min}, not ${value}`);
  return value;
}

/** What the bridge config (or the LAMPI naming convention) says about the lamp's bridge. */
function bridgeFacts(input: DiagnoseInput): Pick<MqttOptions, 'deviceId' | 'bridgeClientId' | 'remotePrefix' | 'probePrefix' | 'probeMapping' | 'notificationTopic'> {
  let probePrefix = input.probePrefix ?? DEFAULT_PROBE_PREFIX;
  if (/[#+]/.test(probePrefix)) throw new UsageError(`--probe-prefix ${probePrefix}: a topic prefix, without wildcards`);
  if (!probePrefix.endsWith('/')) probePrefix += '/';
  const deviceId = input.deviceId;
  if (deviceId !== undefined && !/^[\w.-]+$/.test(deviceId)) throw new UsageError(`--device-id ${deviceId}: letters, digits, _ . - only (e.g. b827eb74663e)`);
  const fromDevice = deviceId ? { deviceId, bridgeClientId: `${deviceId}_broker`, remotePrefix: `devices/${deviceId}/` } : {};
  if (!input.bridgeConfig) return { ...fromDevice, probePrefix };

  const bridges = bridgeConnections(readConf(input.bridgeConfig, '--bridge-config'));
  const bridge = bridges[0];
  if (!bridge) throw new UsageError(`--bridge-config ${input.bridgeConfig} has no \`connection\` block: is it the lamp's lampi_bridge.conf?`);
  // The line meant for the probes, also where Mosquitto would read it otherwise (a quoted prefix `''`).
  const meant = (topic: TopicMapping) => `${topic.localPrefix.replace(/["']/g, '')}${topic.pattern}` === `${probePrefix}#`;
  const probe = bridge.topics.find((topic) => `${topic.localPrefix}${topic.pattern}` === `${probePrefix}#`) ?? bridge.topics.find(meant);
  const state = bridge.topics.find((topic) => topic.pattern.startsWith('lamp/connection/'));
  const notificationTopic = bridge.options.filter((entry) => entry.key === 'notification_topic').at(-1)?.args[0];
  // The prefix as meant: the probes test where the writer wanted them, and the bridge checks name the line's defect.
  const lineRemote = (probe ?? state ?? bridge.topics[0])?.remotePrefix;
  const remotePrefix = input.deviceId ? fromDevice.remotePrefix : lineRemote === undefined ? undefined : intendedPrefix(lineRemote);
  return {
    deviceId: deviceId ?? /devices\/([^/]+)\//.exec(remotePrefix ?? '')?.[1],
    bridgeClientId: bridge.remoteClientId ?? fromDevice.bridgeClientId,
    remotePrefix,
    probePrefix,
    ...(probe ? { probeMapping: { file: probe.file, line: probe.line, direction: probe.direction, remotePrefix: probe.remotePrefix, pattern: probe.pattern, localPrefix: probe.localPrefix } } : {}),
    ...(notificationTopic && !/[#+]/.test(notificationTopic) ? { notificationTopic } : {}),
  };
}

function mqttOptions(input: DiagnoseInput): MqttOptions {
  const versions: Record<string, 4 | 5> = { '3.1.1': 4, '4': 4, '5': 5 };
  const version = versions[input.mqttVersion ?? '3.1.1'];
  if (!version) throw new UsageError(`--mqtt-version must be 3.1.1 or 5, not ${input.mqttVersion}`);
  const qos = input.qos ?? 1;
  if (![0, 1, 2].includes(qos)) throw new UsageError(`--qos must be 0, 1 or 2, not ${qos}`);
  const samples = input.samples ?? DEFAULT_SAMPLES;
  if (!Number.isInteger(samples) || samples < 1 || samples > 1000) throw new UsageError(`--samples must be a whole number from 1 to 1000, not ${samples}`);
  if (input.local !== undefined && !/^mqtts?:\/\/[^/]+$/.test(input.local)) {
    throw new UsageError(`--local ${input.local}: expected the lamp broker's URL, e.g. mqtt://127.0.0.1:1883`);
  }
  if (input.password !== undefined && input.username === undefined) {
    throw new UsageError('--password goes with --username: MQTT sends no password without a user name');
  }
  if (input.username !== undefined && (!input.username || Buffer.byteLength(input.username) > 65535)) throw new UsageError('--username must not be empty');
  const bridge = bridgeFacts(input);
  if (input.clientId !== undefined) {
    if (!input.clientId || input.clientId.length > 65535) throw new UsageError('--client-id must not be empty');
    // A prefix: each of the tool's sessions extends it (<prefix>-connect, <prefix>-rt, ...).
    const known = new BridgeIdentities().add(bridge.bridgeClientId);
    const clash = [input.clientId, ...SESSION_ROLES.map((role) => sessionClientId(input.clientId, role))].find((id) => known.clashes(id));
    if (clash) {
      const reason = bridge.bridgeClientId && clash.toLowerCase() === bridge.bridgeClientId.toLowerCase() ? "the bridge's remote_clientid" : "a bridge's client id by the <device-id>_broker convention";
      const what = clash === input.clientId ? `--client-id ${clash} is ${reason}` : `--client-id ${input.clientId} would make the session id ${clash}, ${reason}`;
      throw new UsageError(`${what}: the broker would disconnect the lamp's bridge to let it in. Leave --client-id out (a unique lampi-doctor-<random> id is used), or give another prefix.`);
    }
  }
  return {
    version,
    clientId: input.clientId,
    samples,
    qos: qos as 0 | 1 | 2,
    localUrl: input.local,
    ...(input.username !== undefined ? { credentials: { username: input.username, password: input.password } } : {}),
    ...bridge,
    wssPort: checkPort(input.wssPort ?? DEFAULT_WSS_PORT, '--wss-port'),
    wssPath: checkWssPath(input.wssPath ?? DEFAULT_WSS_PATH),
    plainPort: checkPort(input.plainPort ?? DEFAULT_PLAIN_PORT, '--plain-port'),
  };
}

export function prepareProbeContext(input: DiagnoseInput): ProbeContext & { expiryWarnDays: number } {
  const { host, port } = parseTarget(input.target, input.port);
  const timeoutMs = positive(input.timeoutMs, DEFAULT_TIMEOUT_MS, '--timeout', 100);
  const expiryWarnDays = positive(input.expiryWarnDays, DEFAULT_EXPIRY_WARN_DAYS, '--expiry-warn-days', 0);
  const resolve = parseResolve(input.resolve ?? [], port);
  // curl ignores an entry for another port; here that is always a slip (the run would look the name up
  // in DNS and blame the name), so it is said before anything is sent.
  const otherPort = resolve.has(host.toLowerCase()) ? undefined : (input.resolve ?? []).map((entry) => /^([^:]+):(\d+):/.exec(entry.trim())).find((match) => match && match[1].toLowerCase() === host.toLowerCase() && Number(match[2]) !== port);
  if (otherPort) throw new UsageError(`--resolve ${otherPort.input.trim()} is for port ${otherPort[2]}, but the TLS port is ${port}${input.port === undefined ? '' : ' (--port)'}: give --resolve ${otherPort[1]}:${port}:ADDRESS, or NAME:ADDRESS for every port`);
  if (Boolean(input.cert) !== Boolean(input.key)) {
    throw new UsageError(input.cert ? '--cert needs its private key: add --key client.key' : '--key needs its certificate: add --cert client.crt');
  }
  if (input.keyPassphrase !== undefined && !input.key) throw new UsageError('--key-passphrase goes with --key');
  // A folder is read as mosquitto_pub --capath reads one (hash links only).
  const ca = input.ca ? (isFolder(input.ca) ? readCaFolder(input.ca, '--ca') : readCertificateFile(input.ca, '--ca')) : undefined;
  let client: ProbeContext['client'];
  if (input.cert && input.key) {
    const cert = readCertificateFile(input.cert, '--cert');
    const key = readKeyFile(input.key, '--key', input.keyPassphrase);
    if (!keyMatchesCertificate(key.key, cert.certificates[0])) {
      throw new UsageError(`--key ${input.key} does not belong to --cert ${input.cert} (their public keys differ)`);
    }
    client = { cert, key };
  }
  const mqtt = mqttOptions(input);
  const servername = input.servername === undefined ? undefined : checkServername(input.servername);
  return { host, port, resolve, timeoutMs, ca, client, expiryWarnDays, mqtt, ...(servername ? { servername } : {}) };
}

function checkServername(name: string): string {
  if (isIP(name) || !HOSTNAME.test(name)) throw new UsageError(`--servername ${name}: give the DNS name the broker's certificate should carry (an IP address sends no SNI)`);
  return name.replace(/\.$/, '').toLowerCase();
}
