// Reports written while a run goes on: a reader (or an interrupt) only ever sees a whole file, the
// previous version or the next, never half of one.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Writes the pieces in order, gathered into writes of about a megabyte. */
function writeChunks(fd: number, chunks: readonly string[]): void {
  let batch: string[] = [];
  let size = 0;
  const flush = () => {
    if (batch.length > 0) writeSync(fd, batch.join(''));
    batch = [];
    size = 0;
  };
  for (const chunk of chunks) {
    batch.push(chunk);
    size += chunk.length;
    if (size >= 1 << 20) flush();
  }
  flush();
}

/** Writes `text` to a new temporary file beside `path`, then renames it over `path`. */
/** `mode` 0600 for a file that names key material. */
export function writeFileAtomically(path: string, text: string | readonly string[], mode = 0o644): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  // Exclusive creation: a name someone planted (a symlink) is never written through.
  let fd: number;
  try {
    fd = openSync(temporary, 'wx', mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    unlinkSync(temporary); // left by a killed run with this pid; unlink removes a link, not its target
    fd = openSync(temporary, 'wx', mode);
  }
  try {
    // Pieces (a class's JSON report, a student at a time) are written in turn, never joined first.
    if (typeof text === 'string') writeSync(fd, text);
    else writeChunks(fd, text);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temporary);
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temporary, path);
  } catch (error) {
    unlinkSync(temporary);
    throw error;
  }
}
