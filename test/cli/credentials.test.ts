// -u/-P for listeners with a password_file (MQTT over TLS and websockets, as the seed's websockets
// listener needs under Mosquitto 2), and --servername when the address dialled is not the name.
// Against a real Mosquitto whose password file mosquitto_passwd wrote.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findMosquitto, freePorts, startProcess, stopPid, waitUntilListening, type StartedProcess } from '../../src/lab/mosquitto.js';
import { issue } from '../../src/lab/pki.js';
import { describeWithBroker } from '../helpers/broker.js';
import { runCli } from '../helpers/cli.js';

describeWithBroker('MQTT login and --servername against a password_file broker', () => {
  let dir: string;
  let broker: StartedProcess;
  let tlsPort: number;
  let wssPort: number;
  const f = (name: string) => join(dir, name);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lampi-login-'));
    const ca = await issue({ commonName: 'Login CA', isCa: true });
    const server = await issue({ commonName: 'broker.test', issuer: ca, dnsNames: ['broker.test'], usage: 'server' });
    writeFileSync(f('ca.crt'), ca.certPem);
    writeFileSync(f('server.crt'), server.certPem);
    writeFileSync(f('server.key'), server.keyPem, { mode: 0o600 });
    writeFileSync(f('password.txt'), 'correct horse\n', { mode: 0o600 });
    execFileSync('mosquitto_passwd', ['-b', '-c', f('passwd'), 'alice', 'correct horse']);
    [tlsPort, wssPort] = await freePorts(['127.0.0.1', '127.0.0.1']);
    const tls = [`cafile ${f('ca.crt')}`, `certfile ${f('server.crt')}`, `keyfile ${f('server.key')}`, `password_file ${f('passwd')}`, 'allow_anonymous false'];
    writeFileSync(
      f('mosquitto.conf'),
      ['per_listener_settings true', `user ${userInfo().username}`, `log_dest file ${f('mosquitto.log')}`, `listener ${tlsPort} 127.0.0.1`, ...tls, `listener ${wssPort} 127.0.0.1`, 'protocol websockets', ...tls, ''].join('\n'),
    );
    broker = startProcess('mosquitto', findMosquitto()!, ['-c', f('mosquitto.conf')], f('mosquitto.out'), false);
    await waitUntilListening(broker, [{ host: '127.0.0.1', port: tlsPort }, { host: '127.0.0.1', port: wssPort }], f('mosquitto.log'));
    // The reference client agrees: the broker takes alice's password and refuses anonymous clients.
    const pub = (...extra: string[]) => execFileSync('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(tlsPort), '--cafile', f('ca.crt'), '--insecure', '-t', 'lampi-doctor/test', '-m', 'x', ...extra], { stdio: 'pipe' });
    pub('-u', 'alice', '-P', 'correct horse');
    expect(() => pub()).toThrow();
  });

  afterAll(async () => {
    if (broker) await stopPid(broker.pid);
    rmSync(dir, { recursive: true, force: true });
  });

  const base = () => ['broker.test', '--port', String(tlsPort), '--wss-port', String(wssPort), '--resolve', 'broker.test:127.0.0.1', '--ca', f('ca.crt'), '--only', 'mqtt', 'wss', 'tls.hostname', '--format', 'json', '--samples', '2'];
  const statuses = (stdout: string) => Object.fromEntries((JSON.parse(stdout).checks as { id: string; status: string; summary: string }[]).map((check) => [check.id, check]));

  it('without a login, the broker says not authorised, on MQTT and on websockets', async () => {
    const checks = statuses((await runCli(base())).stdout);
    expect(checks['mqtt.connect'].status).toBe('fail');
    expect(checks['mqtt.connect'].summary).toMatch(/not authori[sz]ed|bad user name or password/);
    expect(checks['wss.connect'].status).toBe('fail');
  });

  it.each([
    ['-u and --password-file', () => [...base(), '-u', 'alice', '--password-file', f('password.txt')], {}],
    ['--username and -P', () => [...base(), '--username', 'alice', '-P', 'correct horse'], {}],
    ['-u and LAMPI_DOCTOR_PASSWORD', () => [...base(), '-u', 'alice'], { LAMPI_DOCTOR_PASSWORD: 'correct horse' }],
  ])('with %s, every CONNECT logs in (wss.connect too)', async (_name, args, env) => {
    const run = await runCli(args(), env);
    const checks = statuses(run.stdout);
    expect(checks['mqtt.connect'].status).toBe('pass');
    expect(checks['mqtt.roundtrip'].status).toBe('pass');
    expect(checks['wss.connect'].status).toBe('pass');
    expect(run.stdout + run.stderr).not.toContain('correct horse');
  });

  it('a wrong password is refused by the broker, and not shown', async () => {
    // The reference client with the same login: CONNACK 5, "not authorised".
    const reference = spawnSync('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(tlsPort), '--cafile', f('ca.crt'), '--insecure', '-t', 'lampi-doctor/test', '-m', 'x', '-u', 'alice', '-P', 'wrong staple'], { encoding: 'utf8' });
    expect(reference.stderr).toContain('Connection Refused: not authorised');
    const run = await runCli([...base(), '-u', 'alice', '-P', 'wrong staple', '--verbose']);
    const checks = statuses(run.stdout) as Record<string, { status: string; summary: string; hint?: string }>;
    expect(checks['mqtt.connect'].status).toBe('fail');
    expect(run.stdout + run.stderr).not.toContain('wrong staple');
    // A username went out: the hint is the password_file entry, never an anonymous client (finding 6).
    expect(checks['mqtt.connect'].summary).toContain('the broker refused the username and password sent with -u/-P');
    expect(checks['mqtt.connect'].hint).toContain('mosquitto_passwd');
    expect(checks['mqtt.connect'].summary + checks['mqtt.connect'].hint).not.toMatch(/anonymous|use_identity_as_username/);
    expect(checks['wss.connect'].hint).toContain('`password_file`');
    expect(checks['wss.connect'].hint).not.toContain('Browsers send no client certificate');
  });

  it('--servername: dial the address, verify (and send SNI) as the name', async () => {
    const args = ['127.0.0.1', '--port', String(tlsPort), '--wss-port', String(wssPort), '--ca', f('ca.crt'), '--only', 'tls', '--format', 'json'];
    const without = statuses((await runCli(args)).stdout);
    expect(without['tls.hostname'].status).toBe('fail'); // the certificate names broker.test, not 127.0.0.1
    const withName = statuses((await runCli([...args, '--servername', 'broker.test'])).stdout);
    expect(withName['tls.hostname'].status).toBe('pass');
    expect(withName['tls.handshake'].status).toBe('pass');
  });
});
