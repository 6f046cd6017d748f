// The seed's exact lampi_bridge.conf and port.conf, pointed at generated certificates, lint clean
// but for what a careful reviewer agrees with.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { lint, type LintReport } from '../../src/lint.js';
import { makeTree, seedPki } from '../helpers/config-tree.js';
import { schemaErrors } from '../helpers/schema.js';

let report: LintReport;
let keyBodies: string[];

beforeAll(async () => {
  const tree = makeTree();
  ({ keyBodies } = await seedPki(tree));
  const place = (name: string) => tree.write(`etc/mosquitto/conf.d/${name}`, readFileSync(`fixtures/seed/${name}`, 'utf8').replaceAll('/etc/mosquitto/', `${tree.root}/etc/mosquitto/`));
  report = lint({ paths: [place('port.conf'), place('lampi_bridge.conf')] });
});

describe('the seed configuration', () => {
  it('has no failures', () => {
    expect(report.checks.filter((c) => c.status === 'fail' || c.status === 'error').map((c) => `${c.id}: ${c.summary}`)).toEqual([]);
    expect(report.exitCode).toBe(0);
  });

  it('warns only where a careful reviewer would: browsers cannot log in over websockets, and no diagnostic mapping', () => {
    const warnings = report.checks.filter((c) => c.status === 'warn');
    expect(warnings.map((c) => c.id)).toEqual(['config.websockets', 'config.topics']);
    expect(warnings[0].summary).toContain('allow_anonymous false');
    expect(warnings[0].line).toBe(10); // `listener 50002 0.0.0.0`
    expect(warnings[1].hint).toContain('topic lampi-doctor/# both 1 "" devices/b827eb74663e/');
  });

  it('checked what matters and passed it: keys pair up, chains reach the CA, the bridge dials a name the certificate lists', () => {
    const passed = (id: string) => report.checks.filter((c) => c.id === id && c.status === 'pass').length;
    expect(passed('config.keypair')).toBe(3); // two listeners and the bridge
    expect(passed('config.chain')).toBe(3);
    expect(report.checks.find((c) => c.id === 'config.bridge-address')?.summary).toBe(
      "the bridge dials ec2-52-20-29-213.compute-1.amazonaws.com:8883, which the broker's certificate names",
    );
    expect(report.checks.find((c) => c.id === 'config.bridge-identity')?.status).toBe('pass');
    expect(report.checks.find((c) => c.id === 'config.plain-listener')?.summary).toBe('listener 1883 127.0.0.1: plain MQTT on loopback only');
  });

  it('names every finding by file and line, matches its schema, and never prints key material', () => {
    for (const check of report.checks) expect(check.file).toMatch(/\.conf$/);
    expect(schemaErrors('lint.schema.json', report)).toEqual([]);
    const text = JSON.stringify(report);
    for (const body of keyBodies) expect(text).not.toContain(body);
  });
});
