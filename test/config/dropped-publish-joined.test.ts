// A PUBLISH Mosquitto acknowledges and never delivers: an ACL that denies the topic, or a
// `message_size_limit` below the payload (hunt 2, finding 4). The broker's answer is the same
// (PUBACK, no delivery); only its log tells them apart. Without --config the hint names both; with
// it, the line in force. Against Mosquitto 2.0.11, with mosquitto_pub/mosquitto_sub as the reference.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
  const authority = await issue({ commonName: 'Dropped-publish CA', isCa: true });
  const server = await issue({ commonName: 'broker.test', issuer: authority, dnsNames: ['broker.test'], usage: 'server' });
  ca = tree.write('ca.crt', authority.certPem);
  tls = [`cafile ${ca}`, `certfile ${tree.write('server.crt', server.certPem)}`, `keyfile ${tree.write('server.key', server.keyPem)}`, 'allow_anonymous true'];
});

type Check = { id: string; status: string; code: string; summary: string; hint?: string; file?: string; line?: number };

/** The broker with `lines` around its listener: the reference's QoS 1 publish of 23 bytes, its log, and the tool with and without --config. */
async function roundtripWith(name: string, lines: (port: number) => string[]) {
  const [port] = await freePorts(['127.0.0.1']);
  const log = tree.path(`${name}-${port}.log`);
  const conf = tree.write(`${name}-${port}/mosquitto.conf`, [`user ${userInfo().username}`, `log_dest file ${log}`, 'log_type all', ...lines(port), ''].join('\n'));
  const { result } = await withBroker(conf, async () => {
    const reference = spawnSync('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '--cafile', ca, '--insecure', '-t', 'lampi-doctor/roundtrip/ref', '-m', 'lampi-doctor 12345678 1', '-q', '1', '-d'], { encoding: 'utf8', timeout: 20_000 });
    const args = ['broker.test', '--port', String(port), '--resolve', 'broker.test:127.0.0.1', '--ca', ca, '--only', 'mqtt', '--format', 'json', '--samples', '2', '--timeout', '1500'];
    const roundtrip = async (extra: string[]) => (JSON.parse((await runCli([...args, ...extra])).stdout).checks as Check[]).find((c) => c.id === 'mqtt.roundtrip')!;
    return { reference: `${reference.stdout}${reference.stderr}`, plain: await roundtrip([]), joined: await roundtrip(['--config', conf]) };
  });
  return { conf, log: readFileSync(log, 'utf8'), ...result };
}

describeWithBroker('a PUBLISH acknowledged and never delivered, with and without --config', () => {
  it('message_size_limit 10: PUBACK, "Dropped too large PUBLISH"; --config names the limit, no --config names both causes', async () => {
    const { conf, log, reference, plain, joined } = await roundtripWith('limit', (port) => ['message_size_limit 10', `listener ${port} 127.0.0.1`, ...tls]);
    expect(reference).toContain('received PUBACK');
    expect(log).toContain('Dropped too large PUBLISH');
    expect(plain.code).toBe('mqtt.roundtrip/acknowledged-not-delivered');
    expect(plain.summary).toContain('an ACL or a `message_size_limit` drops it silently');
    expect(plain.hint).toContain('(1) an ACL');
    expect(plain.hint).toMatch(/\(2\) `message_size_limit` below the probe's \d+-byte payload/);
    expect(joined).toMatchObject({ code: 'mqtt.roundtrip/acknowledged-not-delivered', file: conf, line: 4 });
    expect(joined.hint).toMatch(/^`message_size_limit 10` drops every PUBLISH whose payload is over 10 bytes, and the probe's are \d+/);
    expect(joined.hint).not.toContain('acl_file');
  });

  it('an acl_file that lets anonymous clients read but not write: "Denied PUBLISH"; --config names the acl_file, not the limit', async () => {
    const acl = tree.write('read-only.acl', 'topic read lampi-doctor/#\n');
    const { conf, log, reference, joined } = await roundtripWith('acl', (port) => ['message_size_limit 1000', `listener ${port} 127.0.0.1`, ...tls, `acl_file ${acl}`]);
    expect(reference).toContain('received PUBACK');
    expect(log).toContain('Denied PUBLISH');
    expect(joined).toMatchObject({ code: 'mqtt.roundtrip/acknowledged-not-delivered', file: conf, line: 10 });
    expect(joined.hint).toContain(`\`acl_file ${acl}\` is in force for this listener; no \`message_size_limit\` is below the probe's`);
    expect(joined.hint).toContain('`topic readwrite lampi-doctor/#`');
  });
});
