// The answers a command line can get without loading the tool: `--version`, and `--help` of the tool
// or of one command, as yargs printed them when the bundle was built (scripts/build.mjs). Only the
// plainest shapes qualify; anything else goes to the parser. test/cli/quick-args.test.ts holds these
// answers to what yargs prints for the same command line.

/** Commands with a help text of their own; '' is the tool's. */
export const HELP_COMMANDS = ['', 'lab', 'grade', 'lint', 'explain', 'serve', 'merge'] as const;
export type HelpCommand = (typeof HELP_COMMANDS)[number];

export type QuickAnswer = { kind: 'version' } | { kind: 'help'; command: HelpCommand };

const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h';
const isVersion = (arg: string | undefined) => arg === '--version' || arg === '-V';

/** `--version`, `--help`, `COMMAND --help`; undefined for every other command line. */
export function quickAnswer(args: readonly string[]): QuickAnswer | undefined {
  if (args.length === 1 && isVersion(args[0])) return { kind: 'version' };
  if (args.length === 1 && isHelp(args[0])) return { kind: 'help', command: '' };
  if (args.length === 2 && isHelp(args[1]) && args[0] !== '' && (HELP_COMMANDS as readonly string[]).includes(args[0])) {
    return { kind: 'help', command: args[0] as HelpCommand };
  }
  return undefined;
}
