// Help that teaches: every command's --help has examples, and each example is a command line the
// parser accepts as it stands; exit codes and formats in help come from the tables the code uses.
import { describe, expect, it } from 'vitest';
import { parseOnly } from '../../src/cli/app.js';
import { EXAMPLES, EXIT_CODES, EXIT_ENVIRONMENT, FORMAT_HELP } from '../../src/cli/help.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../../src/engine/exit-code.js';
import { GRADE_FORMATS } from '../../src/reporters/grade.js';
import { FORMATS, LINT_FORMATS } from '../../src/reporters/index.js';
import { runCli } from '../helpers/cli.js';

const COMMANDS: [string, string[], readonly string[]][] = [
  ['diagnose', [], FORMATS],
  ['lab', ['lab'], FORMATS],
  ['grade', ['grade'], GRADE_FORMATS],
  ['lint', ['lint'], LINT_FORMATS],
  ['merge', ['merge'], GRADE_FORMATS],
];

/** The formats a help text lists under "Formats (--format):". */
function listedFormats(help: string): string[] {
  const block = help.split('Formats (--format):\n')[1]?.split('\n\n')[0] ?? '';
  return block.split('\n').map((line) => line.trim().split(/\s+/)[0]).filter(Boolean);
}

function listedExitCodes(help: string): number[] {
  const block = help.split('Exit codes:\n')[1]?.split('\n\n')[0] ?? '';
  return block.split('\n').filter((line) => line.trim()).map((line) => Number(line.trim().split(/\s+/)[0]));
}

describe('--help of every command', () => {
  it.each(COMMANDS)('%s --help: examples, its formats and the exit codes, from the code\'s tables', async (name, command, formats) => {
    const run = await runCli([...command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Examples:');
    for (const [example] of EXAMPLES[name]) {
      const shown = example.replace(/\$0/g, 'lampi-doctor');
      if (name !== 'diagnose') expect(run.stdout).toContain(shown);
    }
    expect(listedFormats(run.stdout)).toEqual([...formats]);
    expect(listedExitCodes(run.stdout)).toEqual(EXIT_CODES.map((entry) => entry.code));
  });

  it('the exit-code table holds every code the tool returns, and each format has a line', () => {
    expect(EXIT_CODES.map((entry) => entry.code)).toEqual([EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_ENVIRONMENT, 128 + 2, 128 + 15]); // SIGINT, SIGTERM
    for (const format of new Set([...FORMATS, ...GRADE_FORMATS, ...LINT_FORMATS])) expect(FORMAT_HELP[format]).toBeTruthy();
  });

  it('the top-level help shows the diagnose examples', async () => {
    const run = await runCli(['--help']);
    for (const [example] of EXAMPLES.diagnose) expect(run.stdout).toContain(example.replace(/\$0/g, 'lampi-doctor'));
  });
});

describe('every example is a command line the parser accepts', () => {
  const all = Object.entries(EXAMPLES).flatMap(([name, examples]) => examples.map(([example]) => [name, example] as const));
  it.each(all)('%s: %s', async (_name, example) => {
    const words = example
      .replace(/^([A-Z_]+=\S+ )+/, '') // an environment assignment in front
      .split(/\s+/)
      .slice(1); // $0
    const parsed = await parseOnly(words);
    expect(parsed.help).toBeFalsy();
  });
});
