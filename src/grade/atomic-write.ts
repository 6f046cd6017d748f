// Reports written while a run goes on: a reader (or an interrupt) only ever sees a whole file, the
// previous version or the next, never half of one.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync, writevSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** At most this many pieces per writev (the kernel's IOV_MAX is 1024). */
const IOV_BATCH = 1024;

/** Writes the pieces in order with vectored writes: kept bytes (a student's report) are never joined or re-encoded. */
function writeChunks(fd: number, chunks: readonly (string | Uint8Array)[]): void {
  for (let from = 0; from < chunks.length; from += IOV_BATCH) {
    const batch = chunks.slice(from, from + IOV_BATCH).map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    const size = batch.reduce((sum, chunk) => sum + chunk.byteLength, 0);
    let written = writevSync(fd, batch);
    // A short write (rare on files): the rest, from where it stopped.
    while (written < size) written += writeSync(fd, Buffer.concat(batch).subarray(written));
  }
}

/**
 * Writes `text` to a new temporary file beside `path`, then renames it over `path`. `mode` 0600 for a
 * file that names key material. `durable` (the default) syncs the data to disk before the rename, so
 * even a power cut leaves the old or the new file; a version that the next one soon replaces (a
 * report's progress) may skip it: the rename alone keeps readers and a killed process from ever
 * seeing half a file.
 */
export function writeFileAtomically(path: string, text: string | readonly (string | Uint8Array)[], mode = 0o644, durable = true): void {
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
    if (durable) fsyncSync(fd);
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
