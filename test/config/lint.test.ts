// Each config finding in pass and fail, on fixture trees written with a generated PKI.
import { chmodSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { lint, type LintReport } from '../../src/lint.js';
import { FQDN, makeTree, seedCloudConf, seedPki, type Tree } from '../helpers/config-tree.js';

let tree: Tree;
let pki: Awaited<ReturnType<typeof seedPki>>['files'];

beforeAll(async () => {
  tree = makeTree();
  ({ files: pki } = await seedPki(tree));
});

const cloud = () => seedCloudConf(pki);

const lamp = (address = `${FQDN}:8883`) => `connection b827eb74663e_broker
address ${address}
remote_clientid b827eb74663e_broker
bridge_cafile ${pki.ca}
bridge_certfile ${pki.bridgeCert}
bridge_keyfile ${pki.bridgeKey}
bridge_tls_version tlsv1.2
topic lamp/set_config in 1 "" devices/b827eb74663e/
topic lamp/connection/+/state out 2 "" devices/b827eb74663e/
topic lampi-doctor/# both 1 "" devices/b827eb74663e/
cleansession false
`;

let counter = 0;
/** Lints config texts, each its own broker, written under a fresh folder of the tree. */
function lintTexts(...texts: string[]): LintReport {
  return lintAs(undefined, ...texts);
}

/** Lints as a given Mosquitto version (undefined: detected, else 2.0.11). */
function lintAs(mosquittoVersion: string | undefined, ...texts: string[]): LintReport {
  counter += 1;
  const paths = texts.map((text, index) => tree.write(`case-${counter}/broker-${index}.conf`, text));
  return lint({ paths, mosquittoVersion });
}

const findings = (report: LintReport, id: string) => report.checks.filter((check) => check.id === id);
const only = (report: LintReport, id: string, status: string) => findings(report, id).filter((check) => check.status === status);
const problems = (report: LintReport) => report.checks.filter((check) => check.status !== 'pass').map((check) => `${check.id}:${check.status}`);

describe('baseline', () => {
  it('a good cloud and lamp lint clean together', () => {
    const report = lintTexts(cloud(), lamp());
    expect(problems(report)).toEqual([]);
  });
});

describe('syntax', () => {
  it('reads comments, blank lines, trailing spaces and Windows line endings as Mosquitto does', () => {
    // An indented comment is no comment to Mosquitto (exit 3): start-up-values.test.ts hands it to mosquitto -c.
    const report = lintTexts('# the cloud\r\n\r\n   \r\nlistener 1883 127.0.0.1   \r\nmax_connections 10\t\r\n');
    expect(problems(report)).toEqual([]);
    expect(findings(report, 'config.plain-listener')[0]).toMatchObject({ status: 'pass', line: 4 });
  });

  it('follows include_dir in name order, *.conf only', () => {
    tree.write('inc/conf.d/b.conf', 'listener 1884 127.0.0.1\n');
    tree.write('inc/conf.d/a.conf', 'listener 1883 127.0.0.1\n');
    tree.write('inc/conf.d/notes.txt', 'this is not read\n');
    const main = tree.write('inc/mosquitto.conf', `include_dir ${tree.path('inc/conf.d')}\n`);
    const report = lint({ paths: [main] });
    expect(findings(report, 'config.load')[0].evidence?.files).toEqual([main, tree.path('inc/conf.d/a.conf'), tree.path('inc/conf.d/b.conf')]);
    expect(findings(report, 'config.plain-listener').map((f) => f.summary)).toEqual([
      'listener 1883 127.0.0.1: plain MQTT on loopback only',
      'listener 1884 127.0.0.1: plain MQTT on loopback only',
    ]);
  });

  it('fails an include_dir that is missing, naming the line', () => {
    const report = lintTexts('listener 1883 127.0.0.1\ninclude_dir /nonexistent/conf.d\n');
    expect(only(report, 'config.load', 'fail')[0]).toMatchObject({ line: 2, summary: 'include_dir /nonexistent/conf.d: no such file' });
  });

  it('fails a config file that is not there', () => {
    const report = lint({ paths: ['/nonexistent/mosquitto.conf'] });
    expect(report.exitCode).toBe(1);
    expect(only(report, 'config.load', 'fail')[0].summary).toBe('cannot read /nonexistent/mosquitto.conf: no such file');
  });

  it('names a misspelt option with the nearest valid one, at its line', () => {
    const report = lintTexts(cloud().replace('require_certificate true', 'require_certificat true'));
    expect(only(report, 'config.option', 'fail')[0]).toMatchObject({ line: 6, code: 'config.option/unknown-option', summary: 'unknown option "require_certificat": did you mean require_certificate? (Mosquitto 2.0.11 refuses to start on it)' });
  });

  it('warns a repeated option: the last one wins', () => {
    const report = lintTexts('listener 1883 127.0.0.1\nmax_connections 5\nmax_connections 10\n');
    expect(only(report, 'config.option', 'warn')[0]).toMatchObject({ line: 3, summary: '`max_connections` is set again (first on line 2); the last one wins' });
  });

  it('catches a listener option inside a bridge, and a bridge option before any connection', () => {
    const misplaced = lintTexts(lamp().replace('bridge_cafile', 'cafile'));
    expect(only(misplaced, 'config.option', 'fail')[0].summary).toBe('`cafile` inside a connection block configures the listener above it, not the bridge');
    expect(only(misplaced, 'config.option', 'fail')[0].hint).toContain('bridge_cafile');
    const orphan = lintTexts(`bridge_cafile ${pki.ca}\n${lamp()}`);
    expect(only(orphan, 'config.option', 'fail')[0]).toMatchObject({ line: 1, summary: expect.stringContaining('comes before any `connection` line') });
  });
});

describe('files', () => {
  it('fails a missing file, a file with no certificate, and swapped cert/key', () => {
    const missing = lintTexts(cloud().replace(pki.serverCert, '/nonexistent/server.crt'));
    expect(only(missing, 'config.files', 'fail')[0].summary).toBe('certfile /nonexistent/server.crt: no such file');
    const garbage = lintTexts(cloud().replace(`certfile ${pki.serverCert}`, `certfile ${pki.garbage}`));
    expect(only(garbage, 'config.files', 'fail')[0].summary).toContain('holds no certificate');
    const swapped = lintTexts(cloud().replace(`certfile ${pki.serverCert}\nkeyfile ${pki.serverKey}`, `certfile ${pki.serverKey}\nkeyfile ${pki.serverCert}`));
    expect(only(swapped, 'config.files', 'fail').map((f) => f.summary)).toEqual([
      expect.stringContaining('holds no certificate but a private key (swapped with the keyfile?)'),
      expect.stringContaining('holds no private key but a certificate (swapped with the certfile?)'),
    ]);
  });

  it.each([
    ['its own mode (0600, owned by someone else)', 'unreadable/file-mode', 0o600, 0o755],
    ['a folder above it (0700)', 'unreadable/closed-folder', 0o644, 0o700],
  ])('fails a key the broker\'s user cannot read because of %s', (_why, folder, fileMode, folderMode) => {
    const hasMosquittoUser = readFileSync('/etc/passwd', 'utf8').split('\n').some((line) => line.startsWith('mosquitto:'));
    const key = tree.write(`${folder}/lampi_server.key`, readFileSync(pki.serverKey, 'utf8'), fileMode);
    chmodSync(tree.path(folder), folderMode);
    const report = lintTexts(cloud().replaceAll(pki.serverKey, key));
    const finding = findings(report, 'config.files').find((f) => f.summary.includes(key))!;
    if (hasMosquittoUser) {
      expect(finding.status).toBe('fail');
      expect(finding.summary).toBe(`keyfile ${key}: the broker's user "mosquitto" cannot read it`);
      expect(finding.hint).toContain(`sudo chown mosquitto: ${key}`);
    } else {
      expect(finding.summary).toContain('no user "mosquitto" on this machine');
    }
  });

  it('fails a keyfile that belongs to another certificate, pointing at the certfile', () => {
    const report = lintTexts(lamp().replace(pki.bridgeKey, pki.serverKey));
    expect(only(report, 'config.keypair', 'fail')[0]).toMatchObject({ line: 5, summary: expect.stringContaining('are not a pair: their public keys differ') });
  });

  it('fails an encrypted key', () => {
    const report = lintTexts(cloud().replace(`keyfile ${pki.serverKey}`, `keyfile ${pki.encryptedKey}`));
    expect(only(report, 'config.keypair', 'fail')[0].summary).toContain('is encrypted');
  });
});

describe('chains and certificates', () => {
  it('passes a certfile carrying its intermediate, and flags one without it', () => {
    const withIntermediate = lintTexts(cloud().replace(`certfile ${pki.serverCert}\nkeyfile ${pki.serverKey}\ntls_version`, `certfile ${pki.chainCert}\nkeyfile ${pki.chainKey}\ntls_version`));
    expect(findings(withIntermediate, 'config.chain')[0]).toMatchObject({ status: 'pass', summary: expect.stringContaining('LAMPI Intermediate') });
    const leafOnly = lintTexts(cloud().replace(`certfile ${pki.serverCert}\nkeyfile ${pki.serverKey}\ntls_version`, `certfile ${pki.leafOnlyCert}\nkeyfile ${pki.chainKey}\ntls_version`));
    expect(findings(leafOnly, 'config.chain')[0]).toMatchObject({ status: 'warn', summary: expect.stringContaining('does not chain to cafile') });
  });

  // Review finding 6: openssl verify gives error 25 at depth 2 for a pathlen:0 intermediate above another CA.
  it('fails a chain that exceeds a CA\'s pathlen, as openssl verify does', () => {
    const report = lintTexts(cloud().replace(`certfile ${pki.serverCert}\nkeyfile ${pki.serverKey}\ntls_version`, `certfile ${pki.pathCert}\nkeyfile ${pki.pathKey}\ntls_version`));
    const [finding] = only(report, 'config.chain', 'fail');
    expect(finding.code).toBe('config.chain/path-length-exceeded');
    expect(finding.summary).toMatch(/LAMPI pathlen0, O=LAMPI lab \(depth 2\) has pathlen:0/);
    expect(finding.summary).toContain('error 25');
  });

  it.each([
    ['an expired certificate', 'expiredCert', 'expiredKey', /expired on/],
    ['a weak key', 'weakCert', 'weakKey', /RSA key of 1024 bits/],
    ['a client certificate on a server', 'wrongUseCert', 'wrongUseKey', /lacks serverAuth/],
    // Review finding 6: openssl verify -purpose sslserver gives error 26; openssl verify gives error 34.
    ['a server certificate whose keyUsage is keyCertSign only', 'keyUsageCert', 'keyUsageKey', /keyUsage \(keyCertSign\) lacks digitalSignature/],
    ['a certificate with an unhandled critical extension', 'criticalCert', 'criticalKey', /critical extension OpenSSL does not handle \(1\.2\.3\.4\.5\)/],
  ] as const)('fails %s', (_name, cert, key, phrase) => {
    const report = lintTexts(cloud().replace(`certfile ${pki.serverCert}\nkeyfile ${pki.serverKey}\ntls_version`, `certfile ${pki[cert]}\nkeyfile ${pki[key]}\ntls_version`));
    expect(only(report, 'config.certificates', 'fail')[0].summary).toMatch(phrase);
  });
});

describe('listeners', () => {
  it('fails a TLS listener without require_certificate, warns legacy TLS', () => {
    expect(only(lintTexts(cloud().replace('require_certificate true\n', '')), 'config.listener-tls', 'fail')[0].hint).toContain('require_certificate true');
    expect(only(lintTexts(cloud().replace('tls_version tlsv1.2', 'tls_version tlsv1.1')), 'config.listener-tls', 'warn')[0].summary).toContain('legacy tlsv1.1');
  });

  it('fails plain MQTT on every interface, explicit or by default', () => {
    expect(only(lintTexts(cloud().replace('listener 1883 127.0.0.1', 'listener 1883 0.0.0.0')), 'config.plain-listener', 'fail')[0].hint).toContain('listener 1883 127.0.0.1');
    expect(only(lintTexts('port 1883\n'), 'config.plain-listener', 'fail')[0].summary).toContain('the default listener (port 1883) speaks plain MQTT on every interface');
  });

  it('fails websockets without TLS; warns when browsers cannot log in', () => {
    const plainWs = lintTexts(`listener 50002 0.0.0.0\nprotocol websockets\n`);
    expect(only(plainWs, 'config.websockets', 'fail')[0].summary).toContain('without certfile and keyfile');
    const noLogin = lintTexts(cloud().replace('per_listener_settings true\nallow_anonymous true\n', ''));
    expect(only(noLogin, 'config.websockets', 'warn')[0].summary).toContain('cannot log in');
  });
});

describe('bridge', () => {
  it('warns an IP address, fails the plain port', () => {
    expect(only(lintTexts(lamp('203.0.113.7:8883')), 'config.bridge-address', 'warn')[0].summary).toContain('dials the IP address 203.0.113.7');
    expect(only(lintTexts(lamp(`${FQDN}:1883`)), 'config.bridge-address', 'fail')[0].summary).toContain('the plain MQTT port');
    expect(only(lintTexts(lamp(FQDN)), 'config.bridge-address', 'fail')[0].hint).toContain(`address ${FQDN}:8883`);
  });

  it('fails an address the broker\'s certificate does not name (cloud linted alongside)', () => {
    const report = lintTexts(cloud(), lamp('cloud.example.org:8883'));
    expect(only(report, 'config.bridge-address', 'fail')[0].summary).toContain(`names ${FQDN}`);
  });

  it('fails a bridge_tls_version below the broker\'s, and a bridge without TLS', () => {
    // 2.0.0-2.0.8 pin the version on both sides, so 1.2 and 1.3 never meet; 2.0.9+ read both as minimums.
    const pinned = only(lintAs('2.0.8', cloud().replace('tls_version tlsv1.2', 'tls_version tlsv1.3'), lamp()), 'config.bridge-tls', 'fail')[0];
    expect(pinned).toMatchObject({ code: 'config.bridge-tls/tls-version-mismatch' });
    expect(pinned.summary).toContain('never meet');
    expect(findings(lintAs('2.0.11', cloud().replace('tls_version tlsv1.2', 'tls_version tlsv1.3'), lamp()), 'config.bridge-tls').map((f) => f.status)).toEqual(['pass', 'pass']);
    expect(only(lintTexts(lamp().replace(/bridge_cafile .*\n/, '')), 'config.bridge-tls', 'fail')[0].summary).toContain('connects without TLS');
  });

  it('warns a clean session; a missing cleansession is false, Mosquitto\'s default', () => {
    expect(only(lintTexts(lamp().replace('cleansession false', 'cleansession true')), 'config.bridge-tls', 'warn')[0]).toMatchObject({ code: 'config.bridge-tls/clean-session', line: 11 });
    const missing = findings(lintTexts(lamp().replace('cleansession false\n', '')), 'config.bridge-tls');
    expect(missing.map((f) => f.status)).toEqual(['pass', 'pass']);
    expect(missing[1].summary).toContain('cleansession false (Mosquitto\'s default)');
  });

  it('checks the certificate CN against remote_clientid: a warn where the cloud has no acl_file (hunt 3, H9; the fail is in lint-semantics.test.ts)', () => {
    const renamed = (text: string) => text.replace('remote_clientid b827eb74663e_broker', 'remote_clientid lamp-42');
    const alongside = only(lintTexts(cloud(), renamed(lamp())), 'config.bridge-identity', 'warn');
    expect(alongside.map((f) => f.code)).toEqual(['config.bridge-identity/cn-differs-convention']);
    expect(alongside[0].summary).toContain('"b827eb74663e_broker" differs from remote_clientid "lamp-42"');
    expect(only(lintTexts(renamed(lamp())), 'config.bridge-identity', 'warn').map((f) => f.code)).toEqual(['config.bridge-identity/cn-differs']);
  });

  it('an empty cafile is one finding, no value (Mosquitto: "Empty cafile value"), not a file named undefined', () => {
    const report = lintTexts(cloud().replace(/^cafile .*$/m, 'cafile'));
    expect(only(report, 'config.option', 'fail').map((f) => f.code)).toEqual(['config.option/no-value']);
    expect(report.checks.filter((c) => c.summary.includes('undefined'))).toEqual([]);
  });

  it('fails a remote_clientid the cloud\'s clientid_prefixes refuses, and never offers a refused id as the cn-differs fix', () => {
    const prefixed = (text: string) => `clientid_prefixes lamp-\n${text}`;
    const refused = only(lintTexts(prefixed(cloud()), lamp()), 'config.bridge-identity', 'fail');
    expect(refused.map((f) => f.code)).toEqual(['config.bridge-identity/clientid-prefix']);
    expect(refused[0].summary).toContain('remote_clientid "b827eb74663e_broker" does not start with "lamp-"');
    expect(refused[0].hint).toContain('`remote_clientid lamp-b827eb74663e_broker`');
    const renamed = lintTexts(prefixed(cloud()), lamp().replace('remote_clientid b827eb74663e_broker', 'remote_clientid lamp-42'));
    // No acl_file on the cloud: the difference breaks nothing (hunt 3, H9), so a warn, with the same fix.
    const differs = only(renamed, 'config.bridge-identity', 'warn');
    expect(differs.map((f) => f.code)).toEqual(['config.bridge-identity/cn-differs-convention']);
    expect(differs[0].hint).toContain('re-issue the certificate with CN=lamp-42');
    expect(differs[0].hint).toContain('would not do');
  });

  it('fails a bridge certificate the broker\'s CA did not issue', () => {
    const report = lintTexts(cloud(), lamp().replace(pki.bridgeCert, pki.foreignCert));
    expect(only(report, 'config.bridge-tls', 'fail')[0].summary).toContain('is not issued by the CA the broker trusts');
  });

  it('checks topic lines: direction, QoS, prefixes, the diagnostic mapping', () => {
    const bad = lintTexts(lamp().replace('topic lamp/set_config in 1', 'topic lamp/set_config inn 3'));
    expect(only(bad, 'config.topics', 'fail').map((f) => f.summary)).toEqual([
      'topic lamp/set_config: direction "inn" is not in, out or both',
      'topic lamp/set_config: QoS "3" is not 0, 1 or 2',
    ]);
    const mixed = lintTexts(lamp().replace('out 2 "" devices/b827eb74663e/', 'out 2 "" devices/other/'));
    expect(only(mixed, 'config.topics', 'warn')[0].summary).toContain('"devices/b827eb74663e/" and "devices/other/"');
    const noProbe = lintTexts(lamp().replace(/topic lampi-doctor.*\n/, ''));
    expect(only(noProbe, 'config.topics', 'warn')[0].hint).toContain('topic lampi-doctor/# both 1 "" devices/b827eb74663e/');
  });
});
