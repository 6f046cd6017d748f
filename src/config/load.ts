// Loads Mosquitto configuration as the broker does: each file in order, `include_dir` expanded in
// place with its *.conf files in name order. Only reads; problems are collected, not thrown.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describeFsError } from '../fs-errors.js';
import { tryReadInputText } from '../read-input.js';
import { parseConf, type ConfEntry } from './mosquitto-conf.js';

export interface LoadProblem {
  file: string;
  line: number;
  kind: 'missing' | 'unreadable' | 'include-missing' | 'include-loop';
  message: string;
}

export interface LoadedConfig {
  /** The files read, in the order Mosquitto reads them. */
  files: string[];
  entries: ConfEntry[];
  problems: LoadProblem[];
}


export function loadConfig(paths: readonly string[]): LoadedConfig {
  const loaded: LoadedConfig = { files: [], entries: [], problems: [] };
  const visiting = new Set<string>();

  const readFile = (path: string, from?: { file: string; line: number }) => {
    const absolute = resolve(path);
    if (visiting.has(absolute)) {
      loaded.problems.push({ file: from?.file ?? absolute, line: from?.line ?? 0, kind: 'include-loop', message: `${absolute} includes itself` });
      return;
    }
    // Regular files only, under the config cap: a FIFO or /dev/zero named by include_dir never blocks.
    const { text, error } = tryReadInputText(absolute, 'config', '');
    if (error) {
      const kind = error.reason === 'missing' ? 'missing' : 'unreadable';
      loaded.problems.push({ file: from?.file ?? absolute, line: from?.line ?? 0, kind, message: error.message });
      return;
    }
    visiting.add(absolute);
    loaded.files.push(absolute);
    for (const entry of parseConf(text, absolute)) {
      loaded.entries.push(entry);
      if (entry.key === 'include_dir' && entry.args[0]) includeDir(entry.args[0], entry);
    }
    visiting.delete(absolute);
  };

  const includeDir = (dir: string, entry: ConfEntry) => {
    let names: string[];
    try {
      if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      names = readdirSync(dir);
    } catch (error) {
      loaded.problems.push({ file: entry.file, line: entry.line, kind: 'include-missing', message: `include_dir ${dir}: ${describeFsError(error)}` });
      return;
    }
    // Mosquitto loads *.conf files of the folder in (byte-wise) name order.
    for (const name of names.filter((n) => n.endsWith('.conf')).sort()) readFile(join(dir, name), entry);
  };

  for (const path of paths) readFile(path);
  return loaded;
}
