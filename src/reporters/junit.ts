// JUnit XML as GitLab, Jenkins and GitHub test reporters read it: <testsuites> of <testsuite>s of
// <testcase classname="area" name="id">, with <failure>, <error> or <skipped> inside.
import type { Report } from '../diagnose.js';
import type { LintReport } from '../lint.js';
import { areaOf } from '../engine/selection.js';
import type { CheckResult } from '../engine/types.js';

export interface JunitSuite {
  name: string;
  timestamp: string;
  durationMs: number;
  checks: CheckResult[];
  /** A suite that could not run at all (e.g. a malformed roster row). */
  error?: string;
  /**
   * Prefixed to every test name (grade: the student), so names are unique across suites: GitLab
   * keeps only the first of duplicate names, and a class would collapse into one student.
   */
  caseLabel?: string;
}

// XML 1.0 forbids most control characters even when escaped.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

export function xmlEscape(text: string): string {
  return text
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function body(check: CheckResult): string {
  const parts = [check.hint ? `fix: ${check.hint}` : '', check.evidence ? `evidence: ${JSON.stringify(check.evidence, null, 2)}` : ''];
  return xmlEscape(parts.filter(Boolean).join('\n\n'));
}

function testcase(check: CheckResult, label?: string): string {
  // Config findings repeat an id across files and lines: the location keeps test names unique.
  const own = check.file ? `${check.id} (${check.line ? `${check.file}:${check.line}` : check.file})` : check.id;
  const name = label ? `${label}: ${own}` : own;
  const open = `    <testcase classname="${xmlEscape(areaOf(check.id))}" name="${xmlEscape(name)}" time="${seconds(check.durationMs)}"`;
  const message = xmlEscape(check.summary);
  switch (check.status) {
    case 'fail':
      return `${open}>\n      <failure message="${message}" type="fail">${body(check)}</failure>\n    </testcase>`;
    case 'error':
      return `${open}>\n      <error message="${message}" type="error">${body(check)}</error>\n    </testcase>`;
    case 'skip':
      return `${open}>\n      <skipped message="${message}"/>\n    </testcase>`;
    case 'warn':
      // JUnit has no "warning": a warn passes, and says so where reporters show output.
      return `${open}>\n      <system-out>${xmlEscape(`warning: ${check.summary}\n${check.hint ? `fix: ${check.hint}` : ''}`)}</system-out>\n    </testcase>`;
    default:
      return `${open}/>`;
  }
}

function counts(suite: JunitSuite) {
  if (suite.error) return { tests: 1, failures: 0, errors: 1, skipped: 0 };
  return {
    tests: suite.checks.length,
    failures: suite.checks.filter((c) => c.status === 'fail').length,
    errors: suite.checks.filter((c) => c.status === 'error').length,
    skipped: suite.checks.filter((c) => c.status === 'skip').length,
  };
}

function renderSuite(suite: JunitSuite): string {
  const c = counts(suite);
  const head = `  <testsuite name="${xmlEscape(suite.name)}" tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" time="${seconds(suite.durationMs)}" timestamp="${xmlEscape(suite.timestamp.replace(/\.\d+Z$/, ''))}">`;
  const cases = suite.error
    ? [`    <testcase classname="roster" name="${xmlEscape(suite.caseLabel ? `${suite.caseLabel}: roster` : 'roster')}" time="0.000">\n      <error message="${xmlEscape(suite.error)}" type="error"/>\n    </testcase>`]
    : suite.checks.map((check) => testcase(check, suite.caseLabel));
  return [head, ...cases, '  </testsuite>'].join('\n');
}

export function renderJunitSuites(name: string, suites: JunitSuite[], durationMs: number): string {
  const totals = suites.map(counts).reduce(
    (sum, c) => ({ tests: sum.tests + c.tests, failures: sum.failures + c.failures, errors: sum.errors + c.errors, skipped: sum.skipped + c.skipped }),
    { tests: 0, failures: 0, errors: 0, skipped: 0 },
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    // No `skipped` here: junit-10.xsd (Jenkins and the CI plugins that validate) allows it on <testsuite> only.
    `<testsuites name="${xmlEscape(name)}" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" time="${seconds(durationMs)}">`,
    ...suites.map(renderSuite),
    '</testsuites>',
    '',
  ].join('\n');
}

export function renderJunit(report: Report): string {
  const suite = { name: `${report.tool.name} ${report.target.host}:${report.target.port}`, timestamp: report.startedAt, durationMs: report.durationMs, checks: report.checks };
  return renderJunitSuites(report.tool.name, [suite], report.durationMs);
}

export function renderLintJunit(report: LintReport): string {
  const suite = { name: `${report.tool.name} lint ${report.config.paths.join(' ')}`, timestamp: report.startedAt, durationMs: report.durationMs, checks: report.checks };
  return renderJunitSuites(report.tool.name, [suite], report.durationMs);
}
