// Mosquitto versions: the 2.0 and 2.1 vocabularies, every alias and deprecation, tls_version's
// meaning by version, detection of the local broker, and the --mosquitto-version flag. Each claim
// about 2.0.11 is also put to the installed Mosquitto.
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/app.js';
import {
  ALIASES,
  ALL_DEPRECATIONS,
  detectLocalMosquittoVersion,
  introducedIn,
  parseMosquittoVersion,
  resolveMosquittoVersion,
  tlsVersionIsExact,
  vocabulary,
} from '../../src/config/mosquitto-versions.js';
import { lint, type LintReport } from '../../src/lint.js';
import { describeWithBroker, mosquittoPath } from '../helpers/broker.js';
import { makeTree, type Tree } from '../helpers/config-tree.js';
import { freePorts, startsWith } from '../helpers/reference-broker.js';

let tree: Tree;
beforeAll(() => {
  tree = makeTree();
});

let counter = 0;
function lintAs(version: string, text: string): LintReport {
  counter += 1;
  return lint({ paths: [tree.write(`v-${counter}/mosquitto.conf`, text)], mosquittoVersion: version });
}
const optionFindings = (report: LintReport) => report.checks.filter((c) => c.id === 'config.option' && c.status !== 'pass');
const v = (text: string) => parseMosquittoVersion(text)!;

/** A config line that puts `option` where it belongs, with a plausible value. */
function lineFor(option: string): string {
  const bridgeOption = ['bridge_', 'remote_', 'local_', 'username', 'password', 'clientid', 'cleansession', 'notification', 'keepalive', 'idle', 'restart', 'round', 'start', 'threshold', 'try_', 'address'].some((p) => option.startsWith(p));
  const listenerFirst = 'listener 1883 127.0.0.1\nallow_anonymous true\n';
  const value = option === 'accept_protocol_versions' ? '4,5' : option.includes('tls_use_os_certs') || option.includes('allow_anonymous') || option.startsWith('disable') || option.startsWith('enable_control') ? 'true' : '1';
  if (bridgeOption) return `${listenerFirst}connection b\naddress 127.0.0.1:1884\ntopic x out 0\n${option} ${value}\n`;
  return `${listenerFirst}${option} ${value}\n`;
}

const NEW_IN_2_1 = vocabulary(v('2.1.0')).filter((name) => introducedIn(name) === '2.1.0');

describe('vocabularies', () => {
  it('2.1 brings about 25 options that 2.0.11 does not know', () => {
    expect(NEW_IN_2_1.length).toBeGreaterThanOrEqual(25);
    expect(NEW_IN_2_1).toEqual(expect.arrayContaining(['listener_allow_anonymous', 'bridge_tls_use_os_certs']));
    for (const name of NEW_IN_2_1) expect(vocabulary(v('2.0.11'))).not.toContain(name);
  });

  for (const name of NEW_IN_2_1) {
    it(`${name}: a failure for 2.0.11, known to 2.1.0`, () => {
      const old = optionFindings(lintAs('2.0.11', lineFor(name)));
      expect(old).toMatchObject([{ status: 'fail', code: 'config.option/newer-option' }]);
      expect(old[0].summary).toContain(`came with Mosquitto 2.1.0; this broker runs 2.0.11`);
      expect(optionFindings(lintAs('2.1.0', lineFor(name))).filter((f) => f.code !== 'config.option/deprecated-option')).toEqual([]);
    });
  }

  it('a misspelling suggests a word of the version in force', () => {
    const report = lintAs('2.1.0', 'listener 1883 127.0.0.1\nlistener_allow_anonymos true\n');
    expect(optionFindings(report)[0].summary).toContain('did you mean listener_allow_anonymous?');
    expect(optionFindings(lintAs('2.0.11', 'listener 1883 127.0.0.1\nlistener_allow_anonymos true\n'))[0].summary).not.toContain('listener_allow_anonymous?');
  });
});

describe('aliases Mosquitto accepts', () => {
  const aliasConfig = `retained_persistence false
listener 1883 127.0.0.1
allow_anonymous true
maximum_qos 1
connection b
address 127.0.0.1:1884
clientid lamp
username lamp
password secret
topic x out 0
`;
  it('username, password, maximum_qos, retained_persistence (and clientid, addresses) are known, each named as an alias', () => {
    const report = lintAs('2.0.11', aliasConfig);
    expect(optionFindings(report)).toEqual([]);
    const aliases = report.checks.filter((c) => c.code === 'config.option/alias').map((c) => c.evidence?.option);
    expect(aliases).toEqual(['retained_persistence', 'maximum_qos', 'username', 'password']);
    for (const name of ['username', 'password', 'maximum_qos', 'retained_persistence', 'clientid', 'addresses']) expect(ALIASES[name]).toBeDefined();
  });

  it('a bridge with clientid gets its client id from it (the alias of remote_clientid)', () => {
    const report = lintAs('2.0.11', aliasConfig);
    expect(report.checks.find((c) => c.id === 'config.bridge-tls' && c.summary.includes('client id'))?.summary).toContain('lamp');
  });

  describeWithBroker('Mosquitto 2.0.11 starts with them', () => {
    it('starts', async () => {
      const [port, remote] = await freePorts(['127.0.0.1', '127.0.0.1']);
      const conf = tree.write('alias/mosquitto.conf', aliasConfig.replace('1883', String(port)).replace('1884', String(remote)) + 'retry_interval 20\n');
      const outcome = await startsWith(conf);
      expect(outcome.started, outcome.log).toBe(true);
      expect(outcome.log).toContain('The retry_interval option is no longer available');
    });
  });
});

describe('deprecations, by the version that announces them', () => {
  for (const deprecation of ALL_DEPRECATIONS) {
    it(`${deprecation.option}: announced from ${deprecation.since}`, () => {
      const text = deprecation.option === 'port' ? 'port 1883\nallow_anonymous true\n' : deprecation.option === 'bind_address' ? 'bind_address 127.0.0.1\nallow_anonymous true\n' : lineFor(deprecation.option).replace(/ 1\n$/, deprecation.option === 'per_listener_settings' ? ' false\n' : deprecation.option === 'dhparamfile' ? ' /nonexistent/dh.pem\n' : ' 10\n');
      const code = { deprecated: 'deprecated-option', unavailable: 'unavailable-option', ignored: 'ignored-option' }[deprecation.kind];
      const announced = lintAs(deprecation.since === '1.5.0' ? '2.0.11' : deprecation.since, text).checks.filter((c) => c.code === `config.option/${code}`);
      expect(announced).toMatchObject([{ status: 'warn', evidence: { option: deprecation.option } }]);
      if (deprecation.since === '2.1.0') expect(lintAs('2.0.11', text).checks.filter((c) => c.code === `config.option/${code}`)).toEqual([]);
    });
  }

  describeWithBroker('Mosquitto 2.0.11 announces the 2.0 ones at start-up', () => {
    it('port, bind_address, clientid_prefixes, allow_duplicate_messages', async () => {
      const [port] = await freePorts(['127.0.0.1']);
      const conf = tree.write('deprecated/mosquitto.conf', `port ${port}\nbind_address 127.0.0.1\nallow_anonymous true\nclientid_prefixes x\nallow_duplicate_messages true\n`);
      const outcome = await startsWith(conf);
      for (const option of ['port', 'bind_address', 'clientid_prefixes', 'allow_duplicate_messages']) expect(outcome.log).toContain(`The '${option}' option is now deprecated`);
      const report = lint({ paths: [conf], mosquittoVersion: '2.0.11' });
      expect(report.checks.filter((c) => c.code === 'config.option/deprecated-option').map((c) => c.evidence?.option)).toEqual(['port', 'bind_address', 'clientid_prefixes', 'allow_duplicate_messages']);
    });

    it('refuses to start on a 2.1 option, as lint says', async () => {
      const [port] = await freePorts(['127.0.0.1']);
      const outcome = await startsWith(tree.write('newer/mosquitto.conf', `listener ${port} 127.0.0.1\nlistener_allow_anonymous true\n`));
      expect(outcome.started).toBe(false);
      expect(outcome.log).toContain('Unknown configuration variable "listener_allow_anonymous"');
    });
  });
});

describe('tls_version: exact before 2.0.9, a minimum since', () => {
  it.each([
    ['1.6.12', true],
    ['2.0.0', true],
    ['2.0.8', true],
    ['2.0.9', false],
    ['2.0.11', false],
    ['2.1.0', false],
  ])('%s exact: %s', (text, exact) => expect(tlsVersionIsExact(v(text))).toBe(exact));

  it('a listener with legacy tls_version only speaks it on 2.0.8, allows it on 2.0.11', () => {
    const text = 'listener 8883 127.0.0.1\ncertfile /nonexistent.crt\nkeyfile /nonexistent.key\ntls_version tlsv1.1\n';
    expect(lintAs('2.0.8', text).checks.find((c) => c.id === 'config.listener-tls')?.summary).toContain('speaks only legacy tlsv1.1');
    expect(lintAs('2.0.11', text).checks.find((c) => c.id === 'config.listener-tls')?.summary).toContain('allows legacy tlsv1.1');
  });
});

describe('bridge_insecure', () => {
  it('fails bridge_insecure true, says nothing of false', () => {
    const bridge = (value: string) => `connection b\naddress cloud.example.com:8883\nbridge_cafile /nonexistent/ca.crt\nbridge_insecure ${value}\ntopic x out 0\n`;
    expect(lintAs('2.0.11', bridge('true')).checks.filter((c) => c.code === 'config.bridge-tls/insecure')).toMatchObject([{ status: 'fail', line: 4 }]);
    expect(lintAs('2.0.11', bridge('false')).checks.filter((c) => c.code === 'config.bridge-tls/insecure')).toEqual([]);
  });
});

describe('which version: flag, detected, default', () => {
  it('parses versions as people and binaries write them', () => {
    expect(parseMosquittoVersion('mosquitto version 2.0.11')?.text).toBe('2.0.11');
    expect(parseMosquittoVersion('2.1')?.text).toBe('2.1.0');
    expect(parseMosquittoVersion('v1.6.12')?.text).toBe('1.6.12');
    expect(parseMosquittoVersion('no version here')).toBeUndefined();
  });

  it('the flag wins, then the local binary, then 2.0.11', () => {
    expect(resolveMosquittoVersion('2.1.0', () => v('1.6.9'))).toMatchObject({ text: '2.1.0', source: 'flag' });
    expect(resolveMosquittoVersion(undefined, () => parseMosquittoVersion('2.0.15', 'detected'))).toMatchObject({ text: '2.0.15', source: 'detected' });
    expect(resolveMosquittoVersion(undefined, () => undefined)).toMatchObject({ text: '2.0.11', source: 'default' });
    expect(() => resolveMosquittoVersion('latest')).toThrow(/not a version/);
  });

  it.skipIf(!mosquittoPath)('detects the installed mosquitto from the first line of mosquitto -h', () => {
    const firstLine = spawnSync('mosquitto', ['-h'], { encoding: 'utf8' }).stdout.split('\n')[0];
    expect(detectLocalMosquittoVersion()?.text).toBe(parseMosquittoVersion(firstLine)?.text);
    expect(lint({ paths: [tree.write('detect/mosquitto.conf', 'listener 1883 127.0.0.1\n')] }).mosquitto).toMatchObject({ source: 'detected' });
  });

  it('lint --mosquitto-version reaches the verdicts and the JSON; a bad value is a usage error', async () => {
    const path = tree.write('flag/mosquitto.conf', 'listener 1883 127.0.0.1\nallow_anonymous true\nlistener_allow_anonymous true\n');
    const output = tree.path('flag/report.json');
    expect(await runCli(['lint', path, '--mosquitto-version', '2.1.0', '--format', 'json', '--output', output])).toBe(0);
    expect(await runCli(['lint', path, '--mosquitto-version', '2.0.11', '--format', 'json', '--output', output])).toBe(1);
    expect(await runCli(['lint', path, '--mosquitto-version', 'latest'])).toBe(2);
  });
});

describe('the live tls.version hint says what tls_version means on the broker\'s version', () => {
  it('2.0.8 pins it, 2.0.11 takes it as a minimum', async () => {
    const { tlsVersion } = await import('../../checks/tls-version.js');
    const { settings, withFacts } = await import('../helpers/facts.js');
    const refused = withFacts((f) => (f.protocolSupport.versions[2].result = 'refused'));
    expect(tlsVersion.run(refused, { ...settings, mosquitto: v('2.0.8') }).hint).toContain('Mosquitto 2.0.8 speaks exactly the tls_version');
    expect(tlsVersion.run(refused, { ...settings, mosquitto: v('2.0.11') }).hint).toContain('Mosquitto 2.0.11 treats tls_version / bridge_tls_version as the minimum');
  });
});

describe('fixes in the version\'s own words', () => {
  it('browsers that cannot log in: per_listener_settings on 2.0, listener_allow_anonymous on 2.1', () => {
    const text = 'listener 50002 0.0.0.0\nprotocol websockets\ncertfile /nonexistent.crt\nkeyfile /nonexistent.key\n';
    expect(lintAs('2.0.11', text).checks.find((c) => c.code === 'config.websockets/browsers-cannot-log-in')?.hint).toContain('per_listener_settings true');
    expect(lintAs('2.1.0', text).checks.find((c) => c.code === 'config.websockets/browsers-cannot-log-in')?.hint).toContain('listener_allow_anonymous true');
  });
});
