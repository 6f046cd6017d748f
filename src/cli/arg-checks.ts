// Checks yargs cannot phrase: a flag given twice, a number that is not one, a flag without its value.
// They apply to every option of every command, so a new option is covered without a line here.
import { UsageError } from '../engine/types.js';

/** Options whose values are secrets: never echoed, and taken verbatim even when they start with "-". */
export const SECRET_OPTIONS = ['key-passphrase', 'password'] as const;
const SECRET_FLAGS = new Map<string, string>([
  ['--key-passphrase', 'key-passphrase'],
  ['--password', 'password'],
  ['-P', 'password'],
]);

export interface YargsOptions {
  array: string[];
  boolean: string[];
  number: string[];
  string: string[];
  alias: Record<string, string[]>;
  key: Record<string, unknown>;
}

/**
 * `--key-passphrase -x` would otherwise be read as the flag `-x` (and echoed in "Unknown argument: x"):
 * join every secret flag to its value so the parser takes it as it is. Returns the values too, so
 * that any message can be scrubbed of them.
 */
export function protectSecrets(args: readonly string[]): { args: string[]; secrets: string[] } {
  const out: string[] = [];
  const secrets: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (arg === '--') {
      out.push(...args.slice(i));
      break;
    }
    const name = SECRET_FLAGS.get(arg);
    if (name && i + 1 < args.length) {
      secrets.push(args[i + 1]);
      rememberSecret(args[i + 1]);
      out.push(`--${name}=${args[i + 1]}`);
      i += 1;
      continue;
    }
    const joined = /^(--key-passphrase|--password|-P)=(.*)$/s.exec(arg);
    if (joined) {
      secrets.push(joined[2]);
      rememberSecret(joined[2]);
    }
    out.push(arg);
  }
  return { args: out, secrets };
}

const knownSecrets = new Set<string>();

/** A secret this process holds (from a flag, a file or the environment): no message may show it. */
export function rememberSecret(value: string): void {
  if (value) knownSecrets.add(value);
}

/** Replaces every known secret in a message by "***". */
export function redact(message: string, secrets: readonly string[] = []): string {
  let text = message;
  const all = [...secrets, ...knownSecrets].filter(Boolean).sort((a, b) => b.length - a.length);
  for (const secret of all) text = text.split(secret).join('***');
  return text;
}

/** The words the user typed for a flag: `--port abc` -> "abc", to quote it back. */
function typed(args: readonly string[], names: readonly string[]): string[] {
  const values: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    for (const name of names) {
      const flag = name.length === 1 ? `-${name}` : `--${name}`;
      if (args[i] === flag && i + 1 < args.length) values.push(args[i + 1]);
      else if (args[i].startsWith(`${flag}=`)) values.push(args[i].slice(flag.length + 1));
      else if (name.length === 1 && args[i].startsWith(flag) && args[i].length > 2 && !args[i].startsWith('--')) values.push(args[i].slice(2));
    }
  }
  return values;
}

const flagName = (key: string) => (key.length === 1 ? `-${key}` : `--${key}`);

/** Throws a UsageError, in words, for the first flag whose value is repeated, missing or not a number. */
export function checkArgs(argv: Record<string, unknown>, options: YargsOptions, args: readonly string[]): void {
  const secret = new Set<string>(SECRET_OPTIONS);
  for (const key of Object.keys(options.key)) {
    if (!(key in argv)) continue;
    const value = argv[key];
    const names = [key, ...(options.alias[key] ?? [])];
    const flag = flagName(key);
    if (Array.isArray(value) && !options.array.includes(key) && !options.boolean.includes(key)) {
      const shown = secret.has(key) ? '' : ` (${typed(args, names).join(' and ') || value.join(' and ')})`;
      throw new UsageError(`${flag} is given ${value.length} times${shown}: give it once`);
    }
    if (options.number.includes(key) && typeof value === 'number' && Number.isNaN(value)) {
      const word = typed(args, names)[0];
      throw new UsageError(word === undefined || word.startsWith('-') ? `${flag} needs a number` : `${flag} must be a number, not "${word}"`);
    }
    if (options.string.includes(key) && !options.array.includes(key) && value === '' && !typed(args, names).includes('')) {
      throw new UsageError(`${flag} needs a value`);
    }
  }
}

/** The options the user typed (canonical long names), as opposed to ones holding their defaults. */
export function givenOptions(args: readonly string[], options: YargsOptions): Set<string> {
  // Each name maps to the longest of its aliases: -p -> port, -P -> password.
  const canonical = new Map<string, string>();
  for (const key of Object.keys(options.key)) {
    const names = [key, ...(options.alias[key] ?? [])];
    const longest = names.reduce((a, b) => (b.length > a.length ? b : a));
    for (const name of names) if ((canonical.get(name) ?? '').length < longest.length) canonical.set(name, longest);
  }
  const given = new Set<string>();
  for (const arg of args) {
    if (arg === '--') break;
    const long = /^--(?:no-)?([^=]+)/.exec(arg);
    if (long) {
      given.add(canonical.get(long[1]) ?? long[1]);
      continue;
    }
    if (/^-[a-zA-Z]+$/.test(arg)) for (const letter of arg.slice(1)) given.add(canonical.get(letter) ?? letter);
  }
  return given;
}
