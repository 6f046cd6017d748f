// config.crl: a listener's crlfile as OpenSSL uses it when Mosquitto sets CRL checking: every
// client's issuer needs a CRL from a CA the listener trusts, signed by it and in date, or every
// client is refused. Also: is a certificate we know of (a bridge's, or --cert) revoked by it?
import { coversCertificate, issuedBy, serialOf, signedBy, type CrlInfo } from '../../src/config/crl.js';
import { last, pathOf } from '../../src/config/model.js';
import { DAY_MS } from '../define.js';
import { at, bad, defineRule, doubt, listenerName, ok, type LintFinding } from './define.js';

const day = (iso: string) => iso.slice(0, 10);

export const configCrl = defineRule({
  id: 'config.crl',
  title: 'Revocation lists come from the listener\'s CA, are in date, and revoke no certificate in use',
  codes: {
    ok: 'The crlfile is issued by the listener\'s CA and in date',
    'unknown-issuer': 'The crlfile is issued by a CA the listener does not trust',
    'bad-signature': 'The crlfile names the listener\'s CA, but its key did not sign it',
    'not-yet-valid': 'The crlfile is not valid yet (a clock is wrong)',
    expired: 'The crlfile is past its nextUpdate: OpenSSL refuses every client',
    'expires-soon': 'The crlfile reaches its nextUpdate soon',
    'revoked-certificate': 'The crlfile revokes a certificate this setup uses',
  },
  run(facts, { now, expiryWarnDays }) {
    const { configs, files, capaths, certificates } = facts;
    return configs.flatMap((model) =>
      model.listeners.flatMap((listener): LintFinding[] => {
        const entry = last(listener, 'crlfile');
        const crlPath = pathOf(entry);
        const crls = crlPath ? files[crlPath]?.content.crl?.crls ?? [] : [];
        if (!entry || !crlPath || crls.length === 0) return [];
        const name = listenerName(listener);
        const cafile = pathOf(last(listener, 'cafile'));
        const capath = pathOf(last(listener, 'capath'));
        const trusted = [...(cafile ? certificates(cafile) : []), ...(capath ? capaths[capath]?.anchors ?? [] : [])];
        const trustText = [cafile && `cafile ${cafile}`, capath && `capath ${capath}`].filter(Boolean).join(' and ') || 'no cafile or capath';
        const findings: LintFinding[] = [];
        const matched: { crl: CrlInfo; ca: string }[] = [];
        for (const crl of crls) {
          const evidence = { crlfile: crlPath, issuer: crl.issuer, thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate ?? null, revoked: crl.revokedSerials.length };
          const issuer = trusted.find((ca) => issuedBy(crl, ca));
          if (!issuer) {
            findings.push(
              bad(
                'unknown-issuer',
                at(entry),
                `${name}: crlfile ${crlPath} is issued by ${crl.issuer}, which is not a CA this listener trusts (${trustText}): OpenSSL finds no CRL for its clients' issuer and refuses every client ("unable to get certificate CRL")`,
                `Point crlfile at the CRL of the CA in the listener's cafile (make it with that CA: \`openssl ca -gencrl -keyfile ca.key -cert ca.crt -out crl.pem\`), or remove the crlfile line.`,
                evidence,
              ),
            );
            continue;
          }
          if (signedBy(crl, issuer) === false) {
            findings.push(bad('bad-signature', at(entry), `${name}: crlfile ${crlPath} names ${crl.issuer} as issuer, but that CA's key did not sign it (a CA re-made under the same name?): OpenSSL refuses every client ("CRL signature failure")`, 'Issue the CRL again with the CA key that signed the cafile certificate.', evidence));
            continue;
          }
          const t = now.getTime();
          if (Date.parse(crl.thisUpdate) > t) {
            findings.push(bad('not-yet-valid', at(entry), `${name}: crlfile ${crlPath} is not valid before ${crl.thisUpdate} (the broker's clock, or the CA's, is wrong): OpenSSL refuses every client ("CRL is not yet valid")`, 'Check both clocks (timedatectl), then issue the CRL again.', evidence));
            continue;
          }
          if (crl.nextUpdate && Date.parse(crl.nextUpdate) < t) {
            findings.push(
              bad(
                'expired',
                at(entry),
                `${name}: crlfile ${crlPath} expired on ${day(crl.nextUpdate)} (its nextUpdate): OpenSSL refuses every client with "CRL has expired" (TLS alert 45, which clients report as "certificate expired", although their certificates are fine)`,
                `Issue a fresh CRL with the CA (\`openssl ca -gencrl -crldays 30 -out ${crlPath}\`) and restart mosquitto; renew it before each nextUpdate.`,
                evidence,
              ),
            );
            continue;
          }
          // The certificates' window, but at most the last quarter of the CRL's own life: a CRL issued
          // for 30 days (openssl ca's usual -crldays) is not "about to expire" the day it is made.
          const lifetime = crl.nextUpdate ? Date.parse(crl.nextUpdate) - Date.parse(crl.thisUpdate) : Infinity;
          if (crl.nextUpdate && Date.parse(crl.nextUpdate) - t < Math.min(expiryWarnDays * DAY_MS, lifetime / 4)) {
            const days = Math.floor((Date.parse(crl.nextUpdate) - t) / DAY_MS);
            findings.push(doubt('expires-soon', at(entry), `${name}: crlfile ${crlPath} expires in ${days} day${days === 1 ? '' : 's'} (nextUpdate ${day(crl.nextUpdate)}); after that every client is refused`, `Issue a fresh CRL before then (\`openssl ca -gencrl -crldays 30 -out ${crlPath}\`) and restart mosquitto.`, evidence));
          }
          matched.push({ crl, ca: issuer.subject.split('\n').join(', ') });
        }
        // Certificates we know of that these CRLs revoke: bridges linted alongside, and --cert.
        const known = [
          ...configs.filter((other) => other !== model).flatMap((other) => other.bridges.flatMap((bridge) => {
            const cert = last(bridge, 'bridge_certfile');
            const path = pathOf(cert);
            return cert && path ? [{ what: `bridge ${bridge.name}'s bridge_certfile ${path} (${cert.file}:${cert.line})`, path }] : [];
          })),
          ...facts.clientCertificates.map((path) => ({ what: `the client certificate ${path}`, path })),
        ];
        for (const { what, path } of known) {
          const leaf = certificates(path)[0];
          if (!leaf) continue;
          const serial = serialOf(leaf);
          const revoking = crls.find((crl) => coversCertificate(crl, leaf) && crl.revokedSerials.includes(serial));
          if (revoking) {
            findings.push(bad('revoked-certificate', at(entry), `${name}: crlfile ${crlPath} revokes ${what} (serial ${serial}): the broker refuses it (TLS alert 44, "certificate revoked")`, 'Issue a new certificate for it (a new serial) from the CA, install it, and restart that client or bridge.', { crlfile: crlPath, certificate: path, serial }));
          }
        }
        if (findings.length === 0) {
          findings.push(
            ok(
              'ok',
              at(entry),
              `${name}: crlfile ${crlPath}: ${matched.map(({ crl, ca }) => `from ${ca}, ${crl.revokedSerials.length} revoked, next update ${crl.nextUpdate ? day(crl.nextUpdate) : 'not set'}`).join('; ')}`,
              { crlfile: crlPath, crls: matched.map(({ crl }) => ({ issuer: crl.issuer, nextUpdate: crl.nextUpdate ?? null, revoked: crl.revokedSerials })) },
            ),
          );
        }
        return findings;
      }),
    );
  },
});
