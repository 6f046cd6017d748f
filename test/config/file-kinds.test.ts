// Non-certificate files (password_file, acl_file, psk_file, dhparamfile, crlfile), each read by its
// own rules: every fixture in fixtures/config/ gets lint's verdict, and Mosquitto 2.0.11 itself says
// whether it starts with it (a lint "fail" must be a broker that refuses to start).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { lint, type LintReport } from '../../src/lint.js';
import { describeWithBroker } from '../helpers/broker.js';
import { makeTree, seedPki, type Tree } from '../helpers/config-tree.js';
import { freePorts, startsWith } from '../helpers/reference-broker.js';

let tree: Tree;
let pki: Awaited<ReturnType<typeof seedPki>>['files'];

beforeAll(async () => {
  tree = makeTree();
  ({ files: pki } = await seedPki(tree));
});

/** Copies a fixture into the tree (readable by the mosquitto user) and returns its path there. */
const fixture = (relative: string) => tree.write(`fixtures/${relative}`, readFileSync(`fixtures/config/${relative}`, 'latin1'));

const tlsListener = (port: number | string = 8883) => `listener ${port} 127.0.0.1
cafile ${pki.ca}
certfile ${pki.serverCert}
keyfile ${pki.serverKey}
require_certificate true
use_identity_as_username true
`;

/** The config that uses a file of each kind, around a TLS listener or a PSK one. */
function configFor(option: string, path: string, port: number | string = 8883): string {
  if (option === 'psk_file') return `listener ${port} 127.0.0.1\npsk_hint lampi\nallow_anonymous true\npsk_file ${path}\n`;
  if (option === 'crlfile') return tlsListener(port).replace(`cafile ${pki.ca}`, `cafile ${tree.path('fixtures/crl/fixture-ca.crt')}`) + `crlfile ${path}\n`;
  if (option === 'dhparamfile') return tlsListener(port) + `dhparamfile ${path}\n`;
  return `${option} ${path}\n${tlsListener(port)}`;
}

let counter = 0;
function lintConfig(text: string, mosquittoVersion = '2.0.11'): LintReport {
  counter += 1;
  return lint({ paths: [tree.write(`kinds-${counter}/mosquitto.conf`, text)], mosquittoVersion });
}

const fileFindings = (report: LintReport, option?: string) => report.checks.filter((c) => c.id === 'config.files' && c.summary.includes('/fixtures/') && (!option || c.evidence?.option === option));

interface Case {
  fixture: string;
  option: string;
  status: 'pass' | 'warn' | 'fail';
  code: string;
  /** Line of the fixture the finding points at (0: the config line). */
  line?: number;
  says: string;
}

const CASES: Case[] = [
  { fixture: 'password/valid.passwd', option: 'password_file', status: 'pass', code: 'config.files/ok', says: '2 users with mosquitto_passwd hashes' },
  { fixture: 'password/plaintext.passwd', option: 'password_file', status: 'warn', code: 'config.files/password-file-lines-ignored', line: 3, says: 'a plain-text password, not a hash' },
  { fixture: 'acl/valid.acl', option: 'acl_file', status: 'pass', code: 'config.files/ok', says: '5 ACL rules' },
  { fixture: 'acl/bad-access.acl', option: 'acl_file', status: 'fail', code: 'config.files/acl-file-invalid', line: 3, says: 'access "rw" is not read, write, readwrite or deny' },
  { fixture: 'acl/bad-keyword.acl', option: 'acl_file', status: 'fail', code: 'config.files/acl-file-invalid', line: 2, says: '"subscribe" is not user, topic or pattern' },
  { fixture: 'acl/bad-topic.acl', option: 'acl_file', status: 'fail', code: 'config.files/acl-file-invalid', line: 1, says: 'is not a valid topic filter' },
  { fixture: 'acl/missing-user.acl', option: 'acl_file', status: 'fail', code: 'config.files/acl-file-invalid', line: 1, says: '`user` without a name' },
  { fixture: 'acl/pattern-without-placeholder.acl', option: 'acl_file', status: 'warn', code: 'config.files/acl-file-warning', line: 1, says: 'contains neither %c nor %u' },
  { fixture: 'psk/valid.psk', option: 'psk_file', status: 'pass', code: 'config.files/ok', says: '2 PSK identities' },
  { fixture: 'psk/not-hex.psk', option: 'psk_file', status: 'fail', code: 'config.files/psk-file-invalid', line: 1, says: 'is not hexadecimal' },
  { fixture: 'psk/ignored-lines.psk', option: 'psk_file', status: 'warn', code: 'config.files/psk-file-lines-ignored', line: 2, says: 'has no key' },
  { fixture: 'dhparam/valid-2048.pem', option: 'dhparamfile', status: 'pass', code: 'config.files/ok', says: 'DH parameters, 2048 bits' },
  { fixture: 'dhparam/weak-1024.pem', option: 'dhparamfile', status: 'fail', code: 'config.files/dhparam-weak', says: 'only 1024 bits' },
  { fixture: 'dhparam/garbage.pem', option: 'dhparamfile', status: 'fail', code: 'config.files/dhparam-invalid', says: 'no -----BEGIN DH PARAMETERS----- block' },
  { fixture: 'crl/valid-until-2049.crl', option: 'crlfile', status: 'pass', code: 'config.files/ok', says: '1 CRL (CN=LAMPI fixture CA, 0 revoked)' },
  { fixture: 'crl/garbage.crl', option: 'crlfile', status: 'fail', code: 'config.files/crl-invalid', says: 'no -----BEGIN X509 CRL----- block in it' },
  { fixture: 'crl/certificate-instead.crl', option: 'crlfile', status: 'fail', code: 'config.files/crl-invalid', says: 'but a certificate (is this the CA file?)' },
  { fixture: 'crl/der-encoded.crl', option: 'crlfile', status: 'fail', code: 'config.files/crl-invalid', says: 'it looks like DER' },
];

describe('lint reads each file kind by its own rules', () => {
  for (const c of CASES) {
    it(`${c.option} ${c.fixture}: ${c.status} ${c.code}`, () => {
      const path = fixture(c.fixture);
      if (c.option === 'crlfile') fixture('crl/fixture-ca.crt');
      const [finding] = fileFindings(lintConfig(configFor(c.option, path)), c.option);
      expect(finding).toMatchObject({ status: c.status, code: c.code });
      expect(finding.summary).toContain(c.says);
      expect(finding.summary).not.toContain('no PEM certificate or key');
      if (c.line) expect(finding).toMatchObject({ file: path, line: c.line });
    });
  }

  it('lists every problem of a file with its line in the evidence', () => {
    const path = fixture('password/plaintext.passwd');
    const [finding] = fileFindings(lintConfig(configFor('password_file', path)));
    expect((finding.evidence?.problems as { line: number }[]).map((p) => p.line)).toEqual([3, 4, 5]);
  });

  it('a healthy broker with every kind of file lints with exit code 0', () => {
    for (const kind of ['crl/fixture-ca.crt', 'crl/valid-until-2049.crl', 'password/valid.passwd', 'acl/valid.acl', 'dhparam/valid-2048.pem']) fixture(kind);
    const report = lintConfig(`password_file ${tree.path('fixtures/password/valid.passwd')}
acl_file ${tree.path('fixtures/acl/valid.acl')}
${configFor('crlfile', tree.path('fixtures/crl/valid-until-2049.crl'))}dhparamfile ${tree.path('fixtures/dhparam/valid-2048.pem')}
`);
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(report.exitCode).toBe(0);
  });

  it('Mosquitto 2.1 ignores dhparamfile: reported as such, the file not judged', () => {
    const path = fixture('dhparam/garbage.pem');
    const report = lintConfig(configFor('dhparamfile', path), '2.1.0');
    expect(fileFindings(report, 'dhparamfile')[0]).toMatchObject({ status: 'pass' });
    expect(report.checks.find((c) => c.code === 'config.option/ignored-option')?.summary).toContain('dhparamfile');
  });
});

describeWithBroker('Mosquitto 2.0.11 agrees: a lint fail is a broker that does not start', () => {
  for (const c of CASES) {
    it(`${c.fixture}: mosquitto ${c.status === 'fail' ? 'refuses to start' : 'starts'}`, async () => {
      const path = fixture(c.fixture);
      if (c.option === 'crlfile') fixture('crl/fixture-ca.crt');
      const [port] = await freePorts(['127.0.0.1']);
      const conf = tree.write(`reference-${++counter}/mosquitto.conf`, configFor(c.option, path, port));
      const outcome = await startsWith(conf);
      expect(outcome.started, outcome.log).toBe(c.status !== 'fail');
    });
  }
});
