// The pre-made identity tls.client-auth offers must stay fit for its one job: a well-formed client
// certificate, in date for decades, from a CA no broker trusts, and matching its key.
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { THROWAWAY_CA_PEM, THROWAWAY_CERT_PEM, THROWAWAY_KEY_PEM } from '../../src/probes/throwaway-identity.js';

describe('the throwaway client identity', () => {
  const cert = new X509Certificate(THROWAWAY_CERT_PEM);
  const ca = new X509Certificate(THROWAWAY_CA_PEM);

  it('is a clientAuth certificate from the throwaway CA, valid until 2125', () => {
    expect(cert.subject).toContain('CN=lampi-doctor-untrusted');
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(new Date(cert.validTo).getUTCFullYear()).toBe(2125);
    expect(new Date(cert.validFrom).getTime()).toBeLessThan(Date.now());
  });

  it('matches its key', () => {
    const fromKey = createPublicKey(createPrivateKey(THROWAWAY_KEY_PEM)).export({ type: 'spki', format: 'der' });
    expect(Buffer.compare(fromKey, cert.publicKey.export({ type: 'spki', format: 'der' }))).toBe(0);
  });

  it('verifies for client use against its own CA with openssl, and against nothing else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lampi-throwaway-'));
    writeFileSync(join(dir, 'ca.crt'), THROWAWAY_CA_PEM);
    writeFileSync(join(dir, 'leaf.crt'), THROWAWAY_CERT_PEM);
    expect(execFileSync('openssl', ['verify', '-purpose', 'sslclient', '-CAfile', join(dir, 'ca.crt'), join(dir, 'leaf.crt')], { encoding: 'utf8' })).toContain(': OK');
    expect(() => execFileSync('openssl', ['verify', '-purpose', 'sslclient', join(dir, 'leaf.crt')], { stdio: 'pipe' })).toThrow();
  });
});
