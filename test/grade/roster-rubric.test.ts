import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkIds } from '../../checks/index.js';
import { mergeReports, parseShard, shardOf, type GradeReport } from '../../src/grade/grade.js';
import { parseCsv, readRoster } from '../../src/grade/roster.js';
import { defaultRubric, maxScore, readRubric, score } from '../../src/grade/rubric.js';

const dir = mkdtempSync(join(tmpdir(), 'lampi-roster-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('roster CSV', () => {
  it('parses quotes, escaped quotes, CRLF, a BOM and blank lines, keeping physical line numbers', () => {
    const records = parseCsv('\ufeffstudent,fqdn\r\n"Ada ""the"" Lovelace",a.test\r\n\r\n"multi\nline",b.test\n');
    expect(records).toEqual([
      { line: 1, fields: ['student', 'fqdn'] },
      { line: 2, fields: ['Ada "the" Lovelace', 'a.test'] },
      { line: 4, fields: ['multi\nline', 'b.test'] },
    ]);
  });

  it('turns bad rows into errors with their line, and resolves files next to the roster', () => {
    const rows = readRoster(file('class.csv', 'student,fqdn,port,ca\nalice,a.test,8884,certs/ca.crt\nbob,,,\nalice,c.test,,\n,d.test,,\ncarol,e.test,eighty,\n'));
    expect(rows.map((row) => [row.line, row.student, row.error ?? 'ok'])).toEqual([
      [2, 'alice', 'ok'],
      [3, 'bob', 'line 3: no fqdn for bob'],
      [4, 'alice', 'line 4: student "alice" already appears on line 2'],
      [5, '(line 5)', 'line 5: no student name'],
      [6, 'carol', 'line 6: port "eighty" is not a number'],
    ]);
    expect(rows[0].input).toEqual({ target: 'a.test', port: 8884, ca: join(dir, 'certs/ca.crt') });
  });

  it('refuses a header without the required columns, or with unknown ones', () => {
    expect(() => readRoster(file('a.csv', 'name,fqdn\nx,y\n'))).toThrow(/unknown column "name"/);
    expect(() => readRoster(file('b.csv', 'student,port\nx,1\n'))).toThrow(/needs the column fqdn/);
    expect(() => readRoster(file('c.csv', ''))).toThrow(/is empty/);
    expect(() => readRoster(join(dir, 'none.csv'))).toThrow(/no such file/);
  });
});

describe('rubric', () => {
  const check = (id: string, status: 'pass' | 'warn' | 'fail' | 'skip' | 'error') => ({ id, title: id, status, code: `${id}/x`, summary: 's', durationMs: 0 });

  it('defaults to a point per check and half for a warning', () => {
    const rubric = defaultRubric(checkIds);
    expect(maxScore(rubric, checkIds)).toBe(17);
    expect(score(rubric, [check('tls.chain', 'pass'), check('tls.key', 'warn'), check('tls.version', 'fail'), check('dns.resolve', 'skip')])).toBe(1.5);
  });

  it('reads points per id and per area; an id outranks its area', () => {
    const rubric = readRubric(file('r.json', JSON.stringify({ points: { 'tls.chain': 5, tls: 2, bridge: 3 }, warnCredit: 0.25 })), checkIds);
    expect(rubric.points['tls.chain']).toBe(5);
    expect(rubric.points['tls.key']).toBe(2);
    expect(rubric.points['bridge.inbound']).toBe(3);
    expect(rubric.points['mqtt.connect']).toBeUndefined();
    expect(score(rubric, [check('tls.chain', 'warn'), check('bridge.status', 'pass')])).toBe(4.25);
  });

  it('refuses unknown ids and malformed files', () => {
    expect(() => readRubric(file('bad1.json', '{"points":{"tls.nope":1}}'), checkIds)).toThrow(/"tls.nope" is no check id or area/);
    expect(() => readRubric(file('bad2.json', '{points'), checkIds)).toThrow(/not valid JSON/);
    expect(() => readRubric(file('bad3.json', '{"points":{"tls":1},"warnCredit":2}'), checkIds)).toThrow(/warnCredit: must be at most 1/);
  });
});

describe('shards', () => {
  it('split stably by student name, whatever the row order', () => {
    const names = Array.from({ length: 200 }, (_, i) => `student-${i}`);
    const shards = names.map((name) => shardOf(name, 4));
    expect(new Set(shards)).toEqual(new Set([1, 2, 3, 4]));
    expect([...names].reverse().map((name) => shardOf(name, 4))).toEqual([...shards].reverse());
    for (const k of [1, 2, 3, 4]) expect(shards.filter((s) => s === k).length).toBeGreaterThan(30);
  });

  it('parse K/N and refuse nonsense', () => {
    expect(parseShard('2/5')).toEqual({ index: 2, count: 5 });
    expect(() => parseShard('6/5')).toThrow(/expected K\/N/);
    expect(() => parseShard('x')).toThrow(/expected K\/N/);
  });

  it('merge refuses the same shard twice and foreign reports', () => {
    const report = (index: number): GradeReport => ({
      tool: { name: 'lampi-doctor', version: '0.1.0' },
      roster: 'r.csv',
      startedAt: '2026-01-01T00:00:00.000Z',
      durationMs: 1,
      shard: { index, count: 2 },
      rubric: defaultRubric(checkIds),
      checkIds: [...checkIds],
      students: [],
    });
    expect(mergeReports([report(1), report(2)], ['a', 'b']).shard).toBeNull();
    expect(() => mergeReports([report(1), report(1)], ['a', 'b'])).toThrow(/shard 1\/2 is given twice/);
    expect(() => mergeReports([{} as GradeReport], ['x.json'])).toThrow(/x.json is not a lampi-doctor grade report/);
  });
});
