// Terminal fitting, on its own: colour codes take no width, backticked commands are never split,
// long paths are cut in the middle.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitLine, shellLines, shortenPath, visibleLength, wrapLines } from '../../src/reporters/wrap.js';

const HINT = 'certfile must hold the leaf followed by the intermediate: `cat lampi_server.crt intermediate.crt > lampi_server-chain.crt`, point `certfile` at that file and restart mosquitto.';
const commands = (text: string) => text.match(/`[^`]*`/g) ?? [];

describe('wrapLines', () => {
  it.each([80, 120, 60])('fits %i columns with a hanging indent, commands whole', (width) => {
    const indent = ' '.repeat(25);
    const lines = wrapLines(HINT, width, `${indent}fix: `, indent);
    for (const line of lines) expect(visibleLength(line)).toBeLessThanOrEqual(width);
    for (const line of lines.slice(1)) expect(line.startsWith(indent) || !line.startsWith(' '.repeat(indent.length + 1))).toBe(true);
    for (const line of lines) expect((line.match(/`/g) ?? []).length % 2).toBe(0); // no command split across lines
    if (width >= 70) expect(lines.flatMap(commands)).toEqual(commands(HINT));
  });

  it('counts no width for colour codes: coloured and plain wrap the same', () => {
    const red = (s: string) => `\u001b[31m${s}\u001b[39m`;
    const plain = wrapLines(HINT, 80, 'fix: ', '     ');
    const coloured = wrapLines(HINT.replace('restart', red('restart')), 80, `${red('fix:')} `, '     ');
    expect(coloured.map((line) => line.replace(/\u001b\[\d+m/g, ''))).toEqual(plain);
  });

  it('gives a command that cannot fit at the indent a line of its own, moved left to fit', () => {
    const lines = wrapLines('run `openssl s_client -connect cloud.example.com:8883 -CAfile lampi_ca.crt` now', 72, ' '.repeat(30), ' '.repeat(30));
    // 71 columns of command: too wide after a 30-column indent, so it starts at column 1.
    expect(lines).toEqual(['                              run', ' `openssl s_client -connect cloud.example.com:8883 -CAfile lampi_ca.crt`', '                              now']);
    const fits = wrapLines('run `openssl s_client -connect cloud.example.com:8883` now', 70, ' '.repeat(30), ' '.repeat(30));
    expect(fits).toEqual([`${' '.repeat(30)}run`, `${' '.repeat(20)}\`openssl s_client -connect cloud.example.com:8883\``, `${' '.repeat(30)}now`]);
  });

  it('a command wider than the terminal becomes a shell command over lines joined by ` \\`', () => {
    const command = 'openssl x509 -req -in lampi_server.csr -CA lampi_ca.crt -CAkey lampi_ca.key -CAcreateserial -days 365 -extfile server.ext -addext "subjectAltName = DNS:x"';
    const lines = wrapLines(`re-issue it: \`${command}\`, then restart mosquitto`, 80, ' '.repeat(25), ' '.repeat(25));
    for (const line of lines) expect(visibleLength(line)).toBeLessThanOrEqual(80);
    const block = lines.filter((line) => line.startsWith('    ') && !line.startsWith(' '.repeat(25)));
    expect(block.slice(0, -1).every((line) => line.endsWith(' \\'))).toBe(true);
    expect(block.map((line) => line.replace(/ \\$/, '').trim()).join(' ')).toBe(command);
    expect(lines.join('\n')).not.toContain('`');
  });

  it('width 0 does not wrap', () => {
    expect(wrapLines(HINT, 0, 'fix: ', '  ')).toEqual([`fix: ${HINT}`]);
  });

  it('any text: every line fits unless it is one word that cannot, and no word is lost or split', () => {
    const word = fc.oneof(fc.stringMatching(/^[a-z:/.,-]{1,12}$/), fc.stringMatching(/^`[a-z ./>-]{1,40}`$/));
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 40 }), fc.integer({ min: 30, max: 140 }), (words, width) => {
        const text = words.join(' ');
        const lines = wrapLines(text, width, '        ', '        ');
        for (const line of lines) expect(visibleLength(line) <= width || line.trim().split(' ').length === 1).toBe(true);
        // Nothing lost: the words come back in order (a command too wide comes back without its backticks).
        expect(lines.map((line) => line.replace(/ \\$/, '').trim()).join(' ').replace(/`/g, '')).toBe(text.replace(/`/g, ''));
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('shortenPath', () => {
  it('keeps both ends and cuts the middle', () => {
    const path = '/tmp/lampi-lab-Fy3kQz/very/deep/folder/structure/cloud/mosquitto.conf';
    const short = shortenPath(path, 40);
    expect(short.length).toBeLessThanOrEqual(40);
    expect(short).toMatch(/^\/tmp.*\/…\/.*mosquitto\.conf$/);
    expect(shortenPath(path, 200)).toBe(path);
    expect(shortenPath(path, 0)).toBe(path);
  });
});

describe('shellLines and fitLine', () => {
  it('breaks a command with ` \\` continuations, never inside a word', () => {
    const words = ['lampi-doctor', 'cloud.lampi.test', '--port', '35001', '--resolve', 'cloud.lampi.test:127.0.0.2', '--ca', '/tmp/lampi-lab-abc/ca.crt', '--cert', '/tmp/lampi-lab-abc/client.crt'];
    const lines = shellLines(words, 50, '  ', '      ');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(50);
    expect(lines.slice(0, -1).every((line) => line.endsWith(' \\'))).toBe(true);
    expect(lines.map((line) => line.replace(/ \\$/, '').trim()).join(' ')).toBe(words.join(' '));
  });

  it('cuts a status line to the width', () => {
    expect(fitLine('Diagnosing the "healthy" lab: tls.chain, tls.hostname, tls.validity +5 more (3 done)', 40)).toHaveLength(40);
  });
});
