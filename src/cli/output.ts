// One rule for every command's output: with --output, the file gets the chosen format (plain) and
// the terminal the human report; without it, stdout gets the chosen format.
import { accessSync, closeSync, constants, fchmodSync, openSync, statSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../engine/types.js';
import { describeFsError } from '../fs-errors.js';

/**
 * Whether --output can be written, asked before any work (a class graded for an hour, then EROFS).
 * `folderAllowed`: the format writes a file per student into a folder given as DIR/ (or an existing one).
 */
export function checkOutput(output: string, folderAllowed = false): void {
  if (folderAllowed && (/[\\/]$/.test(output) || isDirectory(output))) {
    // The command creates the folder: its nearest existing parent must be writable.
    let folder = resolve(output);
    while (!isDirectory(folder) && dirname(folder) !== folder) folder = dirname(folder);
    try {
      accessSync(folder, constants.W_OK);
    } catch (error) {
      throw new UsageError(`--output ${output}: cannot write into ${folder}: ${describeFsError(error)}`);
    }
    return;
  }
  const path = resolve(output);
  const folder = dirname(path);
  let folderStat;
  try {
    folderStat = statSync(folder);
  } catch (error) {
    throw new UsageError(`--output ${output}: the folder ${folder} ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist (create it first)' : `cannot be read: ${describeFsError(error)}`}`);
  }
  if (!folderStat.isDirectory()) throw new UsageError(`--output ${output}: ${folder} is not a folder`);
  let existing;
  try {
    existing = statSync(path);
  } catch {
    existing = undefined;
  }
  if (existing?.isDirectory()) throw new UsageError(`--output ${output} is a folder: give a file name inside it, e.g. ${output.replace(/\/?$/, '/report.json')}`);
  try {
    accessSync(existing ? path : folder, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EROFS' ? 'the file system is read-only' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : describeFsError(error);
    throw new UsageError(`--output ${output}: cannot write ${existing ? 'the file' : `into ${folder}`}: ${why}`);
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Writes FILE; 0600 when it names key material, so other local users cannot read it. */
export function writeOutputFile(path: string, text: string, sensitive: boolean): void {
  const fd = openSync(path, 'w', sensitive ? 0o600 : 0o644);
  try {
    if (sensitive) fchmodSync(fd, 0o600); // an existing file keeps its mode otherwise
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

export interface DeliverOptions {
  /** The report names key material (a --key, a lab's keys): the file is created 0600. */
  sensitive?: boolean;
}

export function deliver<F extends string>(render: (format: F | 'human', color: boolean) => string, format: F, output: string | undefined, color: boolean, options: DeliverOptions = {}): void {
  if (!output) {
    process.stdout.write(render(format, color));
    return;
  }
  try {
    writeOutputFile(output, render(format, false), options.sensitive ?? false);
  } catch (error) {
    throw new UsageError(`cannot write --output ${output}: ${describeFsError(error)}`);
  }
  process.stdout.write(render('human', color));
}
