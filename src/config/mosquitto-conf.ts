// Mosquitto configuration, read as Mosquitto reads it: one option per line, `#` comments, options
// after `listener` or `connection` belonging to that block. Every entry keeps its file and line.
import { readInputText } from '../read-input.js';

export interface ConfEntry {
  file: string;
  line: number;
  key: string;
  args: string[];
}

export interface TopicMapping {
  file: string;
  line: number;
  pattern: string;
  direction: 'in' | 'out' | 'both';
  qos: number;
  localPrefix: string;
  remotePrefix: string;
}

export interface BridgeConnection {
  name: string;
  file: string;
  line: number;
  options: ConfEntry[];
  address?: ConfEntry;
  remoteClientId?: string;
  topics: TopicMapping[];
}

/**
 * Splits a line into words; a word that is exactly "" is the empty word, as in
 * `topic x both 1 "" devices/a/`. Any other quotes are kept: Mosquitto 2.0.11 takes them literally
 * (`''` and `"devices/a/"` are prefixes with quote characters in them; src/conf.c).
 */
export function tokenize(text: string): string[] {
  return (text.match(/\S+/g) ?? []).map((word) => (word === '""' ? '' : word));
}

/**
 * A topic line's prefix as its writer meant it: quotes dropped (`''` is the empty prefix), a trailing
 * '/' added. Mosquitto itself keeps the quotes and adds no '/' (devices/a maps lamp/x to devices/alamp/x).
 */
export function intendedPrefix(prefix: string): string {
  const bare = prefix.replace(/["']/g, '');
  return bare === '' || bare.endsWith('/') ? bare : `${bare}/`;
}

export function parseConf(text: string, file: string): ConfEntry[] {
  const entries: ConfEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (!trimmed || trimmed.startsWith('#')) return;
    const [key, ...args] = tokenize(trimmed);
    entries.push({ file, line: index + 1, key, args });
  });
  return entries;
}

/**
 * What Mosquitto reads differently from how this tool's tokenizer does (both only facts): a UTF-8
 * byte order mark before the first option, a tab on a line (Mosquitto splits words at spaces only,
 * so a tab joins the words around it), and a comment line indented with spaces (only a `#` in the
 * first column starts a comment; after spaces Mosquitto reads `#` as an option name).
 */
export interface LayoutFact {
  file: string;
  line: number;
  kind: 'byte-order-mark' | 'tab' | 'indented-comment';
  /** The line as Mosquitto reads it (without its line end). */
  text: string;
}

export function scanLayout(text: string, file: string): LayoutFact[] {
  const facts: LayoutFact[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (line === 1 && raw.startsWith('\ufeff')) {
      facts.push({ file, line, kind: 'byte-order-mark', text: raw });
      return;
    }
    // Mosquitto skips a line whose first character is `#` or that is empty, and nothing else.
    if (raw === '' || raw.startsWith('#')) return;
    if (raw.includes('\t')) facts.push({ file, line, kind: 'tab', text: raw });
    else if (raw.trimStart().startsWith('#')) facts.push({ file, line, kind: 'indented-comment', text: raw });
  });
  return facts;
}

export function readConf(path: string, flag: string): ConfEntry[] {
  return parseConf(readInputText(path, 'config', flag), path);
}

export function parseTopic(entry: ConfEntry): TopicMapping {
  const [pattern = '', direction = 'out', qos = '0', localPrefix = '', remotePrefix = ''] = entry.args;
  return {
    file: entry.file,
    line: entry.line,
    pattern,
    direction: (['in', 'out', 'both'].includes(direction) ? direction : 'out') as TopicMapping['direction'],
    qos: Number(qos),
    localPrefix,
    remotePrefix,
  };
}

export function bridgeConnections(entries: readonly ConfEntry[]): BridgeConnection[] {
  const bridges: BridgeConnection[] = [];
  let current: BridgeConnection | undefined;
  for (const entry of entries) {
    if (entry.key === 'connection') {
      current = { name: entry.args[0] ?? '', file: entry.file, line: entry.line, options: [], topics: [] };
      bridges.push(current);
      continue;
    }
    if (entry.key === 'listener') current = undefined;
    if (!current) continue;
    current.options.push(entry);
    if (entry.key === 'address' || entry.key === 'addresses') current.address = entry;
    if (entry.key === 'remote_clientid' || entry.key === 'clientid') current.remoteClientId = entry.args[0];
    if (entry.key === 'topic') current.topics.push(parseTopic(entry));
  }
  return bridges;
}
