// JUnit output parsed back the way CI test reporters read it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/diagnose.js';
import { renderJunit } from '../../src/reporters/junit.js';
import { expectValidJunit, parseJunit, xmllintJunit } from '../helpers/junit.js';
import { lint } from '../../src/lint.js';
import { renderLintJunit } from '../../src/reporters/junit.js';

const report = JSON.parse(readFileSync('fixtures/reports/mixed.json', 'utf8')) as Report;

describe('junit reporter', () => {
  const xml = renderJunit(report);

  it('is well-formed and counts as the report does', () => {
    const suites = parseJunit(xml);
    expect(suites).toMatchObject({ name: 'lampi-doctor', tests: '7', failures: '1', errors: '1' });
    expect(suites.skipped).toBeUndefined(); // junit-10.xsd allows it on <testsuite> only
    expect(suites.testsuite[0]).toMatchObject({ name: 'lampi-doctor cloud.lampi.test:8883', tests: '7', timestamp: '2026-06-01T12:00:00' });
  });

  it('gives one testcase per check, classname the area, failure message the summary and the fix in the body', () => {
    const cases = parseJunit(xml).testsuite[0].testcase;
    expect(cases.map((c: { name: string }) => c.name)).toEqual(report.checks.map((c) => c.id));
    expect(cases.map((c: { classname: string }) => c.classname)).toEqual(['dns', 'tcp', 'tls', 'tls', 'tls', 'tls', 'tls']);
    const chain = cases.find((c: { name: string }) => c.name === 'tls.chain');
    expect(chain.failure.message).toBe(report.checks[4].summary); // quotes survive escaping
    expect(chain.failure['#text']).toContain('fix: certfile must hold the leaf followed by the intermediate');
    expect(chain.failure['#text']).toContain('"verifyError": "UNABLE_TO_VERIFY_LEAF_SIGNATURE"');
    expect(cases.find((c: { name: string }) => c.name === 'tls.key').error.message).toBe('the check itself failed: boom');
    expect(cases.find((c: { name: string }) => c.name === 'tls.hostname').skipped.message).toContain("could not see the server's certificate");
    expect(cases.find((c: { name: string }) => c.name === 'tls.version')['system-out']).toContain('warning: the server still accepts legacy TLS 1.1');
  });

  it('escapes markup and drops characters XML cannot hold', () => {
    const tricky: Report = { ...report, checks: [{ ...report.checks[4], summary: 'a <b> & "c" \u0007 d' }] };
    const cases = parseJunit(renderJunit(tricky)).testsuite[0].testcase;
    expect(cases[0].failure.message).toBe('a <b> & "c"  d');
  });

  it('is valid against junit-10.xsd (xmllint), for a diagnosis and for lint', () => {
    expectValidJunit(xml);
    expectValidJunit(renderLintJunit(lint({ paths: ['fixtures/seed/port.conf', 'fixtures/seed/lampi_bridge.conf'] })));
  });

  it('the schema check can fail: a `skipped` attribute on <testsuites> is refused', () => {
    const old = xml.replace('<testsuites name="lampi-doctor"', '<testsuites skipped="1" name="lampi-doctor"');
    expect(old).not.toBe(xml);
    const result = xmllintJunit(old);
    expect(result.valid).toBe(false);
    expect(result.output).toMatch(/attribute 'skipped' is not allowed/);
  });
});
