// Bad input: exit 2, one clear line, no stack trace, and not a single packet sent.
import { createPrivateKey } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issue } from '../../src/lab/pki.js';
import { runCli } from '../helpers/cli.js';

let dir: string;
let server: net.Server;
let port: number;
let connections = 0;
const f = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lampi-usage-'));
  const ca = await issue({ commonName: 'Test CA', isCa: true });
  const client = await issue({ commonName: 'client', issuer: ca, usage: 'client' });
  const other = await issue({ commonName: 'other', issuer: ca, usage: 'client' });
  writeFileSync(f('ca.crt'), ca.certPem);
  writeFileSync(f('client.crt'), client.certPem);
  writeFileSync(f('client.key'), client.keyPem, { mode: 0o600 });
  writeFileSync(f('other.key'), other.keyPem, { mode: 0o600 });
  writeFileSync(f('garbage.crt'), 'this is not a certificate\n');
  writeFileSync(f('truncated.crt'), ca.certPem.slice(0, 120) + '\n-----END CERTIFICATE-----\n');
  const encrypted = createPrivateKey(client.keyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' });
  writeFileSync(f('encrypted.key'), encrypted, { mode: 0o600 });

  // A listener that counts connections: usage errors must never reach it.
  server = net.createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const target = () => ['broker.test', '--port', String(port), '--resolve', 'broker.test:127.0.0.1', '--timeout', '500'];

const emptyFolder = () => {
  const path = join(dir, 'empty-ca-folder');
  mkdirSync(path, { recursive: true });
  return path;
};

describe('usage and input errors', () => {
  it.each([
    ['a missing --ca file', () => ['--ca', f('nope.crt')], /cannot read --ca .*nope\.crt: no such file/],
    // A folder is read as mosquitto_pub --capath reads one; one without certificates is refused.
    ['a --ca folder without certificates', () => ['--ca', emptyFolder()], /--ca .* is a folder without certificates/],
    ['a --ca that is not PEM', () => ['--ca', f('garbage.crt')], /--ca .*garbage\.crt holds no certificate/],
    ['a damaged PEM', () => ['--ca', f('truncated.crt')], /certificate #1 in the file does not parse/],
    ['--cert without --key', () => ['--cert', f('client.crt')], /--cert needs its private key: add --key/],
    ['a key that belongs to another certificate', () => ['--cert', f('client.crt'), '--key', f('other.key')], /does not belong to --cert/],
    ['an encrypted key without --key-passphrase', () => ['--cert', f('client.crt'), '--key', f('encrypted.key')], /is encrypted: pass its passphrase with --key-passphrase/],
    ['a wrong passphrase', () => ['--cert', f('client.crt'), '--key', f('encrypted.key'), '--key-passphrase', 'wrong'], /--key-passphrase does not decrypt this key/],
    ['--cert and --key swapped', () => ['--cert', f('client.key'), '--key', f('client.crt')], /holds a private key, not a certificate \(are --cert and --key swapped\?\)/],
    ['a malformed --resolve', () => ['--resolve', 'broker.test'], /--resolve broker\.test: expected NAME:ADDRESS/],
    ['an unknown flag', () => ['--cafile', 'x'], /Unknown argument/],
    ['a bad --timeout', () => ['--timeout', '0'], /--timeout must be a number of at least 100/],
  ])('%s', async (_name, extra, message) => {
    const given = extra();
    // A flag given twice is a usage error of its own: the case's flag replaces the default one.
    const base = given.includes('--timeout') ? target().slice(0, -2) : target();
    const run = await runCli([...base, ...given]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(run.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
    expect(run.stderr).not.toContain('PRIVATE KEY');
    expect(connections).toBe(0);
  });

  it('a --resolve entry for another port than the TLS port is said, not silently ignored (hunt 3, V3: it read ENOTFOUND)', async () => {
    const run = await runCli(['broker.test', '--port', String(port), '--resolve', 'broker.test:8883:127.0.0.1', '--timeout', '500']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--resolve broker.test:8883:127.0.0.1 is for port 8883, but the TLS port is ${port} (--port): give --resolve broker.test:${port}:ADDRESS`);
    expect(connections).toBe(0);
    // The entry for the right port is taken (it reaches the network).
    const right = await runCli(['broker.test', '--port', String(port), '--resolve', `broker.test:${port}:127.0.0.1`, '--timeout', '500', '--only', 'tcp.connect']);
    expect(right.code).toBe(0);
  });

  it('an encrypted key with its passphrase is accepted (and reaches the network)', async () => {
    const run = await runCli([...target(), '--ca', f('ca.crt'), '--cert', f('client.crt'), '--key', f('encrypted.key'), '--key-passphrase', 'secret']);
    expect(run.code).toBe(1); // the counting listener is no TLS broker
    expect(run.stdout).toContain('✗ fail  tls.handshake');
    expect(connections).toBeGreaterThan(0);
  });

  it.each([
    [[], /give the broker's FQDN/],
    [['mqtts://broker.test:8883'], /give the broker's name, not a URL/],
    [['bad_host!'], /is not a host name or IP address/],
    [['broker.test', '--port', '70000'], /--port must be a port number from 1 to 65535/],
  ])('rejects target %j', async (args, message) => {
    const run = await runCli(args as string[]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('--help teaches: usage, every check id, exit codes, examples', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const text of ['lampi-doctor <fqdn> [options]', 'lab run', '--resolve', 'tls.client-auth', 'Exit codes:\n  0  nothing failed', 'Examples:']) {
      expect(run.stdout).toContain(text);
    }
  });

  it('--version prints the package version', async () => {
    const run = await runCli(['--version']);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
