// Inputs a user names: only regular files under a size cap, read without blocking; every malformed
// one is exit 2 with the file and what is wrong (or a finding in lint), never a crash or a hang.
import { execFileSync, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkIds } from '../../checks/index.js';
import { CertificateDecodeError, describeCertificate } from '../../src/certs/describe.js';
import { certificateBlocks } from '../../src/certs/pem.js';
import { UsageError } from '../../src/engine/types.js';
import { parseMergeInput } from '../../src/grade/merge-input.js';
import { parseCsv, parseRoster } from '../../src/grade/roster.js';
import { parseRubric } from '../../src/grade/rubric.js';
import { issue } from '../../src/lab/pki.js';
import { readInputFile } from '../../src/read-input.js';
import { CLI } from '../helpers/cli.js';
import { sampleReport } from '../fuzz/targets.js';

let dir: string;
let socketServer: net.Server;
const f = (name: string) => join(dir, name);

/** The CLI with a hard stop: a run still alive after 10 s is a hang, and fails the test. */
function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; hung: boolean }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, CI: '1', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, 10_000);
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, hung });
    });
  });
}

function expectUsageError(result: Awaited<ReturnType<typeof run>>, message: RegExp): void {
  expect(result.hung).toBe(false);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
}

/** A real certificate with one field made undecodable (its signature no longer matters to a reader). */
function patched(der: Buffer, find: Buffer, patch: (copy: Buffer, at: number) => void): Buffer {
  const copy = Buffer.from(der);
  const at = copy.indexOf(find);
  expect(at).toBeGreaterThan(0);
  patch(copy, at);
  return copy;
}
const pem = (der: Buffer) => `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;

let badKeyDer: Buffer;
let badDateDer: Buffer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lampi-inputs-'));
  execFileSync('mkfifo', [f('fifo')]);
  socketServer = net.createServer();
  await new Promise<void>((resolve) => socketServer.listen(f('socket'), resolve));
  const ca = await issue({ commonName: 'Inputs CA', isCa: true });
  const client = await issue({ commonName: 'client', issuer: ca, usage: 'client' });
  writeFileSync(f('ca.crt'), ca.certPem);
  writeFileSync(f('client.crt'), client.certPem);
  writeFileSync(f('client.key'), client.keyPem, { mode: 0o600 });
  writeFileSync(f('roster.csv'), 'student,fqdn\nalice,127.0.0.1\n');
  writeFileSync(f('huge.crt'), '');
  truncateSync(f('huge.crt'), 3 * 1024 * 1024); // sparse: costs no disk
  const der = Buffer.from(ca.cert.rawData);
  // id-ecPublicKey (1.2.840.10045.2.1) -> an OID no one knows: the certificate parses, its key does not.
  badKeyDer = patched(der, Buffer.from('2a8648ce3d0201', 'hex'), (copy, at) => (copy[at + 6] = 0x09));
  // The first UTCTime (notBefore) -> digits that are no date.
  badDateDer = patched(der, Buffer.from([0x17, 0x0d]), (copy, at) => copy.write('99999999999', at + 2, 'latin1'));
  writeFileSync(f('bad-key.crt'), pem(badKeyDer));
  writeFileSync(f('bad-date.crt'), ca.certPem + pem(badDateDer));
  writeFileSync(f('bad-key.der'), badKeyDer);
});

afterAll(async () => {
  await new Promise<void>((resolve) => socketServer.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const target = ['127.0.0.1', '--port', '9', '--timeout', '300'];

describe('only regular files are read: a FIFO, a device, a folder or a socket ends promptly with exit 2', () => {
  const specials: [string, () => string, RegExp][] = [
    ['a FIFO', () => f('fifo'), /it is a named pipe \(FIFO\), not a regular file/],
    ['/dev/zero', () => '/dev/zero', /it is a character device, not a regular file/],
    ['a folder', () => dir, /it is a directory/],
    ['a socket', () => f('socket'), /it is a socket or a device, not a regular file/],
  ];
  // Every input for the two that block today; one input each for the others (same code path).
  describe.each(specials.slice(0, 2))('%s', (_name, path, reason) => {
    it('as --ca', async () => expectUsageError(await run([...target, '--ca', path()]), new RegExp(`cannot read --ca .*: ${reason.source}`)));
    it('as --cert', async () => expectUsageError(await run([...target, '--cert', path(), '--key', f('client.key')]), new RegExp(`--cert .*: ${reason.source}`)));
    it('as --key', async () => expectUsageError(await run([...target, '--cert', f('client.crt'), '--key', path()]), new RegExp(`--key .*: ${reason.source}`)));
    it('as the roster', async () => expectUsageError(await run(['grade', path(), '--timeout', '300']), new RegExp(`roster .*: ${reason.source}`)));
    it('as --rubric', async () => expectUsageError(await run(['grade', f('roster.csv'), '--rubric', path(), '--only', 'dns.resolve']), new RegExp(`--rubric .*: ${reason.source}`)));
    it('as a report to merge', async () => expectUsageError(await run(['merge', path()]), new RegExp(`merge: .*: ${reason.source}`)));
    it('as --bridge-config', async () => expectUsageError(await run([...target, '--bridge-config', path()]), new RegExp(`--bridge-config .*: ${reason.source}`)));
  });

  it.each(specials.slice(2))('%s as the roster or a report to merge', async (_name, path, reason) => {
    expectUsageError(await run(['grade', path(), '--timeout', '300']), new RegExp(`roster .*: ${reason.source}`));
    expectUsageError(await run(['merge', path()]), new RegExp(`merge: .*: ${reason.source}`));
  });

  it('a socket as --ca', async () => expectUsageError(await run([...target, '--ca', f('socket')]), /cannot read --ca .*: it is a socket or a device, not a regular file/));

  it('a CA folder (--capath style) skips FIFOs, devices and dangling links in it', async () => {
    const folder = f('capath');
    mkdirSync(folder);
    execFileSync('mkfifo', [join(folder, 'aaaaaaaa.0')]);
    symlinkSync('/dev/zero', join(folder, 'bbbbbbbb.0'));
    symlinkSync(join(folder, 'gone.pem'), join(folder, 'cccccccc.0'));
    expectUsageError(await run([...target, '--ca', folder]), /--ca .*capath is a folder without certificates/);
  });

  it('lint reports a FIFO config as a finding, without blocking', async () => {
    const result = await run(['lint', f('fifo')]);
    expect(result.hung).toBe(false);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/config\.load .*named pipe \(FIFO\), not a regular file/);
  });

  it('a file over its cap is refused, with the cap', async () => {
    expectUsageError(await run([...target, '--ca', f('huge.crt')]), /--ca .*huge\.crt: 3 MiB is too large for a certificate or key file \(at most 2 MiB\)/);
    expect(() => readInputFile(f('huge.crt'), 'rubric', '--rubric')).toThrow(/3 MiB is too large for a rubric \(at most 1 MiB\)/);
  });
});

describe('PEM and certificates', () => {
  it('0.9 MB of BEGIN lines without an END is read in one pass (was 12 s) and refused', async () => {
    const flood = '-----BEGIN CERTIFICATE-----\n'.repeat(33_000);
    expect(flood.length).toBeGreaterThan(900_000);
    expect(certificateBlocks(flood)).toEqual([]);
    writeFileSync(f('flood.crt'), flood);
    const started = Date.now();
    expectUsageError(await run([...target, '--ca', f('flood.crt')]), /--ca .*flood\.crt holds no certificate/);
    expect(Date.now() - started).toBeLessThan(10_000); // generous: linear parsing takes well under a second
  });

  it('a BEGIN before a complete block still finds the block, as damaged PEM', () => {
    const blocks = certificateBlocks('-----BEGIN CERTIFICATE-----\nxx\n-----BEGIN CERTIFICATE-----\nyy\n-----END CERTIFICATE-----\n');
    expect(blocks).toHaveLength(1);
  });

  it('a certificate whose public key or dates do not decode is a CertificateDecodeError, not a crash', () => {
    expect(() => describeCertificate(new X509Certificate(badKeyDer))).toThrow(CertificateDecodeError);
    expect(() => describeCertificate(new X509Certificate(badKeyDer))).toThrow(/its public key does not decode/);
    expect(() => describeCertificate(new X509Certificate(badDateDer))).toThrow(/its start \(notBefore\) date does not decode \("Bad time value"\)/);
  });

  it('as --ca or --cert it is exit 2 naming the file and the certificate', async () => {
    expectUsageError(await run([...target, '--ca', f('bad-key.crt')]), /--ca .*bad-key\.crt: certificate #1 in the file: its public key does not decode/);
    expectUsageError(await run([...target, '--ca', f('bad-date.crt')]), /--ca .*bad-date\.crt: certificate #2 in the file: its start \(notBefore\) date does not decode/);
    expectUsageError(await run([...target, '--cert', f('bad-key.der'), '--key', f('client.key')]), /--cert .*bad-key\.der: the certificate: its public key does not decode/);
  });

  it('named by a Mosquitto config, it is a lint finding', async () => {
    chmodSync(dir, 0o755); // let the broker's user read the certificates, so lint gets to parse them
    writeFileSync(f('bad.conf'), `listener 8883\ncafile ${f('bad-date.crt')}\ncertfile ${f('bad-key.crt')}\nkeyfile ${f('client.key')}\n`);
    const result = await run(['lint', f('bad.conf'), '--format', 'json']);
    expect(result.hung).toBe(false);
    const report = JSON.parse(result.stdout) as { checks: { code: string; summary: string }[] };
    expect(report.checks.filter((check) => check.code.endsWith('/internal-error'))).toEqual([]);
    expect(report.checks.map((check) => check.summary).join('\n')).toMatch(/bad-date\.crt.*certificate #2 does not parse/);
  });
});

describe('rubric: validated against schema/rubric.schema.json', () => {
  it.each([
    ['{"toString":1}', /the top level: missing field "points"/],
    ['{"points":{},"toString":1}', /unknown field "toString"/],
    ['{"points":{"tls":{"toString":1}}}', /points\.tls: must be of type number/],
    ['{"points":{"tls":1},"warnCredit":{"toString":1}}', /warnCredit: must be of type number/],
    ['{"points":{"tls.chain":-1}}', /points\["tls\.chain"\]: must be at least 0/],
    ['{"points":{"__proto__":1}}', /"__proto__" is not an allowed name/],
    ['{"points":{"constructor":1}}', /"constructor" is no check id or area/],
    ['{"points":{"tls.nope":1}}', /"tls\.nope" is no check id or area/],
    ['{"points":{"tls":1e400}}', /points\.tls: must be of type number/],
    ['{"points":{"tls":2000000}}', /points\.tls: must be at most 1000000/],
    ['[1,2]', /the top level: must be of type object/],
    ['{"points":', /not valid JSON/],
  ])('%s', (text, message) => {
    expect(() => parseRubric(text, 'r.json', checkIds)).toThrow(UsageError);
    expect(() => parseRubric(text, 'r.json', checkIds)).toThrow(message);
    expect(() => parseRubric(text, 'r.json', checkIds)).toThrow(/^--rubric r\.json: /);
  });

  it('on the command line: exit 2 with the file and the problem', async () => {
    writeFileSync(f('tostring.json'), '{"points":{"tls":1},"warnCredit":{"toString":1}}');
    expectUsageError(await run(['grade', f('roster.csv'), '--rubric', f('tostring.json')]), /--rubric .*tostring\.json: warnCredit: must be of type number/);
  });
});

describe('merge: a malformed report is exit 2 with the file and what is wrong', () => {
  const base = JSON.stringify(sampleReport());
  beforeAll(() => writeFileSync(f('good.json'), base));
  const edit = (change: (report: any) => void) => {
    const report = JSON.parse(base);
    change(report);
    return JSON.stringify(report);
  };
  const cases: [string, () => string, RegExp][] = [
    ['truncated JSON', () => base.slice(0, base.length / 2), /not valid JSON/],
    ['an array', () => '[]', /expected a JSON object/],
    ['null', () => 'null', /expected a JSON object/],
    ['students is null', () => edit((r) => (r.students = null)), /students: must be of type array/],
    ['students is an object', () => edit((r) => (r.students = {})), /students: must be of type array/],
    ['a student is null', () => edit((r) => (r.students[0] = null)), /students\[0\]: must be of type object/],
    ['a line as text', () => edit((r) => (r.students[0].line = '2')), /students\[0\]\.line: must be a whole number/],
    ['a missing checkIds', () => edit((r) => delete r.checkIds), /missing field "checkIds"/],
    ['a missing student name', () => edit((r) => delete r.students[1].student), /students\[1\]: missing field "student"/],
    ['a shard beyond its count', () => edit((r) => (r.shard = { index: 3, count: 2 })), /shard: index 3 is beyond its count 2/],
    ['a huge duration', () => base.replace('"durationMs":1234', '"durationMs":1e400'), /durationMs: must be a whole number/],
    ['a huge line', () => edit((r) => (r.students[0].line = 2 ** 60)), /students\[0\]\.line: .* is out of range/],
    ['a score as text', () => edit((r) => (r.students[0].score = 'x')), /students\[0\]\.score: must be of type number/],
    ['counts as null', () => edit((r) => (r.students[0].counts = null)), /students\[0\]\.counts: must be of type object/],
    ['a check without fields', () => edit((r) => (r.students[0].checks = [{}])), /students\[0\]\.checks\[0\]: missing field/],
    ['a target as an array', () => edit((r) => (r.students[0].target = [])), /students\[0\]\.target: /],
    ['a rubric value {"toString":1}', () => edit((r) => (r.rubric.points['tls.chain'] = { toString: 1 })), /rubric\.points\["tls\.chain"\]: must be of type number/],
    ['a __proto__ key', () => base.replace('{', '{"__proto__":{"students":[]},'), /unknown field "__proto__"/],
    ['a roster line twice', () => edit((r) => (r.students[1].line = 2)), /students\[1\]: roster line 2 appears twice/],
    ['a check not in checkIds', () => edit((r) => (r.checkIds = ['tcp.connect'])), /check tls\.chain is not among the report's checkIds/],
    ['startedAt as a number', () => edit((r) => (r.startedAt = 5)), /startedAt: must be of type string/],
    ['tool missing', () => edit((r) => delete r.tool), /missing field "tool"/],
  ];
  it.each(cases)('%s', (_name, text, message) => {
    expect(() => parseMergeInput(text(), 'shard-1.json')).toThrow(UsageError);
    expect(() => parseMergeInput(text(), 'shard-1.json')).toThrow(new RegExp(`^merge: shard-1\\.json is not a usable lampi-doctor grade report \\(--format json\\): .*${message.source}`));
  });

  it('on the command line: exit 2, one line naming the file', async () => {
    writeFileSync(f('truncated.json'), base.slice(0, 100));
    expectUsageError(await run(['merge', f('truncated.json')]), /merge: .*truncated\.json is not a usable lampi-doctor grade report \(--format json\): not valid JSON/);
    writeFileSync(f('proto.json'), edit((r) => (r.rubric.points['tls.chain'] = { toString: 1 })));
    expectUsageError(await run(['merge', f('good.json'), f('proto.json')]), /merge: .*proto\.json is not .*rubric\.points\["tls\.chain"\]: must be of type number/);
  });

  it('a well-formed report merges', async () => {
    const result = await run(['merge', f('good.json'), '--format', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).students).toHaveLength(2);
  });
});

describe('roster CSV: every malformation is a row error with its line, or exit 2 naming the file', () => {
  it('counts a lone CR as a line break, inside quotes too', () => {
    expect(parseCsv('student,fqdn\r"a\rb",x\rc,y\r')).toEqual([
      { line: 1, fields: ['student', 'fqdn'] },
      { line: 2, fields: ['a\rb', 'x'] },
      { line: 4, fields: ['c', 'y'] },
    ]);
  });

  it('an unterminated quote names the file and the line it starts on', () => {
    expect(() => parseRoster('student,fqdn\nalice,a.test\n"bob,b.test\ncarol,c.test\n', '/class/roster.csv')).toThrow(/^roster \/class\/roster\.csv line 3: a quoted field is never closed/);
  });

  it('a column given twice is refused', () => {
    expect(() => parseRoster('student,fqdn,student\n', 'r.csv')).toThrow(/the column "student" appears twice/);
  });

  it('a 2 MB field is read in one pass and quoted back short', () => {
    const rows = parseRoster(`student,fqdn,port\nalice,a.test,${'9'.repeat(2_000_000)}x\n`, 'r.csv');
    expect(rows[0].error).toMatch(/^line 2: port "9{57}\.\.\." is not a number$/);
  });
});
