// The files a configuration names: there and readable by the broker, certificates sound, keys
// belonging to their certificates, chains reaching their CA.
import { chainKey, FILE_OPTIONS, tlsMaterial } from '../../src/config/lint-facts.js';
import { last, pathOf } from '../../src/config/model.js';
import { describeDateFinding, dateFinding } from '../tls-validity.js';
import { keyProblems } from '../tls-key.js';
import { at, bad, defineRule, doubt, ok, type LintFinding } from './define.js';

const CERT_OPTIONS = new Set(['cafile', 'certfile', 'bridge_cafile', 'bridge_certfile', 'crlfile']);
const KEY_OPTIONS = new Set(['keyfile', 'bridge_keyfile']);
const DIR_OPTIONS = new Set(['capath', 'bridge_capath']);

export const configFiles = defineRule({
  id: 'config.files',
  title: 'Referenced files exist and the broker can read them',
  run({ configs, files }) {
    return configs.flatMap((model) =>
      model.entries
        .filter((entry) => FILE_OPTIONS.includes(entry.key))
        .map((entry): LintFinding => {
          const path = pathOf(entry)!;
          const file = files[path];
          const evidence = { option: entry.key, path, brokerUser: model.user };
          if (!file?.exists) return bad(at(entry), `${entry.key} ${path}: ${file?.error ?? 'no such file'}`, `Copy the file there (the seed uses /etc/mosquitto/certs and /etc/mosquitto/ca_certificates), or fix the path.`, evidence);
          if (DIR_OPTIONS.has(entry.key) !== file.isDirectory) {
            return bad(at(entry), `${entry.key} ${path} is ${file.isDirectory ? 'a folder' : 'a file'}`, DIR_OPTIONS.has(entry.key) ? 'capath names a folder of hashed CA files; for one CA file use cafile.' : 'Name the file itself.', evidence);
          }
          if (file.brokerReadable === false) {
            return bad(at(entry), `${entry.key} ${path}: the broker's user "${model.user}" cannot read it`, `sudo chown ${model.user}: ${path} && sudo chmod ${KEY_OPTIONS.has(entry.key) ? '600' : '644'} ${path} (and let "${model.user}" search the folders above it).`, evidence);
          }
          if (!file.readable) return bad(at(entry), `${entry.key} ${path}: ${file.error}`, 'Run lint with enough rights to read it (sudo).', evidence);
          if (CERT_OPTIONS.has(entry.key) && entry.key !== 'crlfile' && file.certificates.length === 0) {
            return bad(at(entry), `${entry.key} ${path} holds no certificate${file.isKey ? ' but a private key (swapped with the keyfile?)' : ''}`, 'Point it at the PEM certificate (-----BEGIN CERTIFICATE-----).', evidence);
          }
          if (KEY_OPTIONS.has(entry.key) && !file.isKey) {
            return bad(at(entry), `${entry.key} ${path} holds no private key${file.certificates.length ? ' but a certificate (swapped with the certfile?)' : ''}`, 'Point it at the PEM private key.', evidence);
          }
          if (file.parseError) return bad(at(entry), `${entry.key} ${path}: ${file.parseError}`, 'The file is damaged: copy it again (scp) from where it was made.', evidence);
          const readableBy = file.brokerReadable === null ? ` (no user "${model.user}" on this machine to check its rights)` : ` and readable by ${model.user}`;
          return ok(at(entry), `${entry.key} ${path} is there${readableBy}`, evidence);
        }),
    );
  },
});

export const configKeypair = defineRule({
  id: 'config.keypair',
  title: 'Each key belongs to its certificate',
  run({ configs, files }) {
    return configs.flatMap((model) =>
      tlsMaterial(model).flatMap(({ block, kind, cert, key }): LintFinding[] => {
        if (!cert || !key || !files[cert]?.certificateKeys.length) return [];
        const keyFacts = files[key];
        const keyEntry = last(block, kind === 'bridge' ? 'bridge_keyfile' : 'keyfile')!;
        const certEntry = last(block, kind === 'bridge' ? 'bridge_certfile' : 'certfile')!;
        if (!keyFacts?.isKey) return [];
        if (keyFacts.encryptedKey) {
          return [bad(at(keyEntry), `${keyEntry.key} ${key} is encrypted: Mosquitto would wait for a passphrase it never gets`, `Store it unencrypted for the broker: openssl pkey -in ${key} -out ${key}.plain (the seed's makeCertificates does the same), then point ${keyEntry.key} at it.`)];
        }
        if (keyFacts.publicKeySha256 === files[cert].certificateKeys[0]) return [ok(at(keyEntry), `${keyEntry.key} matches ${certEntry.key} ${cert} (public keys compared)`)];
        return [
          bad(
            at(certEntry),
            `${certEntry.key} ${cert} and ${keyEntry.key} ${key} (line ${keyEntry.line}) are not a pair: their public keys differ`,
            'Copy the key that was made with this certificate (same name, .key), or re-issue the certificate from this key. Nothing of the key is printed here.',
            { certfile: cert, keyfile: key },
          ),
        ];
      }),
    );
  },
});

export const configChain = defineRule({
  id: 'config.chain',
  title: 'Certificates chain to their CA file',
  run({ configs, chains }) {
    return configs.flatMap((model) =>
      tlsMaterial(model).flatMap(({ block, kind, cert, ca }): LintFinding[] => {
        if (!cert || !ca) return [];
        const chain = chains[chainKey(cert, ca)];
        if (!chain) return [];
        const certEntry = last(block, kind === 'bridge' ? 'bridge_certfile' : 'certfile')!;
        const caEntry = last(block, kind === 'bridge' ? 'bridge_cafile' : 'cafile')!;
        if (chain.verified) return [ok(at(certEntry), `${cert} chains to ${caEntry.key} ${ca}: ${chain.path.join(' <- ')}`, { path: chain.path })];
        const why = chain.problem === 'bad-signature' ? 'an issuer of that name is there, but its key did not sign it (CA regenerated?)' : `its issuer (${chain.path.at(-1)}) is neither in the certfile nor in ${caEntry.key}`;
        return [
          (kind === 'listener' ? doubt : bad)(
            at(certEntry),
            `${certEntry.key} ${cert} does not chain to ${caEntry.key} ${ca}: ${why}`,
            'In the LAMPI setup one CA signs everything: re-issue the certificate from lampi_ca.crt, and if an intermediate signed it, put it in the certfile after the leaf.',
            { path: chain.path },
          ),
        ];
      }),
    );
  },
});

export const configCertificates = defineRule({
  id: 'config.certificates',
  title: 'Certificates are valid, strong and fit for their use',
  run({ configs, files }, { now, expiryWarnDays }) {
    return configs.flatMap((model) =>
      tlsMaterial(model).flatMap(({ block, kind, cert, ca }): LintFinding[] => {
        const findings: LintFinding[] = [];
        for (const [path, option] of [[cert, kind === 'bridge' ? 'bridge_certfile' : 'certfile'], [ca, kind === 'bridge' ? 'bridge_cafile' : 'cafile']] as const) {
          const entry = last(block, option);
          const certs = path ? files[path]?.certificates ?? [] : [];
          if (!entry || certs.length === 0) continue;
          const problems: string[] = [];
          let worst = 'pass' as 'pass' | 'warn' | 'fail';
          for (const [index, info] of certs.entries()) {
            const dates = dateFinding(info, now, expiryWarnDays);
            if (dates) {
              problems.push(describeDateFinding(dates));
              worst = dates.problem === 'expires-soon' && worst !== 'fail' ? 'warn' : 'fail';
            }
            const weak = keyProblems(info, info.selfIssued && (option.endsWith('cafile') || index > 0));
            if (weak.length) {
              problems.push(`${info.subject}: ${weak.join(', ')}`);
              worst = 'fail';
            }
          }
          if (option.endsWith('certfile')) {
            const eku = certs[0].extendedKeyUsage;
            const need = kind === 'bridge' ? 'clientAuth' : 'serverAuth';
            if (eku.length > 0 && !eku.includes(need) && !eku.includes('anyExtendedKeyUsage')) {
              problems.push(`${certs[0].subject} is not for ${kind === 'bridge' ? 'clients' : 'servers'}: its extendedKeyUsage lacks ${need}`);
              worst = 'fail';
            }
          }
          if (worst === 'pass') {
            findings.push(ok(at(entry), `${option} ${path}: ${certs.length} certificate${certs.length > 1 ? 's' : ''}, valid until ${certs[0].notAfter.slice(0, 10)}, ${certs[0].publicKey.algorithm} ${certs[0].publicKey.curve ?? `${certs[0].publicKey.bits} bits`}`));
          } else {
            findings.push(
              (worst === 'warn' ? doubt : bad)(
                at(entry),
                `${option} ${path}: ${problems.join('; ')}`,
                'Re-issue it (openssl x509 -req ... -days 365 -sha256, from a 2048-bit RSA or P-256 key, with extendedKeyUsage serverAuth for brokers, clientAuth for bridges) and restart mosquitto.',
              ),
            );
          }
        }
        return findings;
      }),
    );
  },
});
