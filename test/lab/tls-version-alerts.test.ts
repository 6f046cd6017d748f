// tls.version against real Mosquitto, judged by `openssl s_client -tls1_2`: a version is refused only
// when the server will not negotiate it. s_client shows whether the server chose TLS 1.2 (its
// ServerHello names a cipher) before the alert; the tool's TLS 1.2 answer must agree, and its fix
// must name the line that causes the refusal.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnose.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { describeWithBroker } from '../helpers/broker.js';

const labs: Lab[] = [];
afterEach(async () => {
  await Promise.all(labs.splice(0).map((lab) => lab.stop()));
});

/** s_client -tls1_2 (with the lab's client certificate or none): the alert, and whether the server chose a cipher. */
function sClientTls12(lab: Lab, withCertificate: boolean): { alert?: number; negotiated: boolean } {
  const args = ['s_client', '-tls1_2', '-connect', `${lab.publicAddress}:${lab.ports.tls}`, '-servername', lab.fqdn, '-CAfile', lab.files.ca];
  if (withCertificate) args.push('-cert', lab.files.clientCert, '-key', lab.files.clientKey);
  const { stdout, stderr } = spawnSync('openssl', args, { input: '', encoding: 'utf8', timeout: 5000 });
  const output = `${stdout}${stderr}`;
  const alert = /SSL alert number (\d+)/.exec(output);
  const cipher = /^\s*Cipher\s*:\s*(\S+)/m.exec(output)?.[1];
  return { alert: alert ? Number(alert[1]) : undefined, negotiated: cipher !== undefined && cipher !== '0000' && cipher !== '(NONE)' };
}

async function tlsVersionOf(scenario: string, withCertificate: boolean) {
  const lab = await startLab({ scenario });
  labs.push(lab);
  const input = lab.diagnoseInput();
  const report = await diagnose({ ...input, ...(withCertificate ? {} : { cert: undefined, key: undefined }), only: ['tls'], timeoutMs: 3000, config: lab.files.cloudConfig });
  const check = report.checks.find((c) => c.id === 'tls.version')!;
  const versions = check.evidence?.versions as { version: string; result: string }[];
  return { lab, check, tls12: versions.find((v) => v.version === 'TLSv1.2')?.result };
}

/** The line number of the TLS listener's `key` line in the lab's cloud.conf (--config cites it). */
const lineOf = (lab: Lab, key: string) => readFileSync(lab.files.cloudConfig, 'utf8').split('\n').findIndex((line) => line.startsWith(`${key} `)) + 1;

describeWithBroker('tls.version reads an alert after the server chose TLS 1.2 as the version accepted (s_client -tls1_2 as reference)', () => {
  it('no --cert against require_certificate: alert 40 after the ServerHello is not a version refusal', async () => {
    const { lab, check, tls12 } = await tlsVersionOf('healthy', false);
    expect(sClientTls12(lab, false)).toEqual({ alert: 40, negotiated: true });
    expect(tls12).toBe('accepted');
    expect(check.status).toBe('pass');
    expect(check.summary).toContain('TLS 1.2: negotiated, then the server ended the handshake with "sslv3 alert handshake failure"');
  });

  it('a crlfile signed by another key: alert 51 after the ServerHello, the client refused, TLS 1.2 accepted', async () => {
    const { lab, check, tls12 } = await tlsVersionOf('crl-bad-signature', true);
    expect(sClientTls12(lab, true)).toEqual({ alert: 51, negotiated: true });
    expect(tls12).toBe('accepted');
    expect(check.status).toBe('pass');
    expect(check.hint ?? '').not.toContain('tls_version');
  });

  it('a ciphers line with no suite clients offer: alert 40 before the ServerHello, the fix names `ciphers`', async () => {
    const { lab, check, tls12 } = await tlsVersionOf('tls12-no-shared-cipher', true);
    expect(sClientTls12(lab, true)).toEqual({ alert: 40, negotiated: false });
    expect(tls12).toBe('refused');
    expect(check.code).toBe('tls.version/tls12-no-shared-cipher');
    expect(check.hint).toContain("Make the listener's `ciphers` line allow suites standard clients offer for its EC key");
    expect(check.hint).not.toContain('Set `tls_version');
    expect(check).toMatchObject({ file: lab.files.cloudConfig, line: lineOf(lab, 'ciphers') });
    expect(lineOf(lab, 'ciphers')).toBeGreaterThan(0);
  });

  it('an EC server certificate without digitalSignature: alert 40 before the ServerHello, --config cites certfile', async () => {
    const { lab, check, tls12 } = await tlsVersionOf('server-key-usage', true);
    expect(sClientTls12(lab, true)).toEqual({ alert: 40, negotiated: false });
    expect(tls12).toBe('refused');
    expect(check.code).toBe('tls.version/leaf-key-usage');
    expect(check).toMatchObject({ file: lab.files.cloudConfig, line: lineOf(lab, 'certfile') });
  });

  it('tls_version tlsv1.3: alert 70, the version itself refused, the fix stays on tls_version', async () => {
    const { lab, check, tls12 } = await tlsVersionOf('tls13-only', true);
    expect(sClientTls12(lab, true)).toEqual({ alert: 70, negotiated: false });
    expect(tls12).toBe('refused');
    expect(check.code).toBe('tls.version/tls12-refused');
    expect(check.hint).toContain('Set `tls_version tlsv1.2` on the listener');
    expect(check).toMatchObject({ file: lab.files.cloudConfig, line: lineOf(lab, 'tls_version') });
  });
});
