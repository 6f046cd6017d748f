// Configurations whose options are all known and in place, yet Mosquitto refuses to start on how a
// value is written: a boolean other than true/false/1/0, a string option given twice, a tls_version
// it does not know, a comment after a path, tabs, an indented comment, a byte order mark, a relative
// path under systemd, a bridge with a pre-shared key and certificates. Each file is linted and handed
// to the real `mosquitto -c` (the oracle): lint fails where Mosquitto exits, and keeps quiet where it
// keeps running.
import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { freePorts } from '../../src/lab/mosquitto.js';
import { issue } from '../../src/lab/pki.js';
import { lint, type LintReport } from '../../src/lint.js';
import { describeWithBroker, mosquittoPath } from '../helpers/broker.js';
import { runCli } from '../helpers/cli.js';
import { makeTree, type Tree } from '../helpers/config-tree.js';

let tree: Tree;
let pki: Record<'CA' | 'CERT' | 'KEY' | 'BRIDGE_CERT' | 'BRIDGE_KEY', string>;

beforeAll(async () => {
  tree = makeTree();
  const ca = await issue({ commonName: 'start-up values CA', isCa: true });
  const server = await issue({ commonName: 'localhost', issuer: ca, dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], usage: 'server' });
  const bridge = await issue({ commonName: 'b827eb74663e_broker', issuer: ca, usage: 'client' });
  pki = {
    CA: tree.write('certs/ca.crt', ca.certPem),
    CERT: tree.write('certs/server.crt', server.certPem),
    KEY: tree.write('certs/server.key', server.keyPem),
    BRIDGE_CERT: tree.write('certs/bridge.crt', bridge.certPem),
    BRIDGE_KEY: tree.write('certs/bridge.key', bridge.keyPem),
  };
});

let counter = 0;
/** Writes the files of one case ({{CA}}, {{CERT}}, ... and {{PORT}} filled in); returns the main file. */
async function write(files: Record<string, string>): Promise<string> {
  counter += 1;
  const [port] = await freePorts(['127.0.0.1']);
  let main = '';
  for (const [name, text] of Object.entries(files)) {
    const filled = text.replaceAll('{{PORT}}', String(port)).replaceAll('{{DIR}}', tree.path(`case-${counter}`)).replace(/\{\{(\w+)\}\}/g, (_, key: keyof typeof pki) => pki[key]);
    const path = tree.write(`case-${counter}/${name}`, filled);
    main ||= path;
  }
  return main;
}

/** What `mosquitto -c` does with the file within two seconds: its exit code, or 'running'. */
function mosquittoVerdict(path: string, cwd = dirname(path)): Promise<{ exit: number | 'running'; log: string }> {
  return new Promise((resolve) => {
    const child = spawn(mosquittoPath!, ['-c', path], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (chunk) => (log += chunk));
    child.stderr.on('data', (chunk) => (log += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ exit: signal === 'SIGKILL' ? 'running' : (code ?? -1), log });
    });
  });
}

const lintOf = (path: string) => lint({ paths: [path], detectVersion: () => undefined });
const notPassing = (report: LintReport) => report.checks.filter((check) => check.status !== 'pass');
const codesOf = (report: LintReport) => notPassing(report).map((check) => check.code);
const finding = (report: LintReport, code: string) => report.checks.find((check) => check.code === code);

const TLS_LISTENER = 'persistence false\nlistener {{PORT}} 127.0.0.1\ncafile {{CA}}\ncertfile {{CERT}}\nkeyfile {{KEY}}\n';
const BRIDGE = 'persistence false\nlistener {{PORT}} 127.0.0.1\nallow_anonymous true\nconnection cloud\naddress 127.0.0.1:1\ntopic lampi-doctor/# both 1 "" devices/b827eb74663e/\nbridge_cafile {{CA}}\n';

describeWithBroker('values Mosquitto refuses, judged by mosquitto -c', () => {
  it('a boolean written yes / True / False: exit 3, config.option/invalid-boolean fails, and no rule describes the listener that never runs', async () => {
    const yes = await write({ 'mosquitto.conf': `${TLS_LISTENER}require_certificate yes\nuse_identity_as_username true\n` });
    const broker = await mosquittoVerdict(yes);
    expect(broker.exit).toBe(3);
    expect(broker.log).toContain('Invalid require_certificate value (yes)');
    const report = lintOf(yes);
    expect(report.exitCode).toBe(1);
    expect(finding(report, 'config.option/invalid-boolean')).toMatchObject({ status: 'fail', line: 6 });
    expect(finding(report, 'config.option/invalid-boolean')!.summary).toContain('refuses to start (exit 3, "Invalid require_certificate value (yes)"): it accepts only `true` and `false` (or 1 and 0)');
    expect(finding(report, 'config.option/invalid-boolean')!.hint).toBe('Write `require_certificate true`.');
    // Before: config.listener-tls/identity-without-certificate, whose "Add `require_certificate true`" left the broker down.
    expect(report.checks.filter((check) => check.id === 'config.listener-tls')).toEqual([]);
    expect(codesOf(report)).toEqual(['config.option/invalid-boolean']);
    // What the user sees from the shipped CLI.
    const cli = await runCli(['lint', yes]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/fail +config\.option +`require_certificate yes`: Mosquitto 2\.0\.11 refuses to start/);
    expect(cli.stdout).toContain('fix: Write `require_certificate true`.');
    expect(cli.stdout).not.toContain('Add `require_certificate true`');

    for (const value of ['True', 'False']) {
      const anonymous = await write({ 'mosquitto.conf': `per_listener_settings true\n${TLS_LISTENER}require_certificate true\nuse_identity_as_username true\nlistener 0 {{DIR}}/ws.sock\nprotocol websockets\nallow_anonymous ${value}\n` });
      const refused = await mosquittoVerdict(anonymous);
      expect(refused.exit).toBe(3);
      expect(refused.log).toContain(`Invalid allow_anonymous value (${value})`);
      const linted = lintOf(anonymous);
      expect(codesOf(linted)).toContain('config.option/invalid-boolean');
      // Before: config.websockets/browsers-cannot-log-in, "with allow_anonymous false ... Set allow_anonymous true".
      expect(codesOf(linted).filter((code) => code.startsWith('config.websockets'))).toEqual([]);
    }

    // 1 and 0 are booleans too: Mosquitto starts, lint says nothing about them.
    const digits = await write({ 'mosquitto.conf': `${TLS_LISTENER}require_certificate 1\nuse_identity_as_username 1\nallow_anonymous 0\n` });
    expect((await mosquittoVerdict(digits)).exit).toBe('running');
    expect(codesOf(lintOf(digits))).toEqual([]);
  });

  it('a string option twice in one listener or bridge: exit 3 ("Duplicate ... value"), config.option/duplicate-value; a boolean or number twice starts and the last one wins', async () => {
    const cases: { files: Record<string, string>; message: string; line: number }[] = [
      { files: { 'mosquitto.conf': `${TLS_LISTENER}certfile {{CERT}}\n` }, message: 'Duplicate certfile value in configuration', line: 6 },
      { files: { 'mosquitto.conf': `${TLS_LISTENER}tls_version tlsv1.2\ntls_version tlsv1.3\n` }, message: 'Duplicate tls_version value in configuration', line: 7 },
      { files: { 'mosquitto.conf': `${BRIDGE}bridge_cafile {{CA}}\n` }, message: 'Duplicate bridge_cafile value in configuration', line: 8 },
      { files: { 'mosquitto.conf': `${BRIDGE}remote_clientid b827eb74663e_broker\nclientid lamp\n` }, message: 'Duplicate bridge remote clientid value in configuration', line: 9 },
      // Global without per_listener_settings: one password_file per listener is two for Mosquitto.
      { files: { 'mosquitto.conf': 'persistence false\nlistener {{PORT}} 127.0.0.1\npassword_file {{DIR}}/passwd\nlistener 0 {{DIR}}/other.sock\npassword_file {{DIR}}/passwd\n', passwd: '' }, message: 'Duplicate password_file value in configuration', line: 5 },
    ];
    for (const { files, message, line } of cases) {
      const twice = await write(files);
      const broker = await mosquittoVerdict(twice);
      expect(broker.exit).toBe(3);
      expect(broker.log).toContain(message);
      const report = lintOf(twice);
      expect(report.exitCode).toBe(1);
      expect(finding(report, 'config.option/duplicate-value')).toMatchObject({ status: 'fail', line });
      expect(finding(report, 'config.option/duplicate-value')!.summary).toContain(`does not let the last one win but refuses to start (exit 3, "${message}")`);
      expect(codesOf(report)).not.toContain('config.option/repeated');
    }
    const lastWins = await write({ 'mosquitto.conf': `${TLS_LISTENER}require_certificate false\nrequire_certificate true\nuse_identity_as_username true\nmax_connections 5\nmax_connections 10\n` });
    expect((await mosquittoVerdict(lastWins)).exit).toBe('running');
    const report = lintOf(lastWins);
    expect(report.exitCode).toBe(0);
    expect(notPassing(report).map((check) => [check.code, check.status, check.line])).toEqual([
      ['config.option/repeated', 'warn', 7],
      ['config.option/repeated', 'warn', 10],
    ]);
  });

  it('tabs and indented comments: exit 3 where Mosquitto reads them into a word (config.option/tab, indented-comment), harmless where it trims them', async () => {
    const refused = [
      { text: `${TLS_LISTENER.replace('cafile ', '\tcafile ')}`, line: 3, log: 'Unknown configuration variable "\tcafile"', summary: 'a tab before the option' },
      { text: `${TLS_LISTENER.replace('certfile ', 'certfile\t')}`, line: 4, log: 'Unknown configuration variable "certfile\t', summary: 'a tab between the option and its value' },
      { text: `${TLS_LISTENER}require_certificate true\t\n`, line: 6, log: 'Invalid require_certificate value (true\t)', summary: 'refuses to start (exit 3, "Invalid require_certificate value")' },
      { text: `${TLS_LISTENER}   # client certificates below\n`, line: 6, log: 'Unknown configuration variable "#"', code: 'config.option/indented-comment', summary: 'only a # in the first column starts a comment' },
    ];
    for (const { text, line, log, summary, code = 'config.option/tab' } of refused) {
      const path = await write({ 'mosquitto.conf': text });
      const broker = await mosquittoVerdict(path);
      expect(broker.exit).toBe(3);
      expect(broker.log).toContain(log);
      const report = lintOf(path);
      expect(finding(report, code)).toMatchObject({ status: 'fail', line });
      expect(finding(report, code)!.summary).toContain(summary);
      expect(report.exitCode).toBe(1);
    }
    // A tab between a listener's port and address: Mosquitto starts, on every address.
    const everywhere = await write({ 'mosquitto.conf': 'persistence false\nlistener {{PORT}}\t127.0.0.1\nallow_anonymous true\n' });
    const broker = await mosquittoVerdict(everywhere);
    expect(broker.exit).toBe('running');
    expect(broker.log).toMatch(/Opening ipv6 listen socket/);
    expect(finding(lintOf(everywhere), 'config.option/tab')!.summary).toContain('listens on every address');
    // Leading spaces, and tabs at the ends of a path or after a number, are harmless.
    const harmless = await write({ 'mosquitto.conf': 'persistence false\nlistener {{PORT}} 127.0.0.1\n  cafile {{CA}}\n  certfile {{CERT}}\nkeyfile {{KEY}}\t\nmax_connections 10\t\nrequire_certificate true\nuse_identity_as_username true\n' });
    expect((await mosquittoVerdict(harmless)).exit).toBe('running');
    expect(codesOf(lintOf(harmless))).toEqual([]);
  });

  it('a UTF-8 byte order mark, in the main file or an include_dir file: exit 3, config.option/byte-order-mark at line 1', async () => {
    const main = await write({ 'mosquitto.conf': `\ufeff# the cloud\n${TLS_LISTENER}` });
    const included = await write({ 'mosquitto.conf': 'include_dir {{DIR}}/conf.d\n', 'conf.d/port.conf': `\ufeff${TLS_LISTENER}` });
    for (const path of [main, included]) {
      const broker = await mosquittoVerdict(path);
      expect(broker.exit).toBe(3);
      expect(broker.log).toMatch(/Unknown configuration variable "\ufeff(#|persistence)"/);
      const report = lintOf(path);
      expect(report.exitCode).toBe(1);
      const bom = finding(report, 'config.option/byte-order-mark')!;
      expect(bom).toMatchObject({ status: 'fail', line: 1 });
      expect(bom.file).toMatch(path === main ? /mosquitto\.conf$/ : /port\.conf$/);
      expect(bom.summary).toContain('starts with a UTF-8 byte order mark');
      expect(bom.hint).toContain("sed -i '1s/^\\xEF\\xBB\\xBF//'");
    }
  });

  it('a comment after a path: exit 1 (the comment is part of the path), config.option/inline-comment; after a boolean or a listener it is harmless', async () => {
    const path = await write({ 'mosquitto.conf': `${TLS_LISTENER.replace(/certfile (\S+)/, 'certfile $1   # server cert')}` });
    const broker = await mosquittoVerdict(path);
    expect(broker.exit).toBe(1);
    expect(broker.log).toContain('# server cert". Check certfile');
    const report = lintOf(path);
    expect(report.exitCode).toBe(1);
    expect(finding(report, 'config.option/inline-comment')).toMatchObject({ status: 'fail', line: 4 });
    expect(finding(report, 'config.option/inline-comment')!.summary).toContain('takes the whole rest of the line as its value, comment included');
    const harmless = await write({ 'mosquitto.conf': 'persistence false\nlistener {{PORT}} 127.0.0.1 # loopback only\nallow_anonymous true # for the test\n' });
    expect((await mosquittoVerdict(harmless)).exit).toBe('running');
    expect(codesOf(lintOf(harmless))).toEqual([]);
  });

  it('tls_version TLSv1.2 or tlsv1.4: exit 1 ("Unsupported tls_version"), config.option/unsupported-tls-version, and no "TLS TLSv1.2+" pass', async () => {
    for (const value of ['TLSv1.2', 'tlsv1.4']) {
      const path = await write({ 'mosquitto.conf': `${TLS_LISTENER}tls_version ${value}\nrequire_certificate true\nuse_identity_as_username true\n` });
      const broker = await mosquittoVerdict(path);
      expect(broker.exit).toBe(1);
      expect(broker.log).toContain(`Unsupported tls_version "${value}"`);
      const report = lintOf(path);
      expect(report.exitCode).toBe(1);
      expect(finding(report, 'config.option/unsupported-tls-version')).toMatchObject({ status: 'fail', line: 6 });
      expect(finding(report, 'config.option/unsupported-tls-version')!.hint).toBe('Write `tls_version tlsv1.2`.');
      expect(report.checks.filter((check) => check.id === 'config.listener-tls')).toEqual([]);
    }
    const fixed = await write({ 'mosquitto.conf': `${TLS_LISTENER}tls_version tlsv1.2\nrequire_certificate true\nuse_identity_as_username true\n` });
    expect((await mosquittoVerdict(fixed)).exit).toBe('running');
    expect(codesOf(lintOf(fixed))).toEqual([]);
  });

  it('on a bridge: cleansession yes exits 3, bridge_tls_version TLSv1.2 starts a bridge that never connects; both fail, and config.bridge-tls describes no session', async () => {
    const yes = await write({ 'mosquitto.conf': `${BRIDGE}bridge_certfile {{BRIDGE_CERT}}\nbridge_keyfile {{BRIDGE_KEY}}\nremote_clientid b827eb74663e_broker\ncleansession yes\n` });
    const refused = await mosquittoVerdict(yes);
    expect(refused.exit).toBe(3);
    expect(refused.log).toContain('Invalid cleansession value (yes)');
    const report = lintOf(yes);
    expect(finding(report, 'config.option/invalid-boolean')).toMatchObject({ status: 'fail', line: 11 });
    // Before: config.bridge-tls/ok "cleansession yes with the fixed client id b827eb74663e_broker".
    expect(report.checks.filter((check) => check.id === 'config.bridge-tls')).toEqual([]);

    const version = await write({ 'mosquitto.conf': `${BRIDGE}bridge_certfile {{BRIDGE_CERT}}\nbridge_keyfile {{BRIDGE_KEY}}\nremote_clientid b827eb74663e_broker\nbridge_tls_version TLSv1.2\n` });
    const broker = await mosquittoVerdict(version);
    expect(broker.exit).toBe('running');
    expect(broker.log).toContain('Protocol TLSv1.2 not supported');
    const linted = lintOf(version);
    expect(linted.exitCode).toBe(1);
    expect(finding(linted, 'config.option/unsupported-tls-version')).toMatchObject({ status: 'fail', line: 11 });
    expect(finding(linted, 'config.option/unsupported-tls-version')!.summary).toContain('starts, but the bridge never connects ("Protocol TLSv1.2 not supported")');
    // Before: config.bridge-tls/ok "bridge_tls_version TLSv1.2 (or newer in Mosquitto 2.0.11)".
    expect(linted.checks.filter((check) => check.id === 'config.bridge-tls')).toEqual([]);
  });

  it('a relative certfile: exit 1 when Mosquitto starts from / as systemd starts it, config.files/relative-path names the absolute path', async () => {
    const relative = await write({ 'mosquitto.conf': 'persistence false\nlistener {{PORT}} 127.0.0.1\ncafile ../certs/ca.crt\ncertfile ../certs/server.crt\nkeyfile {{KEY}}\n' });
    const fromRoot = await mosquittoVerdict(relative, '/');
    expect(fromRoot.exit).toBe(1);
    expect(fromRoot.log).toMatch(/Unable to load CA certificates\. Check cafile "\.\.\/certs\/ca\.crt"/);
    // Started from the configuration's folder it runs: why it works by hand and not as a service.
    expect((await mosquittoVerdict(relative, dirname(relative))).exit).toBe('running');
    const report = lintOf(relative);
    expect(report.exitCode).toBe(1);
    const findings = report.checks.filter((check) => check.code === 'config.files/relative-path');
    expect(findings.map((check) => [check.status, check.line])).toEqual([['fail', 3], ['fail', 4]]);
    expect(findings[1].summary).toContain('started by systemd (working directory /) it looks for /certs/server.crt and refuses to start');
    expect(findings[1].hint).toBe(`Write the absolute path: \`certfile ${pki.CERT}\`.`);
  });

  it('bridge_identity beside bridge_certfile: exit 3 ("Cannot use both certificate and identity encryption"), config.option/psk-with-certificate', async () => {
    const path = await write({ 'mosquitto.conf': `${BRIDGE}bridge_certfile {{BRIDGE_CERT}}\nbridge_keyfile {{BRIDGE_KEY}}\nbridge_identity lamp\nbridge_psk 0123456789abcdef\n` });
    const broker = await mosquittoVerdict(path);
    expect(broker.exit).toBe(3);
    expect(broker.log).toContain('Cannot use both certificate and identity encryption in a single bridge');
    const report = lintOf(path);
    expect(report.exitCode).toBe(1);
    expect(finding(report, 'config.option/psk-with-certificate')).toMatchObject({ status: 'fail', line: 10 });
    expect(finding(report, 'config.option/psk-with-certificate')!.summary).toContain('"Cannot use both certificate and identity encryption in a single bridge"');
  });
});
