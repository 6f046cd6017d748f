// Golden output: what a person sees for a report holding every status. UPDATE_GOLDEN=1 rewrites
// the files; review the diff before committing it.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/diagnose.js';
import { renderHuman } from '../../src/reporters/human.js';
import { renderJson } from '../../src/reporters/json.js';

const report = JSON.parse(readFileSync('fixtures/reports/mixed.json', 'utf8')) as Report;

function golden(name: string, actual: string): void {
  const path = `fixtures/golden/${name}`;
  if (process.env.UPDATE_GOLDEN) writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('reporters', () => {
  it('human, plain (CI logs)', () => golden('mixed.human.txt', renderHuman(report, { color: false, width: 100 })));
  it('human, coloured (terminal)', () => golden('mixed.human-color.txt', renderHuman(report, { color: true, width: 100 })));
  it('human, verbose shows evidence', () => golden('mixed.human-verbose.txt', renderHuman(report, { color: false, verbose: true, width: 0 })));
  it('json is the report, unchanged', () => {
    golden('mixed.json', renderJson(report));
    expect(JSON.parse(renderJson(report))).toEqual(report);
  });
});
