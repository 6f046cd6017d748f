// The config reader on hostile input: include_dir fan-out and loops, and huge option words. Bounds
// are generous (seconds) on purpose: they catch exponential and quadratic blow-ups, not speed.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { lint } from '../../src/lint.js';
import { makeTree, type Tree } from '../helpers/config-tree.js';

let tree: Tree;
beforeAll(() => {
  tree = makeTree();
});

describe('include_dir', () => {
  it('eight files that each include their own folder: every file read once, each nested include_dir a finding', () => {
    const dir = tree.path('fan/conf.d');
    for (let i = 0; i < 8; i += 1) tree.write(`fan/conf.d/${i}.conf`, `include_dir ${dir}\nlistener ${1900 + i} 127.0.0.1\n`);
    const main = tree.write('fan/mosquitto.conf', `include_dir ${dir}\n`);
    const loaded = loadConfig([main]);
    expect(loaded.files).toHaveLength(9);
    expect(new Set(loaded.files).size).toBe(9);
    expect(loaded.problems.map((p) => p.kind)).toEqual(Array(8).fill('include-nested'));
    const report = lint({ paths: [main], mosquittoVersion: '2.0.11' });
    const nested = report.checks.filter((c) => c.code === 'config.load/include-nested');
    expect(nested).toHaveLength(8);
    expect(nested[0]).toMatchObject({ status: 'warn', file: `${dir}/0.conf`, line: 1 });
    expect(nested[0].summary).toContain('Mosquitto 2.0.11 ignores it');
    expect(lint({ paths: [main], mosquittoVersion: '2.1.0' }).checks.filter((c) => c.code === 'config.load/include-nested')[0]).toMatchObject({ status: 'fail' });
    expect(report.checks.filter((c) => c.id === 'config.plain-listener')).toHaveLength(8);
  });

  it('a main file inside its own include_dir folder is a loop: read once, and a finding', () => {
    const main = tree.write('loop/mosquitto.conf', `listener 1883 127.0.0.1\ninclude_dir ${tree.path('loop')}\n`);
    const report = lint({ paths: [main], mosquittoVersion: '2.0.11' });
    expect(report.config.files).toEqual([main]);
    const loop = report.checks.find((c) => c.code === 'config.load/include-loop')!;
    expect(loop).toMatchObject({ status: 'fail', file: main, line: 2 });
    expect(loop.hint).toContain('Address already in use');
  });

  it('wide fan-out stays linear: 300 files, each including the folder, in well under a minute', () => {
    const dir = tree.path('wide/conf.d');
    for (let i = 0; i < 300; i += 1) tree.write(`wide/conf.d/${String(i).padStart(3, '0')}.conf`, `include_dir ${dir}\nmax_connections 10\n`);
    const main = tree.write('wide/mosquitto.conf', `listener 1883 127.0.0.1\ninclude_dir ${dir}\n`);
    const began = performance.now();
    const loaded = loadConfig([main]);
    expect(loaded.files).toHaveLength(301);
    expect(performance.now() - began).toBeLessThan(60_000);
  });
});

describe('huge input', () => {
  it('a 1 MB unknown option word: one finding, a short summary, in well under a minute', () => {
    const word = 'x'.repeat(1 << 20);
    const path = tree.write('huge/mosquitto.conf', `listener 1883 127.0.0.1\n${word} 1\n${'y'.repeat(5000)}_tls_version 2\n`);
    const began = performance.now();
    const report = lint({ paths: [path], mosquittoVersion: '2.0.11' });
    expect(performance.now() - began).toBeLessThan(60_000);
    const unknown = report.checks.filter((c) => c.code === 'config.option/unknown-option');
    expect(unknown).toHaveLength(2);
    expect(unknown[0].summary.length).toBeLessThan(300);
    expect(unknown[0].summary).toContain(`(${1 << 20} characters)`);
    expect(JSON.stringify(report).length).toBeLessThan(100_000);
    expect(readFileSync(path, 'utf8').length).toBeGreaterThan(1 << 20);
  });

  it('a 1 MB line of quotes and a file of 50,000 short lines stay fast', () => {
    const quotes = tree.write('huge/quotes.conf', `listener 1883 127.0.0.1\nmount_point ${'"a '.repeat(300_000)}\n`);
    const many = tree.write('huge/many.conf', `listener 1883 127.0.0.1\n${'max_connections 5\n'.repeat(50_000)}`);
    const began = performance.now();
    lint({ paths: [quotes], mosquittoVersion: '2.0.11' });
    const report = lint({ paths: [many], mosquittoVersion: '2.0.11' });
    expect(performance.now() - began).toBeLessThan(60_000);
    expect(report.checks.filter((c) => c.code === 'config.option/repeated').length).toBe(49_999);
  });
});

describe('files that are not files', () => {
  it('a FIFO as the config or as a named file is a finding, not a hang', async () => {
    const { execFileSync } = await import('node:child_process');
    const fifo = tree.path('fifo/pipe');
    tree.write('fifo/.keep', '');
    execFileSync('mkfifo', [fifo]);
    const viaConfig = lint({ paths: [fifo], mosquittoVersion: '2.0.11' });
    expect(viaConfig.checks.find((c) => c.id === 'config.load')).toMatchObject({ status: 'fail', code: 'config.load/unreadable' });
    const named = lint({ paths: [tree.write('fifo/mosquitto.conf', `acl_file ${fifo}\nlistener 1883 127.0.0.1\n`)], mosquittoVersion: '2.0.11' });
    expect(named.checks.find((c) => c.id === 'config.files')).toMatchObject({ code: 'config.files/not-a-file' });
  });
});
