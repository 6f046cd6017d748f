// The files a configuration names: there and readable by the broker, certificates sound, keys
// belonging to their certificates, chains reaching their CA.
import { oneLineName } from '../../src/certs/describe.js';
import { chainKey, FILE_OPTIONS, tlsMaterial, type LintFacts } from '../../src/config/lint-facts.js';
import { last, pathOf, type ListenerModel } from '../../src/config/model.js';
import type { ConfEntry } from '../../src/config/mosquitto-conf.js';
import { isAbsolute, resolve } from 'node:path';
import { describeDateFinding, dateFinding } from '../verdicts/dates.js';
import { keyProblems } from '../verdicts/key-strength.js';
import { KIND_OF_OPTION, type ContentFacts, type FileKind, type LineProblem } from '../../src/config/file-kinds.js';
import { atLeast } from '../../src/config/mosquitto-versions.js';
import { at, bad, defineRule, doubt, ok, remoteListener, type LintFinding } from './define.js';
import { describeKeyUsage, keyUsageAllowsClient, keyUsageAllowsServer } from '../verdicts/purpose.js';

const KEY_OPTIONS = new Set(['keyfile', 'bridge_keyfile']);
const DIR_OPTIONS = new Set(['capath', 'bridge_capath']);

const CONTENT_CODES: Partial<Record<FileKind, { fail?: string; warn?: string; what: (c: ContentFacts) => string; fix: string }>> = {
  password: {
    warn: 'password-file-lines-ignored',
    what: (c) => `${c.entries} user${c.entries === 1 ? '' : 's'} with mosquitto_passwd hashes`,
    fix: 'Write each line with mosquitto_passwd: `mosquitto_passwd -b FILE USER PASSWORD` (or `mosquitto_passwd -U FILE` to hash a file of plain user:password lines), then restart mosquitto.',
  },
  acl: {
    fail: 'acl-file-invalid',
    warn: 'acl-file-warning',
    what: (c) => `${c.entries} ACL rule${c.entries === 1 ? '' : 's'}`,
    fix: 'Each line is `user NAME`, `topic [read|write|readwrite|deny] TOPIC` or `pattern [read|write|readwrite|deny] TOPIC` (# only as the last level, + only as a whole level); see mosquitto.conf(5), acl_file.',
  },
  psk: {
    fail: 'psk-file-invalid',
    warn: 'psk-file-lines-ignored',
    what: (c) => `${c.entries} PSK identit${c.entries === 1 ? 'y' : 'ies'}`,
    fix: 'Each line is `identity:key` with the key in hexadecimal (e.g. from `openssl rand -hex 32`).',
  },
  dhparam: {
    fail: 'dhparam-invalid',
    what: (c) => `DH parameters, ${c.dhBits} bits`,
    fix: 'Make new ones: `openssl dhparam -out dhparam.pem 2048`, then restart mosquitto.',
  },
  crl: {
    fail: 'crl-invalid',
    what: (c) => `${c.entries} CRL${c.entries === 1 ? '' : 's'} (${c.crls!.map((crl) => `${crl.issuer}, ${crl.revokedSerials.length} revoked`).join('; ')})`,
    fix: 'Point crlfile at the PEM CRL your CA issues: `openssl ca -gencrl -out crl.pem` (check it with `openssl crl -in crl.pem -noout -text`).',
  },
};

/** What Mosquitto 2.0.11 does, started from / as systemd starts it, when the file is not there (measured with `mosquitto -c`). */
function withoutTheFile(option: string): string {
  if (['cafile', 'certfile', 'keyfile', 'crlfile', 'dhparamfile'].includes(option)) return 'refuses to start (exit 1, "Unable to load ... Check ' + option + '", no such file)';
  if (['acl_file', 'password_file', 'psk_file'].includes(option)) return `refuses to start (exit 13, "Unable to open ${option === 'password_file' ? 'pwfile' : option}")`;
  if (option === 'capath') return 'starts, but finds no CA in it, so client certificates the folder should vouch for are refused';
  return 'starts, but the bridge cannot set up TLS and never connects (e.g. "Unable to load CA certificates, check bridge_cafile")';
}

/**
 * A relative path in a file option. Mosquitto hands it to fopen/OpenSSL as written, so it is read
 * from the broker's working directory: / for the Debian systemd unit (no WorkingDirectory). This
 * tool reads it from the configuration file's folder, the place it was most likely meant to be.
 */
function relativePath(entry: ConfEntry): LintFinding[] {
  const value = entry.args[0];
  if (!value || isAbsolute(value)) return [];
  const meant = pathOf(entry)!;
  return [
    bad(
      'relative-path',
      at(entry),
      `\`${entry.key} ${value}\` is a relative path: Mosquitto opens it from its working directory, not from the configuration's folder; started by systemd (working directory /) it looks for ${resolve('/', value)} and ${withoutTheFile(entry.key)}. lampi-doctor checked ${meant}, the file it most likely means`,
      `Write the absolute path: \`${entry.key} ${meant}\`.`,
      { option: entry.key, value, meant, systemd: resolve('/', value) },
    ),
  ];
}

function where(option: string, path: string, problem: LineProblem): string {
  return `${option} ${path}${problem.line ? ` line ${problem.line}` : ''}: ${problem.problem}`;
}

export const configFiles = defineRule({
  id: 'config.files',
  title: 'Referenced files exist, the broker can read them, and they hold what their option expects',
  codes: {
    ok: 'The file is there, the broker can read it, and it holds what its option expects',
    missing: 'A file the configuration names does not exist',
    'wrong-type': 'A folder where a file is expected, or a file where a folder is',
    'broker-cannot-read': 'The broker\'s user cannot read the file',
    'not-a-file': 'The path is not a regular file Mosquitto can read',
    unreadable: 'The file could not be read to check it',
    'no-certificate': 'A certificate option names a file without a PEM certificate',
    'no-key': 'A key option names a file without a PEM private key',
    damaged: 'A certificate or key file does not decode',
    'password-file-lines-ignored': 'password_file lines Mosquitto ignores (no user, or no valid hash)',
    'acl-file-invalid': 'An acl_file line Mosquitto refuses (it does not start)',
    'acl-file-warning': 'An acl_file pattern without %c or %u applies to every client alike',
    'psk-file-invalid': 'A psk_file key that is not hexadecimal (Mosquitto does not start)',
    'psk-file-lines-ignored': 'psk_file lines Mosquitto skips (no identity or no key)',
    'dhparam-invalid': 'The dhparamfile holds no DH parameters Mosquitto can load',
    'dhparam-weak': 'The dhparamfile\'s DH group is under 2048 bits (OpenSSL 3 refuses it)',
    'crl-invalid': 'The crlfile holds no CRL Mosquitto can load',
    'relative-path': 'A relative path: Mosquitto opens it from its working directory (/ under systemd), not from the configuration\'s folder',
  },
  run({ configs, files }, { mosquitto }) {
    return configs.flatMap((model) => [
      ...model.entries.filter((entry) => FILE_OPTIONS.includes(entry.key)).flatMap(relativePath),
      ...model.entries
        // A file option without a value is config.option/missing-value's (Mosquitto: "Empty cafile value").
        .filter((entry) => FILE_OPTIONS.includes(entry.key) && pathOf(entry) !== undefined)
        .map((entry): LintFinding => {
          const path = pathOf(entry)!;
          const file = files[path];
          const kind = KIND_OF_OPTION[entry.key];
          const evidence = { option: entry.key, path, brokerUser: model.user };
          if (!file?.exists) return bad('missing', at(entry), `${entry.key} ${path}: ${file?.error ?? 'no such file'}`, `Copy the file there (the seed uses /etc/mosquitto/certs and /etc/mosquitto/ca_certificates), or fix the path.`, evidence);
          if (DIR_OPTIONS.has(entry.key) !== file.isDirectory) {
            return bad('wrong-type', at(entry), `${entry.key} ${path} is ${file.isDirectory ? 'a folder' : 'a file'}`, DIR_OPTIONS.has(entry.key) ? 'capath names a folder of hashed CA files; for one CA file use cafile.' : 'Name the file itself.', evidence);
          }
          if (file.brokerReadable === false) {
            return bad('broker-cannot-read', at(entry), `${entry.key} ${path}: the broker's user "${model.user}" cannot read it`, `sudo chown ${model.user}: ${path} && sudo chmod ${KEY_OPTIONS.has(entry.key) || kind === 'password' || kind === 'psk' ? '600' : '644'} ${path} (and let "${model.user}" search the folders above it).`, evidence);
          }
          if (!file.readable) {
            const notAFile = /regular file|too large/.test(file.error ?? '');
            return bad(notAFile ? 'not-a-file' : 'unreadable', at(entry), `${entry.key} ${path}: ${file.error}`, notAFile ? 'Point it at the regular file Mosquitto should read.' : 'Run lint with enough rights to read it (sudo).', evidence);
          }
          if (kind === 'certificates' && file.certificates.length === 0) {
            return bad('no-certificate', at(entry), `${entry.key} ${path} holds no certificate${file.isKey ? ' but a private key (swapped with the keyfile?)' : ''}`, 'Point it at the PEM certificate (-----BEGIN CERTIFICATE-----).', evidence);
          }
          if (kind === 'key' && !file.isKey) {
            return bad('no-key', at(entry), `${entry.key} ${path} holds no private key${file.certificates.length ? ' but a certificate (swapped with the certfile?)' : ''}`, 'Point it at the PEM private key.', evidence);
          }
          if ((kind === 'certificates' || kind === 'key') && file.parseError) return bad('damaged', at(entry), `${entry.key} ${path}: ${file.parseError}`, 'The file is damaged: copy it again (scp) from where it was made.', evidence);
          const content = file.content[kind];
          const codes = CONTENT_CODES[kind];
          const readableBy = file.brokerReadable === null ? ` (no user "${model.user}" on this machine to check its rights)` : `, readable by ${model.user}`;
          if (content && codes && !(kind === 'dhparam' && atLeast(mosquitto, '2.1.0'))) {
            const problems = content.problems.map((p) => ({ line: p.line, severity: p.severity, problem: p.problem }));
            const worst = content.problems.find((p) => p.severity === 'fail') ?? content.problems[0];
            if (worst) {
              const more = content.problems.length > 1 ? ` (and ${content.problems.length - 1} more: see evidence)` : '';
              const place = worst.line ? { file: path, line: worst.line } : at(entry);
              const finding = worst.severity === 'fail' ? bad : doubt;
              return finding(worst.code ?? (worst.severity === 'fail' ? codes.fail : codes.warn) ?? `${kind}-problem`, place, `${where(entry.key, path, worst)}${more}`, codes.fix, { ...evidence, configFile: entry.file, configLine: entry.line, problems });
            }
            return ok('ok', at(entry), `${entry.key} ${path}: ${codes.what(content)}${readableBy}`, evidence);
          }
          return ok('ok', at(entry), `${entry.key} ${path} is there${readableBy}`, evidence);
        }),
    ]);
  },
});

export const configKeypair = defineRule({
  id: 'config.keypair',
  title: 'Each key belongs to its certificate',
  codes: {
    ok: 'The key belongs to its certificate',
    'encrypted-key': 'The key file is encrypted: Mosquitto would wait for a passphrase',
    'key-mismatch': 'The certificate and key are not a pair',
  },
  run({ configs, files }) {
    return configs.flatMap((model) =>
      tlsMaterial(model).flatMap(({ block, kind, cert, key }): LintFinding[] => {
        if (!cert || !key || !files[cert]?.certificateKeys.length) return [];
        const keyFacts = files[key];
        const keyEntry = last(block, kind === 'bridge' ? 'bridge_keyfile' : 'keyfile')!;
        const certEntry = last(block, kind === 'bridge' ? 'bridge_certfile' : 'certfile')!;
        if (!keyFacts?.isKey) return [];
        if (keyFacts.encryptedKey) {
          return [bad('encrypted-key', at(keyEntry), `${keyEntry.key} ${key} is encrypted: Mosquitto would wait for a passphrase it never gets`, `Store it unencrypted for the broker: openssl pkey -in ${key} -out ${key}.plain (the seed's makeCertificates does the same), then point ${keyEntry.key} at it.`)];
        }
        if (keyFacts.publicKeySha256 === files[cert].certificateKeys[0]) return [ok('ok', at(keyEntry), `${keyEntry.key} matches ${certEntry.key} ${cert} (public keys compared)`)];
        return [
          bad(
            'key-mismatch',
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
  title: 'Certificates chain to their CA file or capath folder',
  codes: {
    ok: 'The certificate chains to its CA file or capath folder',
    'path-length-exceeded': 'A CA\'s pathlen is exceeded by the CAs below it (OpenSSL error 25)',
    'capath-not-hashed': 'The capath folder holds CA files but no hash links',
    'bad-signature': 'An issuer of that name is there, but its key did not sign the certificate',
    'unknown-issuer': 'The certificate\'s issuer is neither in the certfile nor in the CA file',
    'cafile-without-root': 'The CA file holds an intermediate but not the root above it: OpenSSL verifies nothing against it',
    'remote-untrusted': 'The bridge\'s bridge_cafile does not verify the broker\'s certificate: the bridge refuses the broker',
  },
  run(facts) {
    const { configs, chains, capaths } = facts;
    return configs.flatMap((model) =>
      tlsMaterial(model).flatMap(({ block, kind, cert: own, ca: cafile, capath }): LintFinding[] => {
        const ca = cafile ?? capath;
        const caEntry = ca && last(block, kind === 'bridge' ? (cafile ? 'bridge_cafile' : 'bridge_capath') : cafile ? 'cafile' : 'capath')!;
        if (!ca || !caEntry) return [];
        // A bridge's CA file verifies the broker it dials (the broker's own cafile verifies the bridge:
        // config.bridge-tls), so it is judged on the broker's certificate when that config is linted alongside.
        const remote = kind === 'bridge' ? remoteListener(facts, model, last(block, 'address') ?? last(block, 'addresses')) : undefined;
        const remoteCertEntry = remote && last(remote.listener, 'certfile');
        const cert = remoteCertEntry ? pathOf(remoteCertEntry)! : own;
        if (!cert) return [];
        const chain = chains[chainKey(cert, ca)];
        if (!chain) return [];
        const certEntry = remoteCertEntry ?? last(block, kind === 'bridge' ? 'bridge_certfile' : 'certfile')!;
        const subject = remoteCertEntry ? `the broker's certificate ${cert} (${remoteCertEntry.file}:${remoteCertEntry.line})` : `${certEntry.key} ${cert}`;
        const evidence = { path: chain.path, trust: ca, ...(chain.missingIssuer ? { missingIssuer: chain.missingIssuer } : {}) };
        if (chain.verified && chain.pathLengthExceeded) {
          const { subject: tooShort, pathLength, depth } = chain.pathLengthExceeded;
          return [
            bad(
              'path-length-exceeded',
              at(certEntry),
              `${certEntry.key} ${cert} chains to ${caEntry.key} ${ca} (${chain.path.join(' <- ')}), but ${tooShort} (depth ${depth}) has pathlen:${pathLength} and has more CAs below it: OpenSSL refuses the chain (error 25, path length constraint exceeded)`,
              `Re-issue ${tooShort} with a larger \`basicConstraints = critical, CA:TRUE, pathlen:N\` (or without pathlen), or issue the certificate from a CA nearer the top, so no CA has more intermediates below it than its pathlen; \`openssl verify -CAfile ${ca} -untrusted <intermediates> ${cert}\` must then print OK.`,
              evidence,
            ),
          ];
        }
        const rootFile = chain.missingIssuer && rootHolding(facts, chain.missingIssuer);
        const caCertificates = capaths[ca] ? capaths[ca].anchors.map((c) => ({ subject: c.subject, issuer: c.issuer, isCa: c.ca })) : facts.files[ca]?.certificates ?? [];
        const noRoot = caCertificates.some((c) => c.isCa) && !caCertificates.some((c) => c.subject === c.issuer);
        // OpenSSL (Mosquitto sets no partial-chain flag) needs a self-signed root in the CA file: an
        // intermediate there anchors nothing (openssl verify: error 2, unable to get issuer certificate).
        // A chain that reaches the CA file at an intermediate needs the root above it there too.
        if (chain.verified ? Boolean(chain.missingIssuer) : noRoot && chain.problem !== 'bad-signature') {
          const held = caCertificates.map((c) => oneLineName(c.subject)).join('; ');
          const root = chain.missingIssuer ?? oneLineName(caCertificates[0].issuer);
          const refused = kind === 'bridge' ? 'the bridge refuses every broker certificate' : 'the broker refuses every client certificate';
          return [
            bad(
              'cafile-without-root',
              at(caEntry),
              `${caEntry.key} ${ca} holds ${held}, but not the root above ${chain.verified ? chain.path.at(-1) : 'it'} (${root}): OpenSSL needs the self-signed root in the CA file (error 2, unable to get issuer certificate), so ${refused}`,
              `Append the root to the CA file, keeping what is there: \`cat ${rootFile ?? `<the ${root} certificate>`} >> ${ca}\`, then restart mosquitto; \`openssl verify -CAfile ${ca} ${cert}\` must then print OK. The certificates need no re-issuing.`,
              evidence,
            ),
          ];
        }
        if (chain.verified) {
          const what = remoteCertEntry ? `${caEntry.key} ${ca} verifies ${subject}` : `${cert} chains to ${caEntry.key} ${ca}`;
          return [ok('ok', at(remoteCertEntry ? caEntry : certEntry), `${what}: ${chain.path.join(' <- ')}`, evidence)];
        }
        const folder = capaths[ca];
        if (folder && folder.anchors.length === 0 && folder.certificates.length > 0) {
          return [bad('capath-not-hashed', at(caEntry), `${caEntry.key} ${ca} holds CA files but no <hash>.0 links, so OpenSSL finds no CA there and ${subject} cannot be verified`, `Run \`openssl rehash ${ca}\` (or c_rehash), then restart mosquitto.`, evidence)];
        }
        const issuer = chain.missingIssuer ?? 'unknown';
        const code = chain.problem === 'bad-signature' ? 'bad-signature' : 'unknown-issuer';
        const why = code === 'bad-signature' ? `an issuer named ${issuer} is there, but its key did not sign it (CA regenerated?)` : `its issuer (${issuer}) is neither in ${remoteCertEntry ? 'the broker\'s certfile' : 'the certfile'} nor in ${caEntry.key}`;
        const address = (last(block, 'address') ?? last(block, 'addresses'))?.args[0] ?? '<cloud FQDN>:8883';
        if (remoteCertEntry) {
          const right = verifyingCaFile(facts, cert, remote!.listener);
          return [
            bad(
              'remote-untrusted',
              at(caEntry),
              `${caEntry.key} ${ca} does not verify ${subject}: ${why}, so the bridge refuses the broker (the lamp's log: "certificate verify failed")`,
              `Point ${caEntry.key} at the CA that issued the broker's certificate (${issuer})${right ? `: ${right} holds it (copy it to the lamp)` : ''}, then restart mosquitto on the lamp; \`openssl s_client -connect ${address} -CAfile ${right ?? '<that file>'}\` must print "Verify return code: 0 (ok)".`,
              evidence,
            ),
          ];
        }
        if (kind === 'bridge') {
          // Without the broker's config the two files cannot be judged apart: bridge_cafile need not have
          // issued the bridge's certificate, though in the LAMPI setup one CA signs both.
          return [
            doubt(
              code,
              at(caEntry),
              `${certEntry.key} ${cert} does not chain to ${caEntry.key} ${ca}: ${why}`,
              `bridge_cafile verifies the broker's certificate, not the bridge's (the broker's cafile verifies that one); in the LAMPI setup one CA signs both, so one of them may be wrong. Check the broker: \`openssl s_client -connect ${address} -CAfile ${ca}\` must print "Verify return code: 0 (ok)" (if not, point ${caEntry.key} at the CA that issued the broker's certificate); or lint the broker's config alongside: \`lampi-doctor lint <cloud mosquitto.conf> ${model.root}\`.`,
              evidence,
            ),
          ];
        }
        return [
          doubt(
            code,
            at(certEntry),
            `${certEntry.key} ${cert} does not chain to ${caEntry.key} ${ca}: ${why}`,
            code === 'bad-signature'
              ? `The CA in ${caEntry.key} has the issuer's name but another key: put the CA that signed the certificate in ${caEntry.key} (clients must hold that one too), or re-issue the certificate from the CA now in ${caEntry.key}.`
              : `In the LAMPI setup one CA signs everything, but ${caEntry.key} (which verifies clients) does not hold ${issuer}: if ${issuer} is an intermediate, put it in the certfile after the leaf and keep its root in ${caEntry.key}; if your clients' certificates come from ${issuer} too, point ${caEntry.key} at it; re-issue the certificate from the CA in ${caEntry.key} only if it alone is foreign.`,
            evidence,
          ),
        ];
      }),
    );
  },
});

/** A certificate file named by any linted config that holds the self-signed root `name`. */
function rootHolding(facts: LintFacts, name: string): string | undefined {
  return Object.entries(facts.files).find(([, file]) => file.certificates.some((c) => c.subject === name && c.issuer === name))?.[0];
}

/** A CA file (the broker's own cafile first) that verifies the certificate up to a root. */
function verifyingCaFile(facts: LintFacts, cert: string, listener: ListenerModel): string | undefined {
  const own = pathOf(last(listener, 'cafile'));
  const candidates = [...new Set([own, ...Object.keys(facts.chains).filter((key) => key.startsWith(`${cert}|`)).map((key) => key.slice(cert.length + 1))])];
  return candidates.find((ca) => ca && facts.chains[chainKey(cert, ca)]?.verified && !facts.chains[chainKey(cert, ca)]?.missingIssuer);
}

export const configCertificates = defineRule({
  id: 'config.certificates',
  title: 'Certificates are valid, strong and fit for their use',
  codes: {
    ok: 'The certificates are in date, strong and fit for their use',
    expired: 'A certificate has expired',
    'not-yet-valid': 'A certificate is not valid yet',
    'expires-soon': 'A certificate expires soon',
    weak: 'A certificate has a weak key or a broken signature hash',
    'wrong-usage': 'A certificate\'s keyUsage or extendedKeyUsage does not fit its use (server or bridge client)',
    'unhandled-critical-extension': 'A certificate has a critical extension OpenSSL does not handle (error 34)',
    'several-problems': 'A certificate file has several problems',
  },
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
          let code = 'ok';
          for (const [index, info] of certs.entries()) {
            const dates = dateFinding(info, now, expiryWarnDays);
            if (dates) {
              problems.push(describeDateFinding(dates));
              worst = dates.problem === 'expires-soon' && worst !== 'fail' ? 'warn' : 'fail';
              code = dates.problem;
            }
            const weak = keyProblems(info, info.selfIssued && (option.endsWith('cafile') || index > 0));
            if (weak.length) {
              problems.push(`${info.subject}: ${weak.join(', ')}`);
              worst = 'fail';
              code = 'weak';
            }
          }
          if (option.endsWith('certfile')) {
            const eku = certs[0].extendedKeyUsage;
            const need = kind === 'bridge' ? 'clientAuth' : 'serverAuth';
            // OpenSSL's purpose check wants the usage itself: anyExtendedKeyUsage alone is refused.
            if (eku.length > 0 && !eku.includes(need)) {
              problems.push(`${certs[0].subject} is not for ${kind === 'bridge' ? 'clients' : 'servers'}: its extendedKeyUsage lacks ${need}`);
              worst = 'fail';
              code = 'wrong-usage';
            }
            // OpenSSL's sslserver / sslclient purpose also reads keyUsage (openssl verify -purpose ...: error 26).
            const keyUsageOk = kind === 'bridge' ? keyUsageAllowsClient(certs[0]) : keyUsageAllowsServer(certs[0]);
            if (!keyUsageOk) {
              problems.push(`${certs[0].subject} is not for ${kind === 'bridge' ? 'clients' : 'servers'}: its keyUsage (${describeKeyUsage(certs[0])}) lacks digitalSignature${kind === 'bridge' ? ' and keyAgreement' : ', keyEncipherment and keyAgreement'}`);
              worst = 'fail';
              code = 'wrong-usage';
            }
          }
          // OpenSSL refuses any certificate with a critical extension it does not handle (error 34).
          for (const info of certs) {
            const oids = info.unhandledCriticalExtensions ?? [];
            if (oids.length === 0) continue;
            problems.push(`${info.subject} has a critical extension OpenSSL does not handle (${oids.join(', ')}): openssl verify fails with error 34`);
            worst = 'fail';
            code = 'unhandled-critical-extension';
          }
          if (worst === 'pass') {
            findings.push(ok('ok', at(entry), `${option} ${path}: ${certs.length} certificate${certs.length > 1 ? 's' : ''}, valid until ${certs[0].notAfter.slice(0, 10)}, ${certs[0].publicKey.algorithm} ${certs[0].publicKey.curve ?? `${certs[0].publicKey.bits} bits`}`));
          } else {
            findings.push(
              (worst === 'warn' ? doubt : bad)(
                problems.length > 1 ? 'several-problems' : code,
                at(entry),
                `${option} ${path}: ${problems.join('; ')}`,
                'Re-issue it (openssl x509 -req ... -days 365 -sha256, from a 2048-bit RSA or P-256 key, with extendedKeyUsage serverAuth for brokers, clientAuth for bridges, keyUsage digitalSignature, and no unknown critical extension) and restart mosquitto.',
              ),
            );
          }
        }
        return findings;
      }),
    );
  },
});
