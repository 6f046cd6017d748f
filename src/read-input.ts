// The one way the tool reads a file a user named: only regular files, never more than a cap per
// kind, and every problem in words that name the file. A FIFO, a device such as /dev/zero, a
// directory or a socket is refused without blocking: the file is opened non-blocking and checked
// with fstat before a single byte is read.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { UsageError } from './engine/types.js';
import { describeFsError } from './fs-errors.js';

const MiB = 1024 * 1024;

/** What a file is for decides how large it may be. Generous for real inputs, small enough to read at once. */
export const INPUT_CAPS = {
  /** Certificates, keys, CA bundles: a full system CA bundle is about 0.25 MiB. */
  pem: 2 * MiB,
  /** A class roster: thousands of rows fit in well under a megabyte. */
  roster: 8 * MiB,
  /** A rubric: points for a few dozen checks. */
  rubric: 1 * MiB,
  /** A grade report to merge: every check of every student of a shard, with evidence. */
  report: 64 * MiB,
  /** One Mosquitto configuration file (each file of an include_dir counts on its own). */
  config: 4 * MiB,
  /** A passphrase file (--key-passphrase-file): one line. */
  secret: 64 * 1024,
} as const;

export type InputKind = keyof typeof INPUT_CAPS;

const KIND_WORDS: Record<InputKind, string> = {
  pem: 'certificate or key file',
  roster: 'roster',
  rubric: 'rubric',
  report: 'grade report',
  config: 'configuration file',
  secret: 'passphrase file',
};

/** A problem reading an input: `message` names the file; lint turns it into a finding, commands into exit 2. */
export class InputFileError extends UsageError {
  constructor(
    where: string,
    /** What is wrong, without the file's name: "it is a named pipe (FIFO), not a regular file". */
    readonly detail: string,
    readonly path: string,
    readonly reason: 'missing' | 'unreadable' | 'not-regular' | 'too-large',
  ) {
    super(reason === 'too-large' ? `${where}: ${detail}` : `cannot read ${where}: ${detail}`);
  }
}

function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

function size(bytes: number): string {
  return bytes >= MiB ? `${(bytes / MiB).toFixed(1).replace(/\.0$/, '')} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

/**
 * Reads a whole regular file. `label` is how the message names it ("--ca", "roster", "merge:" ...; '' for the path alone).
 * Throws InputFileError (a UsageError: exit 2) for anything else.
 */
export function readInputFile(path: string, kind: InputKind, label: string): Buffer {
  const cap = INPUT_CAPS[kind];
  const where = label ? `${label} ${path}` : path;
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO without a writer returns at once instead of waiting for one.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENXIO') throw new InputFileError(where, 'it is a socket or a device, not a regular file', path, 'not-regular');
    throw new InputFileError(where, describeFsError(error), path, code === 'ENOENT' ? 'missing' : 'unreadable');
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new InputFileError(where, `it is ${kindOf(stat)}, not a regular file`, path, 'not-regular');
    if (stat.size > cap) {
      throw new InputFileError(where, `${size(stat.size)} is too large for a ${KIND_WORDS[kind]} (at most ${size(cap)})`, path, 'too-large');
    }
    // Read until end of file, but never past the cap: a file that grows while we read is refused too.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(Math.max(stat.size - total, 64 * 1024), cap + 1 - total));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > cap) throw new InputFileError(where, `more than ${size(cap)}, too large for a ${KIND_WORDS[kind]}`, path, 'too-large');
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    throw new InputFileError(where, describeFsError(error), path, 'unreadable');
  } finally {
    closeSync(fd);
  }
}

/** The same as text. `latin1` keeps every byte (PEM, DER sniffing); `utf8` for JSON and CSV. */
export function readInputText(path: string, kind: InputKind, label: string, encoding: 'utf8' | 'latin1' = 'utf8'): string {
  return readInputFile(path, kind, label).toString(encoding);
}

/** For callers that collect problems instead of stopping (config lint): the text, or why not. */
export function tryReadInputText(
  path: string,
  kind: InputKind,
  label: string,
  encoding: 'utf8' | 'latin1' = 'utf8',
): { text: string; error?: undefined } | { text?: undefined; error: InputFileError } {
  try {
    return { text: readInputText(path, kind, label, encoding) };
  } catch (error) {
    if (error instanceof InputFileError) return { error };
    throw error;
  }
}
