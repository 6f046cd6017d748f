// Flags that mean what they say: every misuse is exit 2 with a sentence, and nothing reaches the
// network (a counting listener stands where the broker would be); secrets are never echoed.
import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issue } from '../../src/lab/pki.js';
import { runCli } from '../helpers/cli.js';

let dir: string;
let server: net.Server;
let port: number;
let connections = 0;
const f = (name: string) => join(dir, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lampi-flags-'));
  const ca = await issue({ commonName: 'Test CA', isCa: true });
  const client = await issue({ commonName: 'client', issuer: ca, usage: 'client' });
  writeFileSync(f('ca.crt'), ca.certPem);
  writeFileSync(f('client.crt'), client.certPem);
  writeFileSync(f('client.key'), client.keyPem, { mode: 0o600 });
  const encrypted = createPrivateKey(client.keyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'hunter2-secret' });
  writeFileSync(f('encrypted.key'), encrypted, { mode: 0o600 });
  writeFileSync(f('passphrase.txt'), 'hunter2-secret\n', { mode: 0o600 });
  writeFileSync(f('wrong-passphrase.txt'), 'swordfish-wrong\n', { mode: 0o600 });
  // What people hand over instead of PEM, made by the reference tool itself.
  openssl('pkcs12', '-export', '-in', f('client.crt'), '-inkey', f('client.key'), '-certfile', f('ca.crt'), '-passout', 'pass:p12pass', '-out', f('client.p12'));
  openssl('req', '-new', '-key', f('client.key'), '-subj', '/CN=client', '-out', f('client.csr'));
  openssl('req', '-in', f('client.csr'), '-outform', 'der', '-out', f('client-csr.der'));
  openssl('x509', '-in', f('client.crt'), '-outform', 'der', '-out', f('client.der'));
  openssl('pkey', '-in', f('client.key'), '-outform', 'der', '-out', f('client-key.der'));
  const signing = await issue({ commonName: 'Signing CA', isCa: true });
  writeFileSync(f('signing-ca.crt'), signing.certPem);
  writeFileSync(f('signing-ca.key'), signing.keyPem, { mode: 0o600 });

  server = net.createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
  writeFileSync(f('roster.csv'), `student,fqdn,port,resolve\nalice,broker.test,${port},broker.test:127.0.0.1\n`);
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const target = () => ['broker.test', '--resolve', 'broker.test:127.0.0.1', '--timeout', '500'];

/** Exit 2, the message, one sentence (and the pointer to --help), and no connection at all. */
async function expectUsageError(args: string[], message: RegExp, env: NodeJS.ProcessEnv = {}, maxLines = 2) {
  const before = connections;
  const run = await runCli(args, env);
  expect(run.stderr).toMatch(message);
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stderr.trim().split('\n').length).toBeLessThanOrEqual(maxLines);
  expect(connections).toBe(before);
  return run;
}

describe('usage errors in words, before any traffic', () => {
  it.each([
    ['the port twice, differently', () => [`broker.test:31999`, '--port', String(port), '--resolve', 'broker.test:127.0.0.1'], /the port is given twice, differently: broker\.test:31999 and --port \d+; keep one/],
    ['--port abc', () => [...target(), '--port', 'abc'], /--port must be a number, not "abc"/],
    ['a repeated single-valued flag', () => [...target(), '--port', '1', '--port', String(port)], /--port is given 2 times \(1 and \d+\): give it once/],
    ['a repeated file flag', () => [...target(), '--ca', f('ca.crt'), '--ca', f('client.crt')], /--ca is given 2 times \(.*ca\.crt and .*client\.crt\): give it once/],
    ['a flag without its value', () => [...target(), '--port', String(port), '--ca'], /--ca needs a value/],
    ['an unknown scenario is exit 2, not 3', () => ['lab', 'run', '--scenario', 'nope'], /unknown scenario "nope": choose one of healthy, .*missing-intermediate/],
    ['lab run with a flag it would ignore', () => ['lab', 'run', '--ca', f('ca.crt')], /lab run builds its own broker, certificates and ports, so --ca would be ignored/],
    ['lab run with its target\'s port', () => ['lab', 'run', '-p', '8883'], /so --port would be ignored/],
    ['lab up with a diagnosis flag', () => ['lab', 'up', '--samples', '3'], /lab up takes only --scenario and --dir: --samples would be ignored/],
    ['lab status with --scenario', () => ['lab', 'status', '--scenario', 'expired'], /lab status takes only --dir: --scenario would be ignored/],
    ['merge with no files', () => ['merge'], /merge shard-1\.json shard-2\.json \.\.\.: give the grade --format json reports to join/],
    ['grade with no roster', () => ['grade'], /grade roster\.csv \[options\]: give the class roster/],
    ['--password without --username', () => [...target(), '--port', String(port), '--password', 'pw-secret-1'], /--password goes with --username/],
    ['--servername that is an address', () => [...target(), '--port', String(port), '--servername', '10.0.0.1'], /--servername 10\.0\.0\.1: give the DNS name/],
  ])('%s', async (_name, args, message) => {
    await expectUsageError(args(), message);
  });

  it('names the subcommand\'s help', async () => {
    const run = await expectUsageError(['merge'], /merge/);
    expect(run.stderr).toContain('Run `lampi-doctor merge --help` for usage.');
  });
});

describe('--output is checked before any work', () => {
  it.each([
    ['a missing folder', () => f('missing/report.json'), /--output .*missing\/report\.json: the folder .*missing does not exist \(create it first\)/],
    ['a folder', () => dir, /--output .* is a folder: give a file name inside it/],
    ['a parent that is a file', () => f('ca.crt/report.json'), /--output .*: .*ca\.crt is not a folder/],
  ])('%s', async (_name, output, message) => {
    await expectUsageError([...target(), '--port', String(port), '--output', output()], message);
  });

  it('grade does not diagnose a single student when --output cannot be written', async () => {
    await expectUsageError(['grade', f('roster.csv'), '--timeout', '500', '--format', 'csv', '--output', f('nope/grades.csv')], /the folder .*nope does not exist/);
  });

  it('a writable --output is written (and the run reaches the network)', async () => {
    const run = await runCli([...target(), '--port', String(port), '--format', 'json', '--output', f('report.json')]);
    expect(run.code).toBe(1);
    expect(JSON.parse(readFileSync(f('report.json'), 'utf8')).target.port).toBe(port);
    expect(connections).toBeGreaterThan(0);
  });
});

describe('a PKCS#12 file, a CSR or DER where PEM is expected', () => {
  // Each message names what the file is and a command; running that command must give PEM that works.
  const cases: [string, () => string[], RegExp, string][] = [
    ['PKCS#12 as --cert', () => ['--cert', f('client.p12'), '--key', f('client.key')], /--cert .*client\.p12 is a PKCS#12 bundle \(\.p12\/\.pfx\), not PEM: extract the certificate with `(openssl pkcs12 [^`]+)`/, 'CERTIFICATE'],
    ['PKCS#12 as --key', () => ['--cert', f('client.crt'), '--key', f('client.p12')], /--key .*client\.p12 is a PKCS#12 bundle .* extract the private key with `(openssl pkcs12 [^`]+)`/, 'PRIVATE KEY'],
    ['PKCS#12 as --ca', () => ['--ca', f('client.p12')], /--ca .*client\.p12 is a PKCS#12 bundle .* extract the CA certificates with `(openssl pkcs12 [^`]+)`/, 'CERTIFICATE'],
    ['DER certificate', () => ['--ca', f('client.der')], /--ca .*client\.der is a certificate in binary DER form; Mosquitto and this tool expect PEM: `(openssl x509 -inform der [^`]+)`/, 'CERTIFICATE'],
    ['DER private key', () => ['--cert', f('client.crt'), '--key', f('client-key.der')], /--key .*client-key\.der is a private key in binary DER form; .*`(openssl pkey -inform der [^`]+)`/, 'PRIVATE KEY'],
    ['a CSR as --cert', () => ['--cert', f('client.csr'), '--key', f('client.key')], /--cert .*client\.csr is a certificate signing request \(CSR\), not a certificate: the CA signs it into one, e\.g\. `(openssl x509 -req [^`]+)`/, 'CERTIFICATE'],
    ['a DER CSR as --cert', () => ['--cert', f('client-csr.der'), '--key', f('client.key')], /--cert .*client-csr\.der is a certificate signing request \(CSR\).*`(openssl x509 -req -inform der [^`]+)`/, 'CERTIFICATE'],
  ];
  it.each(cases)('%s', async (_name, args, message, block) => {
    const run = await expectUsageError([...target(), '--port', String(port), ...args()], message);
    let command = message.exec(run.stderr)![1].split(' ');
    if (command[1] === 'pkcs12') command = [...command, '-passin', 'pass:p12pass'];
    // The signing example names the lab's CA files: give it this test's CA.
    command = command.map((word) => (word === 'lampi_ca.crt' ? f('signing-ca.crt') : word === 'lampi_ca.key' ? f('signing-ca.key') : word));
    execFileSync(command[0], command.slice(1), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const outFile = resolve(dir, command[command.indexOf('-out') + 1]);
    expect(readFileSync(outFile, 'utf8')).toContain(`-----BEGIN ${block}`);
  });
});

describe('secrets', () => {
  const withKey = () => [...target(), '--port', String(port), '--ca', f('ca.crt'), '--cert', f('client.crt'), '--key', f('encrypted.key')];

  it('--key-passphrase-file decrypts the key (and the run goes on to the network)', async () => {
    const before = connections;
    const run = await runCli([...withKey(), '--key-passphrase-file', f('passphrase.txt')]);
    expect(run.stdout).toContain('✗ fail  tls.handshake'); // the counting listener is no TLS broker
    expect(connections).toBeGreaterThan(before);
  });

  it('LAMPI_DOCTOR_KEY_PASSPHRASE decrypts the key', async () => {
    const before = connections;
    const run = await runCli(withKey(), { LAMPI_DOCTOR_KEY_PASSPHRASE: 'hunter2-secret' });
    expect(run.stdout).toContain('✗ fail  tls.handshake');
    expect(connections).toBeGreaterThan(before);
  });

  it('a wrong passphrase from a file is named, not shown', async () => {
    const run = await expectUsageError([...withKey(), '--key-passphrase-file', f('wrong-passphrase.txt')], /does not decrypt this key/);
    expect(run.stderr).not.toContain('swordfish');
  });

  it('the flag and the file together are a usage error', async () => {
    const run = await expectUsageError([...withKey(), '--key-passphrase', 'hunter2-secret', '--key-passphrase-file', f('passphrase.txt')], /give --key-passphrase or --key-passphrase-file, not both/);
    expect(run.stderr).not.toContain('hunter2');
  });

  it.each([
    ['a passphrase that starts with "-"', ['--key-passphrase', '-hunter2-dash', '--port', 'abc']],
    ['a repeated passphrase', ['--key-passphrase', 'hunter2-one', '--key-passphrase', 'hunter2-two']],
    ['the parser echoing a bad choice', ['--key-passphrase', 'hunter2-choice', '--mqtt-version', 'hunter2-choice']],
    ['the parser echoing an extra argument', ['hunter2-extra', '--key-passphrase', 'hunter2-extra']],
    ['a password, the parser echoing it', ['-u', 'alice', '-P', 'hunter2-pw', '--qos', 'hunter2-pw']],
    ['a password given twice', ['-u', 'alice', '--password', 'hunter2-pw1', '-P', 'hunter2-pw2']],
  ])('no usage error echoes %s', async (_name, extra) => {
    // (the parser's own messages for a bad choice take a few lines)
    const run = await expectUsageError([...withKey().filter((arg) => arg !== '--port' && arg !== String(port)), ...extra], /./, {}, 5);
    expect(run.stderr).not.toMatch(/hunter2/);
  });

  it('the environment\'s password is never echoed either', async () => {
    const run = await expectUsageError([...target(), '--port', 'hunter2-env', '-u', 'alice'], /--port must be a number/, { LAMPI_DOCTOR_PASSWORD: 'hunter2-env' });
    expect(run.stderr).not.toMatch(/hunter2/);
  });

  it('an --output report that names a key is created 0600', async () => {
    const output = f('keyed-report.json');
    writeFileSync(output, '{}', { mode: 0o644 });
    await runCli([...target(), '--port', String(port), '--ca', f('ca.crt'), '--cert', f('client.crt'), '--key', f('client.key'), '--format', 'json', '--output', output]);
    expect(statSync(output).mode & 0o777).toBe(0o600);
    expect(readFileSync(output, 'utf8')).not.toContain('PRIVATE KEY');
  });

  it('a report without key material keeps ordinary permissions', async () => {
    const output = f('plain-report.json');
    await runCli([...target(), '--port', String(port), '--format', 'json', '--output', output]);
    expect(existsSync(output)).toBe(true);
    expect(statSync(output).mode & 0o077).not.toBe(0);
  });
});
