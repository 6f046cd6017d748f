// Property-based fuzz targets for every parser of user input. Each target turns a generated input
// into one run of the real code; the only allowed outcomes are a result or a UsageError (exit 2).
// Anything else thrown is a crash. Shared by `npm run fuzz` (scripts/fuzz.ts, 100,000+ cases) and
// a fixed-seed sample in `npm test` (test/fuzz/fuzz.test.ts).
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { checkIds } from '../../checks/index.js';
import { buildLocalChain } from '../../src/certs/chain.js';
import { signatureAlgorithmOid } from '../../src/certs/der.js';
import { CertificateDecodeError, describeCertificate } from '../../src/certs/describe.js';
import { certificateBlocks, parseCertificateData, parseKeyData } from '../../src/certs/pem.js';
import { bridgeConnections, parseConf } from '../../src/config/mosquitto-conf.js';
import { UsageError, type CheckResult } from '../../src/engine/types.js';
import { mergeReports, type GradeReport } from '../../src/grade/grade.js';
import { parseMergeInput } from '../../src/grade/merge-input.js';
import { parseRoster } from '../../src/grade/roster.js';
import { maxScore, parseRubric, score } from '../../src/grade/rubric.js';
import { issue } from '../../src/lab/pki.js';
import { lint } from '../../src/lint.js';
import { GRADE_FORMATS, renderGrade } from '../../src/reporters/grade.js';

export interface FuzzTarget<T = unknown> {
  name: string;
  arbitrary: fc.Arbitrary<T>;
  /** One case. Returns normally or throws UsageError; anything else is a crash. */
  run(input: T): void;
}

/** Material the targets mutate: real certificates and keys, a valid grade report, special files. */
export interface Corpus {
  certsPem: string[];
  certsDer: Buffer[];
  keysPem: string[];
  report: GradeReport;
  dir: string;
  cleanup(): void;
}

export async function makeCorpus(): Promise<Corpus> {
  const ca = await issue({ commonName: 'Fuzz CA', isCa: true });
  const server = await issue({ commonName: 'broker.test', issuer: ca, usage: 'server', dnsNames: ['broker.test', '*.fuzz.test'], ipAddresses: ['127.0.0.1'] });
  const client = await issue({ commonName: 'lamp', issuer: ca, usage: 'client', key: { kind: 'rsa', bits: 1024 } });
  const issued = [ca, server, client];
  const dir = mkdtempSync(join(tmpdir(), 'lampi-fuzz-'));
  // Special files a config may name: a FIFO, a device, a folder, a real certificate and garbage.
  execFileSync('mkfifo', [join(dir, 'fifo.conf')]);
  symlinkSync('/dev/zero', join(dir, 'zero.conf'));
  mkdirSync(join(dir, 'folder.conf'));
  writeFileSync(join(dir, 'ca.crt'), ca.certPem);
  writeFileSync(join(dir, 'garbage.crt'), '-----BEGIN CERTIFICATE-----\nnot base64\n');
  return {
    certsPem: issued.map((i) => i.certPem),
    certsDer: issued.map((i) => Buffer.from(i.cert.rawData)),
    keysPem: issued.map((i) => i.keyPem),
    report: sampleReport(),
    dir,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function sampleReport(): GradeReport {
  const check = (id: string, status: CheckResult['status']): CheckResult => ({
    id,
    title: id,
    status,
    code: `${id}/${status === 'pass' ? 'ok' : 'problem'}`,
    summary: `${id} ${status}`,
    ...(['warn', 'fail', 'error'].includes(status) ? { hint: 'fix it' } : {}),
    evidence: { detail: [1, 'two', { three: null }] },
    durationMs: 12,
  });
  const ids = ['tcp.connect', 'tls.chain', 'mqtt.connect'];
  const counts = { pass: 1, warn: 1, fail: 1, skip: 0, error: 0 };
  return {
    tool: { name: 'lampi-doctor', version: '0.1.0' },
    roster: 'class.csv',
    startedAt: '2026-11-23T10:00:00.000Z',
    durationMs: 1234,
    shard: { index: 1, count: 2 },
    rubric: { points: { 'tcp.connect': 1, 'tls.chain': 2, 'mqtt.connect': 1 }, warnCredit: 0.5 },
    checkIds: ids,
    students: [
      { student: 'alice', line: 2, target: { host: 'a.test', port: 8883 }, score: 2.5, maxScore: 4, counts, checks: [check('tcp.connect', 'pass'), check('tls.chain', 'warn'), check('mqtt.connect', 'fail')], durationMs: 50 },
      { student: 'bob, "the" builder', line: 5, target: null, score: 0, maxScore: 4, counts: { ...counts, pass: 0, warn: 0, fail: 0 }, checks: [], error: 'line 5: no fqdn for bob', durationMs: 0 },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Building blocks

/** Text that stresses parsers: control characters, quotes, separators, unicode, long runs. */
const nastyChar = fc.constantFrom('"', "'", ',', '#', ' ', '\t', '\r', '\n', '\r\n', '\ufeff', '\0', '\\', '/', '*', '+', '=', '-', '{', '}', '[', ']', ':', 'é', '😀', '\u2028');
/** A long run (up to 20,000 characters): rare, so that a case costs milliseconds on average. */
const longRun = fc.tuple(fc.constantFrom('a', '"', 'x ', '-----BEGIN', ',', '""', '\\'), fc.integer({ min: 100, max: 20_000 })).map(([s, n]) => s.repeat(Math.ceil(n / s.length)));
const word = fc.oneof(
  { weight: 20, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 10, arbitrary: fc.stringMatching(/^[a-z_]{1,20}$/) },
  { weight: 10, arbitrary: fc.array(fc.oneof(nastyChar, fc.string({ maxLength: 3 })), { maxLength: 12 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: longRun },
);

/** Runs `body`, letting only UsageError through as an allowed outcome. */
function allowUsageError(body: () => void): void {
  try {
    body();
  } catch (error) {
    if (error instanceof UsageError) return;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Mosquitto configuration

const CONF_KEYS = [
  'listener', 'connection', 'include_dir', 'address', 'addresses', 'topic', 'cafile', 'capath', 'certfile', 'keyfile',
  'bridge_cafile', 'bridge_certfile', 'bridge_keyfile', 'remote_clientid', 'clientid', 'require_certificate',
  'use_identity_as_username', 'protocol', 'port', 'allow_anonymous', 'password_file', 'acl_file',
  'per_listener_settings', 'tls_version', 'bridge_protocol_version', 'cleansession', 'log_dest', 'persistence',
];

function confLine(pathArg: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const key = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...CONF_KEYS) }, { weight: 2, arbitrary: word });
  const arg = fc.oneof(
    { weight: 3, arbitrary: word },
    { weight: 2, arbitrary: fc.constantFrom('8883', '1883', '0', '-1', '99999', 'true', 'false', 'both', 'in', 'out', '#', 'lamp/#', '""', 'mqttv311', 'websockets', '127.0.0.1', '::1') },
    { weight: 1, arbitrary: word.map((w) => `"${w}"`) },
    { weight: 2, arbitrary: pathArg },
  );
  const sep = fc.constantFrom(' ', '\t', '  ', ' \t');
  return fc.oneof(
    { weight: 8, arbitrary: fc.tuple(fc.constantFrom('', ' ', '\t'), key, fc.array(fc.tuple(sep, arg), { maxLength: 6 })).map(([lead, k, args]) => lead + k + args.map(([s, a]) => s + a).join('')) },
    { weight: 1, arbitrary: word.map((w) => `#${w}`) },
    { weight: 1, arbitrary: fc.constant('') },
  );
}

const eol = fc.constantFrom('\n', '\n', '\n', '\r\n', '\r');
const confText = (pathArg: fc.Arbitrary<string>, maxLines = 30) =>
  fc.array(fc.tuple(confLine(pathArg), eol), { maxLength: maxLines }).map((lines) => lines.map(([l, e]) => l + e).join(''));

export function confParseTarget(): FuzzTarget<string> {
  return {
    name: 'config parse',
    arbitrary: confText(fc.constantFrom('/etc/mosquitto/ca_certificates/ca.crt', 'certs', '../x.conf', '')),
    run(text) {
      const entries = parseConf(text, '/fuzz/mosquitto.conf');
      for (const bridge of bridgeConnections(entries)) for (const topic of bridge.topics) if (typeof topic.pattern !== 'string') throw new Error('topic without a pattern');
    },
  };
}

/** A small tree of config files that include folders (their own too), name FIFOs, devices and folders. */
export function confLoadTarget(corpus: Corpus): FuzzTarget<{ files: string[]; root: number }> {
  const special = ['fifo.conf', 'zero.conf', 'folder.conf', 'ca.crt', 'garbage.crt', 'missing.crt'].map((name) => join(corpus.dir, name));
  const pathArg = fc.oneof(fc.constantFrom('d0', 'd1', 'nowhere', '.', ...special, corpus.dir), fc.constant('d0/a.conf'));
  // "d0" and "d1" become the case's own folders, so include_dir can point inside the tree (and loop).
  const content = confText(pathArg, 12);
  return {
    name: 'config load+lint',
    arbitrary: fc.record({ files: fc.array(content, { minLength: 1, maxLength: 5 }), root: fc.nat(4) }),
    run({ files, root }) {
      const dir = mkdtempSync(join(corpus.dir, 'tree-'));
      try {
        mkdirSync(join(dir, 'd0'));
        mkdirSync(join(dir, 'd1'));
        const names = files.map((_, index) => join(dir, index % 2 ? 'd1' : 'd0', `${String.fromCharCode(97 + index)}.conf`));
        files.forEach((text, index) => writeFileSync(names[index], text.replace(/(^|\s)(d0|d1)(?=\s|$)/gm, (_, lead, d) => `${lead}${join(dir, d)}`)));
        const report = lint({ paths: [names[root % names.length]], now: new Date('2026-11-23T12:00:00Z') });
        const broken = report.checks.find((check) => check.code.endsWith('/internal-error'));
        if (broken) throw new Error(`lint rule ${broken.id} failed: ${broken.summary}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// PEM and DER

export function pemTarget(corpus: Corpus): FuzzTarget<string> {
  const body = corpus.certsPem.flatMap((pem) => pem.split('\n').filter((line) => !line.startsWith('-----')));
  const fragment = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('-----BEGIN CERTIFICATE-----', '-----END CERTIFICATE-----', '-----BEGIN PRIVATE KEY-----', '-----BEGIN EC PRIVATE KEY-----', '-----END PRIVATE KEY-----', 'Proc-Type: 4,ENCRYPTED', '-----BEGIN ENCRYPTED PRIVATE KEY-----') },
    { weight: 3, arbitrary: fc.constantFrom(...body) },
    { weight: 1, arbitrary: fc.constantFrom(...corpus.certsPem, ...corpus.keysPem) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...corpus.certsPem), fc.nat(), fc.string({ maxLength: 3 })).map(([pem, at, junk]) => pem.slice(0, at % pem.length) + junk + pem.slice(at % pem.length + 1)) },
    { weight: 2, arbitrary: word },
  );
  // Now and then a flood of BEGIN lines without an END (up to 0.9 MB): linear, or this target is slow.
  const flood = fc.tuple(fc.constantFrom('-----BEGIN CERTIFICATE-----\n', 'MIIB\n', '-----BEGIN CERTIFICATE-----'), fc.integer({ min: 100, max: 30_000 })).map(([s, n]) => s.repeat(n));
  const text = fc.array(fc.tuple(fragment, eol), { maxLength: 20 }).map((parts) => parts.map(([f, e]) => f + e).join(''));
  return {
    name: 'PEM',
    arbitrary: fc.oneof({ weight: 40, arbitrary: text }, { weight: 1, arbitrary: fc.tuple(text, flood, text).map((parts) => parts.join('')) }),
    run(text) {
      certificateBlocks(text);
      const data = Buffer.from(text, 'latin1');
      allowUsageError(() => parseCertificateData(data, 'fuzz.pem', '--ca'));
      allowUsageError(() => parseKeyData(data, 'fuzz.key', '--key'));
      // The passphrase path costs a key derivation; only where a key claims to be encrypted.
      if (text.includes('ENCRYPTED')) allowUsageError(() => parseKeyData(data, 'fuzz.key', '--key', 'secret'));
    },
  };
}

type Mutation = { op: 'flip' | 'set' | 'insert' | 'delete' | 'truncate'; at: number; byte: number };
const mutation = fc.record({ op: fc.constantFrom('flip', 'set', 'insert', 'delete', 'truncate'), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }) as fc.Arbitrary<Mutation>;

function mutate(source: Buffer, mutations: Mutation[]): Buffer {
  let bytes = Buffer.from(source);
  for (const { op, at, byte } of mutations) {
    const i = bytes.length ? at % bytes.length : 0;
    if (op === 'flip' && bytes.length) bytes[i] ^= 1 << (byte % 8);
    else if (op === 'set' && bytes.length) bytes[i] = byte;
    else if (op === 'insert') bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from([byte]), bytes.subarray(i)]);
    else if (op === 'delete') bytes = Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1)]);
    else if (op === 'truncate') bytes = bytes.subarray(0, i);
  }
  return bytes;
}

export function derTarget(corpus: Corpus): FuzzTarget<{ source: number; mutations: Mutation[] }> {
  const anchors = corpus.certsDer.slice(0, 1).map((der) => new X509Certificate(der));
  return {
    name: 'DER',
    arbitrary: fc.record({ source: fc.nat(corpus.certsDer.length - 1), mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }) }),
    run({ source, mutations }) {
      const der = mutate(corpus.certsDer[source], mutations);
      signatureAlgorithmOid(der);
      allowUsageError(() => parseCertificateData(der, 'fuzz.der', '--cert'));
      allowUsageError(() => parseKeyData(der, 'fuzz.der', '--key'));
      let cert: X509Certificate;
      try {
        cert = new X509Certificate(der);
      } catch {
        return; // not a certificate at all: Node refuses it, and so do our readers (above)
      }
      buildLocalChain(cert, [cert], anchors);
      buildLocalChain(anchors[0], [], [cert]);
      try {
        describeCertificate(cert);
      } catch (error) {
        if (!(error instanceof CertificateDecodeError)) throw error;
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Roster CSV

const ROSTER_COLUMNS = ['student', 'fqdn', 'port', 'wss_port', 'ca', 'cert', 'key', 'local', 'device_id', 'resolve'];

export function rosterTarget(): FuzzTarget<string> {
  const cell = fc.oneof(
    { weight: 4, arbitrary: word },
    { weight: 2, arbitrary: fc.constantFrom('alice', 'bob', 'a.test', '127.0.0.1', '8883', 'eighty', '1e400', '-1', 'certs/ca.crt', '/dev/zero', 'mqtt://127.0.0.1:1883', 'b827eb74663e', 'a.test:127.0.0.1 b:::1', '') },
    { weight: 2, arbitrary: word.map((w) => `"${w.replace(/"/g, '""')}"`) },
    { weight: 1, arbitrary: word.map((w) => `"${w}`) },
  );
  const header = fc.oneof(
    { weight: 5, arbitrary: fc.shuffledSubarray(ROSTER_COLUMNS, { minLength: 1 }).map((cols) => cols.join(',')) },
    { weight: 1, arbitrary: fc.array(cell, { maxLength: 5 }).map((cells) => cells.join(',')) },
  );
  const row = fc.array(cell, { maxLength: 12 }).map((cells) => cells.join(','));
  return {
    name: 'roster CSV',
    arbitrary: fc
      .tuple(fc.boolean(), header, fc.array(fc.tuple(eol, row), { maxLength: 25 }), fc.boolean())
      .map(([bom, head, rows, trailing]) => (bom ? '\ufeff' : '') + head + rows.map(([e, r]) => e + r).join('') + (trailing ? '\n' : '')),
    run(text) {
      allowUsageError(() => {
        const lines = text.split(/\r\n|\r|\n/).length;
        for (const parsed of parseRoster(text, '/fuzz/class.csv')) {
          if (!Number.isInteger(parsed.line) || parsed.line < 2 || parsed.line > lines) throw new Error(`row line ${parsed.line} outside 2..${lines}`);
          if (parsed.error && !parsed.error.startsWith(`line ${parsed.line}: `)) throw new Error(`error without its line: ${parsed.error}`);
        }
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// JSON documents: rubrics and grade reports

const special = fc.constantFrom<unknown>(null, 0, -1, -0.5, 1.5, 1e308, 2 ** 53 + 2, '', 'x', '1', true, false, [], {}, [1], { toString: 1 }, { valueOf: 'x' }, { __proto__: null });
/** JSON text for a value; some cases swap in numbers that JSON.parse turns into Infinity. */
const json = (value: unknown) => JSON.stringify(value) ?? 'null';
const jsonValue = fc.oneof({ weight: 3, arbitrary: special }, { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) });
const jsonText = fc.oneof(
  { weight: 5, arbitrary: jsonValue.map(json) },
  { weight: 1, arbitrary: fc.constantFrom('1e400', '-1e400', '123456789012345678901234567890') },
);
const objectKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'prototype', 'hasOwnProperty', ''), fc.string({ maxLength: 8 }));
/** An object literal as text, so keys like __proto__ are written as keys, not as a prototype. */
const objectText = (entries: [string, string][]) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;

/** A document, then possibly cut short or with one byte changed. */
function damaged(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(text, fc.oneof(fc.constant(undefined), fc.nat()), fc.string({ maxLength: 2 })).map(([t, at, junk]) => {
    if (at === undefined || t.length === 0) return t;
    const i = at % t.length;
    return at % 2 ? t.slice(0, i) : t.slice(0, i) + junk + t.slice(i + 1);
  });
}

export function rubricTarget(): FuzzTarget<string> {
  const ids = [...checkIds, 'tls', 'bridge', 'mqtt', 'dns', 'tls.nope'];
  const pointsText = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...ids), objectKey), jsonText), { maxLength: 6 }).map(objectText);
  const visibilityText = fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...ids), objectKey), fc.oneof(fc.constantFrom('"visible"', '"hidden"', '"after_due_date"', '"after_published"'), jsonText)), { maxLength: 4 })
    .map(objectText);
  const field = (name: string, value: string | null): [string, string][] => (value === null ? [] : [[name, value]]);
  const rubric = fc
    .tuple(fc.option(pointsText), fc.option(jsonText), fc.option(fc.oneof(visibilityText, jsonText)), fc.array(fc.tuple(objectKey, jsonText), { maxLength: 2 }))
    .map(([points, warn, visibility, extra]) => objectText([...field('points', points), ...field('warnCredit', warn), ...field('visibility', visibility), ...extra]));
  return {
    name: 'rubric',
    arbitrary: damaged(fc.oneof({ weight: 4, arbitrary: rubric }, { weight: 1, arbitrary: jsonText })),
    run(text) {
      allowUsageError(() => {
        const parsed = parseRubric(text, 'rubric.json', checkIds);
        const max = maxScore(parsed, checkIds);
        const earned = score(parsed, checkIds.map((id, i) => ({ id, title: id, status: (['pass', 'warn', 'fail'] as const)[i % 3], code: `${id}/x`, summary: 's', durationMs: 0 })));
        if (!(Number.isFinite(max) && max >= 0 && Number.isFinite(earned) && earned >= 0)) throw new Error(`rubric gives score ${earned}/${max}`);
      });
    },
  };
}

/** Every path inside a JSON value, to replace or delete one of them. */
function pathsOf(value: unknown, at: (string | number)[] = [], into: (string | number)[][] = []): (string | number)[][] {
  into.push(at);
  if (value && typeof value === 'object') for (const [key, child] of Object.entries(value)) pathsOf(child, [...at, Array.isArray(value) ? Number(key) : key], into);
  return into;
}

function edited(document: unknown, path: (string | number)[], replacement: unknown, remove: boolean): unknown {
  if (path.length === 0) return replacement;
  if (!document || typeof document !== 'object') return document;
  const copy = structuredClone(document) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) {
    // An earlier edit may have replaced this branch: nothing left to edit.
    if (!parent || typeof parent !== 'object') return copy;
    parent = parent[key] as Record<string | number, unknown>;
  }
  if (!parent || typeof parent !== 'object') return copy;
  const last = path[path.length - 1];
  if (remove && Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (remove) delete parent[last];
  else parent[last] = replacement;
  return copy;
}

export function mergeTarget(corpus: Corpus): FuzzTarget<{ edits: { path: number; value: unknown; remove: boolean; key: string }[]; damage: number | null; second: boolean }> {
  const paths = pathsOf(corpus.report);
  const edit = fc.record({ path: fc.nat(paths.length - 1), value: jsonValue, remove: fc.boolean(), key: objectKey });
  return {
    name: 'merge input',
    arbitrary: fc.record({ edits: fc.array(edit, { maxLength: 3 }), damage: fc.option(fc.nat()), second: fc.boolean() }),
    run({ edits, damage, second }) {
      let document: unknown = corpus.report;
      let text: string | undefined;
      for (const { path, value, remove, key } of edits) {
        const at = paths[path];
        // Keys like __proto__ can only be written into the text, so add them there.
        if (key === '__proto__' && !remove) text = json(document).replace(/\{/, `{"__proto__":${json(value)},`);
        else document = edited(document, at, value, remove);
      }
      text ??= json(document);
      if (damage !== null && text.length) text = text.slice(0, damage % text.length);
      allowUsageError(() => {
        const report = parseMergeInput(text!, 'shard-1.json');
        const other = { ...structuredClone(corpus.report), shard: { index: 2, count: 2 }, students: second ? corpus.report.students : [] };
        const merged = mergeReports([report, other], ['shard-1.json', 'shard-2.json']);
        for (const format of GRADE_FORMATS) renderGrade(merged, format, true);
      });
    },
  };
}

export async function allTargets(corpus: Corpus): Promise<FuzzTarget<any>[]> {
  return [confParseTarget(), confLoadTarget(corpus), pemTarget(corpus), derTarget(corpus), rosterTarget(), rubricTarget(), mergeTarget(corpus)];
}
