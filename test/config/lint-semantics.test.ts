// Lint verdicts that used to send users to change the wrong thing (hunt 3: H3, P5, H4, H6/P7/P8, H9),
// each checked against what Mosquitto 2.0.11 does with the same lines (see the comments).
import { beforeAll, describe, expect, it } from 'vitest';
import { lint, type LintReport } from '../../src/lint.js';
import { FQDN, makeTree, seedPki, type Tree } from '../helpers/config-tree.js';

let tree: Tree;
let pki: Awaited<ReturnType<typeof seedPki>>['files'];

beforeAll(async () => {
  tree = makeTree();
  ({ files: pki } = await seedPki(tree));
});

const tlsListener = () => `listener 8883 0.0.0.0
cafile ${pki.ca}
certfile ${pki.serverCert}
keyfile ${pki.serverKey}
tls_version tlsv1.2
require_certificate true
use_identity_as_username true
`;

const cloud = (tls = tlsListener(), extra = '') => `${extra}${tls}
listener 1883 127.0.0.1
`;

const lamp = (address = `${FQDN}:8883`, topics?: string) => `connection b827eb74663e_broker
address ${address}
remote_clientid b827eb74663e_broker
bridge_cafile ${pki.ca}
bridge_certfile ${pki.bridgeCert}
bridge_keyfile ${pki.bridgeKey}
bridge_tls_version tlsv1.2
${topics ?? `topic lamp/set_config in 1 "" devices/b827eb74663e/
topic lamp/connection/+/state out 2 "" devices/b827eb74663e/
topic lampi-doctor/# both 1 "" devices/b827eb74663e/`}
cleansession false
`;

let counter = 0;
function lintTexts(...texts: string[]): LintReport {
  counter += 1;
  return lint({ paths: texts.map((text, index) => tree.write(`semantics-${counter}/broker-${index}.conf`, text)), mosquittoVersion: '2.0.11' });
}
const findings = (report: LintReport, id: string) => report.checks.filter((check) => check.id === id);
const notPassing = (report: LintReport) => report.checks.filter((check) => check.status !== 'pass').map((check) => check.code);

describe('a TLS listener that lost its certificate (hunt 3, H3 and P5)', () => {
  // Mosquitto 2.0.11 starts both and answers plain MQTT there (mosquitto_pub without TLS: CONNACK 5;
  // openssl s_client: no peer certificate); the websockets rule already read it so (config.websockets/no-tls).
  it('cafile, require_certificate, use_identity_as_username but no certfile/keyfile: add them, never bind to loopback', () => {
    const report = lintTexts(cloud(tlsListener().replace(/certfile .*\n/, '').replace(/keyfile .*\n/, '')));
    expect(notPassing(report)).toEqual(['config.listener-tls/no-certificate']);
    const [finding] = findings(report, 'config.listener-tls');
    expect(finding.summary).toBe('listener 8883 0.0.0.0 has cafile, require_certificate, use_identity_as_username, tls_version but no certfile and no keyfile: Mosquitto serves TLS only with both, so the port speaks plain MQTT (no TLS handshake: lamps and clients that expect TLS fail, and the TLS options do nothing)');
    expect(finding.hint).toContain('Add `certfile /etc/mosquitto/certs/lampi_server.crt` and `keyfile /etc/mosquitto/certs/lampi_server.key` under `listener 8883 0.0.0.0`');
    expect(findings(report, 'config.plain-listener').map((f) => f.hint ?? '').join('')).not.toContain('127.0.0.1`');
  });

  it('certfile without keyfile is plain MQTT, not "TLS tlsv1.2+ with required client certificates"', () => {
    const report = lintTexts(cloud(tlsListener().replace(/keyfile .*\n/, '')));
    const [finding] = findings(report, 'config.listener-tls');
    expect(finding).toMatchObject({ status: 'fail', code: 'config.listener-tls/no-certificate' });
    expect(finding.summary).toContain('but no keyfile: Mosquitto serves TLS only with both, so the port speaks plain MQTT');
    expect(finding.hint).toMatch(/^Add `keyfile \/etc\/mosquitto\/certs\/lampi_server.key` under/);
  });

  it('a listener without any TLS line on the port the lamp dials: give it TLS (binding it to loopback cuts the lamp off)', () => {
    const report = lintTexts(cloud('listener 8883 0.0.0.0\nallow_anonymous false\n'), lamp());
    const [finding] = findings(report, 'config.plain-listener').filter((f) => f.status === 'fail');
    expect(finding.code).toBe('config.plain-listener/tls-port-plain');
    expect(finding.summary).toMatch(/^listener 8883 0.0.0.0 speaks plain MQTT on 0.0.0.0, though it is the port bridge b827eb74663e_broker \(.*broker-1.conf:2\) dials/);
    expect(finding.hint).toContain('Binding it to 127.0.0.1 would cut every lamp off');
    // Any other exposed plain port keeps its loopback fix.
    const other = findings(lintTexts(cloud(tlsListener(), 'listener 1884 0.0.0.0\n')), 'config.plain-listener').find((f) => f.status === 'fail')!;
    expect(other).toMatchObject({ code: 'config.plain-listener/exposed' });
    expect(other.hint).toContain('`listener 1884 127.0.0.1`');
  });
});

describe('bridge addresses written with commas (hunt 3, H4)', () => {
  // Mosquitto 2.0.11 splits `address` on spaces only; the host is what precedes the last ':' of a
  // word and the port atoi() of the rest. `a:1, b:1` dials a:1 (lamp log: Received CONNACK);
  // `a:1,b:1` dials the host "a:1,b" (lamp log: "Warning: Error resolving bridge address").
  it('comma and space: the bridge dials the first address; lint names the comma and checks that address', () => {
    const report = lintTexts(cloud(), lamp(`${FQDN}:8883, backup.lampi.test:8883`));
    const address = findings(report, 'config.bridge-address');
    expect(address.map((f) => f.code)).toEqual(['config.bridge-address/comma-separated']);
    expect(address[0].status).toBe('warn');
    expect(address[0].summary).toContain(`reads ${FQDN}:8883, backup.lampi.test:8883 (the comma after a port is ignored), so the bridge dials ${FQDN}:8883 first`);
    expect(address[0].hint).toBe(`Separate the addresses with spaces: \`address ${FQDN}:8883 backup.lampi.test:8883\`.`);
    expect(report.checks.some((f) => /plain-port|name-mismatch/.test(f.code ?? ''))).toBe(false);
  });

  it('comma without space: one host name Mosquitto cannot resolve, not a certificate to re-issue', () => {
    const report = lintTexts(cloud(), lamp(`${FQDN}:8883,backup.lampi.test:8883`));
    const address = findings(report, 'config.bridge-address');
    expect(address.map((f) => `${f.status} ${f.code}`)).toEqual(['fail config.bridge-address/comma-in-host']);
    expect(address[0].summary).toContain(`takes "${FQDN}:8883,backup.lampi.test" as one host name (port 8883); it cannot resolve it (its log: "Error resolving bridge address")`);
    expect(address[0].hint).toContain(`\`address ${FQDN}:8883 backup.lampi.test:8883\``);
    expect(address[0].hint).not.toContain('Re-issue');
  });

  it('a comma-separated list whose first address is wrong still gets that address\'s own verdict, with its real port', () => {
    const report = lintTexts(cloud(), lamp(`${FQDN}:1883, backup.lampi.test:8883`));
    const address = findings(report, 'config.bridge-address');
    expect(address.map((f) => f.code)).toEqual(['config.bridge-address/plain-port', 'config.bridge-address/comma-separated']);
    expect(address[0].summary).toContain(`the bridge dials ${FQDN}:1883, the plain MQTT port`);
  });
});

describe('topic lines as Mosquitto reads them (hunt 3, H6/P7/P8)', () => {
  // The lamp's log under Mosquitto 2.0.11 (-v): `devices/b827eb74663e` -> "sending SUBSCRIBE (… Topic:
  // devices/b827eb74663elampi-doctor/#"; `''` -> "local SUBSCRIBE on topic ''lampi-doctor/#";
  // `"devices/b827eb74663e/"` -> `"devices/b827eb74663e/"lampi-doctor/#`; `in` -> no local SUBSCRIBE.
  const topics = (prefix: string, probe = `topic lampi-doctor/# both 1 "" ${prefix}`) => `topic lamp/set_config in 1 "" ${prefix}\ntopic lamp/changed out 1 "" ${prefix}\n${probe}`;
  const topicFindings = (text: string) => findings(lintTexts(text), 'config.topics');

  it('every remote prefix without its trailing slash: where the topics land (it passed before)', () => {
    const [finding, ...rest] = topicFindings(lamp(undefined, topics('devices/b827eb74663e')));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ status: 'fail', code: 'config.topics/prefix-without-slash', line: 8 });
    expect(finding.summary).toBe(
      '3 topic lines (8, 9, 10) have the remote prefix devices/b827eb74663e without a trailing /: Mosquitto joins prefix and topic as they are, so it maps devices/b827eb74663elamp/set_config on the cloud (lampi-doctor\'s probes: lampi-doctor/hello on the lamp, devices/b827eb74663elampi-doctor/hello on the cloud)',
    );
    expect(finding.hint).toBe('End the prefix with /: `topic lamp/set_config in 1 "" devices/b827eb74663e/` (and so on each line), then restart mosquitto on the lamp.');
  });

  it('`in` on the diagnostic line: one direction, not "has no diagnostic mapping"', () => {
    const [finding, ...rest] = topicFindings(lamp(undefined, topics('devices/b827eb74663e/', 'topic lampi-doctor/# in 1 "" devices/b827eb74663e/')));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ status: 'warn', code: 'config.topics/diagnostic-one-way', line: 10 });
    expect(finding.summary).toContain('carries only `in`: lampi-doctor\'s probes cannot cross lamp -> cloud (bridge.outbound)');
    expect(finding.hint).toBe('Write `both`: `topic lampi-doctor/# both 1 "" devices/b827eb74663e/`, then restart mosquitto on the lamp.');
  });

  it("`''` and a quoted remote prefix: Mosquitto keeps the quotes (both passed, or said the mapping was missing)", () => {
    const single = topicFindings(lamp(undefined, topics('devices/b827eb74663e/', "topic lampi-doctor/# both 1 '' devices/b827eb74663e/")));
    expect(single.map((f) => f.code)).toEqual(['config.topics/quoted-prefix']);
    expect(single[0].summary).toContain("has the local prefix '': Mosquitto keeps the quotes (only a bare \"\" is the empty prefix), so it maps the lamp's ''lampi-doctor/#");
    expect(single[0].hint).toContain('`topic lampi-doctor/# both 1 "" devices/b827eb74663e/`');
    const quoted = topicFindings(lamp(undefined, topics('"devices/b827eb74663e/"')));
    expect(quoted.map((f) => f.code)).toEqual(['config.topics/quoted-prefix']);
    expect(quoted[0].summary).toContain('have the remote prefix "devices/b827eb74663e/": Mosquitto keeps the quotes');
    expect(quoted[0].summary).toContain('"devices/b827eb74663e/"lampi-doctor/hello on the cloud');
  });

  it('the seed\'s lines still pass', () => {
    expect(topicFindings(lamp()).map((f) => f.code)).toEqual(['config.topics/ok']);
  });
});

describe('bridge certificate CN other than remote_clientid (hunt 3, H9)', () => {
  // Lab, Mosquitto 2.0.11, use_identity_as_username: the cloud logs "New bridge connected … as
  // lamp-b827eb74663e (… u'b827eb74663e_broker')". Without an acl_file its messages cross; with
  // `user lamp-b827eb74663e` in the acl_file: "Denied PUBLISH from lamp-b827eb74663e"; with
  // `user b827eb74663e_broker` they cross again. The username is the CN; the client id matters to no ACL line here.
  const renamed = () => lamp().replace('remote_clientid b827eb74663e_broker', 'remote_clientid lamp-b827eb74663e');
  const withAcl = (acl: string) => {
    const path = tree.write(`semantics-acl-${(counter += 1)}/cloud.acl`, acl);
    return cloud(tlsListener().replace('use_identity_as_username true\n', `use_identity_as_username true\nacl_file ${path}\n`));
  };
  const identity = (report: LintReport) => findings(report, 'config.bridge-identity');

  it('no acl_file on the cloud: a warn (the bridge works), no longer a fail that makes the run exit 1', () => {
    const report = lintTexts(cloud(), renamed());
    expect(identity(report).map((f) => `${f.status} ${f.code}`)).toEqual(['warn config.bridge-identity/cn-differs-convention']);
    expect(identity(report)[0].summary).toContain('the cloud has no acl_file, so nothing there depends on that name: the bridge connects and its messages cross');
    expect(report.checks.some((f) => f.status === 'fail')).toBe(false);
  });

  it('an acl_file that names the client id: the fail stays, and says which line and which topic', () => {
    const report = lintTexts(withAcl('user doctor_client\ntopic readwrite #\n\nuser lamp-b827eb74663e\ntopic readwrite devices/b827eb74663e/#\n'), renamed());
    const [finding] = identity(report);
    expect([finding.status, finding.code]).toEqual(['fail', 'config.bridge-identity/cn-differs']);
    expect(finding.summary).toContain('denies "b827eb74663e_broker" publishing to devices/b827eb74663e/lamp/connection/x/state');
    expect(finding.summary).toContain('the cloud logs "Denied PUBLISH from lamp-b827eb74663e"');
    expect(finding.summary).toContain('It grants "lamp-b827eb74663e" (line 4): ACL `user` lines match the username');
    expect(finding.hint).toBe('Re-issue the bridge certificate with CN=lamp-b827eb74663e, or name its CN in the acl_file (`user b827eb74663e_broker` at line 4), then restart mosquitto where you changed something.');
  });

  it('an acl_file that grants the CN (a `user` line, or `pattern … %u`): a warn', () => {
    expect(identity(lintTexts(withAcl('user b827eb74663e_broker\ntopic readwrite devices/b827eb74663e/#\n'), renamed())).map((f) => f.code)).toEqual(['config.bridge-identity/cn-differs-convention']);
    // A pattern that names neither %u nor %c grants every client alike.
    expect(identity(lintTexts(withAcl('pattern readwrite devices/+/#\n'), renamed())).map((f) => f.status)).toEqual(['warn']);
    // ...and one keyed on %u expands to the CN, which the device prefix is not: the bridge is denied.
    expect(identity(lintTexts(withAcl('pattern readwrite devices/%u/#\n'), renamed())).map((f) => f.status)).toEqual(['fail']);
  });
});

describe('a plain loopback listener that says `require_certificate false`', () => {
  it('stays a plain listener (a switch set to false asks for no TLS)', () => {
    const report = lintTexts(cloud(tlsListener(), '').replace('listener 1883 127.0.0.1\n', 'listener 1883 127.0.0.1\nrequire_certificate false\n'));
    expect(notPassing(report)).toEqual([]);
  });
});
