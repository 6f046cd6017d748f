// A diagnosis's command line parsed without yargs (whose loading and set-up cost more than the
// parsing): only plain command lines, from the same option table yargs is built from (options.ts).
// Anything this parser is not sure of (an unknown or repeated flag, a value that is not plainly a
// number or one of its choices, a command, `--`, `-abc`) is left to yargs, which says what is wrong.
// test/cli/quick-args.test.ts checks that both parsers read the same command lines the same way.
import { FOLDER_FORMATS } from './help.js';
import { DIAGNOSIS_OPTIONS, reportOptionTable, type OptionSpec } from './options.js';
import { checkOutput } from './output.js';

/** First words yargs reads as a command, not as a broker's name. */
const COMMANDS = new Set(['lab', 'grade', 'lint', 'explain', 'serve', 'merge']);

const OPTIONS: readonly OptionSpec[] = [...reportOptionTable(), ...DIAGNOSIS_OPTIONS];
const BY_FLAG = new Map<string, OptionSpec>();
for (const option of OPTIONS) {
  BY_FLAG.set(`--${option.key}`, option);
  if (option.alias) BY_FLAG.set(option.alias.length === 1 ? `-${option.alias}` : `--${option.alias}`, option);
}

const camel = (key: string) => key.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** A value as yargs would store it, or undefined when yargs might read it otherwise. */
function value(option: OptionSpec, word: string, joined: boolean): string | number | undefined {
  // `--password=-x` is the value "-x" (secrets arrive joined, from protectSecrets); `--ca -x` is two flags.
  if (word === '' || (!joined && word.startsWith('-'))) return undefined;
  let parsed: string | number = word;
  if (option.type === 'number') {
    if (!/^(0|[1-9][0-9]{0,14})$/.test(word)) return undefined;
    parsed = Number(word);
  } else if (option.type === 'boolean' || (option.type === undefined && !option.choices)) {
    return undefined;
  }
  if (option.choices && !option.choices.includes(parsed)) return undefined;
  return parsed;
}

/**
 * The arguments of `lampi-doctor <fqdn> [options]` as yargs would give them to the diagnosis (the
 * camelCase names, defaults filled in), or undefined when the command line is not plainly one.
 * Throws as yargs' checks would for an --output that cannot be written.
 */
export function quickParse(args: readonly string[]): Record<string, unknown> | undefined {
  const given = new Map<OptionSpec, unknown>();
  let fqdn: string | undefined;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (!arg.startsWith('-')) {
      if (fqdn !== undefined || COMMANDS.has(arg) || arg === '' || arg.includes('=')) return undefined;
      fqdn = arg;
      continue;
    }
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = equals > 0 ? arg.slice(0, equals) : arg;
    const negated = flag.startsWith('--no-') ? BY_FLAG.get(`--${flag.slice(5)}`) : undefined;
    const option = negated?.type === 'boolean' ? negated : BY_FLAG.get(flag);
    if (!option || given.has(option)) return undefined;
    if (option.type === 'boolean') {
      // `--verbose true` and `--verbose=false` are yargs' to read.
      if (equals > 0 || args[i + 1] === 'true' || args[i + 1] === 'false') return undefined;
      given.set(option, option !== negated);
      continue;
    }
    if (negated) return undefined;
    if (option.array) {
      // An array takes every word up to the next flag, as yargs does (after `--only=a` too).
      const words = equals > 0 ? [arg.slice(equals + 1)] : [];
      while (i + 1 < args.length && !args[i + 1].startsWith('-')) words.push(args[++i]);
      const values = words.map((word, index) => value(option, word, equals > 0 && index === 0));
      if (!values.length || values.some((v) => v === undefined)) return undefined;
      given.set(option, values);
      continue;
    }
    const word = equals > 0 ? arg.slice(equals + 1) : args[++i];
    const parsed = word === undefined ? undefined : value(option, word, equals > 0);
    if (parsed === undefined) return undefined;
    given.set(option, parsed);
  }
  if (fqdn === undefined) return undefined;
  const parsed: Record<string, unknown> = { _: [], fqdn };
  for (const option of OPTIONS) {
    const chosen = given.has(option) ? given.get(option) : option.default;
    if (chosen !== undefined) parsed[camel(option.key)] = chosen;
  }
  // The one check of yargs' middleware a plain command line can fail.
  if (typeof parsed.output === 'string') checkOutput(parsed.output, FOLDER_FORMATS.has(String(parsed.format)));
  return parsed;
}
