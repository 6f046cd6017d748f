// Reads JUnit XML back the way CI test reporters do.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { expect } from 'vitest';

export function parseJunit(xml: string) {
  expect(XMLValidator.validate(xml)).toBe(true);
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) });
  return parser.parse(xml).testsuites;
}

/** What xmllint says of XML against schema/junit-10.xsd (the Jenkins/Ant schema CI plugins use). */
export function xmllintJunit(xml: string): { valid: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lampi-junit-'));
  const file = join(dir, 'report.xml');
  writeFileSync(file, xml);
  try {
    execFileSync('xmllint', ['--noout', '--schema', resolve('schema/junit-10.xsd'), file], { stdio: ['ignore', 'pipe', 'pipe'] });
    return { valid: true, output: '' };
  } catch (error) {
    return { valid: false, output: String((error as { stderr?: Buffer }).stderr ?? error) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function expectValidJunit(xml: string): void {
  const result = xmllintJunit(xml);
  expect(result.output).toBe('');
  expect(result.valid).toBe(true);
}
