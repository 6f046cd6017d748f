// Work a class shares (certificate files parsed once per content, TLS contexts built once per CA and
// identity, one load monitor) must never show: each student gets the verdicts a run on its own gets,
// and each file read speaks of its own path and its current content.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCertificateFile, readKeyFile } from '../../src/certs/pem.js';
import type { GradeReport } from '../../src/grade/grade.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { issue } from '../../src/lab/pki.js';
import { describeWithBroker } from '../helpers/broker.js';
import { runCli } from '../helpers/cli.js';

describeWithBroker('grading shares work across students without changing a verdict', { timeout: 300_000 }, () => {
  let labs: Lab[];
  let dir: string;
  let roster: string;

  beforeAll(async () => {
    labs = await Promise.all(['healthy', 'expired', 'client-cert-optional', 'wrong-san'].map((scenario) => startLab({ scenario })));
    dir = mkdtempSync(join(tmpdir(), 'lampi-shared-'));
    const row = (student: string, lab: Lab) =>
      [student, lab.fqdn, lab.ports.tls, lab.ports.wss, lab.files.ca, lab.files.clientCert, lab.files.clientKey, `mqtt://127.0.0.1:${lab.ports.lampPlain}`, lab.deviceId, `${lab.fqdn}:${lab.publicAddress}`].join(',');
    roster = join(dir, 'class.csv');
    // Students of different setups interleaved, each setup several times: CA files and identities
    // repeat, and a student's neighbours use other CAs.
    const rows = Array.from({ length: 8 }, (_, i) => row(`s${i}`, labs[i % labs.length]));
    writeFileSync(roster, ['student,fqdn,port,wss_port,ca,cert,key,local,device_id,resolve', ...rows, ''].join('\n'));
  });
  afterAll(async () => {
    await Promise.all(labs.map((lab) => lab.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  const verdicts = async (concurrency: number) => {
    const output = join(dir, `grades-${concurrency}.json`);
    const run = await runCli(['grade', roster, '--samples', '2', '--concurrency', String(concurrency), '--format', 'json', '--output', output]);
    expect(run.code).toBe(0);
    const report = JSON.parse(readFileSync(output, 'utf8')) as GradeReport;
    return report.students.map((student) => ({ student: student.student, error: student.error, checks: student.checks.map((check) => `${check.id} ${check.status} ${check.code ?? ''}`) }));
  };

  it('all students at once give the verdicts of one student at a time', async () => {
    const together = await verdicts(8);
    const alone = await verdicts(1);
    expect(together).toEqual(alone);
    // The setups really differ (a shared context must not give one CA's verdict to another's student).
    const handshake = (student: string) => together.find((s) => s.student === student)!.checks.find((c) => c.startsWith('tls.validity '));
    expect(handshake('s0')).toMatch(/^tls\.validity pass/);
    expect(handshake('s1')).toMatch(/^tls\.validity fail/);
    expect(handshake('s4')).toMatch(/^tls\.validity pass/);
    expect(handshake('s5')).toMatch(/^tls\.validity fail/);
  });
});

describe('certificate and key files read more than once', () => {
  let dir: string;
  let lab: { ca: string; cert: string; key: string; otherCert: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lampi-pem-once-'));
    const ca = await issue({ commonName: 'shared-work CA', isCa: true });
    const one = await issue({ commonName: 'one', issuer: ca, usage: 'client' });
    const two = await issue({ commonName: 'two', issuer: ca, usage: 'client' });
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    lab = { ca: write('ca.crt', ca.certPem), cert: write('one.crt', one.certPem), key: write('one.key', one.keyPem), otherCert: write('two.crt', two.certPem) };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the path of each read, and sees a file that changed', () => {
    const copy = join(dir, 'copy.crt');
    copyFileSync(lab.cert, copy);
    const first = readCertificateFile(lab.cert, '--cert');
    const second = readCertificateFile(copy, '--cert');
    expect(second.path).toBe(copy);
    expect(first.path).toBe(lab.cert);
    expect(second.certificates[0].fingerprint256).toBe(first.certificates[0].fingerprint256);
    writeFileSync(copy, readFileSync(lab.otherCert));
    expect(readCertificateFile(copy, '--cert').certificates[0].fingerprint256).not.toBe(first.certificates[0].fingerprint256);
    writeFileSync(copy, 'not a certificate\n');
    expect(() => readCertificateFile(copy, '--ca')).toThrow(`--ca ${copy} holds no certificate`);
  });

  it('a key read again is the same key under its own path; an encrypted one still needs its own passphrase', () => {
    const key = readKeyFile(lab.key, '--key');
    const elsewhere = join(dir, 'elsewhere.key');
    copyFileSync(lab.key, elsewhere);
    const again = readKeyFile(elsewhere, '--key');
    expect(again.path).toBe(elsewhere);
    expect(again.pem).toBe(key.pem);
    const encrypted = join(dir, 'encrypted.key');
    writeFileSync(encrypted, key.key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'right' }));
    expect(readKeyFile(encrypted, '--key', 'right').pem).toBe(key.pem);
    expect(() => readKeyFile(encrypted, '--key', 'wrong')).toThrow(`--key ${encrypted}: the --key-passphrase does not decrypt this key`);
    expect(() => readKeyFile(encrypted, '--key')).toThrow(/is encrypted: pass its passphrase/);
    expect(readKeyFile(encrypted, '--key', 'right').path).toBe(encrypted);
  });
});
