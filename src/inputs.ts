// Turns command-line values into a probe context, or a UsageError: all of it before any traffic.
import { isIP } from 'node:net';
import { keyMatchesCertificate, readCertificateFile, readKeyFile } from './certs/pem.js';
import { UsageError } from './engine/types.js';
import type { ProbeContext } from './probes/fact-source.js';

export const DEFAULT_TLS_PORT = 8883;
export const DEFAULT_TIMEOUT_MS = 3000;
export const DEFAULT_EXPIRY_WARN_DAYS = 30;

export interface DiagnoseInput {
  target: string;
  port?: number;
  ca?: string;
  cert?: string;
  key?: string;
  keyPassphrase?: string;
  resolve?: string[];
  timeoutMs?: number;
  expiryWarnDays?: number;
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
  const chosen = port ?? portFromTarget ?? DEFAULT_TLS_PORT;
  return { host, port: checkPort(chosen, '--port') };
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

export function prepareProbeContext(input: DiagnoseInput): ProbeContext & { expiryWarnDays: number } {
  const { host, port } = parseTarget(input.target, input.port);
  const timeoutMs = positive(input.timeoutMs, DEFAULT_TIMEOUT_MS, '--timeout', 100);
  const expiryWarnDays = positive(input.expiryWarnDays, DEFAULT_EXPIRY_WARN_DAYS, '--expiry-warn-days', 0);
  const resolve = parseResolve(input.resolve ?? [], port);
  if (Boolean(input.cert) !== Boolean(input.key)) {
    throw new UsageError(input.cert ? '--cert needs its private key: add --key client.key' : '--key needs its certificate: add --cert client.crt');
  }
  if (input.keyPassphrase !== undefined && !input.key) throw new UsageError('--key-passphrase goes with --key');
  const ca = input.ca ? readCertificateFile(input.ca, '--ca') : undefined;
  let client: ProbeContext['client'];
  if (input.cert && input.key) {
    const cert = readCertificateFile(input.cert, '--cert');
    const key = readKeyFile(input.key, '--key', input.keyPassphrase);
    if (!keyMatchesCertificate(key.key, cert.certificates[0])) {
      throw new UsageError(`--key ${input.key} does not belong to --cert ${input.cert} (their public keys differ)`);
    }
    client = { cert, key };
  }
  return { host, port, resolve, timeoutMs, ca, client, expiryWarnDays };
}
