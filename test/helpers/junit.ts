// Reads JUnit XML back the way CI test reporters do.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { expect } from 'vitest';

export function parseJunit(xml: string) {
  expect(XMLValidator.validate(xml)).toBe(true);
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) });
  return parser.parse(xml).testsuites;
}
