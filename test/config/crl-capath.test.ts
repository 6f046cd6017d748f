// config.crl and config.capath, each verdict checked against the reference: `openssl verify
// -crl_check` for CRLs, `openssl x509 -hash` / `openssl rehash` for capath, and mosquitto_pub
// against a real Mosquitto 2.0.11 for what a client sees.
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { subjectHash } from '../../src/config/x509-name.js';
import { days, issue, issueV1Root, type Issued } from '../../src/lab/pki.js';
import { lint, type LintReport } from '../../src/lint.js';
import { describeWithBroker } from '../helpers/broker.js';
import { FQDN, makeTree, type Tree } from '../helpers/config-tree.js';
import { makeCrl } from '../helpers/crl.js';
import { freePorts, publish, verifyWithCrl, withBroker } from '../helpers/reference-broker.js';
import { X509Certificate } from 'node:crypto';

let tree: Tree;
let ca: Issued;
let other: Issued;
const files: Record<string, string> = {};

beforeAll(async () => {
  tree = makeTree();
  ca = await issue({ commonName: 'lampi', isCa: true, key: { kind: 'rsa', bits: 2048 } });
  other = await issue({ commonName: 'Other CA', isCa: true, key: { kind: 'rsa', bits: 2048 } });
  const server = await issue({ commonName: 'localhost', issuer: ca, dnsNames: ['localhost', FQDN], ipAddresses: ['127.0.0.1'], usage: 'server' });
  const client = await issue({ commonName: 'b827eb74663e_broker', issuer: ca, usage: 'client' });
  const revoked = await issue({ commonName: 'revoked_lamp', issuer: ca, usage: 'client' });
  Object.assign(files, {
    ca: tree.write('certs/ca.crt', ca.certPem),
    otherCa: tree.write('certs/other-ca.crt', other.certPem),
    serverCert: tree.write('certs/server.crt', server.certPem),
    serverKey: tree.write('certs/server.key', server.keyPem),
    clientCert: tree.write('certs/client.crt', client.certPem),
    clientKey: tree.write('certs/client.key', client.keyPem),
    revokedCert: tree.write('certs/revoked.crt', revoked.certPem),
    revokedKey: tree.write('certs/revoked.key', revoked.keyPem),
  });
  const crls: Record<string, Promise<string>> = {
    good: makeCrl(ca, { revoke: [revoked] }),
    expired: makeCrl(ca, { thisUpdate: new Date(Date.now() - days(40)), nextUpdate: new Date(Date.now() - days(10)) }),
    soon: makeCrl(ca, { thisUpdate: new Date(Date.now() - days(25)), nextUpdate: new Date(Date.now() + days(5)) }),
    fresh30: makeCrl(ca, { thisUpdate: new Date(Date.now() - 60_000), nextUpdate: new Date(Date.now() + days(29)) }),
    future: makeCrl(ca, { thisUpdate: new Date(Date.now() + days(3)), nextUpdate: new Date(Date.now() + days(30)) }),
    otherCa: makeCrl(other),
    forged: makeCrl(ca, { signer: other }),
    revokesBridge: makeCrl(ca, { revoke: [client] }),
  };
  for (const [name, pem] of Object.entries(crls)) files[`crl-${name}`] = tree.write(`crl/${name}.crl`, await pem);
});

const listener = (crl: string, port: number | string = 8883) => `listener ${port} 127.0.0.1
cafile ${files.ca}
certfile ${files.serverCert}
keyfile ${files.serverKey}
require_certificate true
use_identity_as_username true
crlfile ${crl}
`;

let counter = 0;
function lintTexts(texts: string[], clientCertificates?: string[]): LintReport {
  counter += 1;
  return lint({ paths: texts.map((text, i) => tree.write(`case-${counter}/broker-${i}.conf`, text)), mosquittoVersion: '2.0.11', clientCertificates });
}
const crlFindings = (report: LintReport) => report.checks.filter((c) => c.id === 'config.crl');

describe('config.crl, with openssl verify -crl_check as the reference', () => {
  const cases: { crl: string; status: string; code: string; says: string; openssl: RegExp }[] = [
    { crl: 'good', status: 'pass', code: 'config.crl/ok', says: 'from CN=lampi, O=LAMPI lab, 1 revoked', openssl: /: OK/ },
    { crl: 'expired', status: 'fail', code: 'config.crl/expired', says: 'expired on', openssl: /CRL has expired/ },
    { crl: 'soon', status: 'warn', code: 'config.crl/expires-soon', says: 'expires in 4 days', openssl: /: OK/ },
    { crl: 'fresh30', status: 'pass', code: 'config.crl/ok', says: 'next update', openssl: /: OK/ },
    { crl: 'future', status: 'fail', code: 'config.crl/not-yet-valid', says: 'is not valid before', openssl: /CRL is not yet valid/ },
    { crl: 'otherCa', status: 'fail', code: 'config.crl/unknown-issuer', says: 'is issued by CN=Other CA', openssl: /unable to get certificate CRL/ },
    { crl: 'forged', status: 'fail', code: 'config.crl/bad-signature', says: 'did not sign it', openssl: /CRL signature failure/ },
  ];
  for (const c of cases) {
    it(`${c.crl}: ${c.code}`, () => {
      const [finding] = crlFindings(lintTexts([listener(files[`crl-${c.crl}`])]));
      expect(finding).toMatchObject({ status: c.status, code: c.code, line: 7 });
      expect(finding.summary).toContain(c.says);
      expect(verifyWithCrl(files.ca, files[`crl-${c.crl}`], files.clientCert)).toMatch(c.openssl);
    });
  }

  it('names the bridge certificate a cloud CRL revokes, and a --cert client one', () => {
    const lamp = `connection cloud\naddress localhost:8883\nremote_clientid b827eb74663e_broker\nbridge_cafile ${files.ca}\nbridge_certfile ${files.clientCert}\nbridge_keyfile ${files.clientKey}\ntopic lampi-doctor/# both 1 "" devices/b827eb74663e/\n`;
    const bridge = crlFindings(lintTexts([listener(files['crl-revokesBridge']), lamp]));
    expect(bridge).toMatchObject([{ status: 'fail', code: 'config.crl/revoked-certificate' }]);
    expect(bridge[0].summary).toContain(`bridge cloud's bridge_certfile ${files.clientCert}`);
    expect(verifyWithCrl(files.ca, files['crl-revokesBridge'], files.clientCert)).toMatch(/certificate revoked/);
    const client = crlFindings(lintTexts([listener(files['crl-good'])], [files.revokedCert]));
    expect(client).toMatchObject([{ status: 'fail', code: 'config.crl/revoked-certificate' }]);
    const serial = spawnSync('openssl', ['x509', '-serial', '-noout', '-in', files.revokedCert], { encoding: 'utf8' }).stdout.trim().replace(/^serial=(00)*/, '');
    expect(client[0].evidence?.serial).toBe(serial);
    expect(crlFindings(lintTexts([listener(files['crl-good'])], [files.clientCert]))).toMatchObject([{ status: 'pass' }]);
  });
});

function readPem(path: string): string {
  return spawnSync('cat', [path], { encoding: 'utf8' }).stdout;
}

describeWithBroker('Mosquitto 2.0.11 agrees about CRLs', () => {
  it('an expired CRL refuses every client; a valid one lets a good client in and keeps a revoked one out', async () => {
    const [port] = await freePorts(['127.0.0.1']);
    const client = ['--cafile', files.ca, '--cert', files.clientCert, '--key', files.clientKey];
    const expired = await withBroker(tree.write(`live-${++counter}/m.conf`, listener(files['crl-expired'], port)), () => publish(port, client));
    expect(expired.result.code).not.toBe(0);
    const good = await withBroker(tree.write(`live-${++counter}/m.conf`, listener(files['crl-good'], port)), () => ({
      ok: publish(port, client),
      revoked: publish(port, ['--cafile', files.ca, '--cert', files.revokedCert, '--key', files.revokedKey]),
    }));
    expect(good.result.ok.code, good.result.ok.output).toBe(0);
    expect(good.result.revoked.code).not.toBe(0);
  });
});

describe('config.capath: hash links as openssl rehash makes them', () => {
  const capathListener = (dir: string, port: number | string = 8883) => `listener ${port} 127.0.0.1
capath ${dir}
certfile ${files.serverCert}
keyfile ${files.serverKey}
require_certificate true
use_identity_as_username true
`;
  const hashOf = (path: string) => spawnSync('openssl', ['x509', '-hash', '-noout', '-in', path], { encoding: 'utf8' }).stdout.trim();

  it('computes the subject hash as openssl x509 -hash does', () => {
    expect(subjectHash(new X509Certificate(readPem(files.ca)).raw)).toBe(hashOf(files.ca));
    expect(subjectHash(new X509Certificate(readPem(files.otherCa)).raw)).toBe(hashOf(files.otherCa));
  });

  it('passes a rehashed folder, and chains the server certificate through it', () => {
    const dir = tree.path(`capath-${++counter}`);
    tree.write(`capath-${counter}/lampi_ca.crt`, readPem(files.ca));
    spawnSync('openssl', ['rehash', dir]);
    const report = lint({ paths: [tree.write(`capath-${counter}.conf`, capathListener(dir))], mosquittoVersion: '2.0.11' });
    expect(report.checks.find((c) => c.id === 'config.capath')).toMatchObject({ status: 'pass', code: 'config.capath/ok' });
    expect(report.checks.find((c) => c.id === 'config.chain')).toMatchObject({ status: 'pass' });
  });

  it('fails a forgotten rehash, with that fix, on the folder and on the chain', () => {
    const dir = tree.path(`capath-${++counter}`);
    tree.write(`capath-${counter}/lampi_ca.crt`, readPem(files.ca));
    const report = lint({ paths: [tree.write(`capath-${counter}.conf`, capathListener(dir))], mosquittoVersion: '2.0.11' });
    const capath = report.checks.find((c) => c.id === 'config.capath')!;
    expect(capath).toMatchObject({ status: 'fail', code: 'config.capath/not-hashed', line: 2 });
    expect(capath.summary).toContain(`${hashOf(files.ca)}.0`);
    expect(capath.hint).toContain(`openssl rehash ${dir}`);
    expect(report.checks.find((c) => c.id === 'config.chain')).toMatchObject({ status: 'fail', code: 'config.chain/capath-not-hashed' });
  });

  it('counts a v1 root (no extensions) as a CA: a forgotten rehash, not an empty folder, as openssl verify -CApath says', async () => {
    const root = await issueV1Root('LAMPI v1 Root');
    const leaf = await issue({ commonName: 'localhost', issuer: root, dnsNames: ['localhost'], usage: 'server' });
    const dir = tree.path(`capath-${++counter}`);
    tree.write(`capath-${counter}/lampi_ca.crt`, root.certPem);
    const leafFile = tree.write(`capath-${counter}-leaf.crt`, leaf.certPem);
    const verify = () => spawnSync('openssl', ['verify', '-CApath', dir, '-purpose', 'sslserver', leafFile], { encoding: 'utf8' });
    expect(verify().status).not.toBe(0);
    const before = lint({ paths: [tree.write(`capath-${counter}.conf`, capathListener(dir))], mosquittoVersion: '2.0.11' });
    const capath = before.checks.find((c) => c.id === 'config.capath')!;
    expect(capath).toMatchObject({ status: 'fail', code: 'config.capath/not-hashed' });
    expect(capath.summary).toContain('LAMPI v1 Root');
    expect(capath.hint).toContain(`openssl rehash ${dir}`);
    spawnSync('openssl', ['rehash', dir]);
    expect(verify().status).toBe(0);
    const after = lint({ paths: [tree.write(`capath-${counter}b.conf`, capathListener(dir))], mosquittoVersion: '2.0.11' });
    expect(after.checks.find((c) => c.id === 'config.capath')).toMatchObject({ status: 'pass', code: 'config.capath/ok' });
  });

  it('fails a stale link (the CA changed since the rehash) and a dangling one', () => {
    const dir = tree.path(`capath-${++counter}`);
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    tree.write(`capath-${counter}/lampi_ca.crt`, readPem(files.ca));
    tree.write(`capath-${counter}/other.crt`, readPem(files.otherCa));
    symlinkSync('lampi_ca.crt', `${dir}/${hashOf(files.ca)}.0`);
    symlinkSync('other.crt', `${dir}/${hashOf(files.ca)}.1`);
    symlinkSync('gone.crt', `${dir}/0badc0de.0`);
    const report = lint({ paths: [tree.write(`capath-${counter}.conf`, capathListener(dir))], mosquittoVersion: '2.0.11' });
    const codes = report.checks.filter((c) => c.id === 'config.capath').map((c) => c.code);
    expect(codes).toEqual(['config.capath/not-hashed', 'config.capath/stale-link', 'config.capath/dangling-link']);
  });
});

describeWithBroker('Mosquitto 2.0.11 agrees about capath', () => {
  it('a client is refused until openssl rehash, then gets in', async () => {
    const dir = tree.path(`capath-live-${++counter}`);
    tree.write(`capath-live-${counter}/lampi_ca.crt`, readPem(files.ca));
    const [port] = await freePorts(['127.0.0.1']);
    const conf = tree.write(`capath-live-${counter}.conf`, capathListener(dir, port));
    const client = ['--cafile', files.ca, '--cert', files.clientCert, '--key', files.clientKey];
    const before = await withBroker(conf, () => publish(port, client));
    expect(before.result.code).not.toBe(0);
    spawnSync('openssl', ['rehash', dir]);
    const after = await withBroker(conf, () => publish(port, client));
    expect(after.result.code, after.result.output).toBe(0);
  });

  function capathListener(dir: string, port: number) {
    return `listener ${port} 127.0.0.1\ncapath ${dir}\ncertfile ${files.serverCert}\nkeyfile ${files.serverKey}\nrequire_certificate true\nuse_identity_as_username true\n`;
  }
});
