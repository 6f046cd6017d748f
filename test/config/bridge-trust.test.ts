// Which CA file verifies which certificate: a bridge's bridge_cafile verifies the broker it dials
// (the broker's cafile verifies the bridge), a CA file without its root verifies nothing, and a
// bridge that dials the websockets listener is told the TLS MQTT port. Each case as the hunt's
// reference clients saw it (openssl s_client, openssl verify, the lamp's log).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { issue } from '../../src/lab/pki.js';
import { gatherLintFacts } from '../../src/config/lint-facts.js';
import { resolveMosquittoVersion } from '../../src/config/mosquitto-versions.js';
import { lint, runLintRules, type LintReport } from '../../src/lint.js';
import { FQDN, makeTree, seedCloudConf, seedPki, type Tree } from '../helpers/config-tree.js';

let tree: Tree;
let pki: Awaited<ReturnType<typeof seedPki>>['files'];
let otherCa: string;
let intermediateOnly: string;
let intermediateAndRoot: string;

beforeAll(async () => {
  tree = makeTree();
  ({ files: pki } = await seedPki(tree));
  otherCa = tree.write('spare/other_ca.crt', (await issue({ commonName: 'Other CA', isCa: true })).certPem);
  // spare/with-intermediate.crt is the leaf, then LAMPI Intermediate (issued by lampi).
  const [, intermediate] = readFileSync(pki.chainCert, 'latin1').split(/(?=-----BEGIN CERTIFICATE-----)/);
  intermediateOnly = tree.write('spare/intermediate_only.crt', intermediate);
  intermediateAndRoot = tree.write('spare/intermediate_and_root.crt', intermediate + readFileSync(pki.ca, 'latin1'));
});

const cloud = (cafile = pki.ca) => seedCloudConf(pki, { cafile, wssPort: 9001 });

const lamp = ({ address = `${FQDN}:8883`, cafile = pki.ca, cert = pki.bridgeCert } = {}) => `connection b827eb74663e_broker
address ${address}
remote_clientid b827eb74663e_broker
bridge_cafile ${cafile}
bridge_certfile ${cert}
bridge_keyfile ${pki.bridgeKey}
bridge_tls_version tlsv1.2
topic lampi-doctor/# both 1 "" devices/b827eb74663e/
cleansession false
`;

let counter = 0;
function lintTexts(...texts: string[]): LintReport {
  counter += 1;
  return lint({ paths: texts.map((text, index) => tree.write(`trust-${counter}/broker-${index}.conf`, text)), mosquittoVersion: '2.0.11' });
}
const findings = (report: LintReport, id: string) => report.checks.filter((check) => check.id === id);
const notPassing = (report: LintReport) => report.checks.filter((check) => check.status !== 'pass');

describe('finding 3: bridge_cafile verifies the broker, not the bridge', () => {
  // Reference: s_client -CAfile otherca.crt against the cloud: error 19; the lamp logs
  // "certificate verify failed"; openssl verify -purpose sslclient -CAfile <cloud cafile> <bridge cert>: OK.
  it('with the cloud linted alongside, a bridge_cafile of another CA is blamed, never the bridge certificate', () => {
    const report = lintTexts(cloud(), lamp({ cafile: otherCa }));
    const failed = notPassing(report);
    expect(failed.map((f) => f.code)).toEqual(['config.chain/remote-untrusted']);
    const [finding] = failed;
    expect(finding).toMatchObject({ status: 'fail', line: 4 }); // the bridge_cafile line
    expect(finding.summary).toContain(`bridge_cafile ${otherCa} does not verify the broker's certificate ${pki.serverCert}`);
    expect(finding.summary).toContain('its issuer (CN=lampi');
    expect(finding.hint).toContain('Point bridge_cafile at');
    expect(finding.hint).toContain(pki.ca);
    expect(finding.hint).not.toMatch(/re-issue/i);
  });

  it('with the right bridge_cafile, config.chain passes the broker\'s certificate', () => {
    const report = lintTexts(cloud(), lamp());
    expect(notPassing(report)).toEqual([]);
    expect(findings(report, 'config.chain').find((f) => f.line === 4 && f.file.endsWith('broker-1.conf'))?.summary).toContain(`verifies the broker's certificate ${pki.serverCert}`);
  });

  it('a bridge certificate from another CA is the cloud cafile\'s business (config.bridge-tls), not bridge_cafile\'s', () => {
    const report = lintTexts(cloud(), lamp({ cert: pki.foreignCert }));
    // (its key is not spare/foreign.crt's: config.keypair says so, beside the point here)
    expect(notPassing(report).map((f) => f.code).filter((code) => code !== 'config.keypair/key-mismatch')).toEqual(['config.bridge-tls/foreign-certificate']);
    // Either side may be wrong: the hint names both, and the command that shows when they agree.
    const foreign = notPassing(report).find((f) => f.code === 'config.bridge-tls/foreign-certificate')!;
    expect(foreign.hint).toMatch(/^Make the two agree: issue the lamp's certificate from the CA in .*, or, if .* is the CA your class uses/);
    expect(foreign.hint).toContain('openssl verify -purpose sslclient -CAfile');
  });

  it('linted alone, a bridge_cafile that did not issue the bridge certificate is only a doubt, sending the user to check the broker', () => {
    const report = lintTexts(lamp({ cafile: otherCa }));
    const [finding] = notPassing(report);
    expect(notPassing(report)).toHaveLength(1);
    expect(finding).toMatchObject({ id: 'config.chain', status: 'warn', code: 'config.chain/unknown-issuer', line: 4 });
    expect(finding.summary).toContain('its issuer (CN=lampi');
    expect(finding.hint).toContain('bridge_cafile verifies the broker\'s certificate');
    expect(finding.hint).toContain(`-CAfile ${otherCa}`);
    expect(finding.hint).not.toMatch(/re-issue/i);
  });
});

describe('finding 12: the issuer named, and a CA file without its root', () => {
  it('names the issuer, not the subject, of a certificate that does not chain', () => {
    const report = lintTexts(cloud(otherCa));
    const [finding] = findings(report, 'config.chain');
    expect(finding).toMatchObject({ status: 'warn', code: 'config.chain/unknown-issuer' });
    expect(finding.summary).toContain('its issuer (CN=lampi');
    expect(finding.summary).not.toContain(`its issuer (CN=${FQDN}`);
  });

  // Reference (hunt B2): cafile = the intermediate only; openssl verify -CAfile int.crt client.crt:
  // error 2 (unable to get issuer certificate); the broker logs "certificate verify failed".
  it('a listener cafile holding only an intermediate: add the root, do not re-issue', () => {
    const report = lintTexts(cloud(intermediateOnly));
    const [finding] = findings(report, 'config.chain');
    expect(finding).toMatchObject({ status: 'fail', code: 'config.chain/cafile-without-root', line: 2 });
    expect(finding.summary).toContain('CN=LAMPI Intermediate');
    expect(finding.summary).toContain('CN=lampi');
    expect(finding.hint).toContain(`>> ${intermediateOnly}`);
    expect(finding.hint).not.toMatch(/re-issue/i);
  });

  it('an intermediate-only cafile fails even when the certificate chains to the intermediate (OpenSSL needs the root)', () => {
    const report = lintTexts(cloud(intermediateOnly).replace(`certfile ${pki.serverCert}\nkeyfile ${pki.serverKey}\ntls_version`, `certfile ${pki.chainCert}\nkeyfile ${pki.chainKey}\ntls_version`));
    expect(findings(report, 'config.chain')[0]).toMatchObject({ status: 'fail', code: 'config.chain/cafile-without-root' });
    const complete = lintTexts(cloud(intermediateAndRoot).replace(`certfile ${pki.serverCert}\nkeyfile ${pki.serverKey}\ntls_version`, `certfile ${pki.chainCert}\nkeyfile ${pki.chainKey}\ntls_version`));
    expect(findings(complete, 'config.chain')[0]).toMatchObject({ status: 'pass' });
    // Another root beside the intermediate does not complete its chain.
    const mixed = tree.write('spare/intermediate_and_other_root.crt', readFileSync(intermediateOnly, 'latin1') + readFileSync(otherCa, 'latin1'));
    const other = lintTexts(cloud(mixed).replace(`certfile ${pki.serverCert}\nkeyfile ${pki.serverKey}\ntls_version`, `certfile ${pki.chainCert}\nkeyfile ${pki.chainKey}\ntls_version`));
    expect(findings(other, 'config.chain')[0]).toMatchObject({ status: 'fail', code: 'config.chain/cafile-without-root' });
    expect(findings(other, 'config.chain')[0].summary).toContain('but not the root above CN=LAMPI Intermediate');
  });

  it('a bridge_cafile holding only an intermediate cannot verify the broker either', () => {
    const report = lintTexts(cloud(), lamp({ cafile: intermediateOnly }));
    expect(notPassing(report).map((f) => `${f.code}:${f.line}`)).toEqual(['config.chain/cafile-without-root:4']);
  });
});

describe('finding 8: the bridge dials the websockets listener', () => {
  // Reference (hunt N): the lamp logs "disconnected due to protocol error" against the websockets port.
  it('with the cloud linted alongside, says the port is websockets and names the TLS MQTT port', () => {
    const report = lintTexts(cloud(), lamp({ address: `${FQDN}:9001` }));
    const [finding] = findings(report, 'config.bridge-address');
    expect(finding).toMatchObject({ status: 'fail', code: 'config.bridge-address/websockets-port', line: 2 });
    expect(finding.summary).toContain('websockets');
    expect(finding.hint).toContain(`address ${FQDN}:8883`);
    expect(finding.hint).not.toContain(':9001`');
  });

  it('an IP address on the websockets port: the FQDN and the TLS MQTT port', () => {
    const report = lintTexts(cloud().replace('listener 8883 0.0.0.0', 'listener 42591 0.0.0.0'), lamp({ address: '127.0.0.2:9001' }));
    const [finding] = findings(report, 'config.bridge-address');
    expect(finding).toMatchObject({ status: 'fail', code: 'config.bridge-address/websockets-port' });
    expect(finding.hint).toContain(`address ${FQDN}:42591`);
  });

  it('a port that is the cloud\'s plain listener is the plain port', () => {
    const report = lintTexts(cloud().replace('listener 1883 127.0.0.1', 'listener 37331 127.0.0.1'), lamp({ address: `${FQDN}:37331` }));
    const [finding] = findings(report, 'config.bridge-address');
    expect(finding).toMatchObject({ status: 'fail', code: 'config.bridge-address/plain-port' });
    expect(finding.hint).toContain(`address ${FQDN}:8883`);
  });

  it('linted alone with the websockets port known (a live run\'s --wss-port)', () => {
    const path = tree.write(`trust-wss/lamp.conf`, lamp({ address: '127.0.0.2:9001' }));
    const settings = { now: new Date(), expiryWarnDays: 30, probePrefix: 'lampi-doctor/', mosquitto: resolveMosquittoVersion('2.0.11') };
    const [finding] = runLintRules(gatherLintFacts([path]), { ...settings, live: { host: FQDN, tls: 8883, wss: 9001 } }).filter((f) => f.id === 'config.bridge-address');
    expect(finding).toMatchObject({ status: 'fail', code: 'config.bridge-address/websockets-port' });
    expect(finding.hint).toContain(`address ${FQDN}:8883`);
  });
});
