// --ca given a leaf instead of the CA (hunt 3, H5), and --ca as a folder (OpenSSL's -CApath): the rehash is the fix only when the CA the chain needs sits in
// the folder without a hash link. A rehashed folder of other CAs (hunt 3, H2: /etc/ssl/certs) is an
// unknown CA. Judged by `openssl s_client -CApath` against the lab's real Mosquitto.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnose.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { issue } from '../../src/lab/pki.js';
import { LAB_FQDN } from '../../src/lab/scenarios.js';
import { describeWithBroker } from '../helpers/broker.js';

let lab: Lab;
let otherCaPem: string;

describeWithBroker('--ca FOLDER against the lab, judged by openssl s_client -CApath', () => {
  beforeAll(async () => {
    lab = await startLab({ scenario: 'healthy' });
    otherCaPem = (await issue({ commonName: 'Other Server CA', isCa: true })).certPem;
  });
  afterAll(async () => {
    await lab?.stop();
  });

  const folder = (files: Record<string, string>, rehash: boolean) => {
    const dir = mkdtempSync(join(tmpdir(), 'lampi-ca-folder-'));
    for (const [name, pem] of Object.entries(files)) writeFileSync(join(dir, name), pem);
    if (rehash) expect(spawnSync('openssl', ['rehash', dir]).status).toBe(0);
    return dir;
  };
  const sClient = (dir: string) =>
    spawnSync('openssl', ['s_client', '-connect', `${lab.publicAddress}:${lab.ports.tls}`, '-servername', LAB_FQDN, '-CApath', dir, '-verify_return_error', '-verify_hostname', LAB_FQDN, '-cert', lab.files.clientCert, '-key', lab.files.clientKey], { input: '', encoding: 'utf8', timeout: 20_000 });
  const chainWith = async (dir: string) => (await diagnose({ ...lab.diagnoseInput(), ca: dir, only: ['tls.chain'] })).checks.find((check) => check.id === 'tls.chain')!;

  it('a rehashed folder of other CAs: unknown CA, not a forgotten rehash', async () => {
    const dir = folder({ 'other_ca.crt': otherCaPem }, true);
    const reference = sClient(dir);
    expect(reference.status).not.toBe(0);
    expect(`${reference.stdout}${reference.stderr}`).toMatch(/unable to get local issuer certificate|self.signed certificate in certificate chain/);
    const chain = await chainWith(dir);
    expect([chain.status, chain.code]).toEqual(['fail', 'tls.chain/unknown-ca']);
    expect(chain.hint).not.toContain('openssl rehash');
  });

  it('the lab CA in the folder without a link (the other CA linked): the forgotten rehash, and after it s_client verifies', async () => {
    const dir = folder({ 'other_ca.crt': otherCaPem }, true);
    writeFileSync(join(dir, 'lampi_ca.crt'), readFileSync(lab.files.ca, 'utf8'));
    expect(sClient(dir).status).not.toBe(0);
    const chain = await chainWith(dir);
    expect([chain.status, chain.code]).toEqual(['fail', 'tls.chain/capath-unhashed']);
    expect(chain.summary).toContain('(lampi_ca.crt) have no hash links');
    expect(chain.summary).not.toContain('other_ca.crt');
    expect(spawnSync('openssl', ['rehash', dir]).status).toBe(0);
    expect(sClient(dir).stdout).toContain('Verify return code: 0 (ok)');
    expect((await chainWith(dir)).status).toBe('pass');
  });

  it('--ca given the server\'s own certificate or a client certificate: no CA there, and the fix is the CA, not the server', async () => {
    for (const leaf of [lab.files.serverCert!, lab.files.clientCert]) {
      const reference = spawnSync('openssl', ['s_client', '-connect', `${lab.publicAddress}:${lab.ports.tls}`, '-servername', LAB_FQDN, '-CAfile', leaf, '-verify_return_error', '-verify_hostname', LAB_FQDN, '-cert', lab.files.clientCert, '-key', lab.files.clientKey], { input: '', encoding: 'utf8', timeout: 20_000 });
      expect(reference.status, leaf).not.toBe(0);
      const chain = (await diagnose({ ...lab.diagnoseInput(), ca: leaf, only: ['tls.chain'] })).checks.find((check) => check.id === 'tls.chain')!;
      expect([chain.status, chain.code], leaf).toEqual(['fail', 'tls.chain/ca-file-not-ca']);
      expect(chain.summary).toContain(`--ca ${leaf} holds no CA certificate`);
      expect(chain.hint).toContain('Pass the CA that issued the server certificate as --ca');
      expect(chain.hint).not.toContain('Re-issue');
      // The reference's verify code is the one the evidence names.
      expect(`${reference.stdout}${reference.stderr}`).toContain(`verify error:num=${chain.evidence?.opensslVerifyCode}`);
    }
  });
});
