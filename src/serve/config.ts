// `serve --config lampi-doctor.yml`: modules (named sets of diagnosis options), validated against
// schema/serve-config.schema.json and then against the files they name, every error at file:line.
import Ajv, { type ErrorObject } from 'ajv';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, isMap, isScalar, parseDocument, type Document, type Node } from 'yaml';
import { diagnosisChecks } from '../../checks/index.js';
import schema from '../../schema/serve-config.schema.json';
import type { DiagnoseOptions } from '../diagnose.js';
import { selectChecks } from '../engine/selection.js';
import { UsageError } from '../engine/types.js';
import { describeFsError } from '../fs-errors.js';
import { prepareProbeContext } from '../inputs.js';
import { readCertificateFile } from '../certs/pem.js';
import { readCrlDates } from './crl.js';
import type { ProbeExtras } from './probe-metrics.js';

/** A module as written in the config (snake_case keys, the schema's names). */
export interface ModuleOptions {
  ca?: string;
  cert?: string;
  key?: string;
  key_passphrase_file?: string;
  timeout?: number;
  wss_port?: number;
  plain_port?: number;
  skip?: string[];
  only?: string[];
  resolve?: string[];
  device_id?: string;
  local?: string;
  bridge_config?: string;
  config?: string;
  probe_prefix?: string;
  mqtt_version?: string;
  samples?: number;
  qos?: number;
  expiry_warn_days?: number;
  fail_on?: 'warn' | 'fail';
  crl?: string;
}

export interface ServeModule {
  name: string;
  /** Options with every path made absolute (relative to the config file). */
  options: ModuleOptions;
  /** Where the module is defined, for messages. */
  where: string;
}

export interface ServeConfig {
  path: string;
  modules: Map<string, ServeModule>;
}

const PATH_KEYS = ['ca', 'cert', 'key', 'key_passphrase_file', 'bridge_config', 'config', 'crl'] as const;
/** CLI flags in messages of the shared input code, as the config spells them. */
const FLAG_TO_KEY: Record<string, string> = {
  '--key-passphrase': 'key_passphrase_file',
  '--wss-port': 'wss_port',
  '--plain-port': 'plain_port',
  '--device-id': 'device_id',
  '--bridge-config': 'bridge_config',
  '--probe-prefix': 'probe_prefix',
  '--mqtt-version': 'mqtt_version',
  '--expiry-warn-days': 'expiry_warn_days',
};

export const DEFAULT_MODULE_TIMEOUT_MS = 3000;

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validate = ajv.compile(schema);

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

function nearest(word: string, candidates: readonly string[]): string | undefined {
  const scored = candidates.map((candidate) => ({ candidate, distance: levenshtein(word, candidate) })).sort((x, y) => x.distance - y.distance);
  return scored[0] && scored[0].distance <= Math.max(2, Math.floor(word.length / 3)) ? scored[0].candidate : undefined;
}

const MODULE_KEYS = Object.keys(schema.definitions.module.properties);

function dotted(instancePath: string): string {
  return instancePath.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~')).join('.');
}

function describeError(error: ErrorObject): { path: string[]; key?: string; message: string } {
  const path = error.instancePath.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const where = dotted(error.instancePath) || 'the config';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const inModule = path.length === 2 && path[0] === 'modules';
      const hint = inModule ? nearest(key, MODULE_KEYS) : nearest(key, ['modules']);
      const known = inModule ? `; options are ${MODULE_KEYS.join(', ')}` : '; the top level holds `modules:`';
      return { path, key, message: `${where}: unknown option "${key}"${hint ? ` (did you mean "${hint}"?)` : known}` };
    }
    case 'required':
      return { path, message: `${where}: missing \`${String(params.missingProperty)}:\`` };
    case 'dependencies':
      return { path, key: String(params.property), message: `${where}: ${String(params.property)} needs ${String(params.missingProperty)}` };
    case 'enum':
      return { path, message: `${where} must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}` };
    case 'propertyNames':
      return { path, key: String(params.propertyName), message: `${where}: module name "${String(params.propertyName)}" may hold only letters, digits, _ . - (at most 64)` };
    case 'minProperties':
      return { path, message: `${where}: declare at least one module` };
    default:
      return { path, message: `${where} ${error.message ?? 'is invalid'}` };
  }
}

class Locator {
  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  at(offset: number | undefined): string {
    if (offset === undefined) return this.file;
    const { line } = this.lines.linePos(offset);
    return `${this.file}:${line}`;
  }

  /** The line of the key naming the last step of `path` (or `key` inside it), else of the nearest parent. */
  of(path: readonly string[], key?: string): string {
    const steps = key === undefined ? [...path] : [...path, key];
    for (let depth = steps.length; depth > 0; depth--) {
      const parent = (depth === 1 ? this.doc.contents : this.doc.getIn(steps.slice(0, depth - 1), true)) as Node | null | undefined;
      if (!isMap(parent)) continue;
      const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === steps[depth - 1]);
      if (pair && isScalar(pair.key)) return this.at(pair.key.range?.[0]);
    }
    return this.at((this.doc.contents as Node | null)?.range?.[0]);
  }
}

function fromFlags(message: string): string {
  return message.replace(/--[a-z-]+/g, (flag) => FLAG_TO_KEY[flag] ?? flag.slice(2));
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --config ${path}: ${describeFsError(error)}`);
  }
}

export function loadServeConfig(path: string): ServeConfig {
  const text = readText(path);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new UsageError(doc.errors.slice(0, 5).map((error) => `${path}:${error.linePos?.[0].line ?? 1}: ${error.message.split('\n')[0]}`).join('\n'));
  }
  const locate = new Locator(path, doc, lines);
  const data = doc.toJS() as unknown;
  if (!validate(data)) {
    const messages = (validate.errors ?? [])
      .filter((error) => error.keyword !== 'if')
      .map((error) => {
        const described = describeError(error);
        return `${locate.of(described.path, described.key)}: ${described.message}`;
      });
    throw new UsageError([...new Set(messages)].slice(0, 8).join('\n'));
  }
  const base = dirname(resolve(path));
  const modules = new Map<string, ServeModule>();
  for (const [name, raw] of Object.entries((data as { modules: Record<string, ModuleOptions> }).modules)) {
    const options: ModuleOptions = { ...raw };
    for (const key of PATH_KEYS) if (options[key] !== undefined) options[key] = resolve(base, options[key]!);
    const module: ServeModule = { name, options, where: locate.of(['modules'], name) };
    try {
      // Everything a probe would refuse is refused now, before the first scrape.
      probeInput(module, 'localhost', 1000);
      if (options.config) readFileSync(options.config);
    } catch (error) {
      const message = error instanceof UsageError ? fromFlags(error.message) : error instanceof Error ? describeFsError(error) : String(error);
      throw new UsageError(`${module.where}: module ${name}: ${message}`);
    }
    modules.set(name, module);
  }
  return { path, modules };
}

function readPassphrase(path: string): string {
  try {
    return readFileSync(path, 'utf8').split(/\r?\n/)[0];
  } catch (error) {
    throw new UsageError(`cannot read key_passphrase_file ${path}: ${describeFsError(error)}`);
  }
}

/**
 * The diagnosis a probe of `target` with this module runs, and what the module's files say. Files are
 * read on every probe, so renewed certificates and CRLs are picked up without a restart.
 */
export function probeInput(module: ServeModule, target: string, timeoutMs: number): { options: DiagnoseOptions; extras: ProbeExtras } {
  const o = module.options;
  const options: DiagnoseOptions = {
    target,
    ca: o.ca,
    cert: o.cert,
    key: o.key,
    keyPassphrase: o.key_passphrase_file ? readPassphrase(o.key_passphrase_file) : undefined,
    resolve: o.resolve,
    timeoutMs,
    expiryWarnDays: o.expiry_warn_days,
    mqttVersion: o.mqtt_version,
    samples: o.samples,
    qos: o.qos,
    wssPort: o.wss_port,
    plainPort: o.plain_port,
    local: o.local,
    deviceId: o.device_id,
    bridgeConfig: o.bridge_config,
    config: o.config,
    probePrefix: o.probe_prefix,
    only: o.only,
    skip: o.skip,
    failOn: o.fail_on,
  };
  selectChecks(diagnosisChecks, o.only, o.skip);
  prepareProbeContext(options);
  const extras: ProbeExtras = {};
  if (o.cert) extras.clientCertNotAfter = new Date(readCertificateFile(o.cert, 'cert').certificates[0].validTo).toISOString();
  if (o.crl) extras.crlNextUpdate = readCrlDates(o.crl).nextUpdate;
  return { options, extras };
}
