// Loads Mosquitto configuration as the broker does: each file in order, `include_dir` expanded in
// place with its *.conf files in name order. Mosquitto honours include_dir in the main file only
// (2.0 ignores it in included files, 2.1 refuses to start), so the expansion is one level deep and
// each file is read at most once however folders fan out. Only reads; problems are collected.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describeFsError } from '../fs-errors.js';
import { parseConf, type ConfEntry } from './mosquitto-conf.js';

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
}

/** The one place a config file's text is read (the inputs' safe reader can replace it). */
function readConfigText(path: string): string {
  const stat = statSync(path);
  // A FIFO or device would block forever; Mosquitto configs are small.
  if (!stat.isFile()) throw Object.assign(new Error('not a regular file'), { code: stat.isDirectory() ? 'EISDIR' : 'not a regular file (a FIFO or device?)' });
  if (stat.size > MAX_CONFIG_BYTES) throw Object.assign(new Error('too large'), { code: `too large (${stat.size} bytes; the limit is ${MAX_CONFIG_BYTES})` });
  return readFileSync(path, 'utf8');
}

const MAX_CONFIG_BYTES = 64 << 20;

function identity(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

export function loadConfig(paths: readonly string[]): LoadedConfig {
  const loaded: LoadedConfig = { files: [], entries: [], problems: [] };
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
    let text: string;
    try {
      text = readConfigText(absolute);
    } catch (error) {
      const kind = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
      loaded.problems.push({ file: from?.file ?? absolute, line: from?.line ?? 0, kind, message: `cannot read ${absolute}: ${describeFsError(error)}` });
      return;
    }
    seen.set(real, absolute);
    loaded.files.push(absolute);
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
