// Two ways to read a command line must agree: the quick ones (quick-answer.ts in the command itself,
// quick-args.ts for a plain diagnosis) and yargs. Whenever a quick parser answers, yargs answers the
// same; whenever yargs would refuse a command line, the quick parser leaves it to yargs (or refuses it
// in the same words). Fixed seeds, so a failure reproduces.
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import packageJson from '../../package.json';
import { protectSecrets } from '../../src/cli/arg-checks.js';
import { DIAGNOSIS_OPTIONS, reportOptionTable } from '../../src/cli/options.js';
import { quickParse } from '../../src/cli/quick-args.js';
import { HELP_COMMANDS, quickAnswer } from '../../src/cli/quick-answer.js';
import { buildParser } from '../../src/cli/yargs-app.js';
import { CLI } from '../helpers/cli.js';

const OPTIONS = [...reportOptionTable(), ...DIAGNOSIS_OPTIONS];
const camel = (key: string) => key.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

type Outcome = { ok: true; argv: Record<string, unknown>; output: string } | { ok: false; message: string };

/** What yargs makes of a command line (after the secrets are joined, as runCli does), output captured. */
function yargsParse(raw: readonly string[]): Promise<Outcome> {
  const { args } = protectSecrets(raw);
  return new Promise((done) => {
    try {
      buildParser(args).parse(args, {}, (error: Error | undefined, argv: Record<string, unknown>, output: string) => {
        done(error ? { ok: false, message: error.message } : { ok: true, argv, output });
      });
    } catch (error) {
      done({ ok: false, message: (error as Error).message });
    }
  });
}

/** The fields the commands read: the positionals and every option under its camelCase name. */
function fields(argv: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { _: argv._, fqdn: argv.fqdn };
  for (const option of OPTIONS) if (argv[camel(option.key)] !== undefined) out[camel(option.key)] = argv[camel(option.key)];
  return out;
}

const flags = OPTIONS.flatMap((option) => [`--${option.key}`, ...(option.alias ? [`-${option.alias}`] : [])]);
const values = ['cloud.example.com', '203.0.113.7', 'a:b', 'x.pem', '5', '0', '08', '-1', '1.5', '1e3', 'abc', '', 'true', 'false', 'json', 'human', 'junit', 'csv', 'warn', 'fail', '3.1.1', '5.0', '/tmp', '/mqtt', '/nonexistent/dir/out.json', 'lab', 'grade', 'explain', '-', '--', 'tls.chain', 'wss', 'bridge'];
const word = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...flags) },
  { weight: 4, arbitrary: fc.constantFrom(...values) },
  { weight: 1, arbitrary: fc.constantFrom('--no-color', '--no-verbose', '--no-port', '-vu', '-p5', '--help', '-h', '--version', '-V', '--bogus', '--wssPort', '--color=true') },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...flags.filter((flag) => flag.startsWith('--'))), fc.constantFrom(...values)).map(([flag, value]) => `${flag}=${value}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);
/** Mostly what a diagnosis looks like: a name first, then flags and values. */
const commandLine = fc.oneof(fc.tuple(fc.constantFrom('cloud.example.com', '203.0.113.7'), fc.array(word, { maxLength: 8 })).map(([name, rest]) => [name, ...rest]), fc.array(word, { maxLength: 8 }));

describe('quick-args reads a diagnosis as yargs does', () => {
  it('a plain command line gives the same arguments, with the defaults', async () => {
    const args = ['cloud.example.com', '--port', '8883', '--resolve', 'cloud.example.com:127.0.0.2', '--ca', 'ca.crt', '--only', 'tls', 'mqtt', '--format', 'json', '-v', '--no-color', '--password', '-secret'];
    const quick = quickParse(protectSecrets(args).args);
    const slow = await yargsParse(args);
    expect(slow.ok).toBe(true);
    expect(quick).toBeDefined();
    expect(fields(quick!)).toEqual(fields((slow as { argv: Record<string, unknown> }).argv));
    expect(quick).toMatchObject({ fqdn: 'cloud.example.com', port: 8883, only: ['tls', 'mqtt'], format: 'json', verbose: true, color: false, password: '-secret', timeout: 3000 });
  });

  it('for any command line: when quick-args answers, yargs accepts it and gives the same arguments', async () => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(commandLine, async (raw) => {
        const { args } = protectSecrets(raw);
        let quick: Record<string, unknown> | undefined;
        let refused: string | undefined;
        try {
          quick = quickParse(args);
        } catch (error) {
          refused = (error as Error).message;
        }
        const slow = await yargsParse(raw);
        if (refused !== undefined) {
          expect(slow).toEqual({ ok: false, message: refused });
          return;
        }
        if (!quick) return;
        answered += 1;
        expect(slow.ok, `yargs refused ${JSON.stringify(raw)}: ${slow.ok ? '' : slow.message}`).toBe(true);
        expect(fields(quick)).toEqual(fields((slow as { argv: Record<string, unknown> }).argv));
      }),
      { seed: 20261205, numRuns: 1500 },
    );
    expect(answered).toBeGreaterThan(100); // the generator does reach the quick path
  }, 120_000);
});

describe('the command answers --version and --help as yargs does, without loading it', () => {
  const quickOutput = (args: string[]) => execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

  it.each(HELP_COMMANDS)('%j --help is the text yargs prints', async (command) => {
    const args = command ? [command, '--help'] : ['--help'];
    const slow = await yargsParse(args);
    expect(slow.ok).toBe(true);
    const text = `${(slow as { output: string }).output}\n`;
    expect(quickOutput(args)).toBe(text);
    expect(quickOutput(command ? [command, '-h'] : ['-h'])).toBe(text);
  });

  it('for any command line: quick-answer answers only what yargs answers with that help or the version', async () => {
    const expected = new Map<string, string>();
    for (const command of HELP_COMMANDS) expected.set(command, ((await yargsParse(command ? [command, '--help'] : ['--help'])) as { output: string }).output);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(word, fc.constantFrom(...HELP_COMMANDS.filter(Boolean))), { maxLength: 3 }), async (raw) => {
        const answer = quickAnswer(raw);
        if (!answer) return;
        const slow = await yargsParse(raw);
        expect(slow.ok).toBe(true);
        const { argv, output } = slow as { argv: Record<string, unknown>; output: string };
        if (answer.kind === 'version') {
          expect(argv.version).toBe(true);
          expect(output).toBe(packageJson.version);
        } else {
          expect(argv.help).toBe(true);
          expect(output).toBe(expected.get(answer.command));
        }
      }),
      { seed: 20261205, numRuns: 500 },
    );
  });
});
