// Mosquitto 2's real login rules, as lint states them, each confirmed with mosquitto_pub against
// Mosquitto 2.0.11 running the same config (CONNACK codes from mosquitto_pub -d).
import { beforeAll, describe, expect, it } from 'vitest';
import { lint } from '../../src/lint.js';
import { describeWithBroker } from '../helpers/broker.js';
import { makeTree, seedPki, type Tree } from '../helpers/config-tree.js';
import { freePorts, publish, withBroker } from '../helpers/reference-broker.js';

let tree: Tree;
let pki: Awaited<ReturnType<typeof seedPki>>['files'];
let clientArgs: string[];

beforeAll(async () => {
  tree = makeTree();
  ({ files: pki } = await seedPki(tree));
  // The seed's server certificate names the cloud FQDN; the reference client dials 127.0.0.1.
  clientArgs = ['--cafile', pki.ca, '--cert', pki.bridgeCert, '--key', pki.bridgeKey, '--insecure'];
});

const listener = (port: number | string, extra: string) => `listener ${port} 127.0.0.1
cafile ${pki.ca}
certfile ${pki.serverCert}
keyfile ${pki.serverKey}
${extra}`;

interface Case {
  name: string;
  extra: string;
  code: string;
  status: 'pass' | 'fail';
  says: string;
  /** mosquitto_pub with the lamp's certificate: CONNACK code, or 0 for accepted. */
  connack: number;
}

const CASES: Case[] = [
  {
    name: 'use_identity_as_username without require_certificate refuses everyone',
    extra: 'use_identity_as_username true\n',
    code: 'config.listener-tls/identity-without-certificate',
    status: 'fail',
    says: 'every client is refused (CONNACK 4',
    connack: 4,
  },
  {
    name: 'require_certificate without use_identity_as_username, Mosquitto 2 default allow_anonymous false: not authorised',
    extra: 'require_certificate true\n',
    code: 'config.listener-tls/certificate-is-no-login',
    status: 'fail',
    says: 'CONNACK 5, "not authorised"',
    connack: 5,
  },
  {
    name: 'TLS without certificates, no password_file, allow_anonymous false by default: not authorised',
    extra: '',
    code: 'config.listener-tls/no-login',
    status: 'fail',
    says: 'CONNACK 5, "not authorised"',
    connack: 5,
  },
  {
    name: 'require_certificate with use_identity_as_username: the lamp gets in',
    extra: 'require_certificate true\nuse_identity_as_username true\n',
    code: 'config.listener-tls/ok',
    status: 'pass',
    says: 'with required client certificates, CN as username',
    connack: 0,
  },
  {
    name: 'an ACL does not refuse a CONNECT: require_certificate, allow_anonymous true and an ACL file let the lamp in',
    extra: 'require_certificate true\nallow_anonymous true\n',
    code: 'config.listener-tls/ok',
    status: 'pass',
    says: 'with required client certificates',
    connack: 0,
  },
];

let counter = 0;
describe('config.listener-tls states Mosquitto 2\'s login rules', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const report = lint({ paths: [tree.write(`auth-${++counter}/mosquitto.conf`, listener(8883, c.extra))], mosquittoVersion: '2.0.11' });
      const finding = report.checks.find((check) => check.id === 'config.listener-tls')!;
      expect(finding).toMatchObject({ status: c.status, code: c.code });
      expect(finding.summary).toContain(c.says);
      expect(finding.summary).not.toContain('anyone gets in');
    });
  }
});

describeWithBroker('Mosquitto 2.0.11 agrees (mosquitto_pub with the lamp\'s certificate)', () => {
  for (const c of CASES) {
    it(`${c.name}: ${c.connack ? `CONNACK ${c.connack}` : 'accepted'}`, async () => {
      const [port] = await freePorts(['127.0.0.1']);
      const acl = c.name.startsWith('an ACL') ? `acl_file ${tree.write(`acl-${counter}.acl`, 'topic read nothing/#\n')}\n` : '';
      const conf = tree.write(`auth-live-${++counter}/mosquitto.conf`, acl + listener(port, c.extra));
      const { result, log } = await withBroker(conf, () => publish(port, clientArgs));
      if (c.connack === 0) expect(result.code, `${result.output}\n${log}`).toBe(0);
      else expect(result.output, log).toContain(`received CONNACK (${c.connack})`);
    });
  }
});
