// CONNACK 5 ("not authorised") has several causes Mosquitto does not tell apart. Without --config the
// hint lists them; with it, the line in force is named: `clientid_prefixes` (hunt 2, finding 5) or
// the `password_file` a -u/-P login was refused by (finding 6). Against Mosquitto 2.0.11, with
// mosquitto_pub as the reference.
import { spawnSync } from 'node:child_process';
import { userInfo } from 'node:os';
import { beforeAll, expect, it } from 'vitest';
import { issue } from '../../src/lab/pki.js';
import { describeWithBroker } from '../helpers/broker.js';
import { runCli } from '../helpers/cli.js';
import { makeTree, type Tree } from '../helpers/config-tree.js';
import { freePorts, withBroker } from '../helpers/reference-broker.js';

let tree: Tree;
let ca: string;
let tls: string[];

beforeAll(async () => {
  tree = makeTree();
  const authority = await issue({ commonName: 'Not-authorised CA', isCa: true });
  const server = await issue({ commonName: 'broker.test', issuer: authority, dnsNames: ['broker.test'], usage: 'server' });
  ca = tree.write('ca.crt', authority.certPem);
  tls = [`cafile ${ca}`, `certfile ${tree.write('server.crt', server.certPem)}`, `keyfile ${tree.write('server.key', server.keyPem)}`];
  spawnSync('mosquitto_passwd', ['-b', '-c', tree.path('passwd'), 'alice', 'correct horse']);
});

type Check = { id: string; status: string; code: string; summary: string; hint?: string; file?: string; line?: number };

async function diagnoseWith(lines: (port: number) => string[], extra: string[], pub: string[], fixed: string[] = []) {
  const [port] = await freePorts(['127.0.0.1']);
  const conf = tree.write(`na-${port}/mosquitto.conf`, ['per_listener_settings true', `user ${userInfo().username}`, ...lines(port), ''].join('\n'));
  const { result } = await withBroker(conf, async () => {
    const reference = spawnSync('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '--cafile', ca, '--insecure', '-t', 'lampi-doctor/test', '-m', 'x', ...pub], { encoding: 'utf8', timeout: 20_000 });
    const base = ['broker.test', '--port', String(port), '--resolve', 'broker.test:127.0.0.1', '--ca', ca, '--only', 'mqtt.connect', '--format', 'json'];
    const args = [...base, ...extra];
    const plain = JSON.parse((await runCli(args)).stdout).checks as Check[];
    const joined = JSON.parse((await runCli([...args, '--config', conf])).stdout).checks as Check[];
    // The hint's fix, followed: the run with the flags it names instead.
    const after = JSON.parse((await runCli([...base, ...fixed])).stdout).checks as Check[];
    return { reference: `${reference.stdout}${reference.stderr}`, plain: plain.find((c) => c.id === 'mqtt.connect')!, joined: joined.find((c) => c.id === 'mqtt.connect')!, after: after.find((c) => c.id === 'mqtt.connect')! };
  });
  return { conf, ...result };
}

describeWithBroker('CONNACK 5 with and without --config', () => {
  it('clientid_prefixes: mosquitto_pub is refused without a matching -i; --config names the line, no --config lists it among the candidates', async () => {
    const { conf, reference, plain, joined, after } = await diagnoseWith((port) => ['clientid_prefixes lamp-', `listener ${port} 127.0.0.1`, ...tls, 'allow_anonymous true'], [], ['-i', 'x'], ['--client-id', 'lamp-doctor']);
    expect(reference).toContain('Connection Refused: not authorised');
    expect(plain.code).toBe('mqtt.connect/not-authorised');
    expect(plain.hint).toContain('cannot tell from here which refused it');
    expect(plain.hint).toContain('`clientid_prefixes` in mosquitto.conf');
    expect(joined).toMatchObject({ code: 'mqtt.connect/not-authorised', file: conf, line: 3 });
    expect(joined.hint).toMatch(/^`clientid_prefixes lamp-` refuses every client whose id does not start with lamp-, and lampi-doctor-\w+ does not/);
    expect(joined.hint).toContain('pass --client-id lamp-doctor');
    expect(joined.hint).not.toContain('use_identity_as_username');
    expect(after.status).toBe('pass');
  });

  it('a wrong -P: --config points at the password_file and mosquitto_passwd', async () => {
    const { conf, reference, plain, joined, after } = await diagnoseWith((port) => [`listener ${port} 127.0.0.1`, ...tls, `password_file ${tree.path('passwd')}`, 'allow_anonymous false'], ['-u', 'alice', '-P', 'wrong staple'], ['-u', 'alice', '-P', 'wrong staple'], ['-u', 'alice', '-P', 'correct horse']);
    expect(reference).toContain('Connection Refused: not authorised');
    expect(plain.summary).toContain('refused the username and password sent with -u/-P');
    expect(joined).toMatchObject({ file: conf, line: 7 });
    expect(joined.hint).toContain(`\`sudo mosquitto_passwd ${tree.path('passwd')} <username>\``);
    expect(`${joined.summary} ${joined.hint}`).not.toMatch(/anonymous|use_identity_as_username/);
    expect(after.status).toBe('pass'); // with the password the file holds
  });
});
