// Loads Mosquitto configuration as the broker does: each file in order, `include_dir` expanded in
// place with its *.conf files in name order. Mosquitto honours include_dir in the main file only
// (2.0 ignores it in included files, 2.1 refuses to start), so the expansion is one level deep and
// each file is read at most once however folders fan out. Only reads; problems are collected.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describeFsError } from '../fs-errors.js';
import { tryReadInputText } from '../read-input.js';
import { parseConf, scanLayout, type ConfEntry, type LayoutFact } from './mosquitto-conf.js';

export interface LoadProblem {
  file: string;
  line: number;
  kind: 'missing' | 'unreadable' | 'include-missing' | 'include-loop' | 'include-nested';
  message: string;
}

export interface LoadedConfig {
  /** The files read, in the order Mosquitto reads them. */
  files: string[];
  entries: ConfEntry[];
  problems: LoadProblem[];
  /** Lines Mosquitto reads otherwise than they look: a byte order mark, tabs, indented comments. */
  layout: LayoutFact[];
}

function identity(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

export function loadConfig(paths: readonly string[]): LoadedConfig {
  const loaded: LoadedConfig = { files: [], entries: [], problems: [], layout: [] };
  const seen = new Map<string, string>();

  const readFile = (path: string, level: number, from?: { file: string; line: number }) => {
    const absolute = resolve(path);
    const real = identity(absolute);
    const earlier = seen.get(real);
    if (earlier !== undefined) {
      const again = earlier === absolute ? absolute : `${absolute} (a link to ${earlier})`;
      const message = `${again} would be read a second time${from ? ': the include_dir folder holds a file already read' : ''}`;
      loaded.problems.push({ file: from?.file ?? absolute, line: from?.line ?? 0, kind: 'include-loop', message });
      return;
    }
    // Regular files only, under the config cap: a FIFO or /dev/zero named by include_dir never blocks.
    const { text, error } = tryReadInputText(absolute, 'config', '');
    if (error) {
      const kind = error.reason === 'missing' ? 'missing' : 'unreadable';
      loaded.problems.push({ file: from?.file ?? absolute, line: from?.line ?? 0, kind, message: error.message });
      return;
    }
    seen.set(real, absolute);
    loaded.files.push(absolute);
    loaded.layout.push(...scanLayout(text, absolute));
    for (const entry of parseConf(text, absolute)) {
      loaded.entries.push(entry);
      if (entry.key !== 'include_dir' || !entry.args[0]) continue;
      if (level === 0) includeDir(entry.args.join(' '), entry);
      else loaded.problems.push({ file: entry.file, line: entry.line, kind: 'include-nested', message: `include_dir ${entry.args.join(' ')} is in an included file: Mosquitto reads include_dir in the main configuration file only` });
    }
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
    for (const name of names.filter((n) => n.endsWith('.conf')).sort()) readFile(join(dir, name), 1, entry);
  };

  for (const path of paths) readFile(path, 0);
  return loaded;
}
