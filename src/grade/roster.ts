// A class roster: CSV with a header row. Columns override the command's flags per student; a bad row
// becomes that student's error (with its line number), never the end of the run.
import { dirname, isAbsolute, resolve } from 'node:path';
import { UsageError } from '../engine/types.js';
import type { DiagnoseInput } from '../inputs.js';
import { readInputText } from '../read-input.js';

export const REQUIRED_COLUMNS = ['student', 'fqdn'] as const;
export const OPTIONAL_COLUMNS = ['port', 'wss_port', 'ca', 'cert', 'key', 'local', 'device_id', 'resolve'] as const;

export interface RosterRow {
  line: number;
  student: string;
  /** What this row sets; the command's flags fill the rest. */
  input: Partial<DiagnoseInput> & { target?: string };
  /** A problem found in the row itself. */
  error?: string;
}

/**
 * RFC 4180 records with the physical line each starts on; "" escapes a quote inside quotes. One pass
 * over the text. CRLF, LF and a lone CR each end a line, inside quotes too (for the line count).
 */
export function parseCsv(text: string, path = 'roster'): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let startLine = 1;
  const source = text.replace(/^\ufeff/, '');
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0].trim() !== '') records.push({ line: startLine, fields });
    fields = [];
    field = '';
  };
  for (let i = 0; i < source.length; i += 1) {
    const char = source[i];
    if (quoted) {
      if (char === '"' && source[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else {
        if (char === '\n' || (char === '\r' && source[i + 1] !== '\n')) line += 1;
        field += char;
      }
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && source[i + 1] === '\n') i += 1;
      endRecord();
      line += 1;
      startLine = line;
    } else field += char;
  }
  if (quoted) throw new UsageError(`roster ${path} line ${startLine}: a quoted field is never closed (a " without its closing ")`);
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}

/** A cell as a message quotes it: a 1 MB field is not echoed whole. */
const clip = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}...` : text);

function numberCell(value: string, column: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new Error(`${column} "${clip(value)}" is not a number`);
  return n;
}

export function readRoster(path: string): RosterRow[] {
  return parseRoster(readInputText(path, 'roster', 'roster'), path);
}

/** A roster's text to rows; `path` names it in messages and anchors relative file columns. */
export function parseRoster(text: string, path: string): RosterRow[] {
  const [header, ...records] = parseCsv(text, path);
  if (!header) throw new UsageError(`roster ${path} is empty: it needs a header row (student,fqdn,...) and one row per student`);
  const columns = header.fields.map((name) => name.trim().toLowerCase());
  const known = new Set<string>([...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS]);
  const unknown = columns.filter((name) => !known.has(name));
  if (unknown.length > 0) throw new UsageError(`roster ${path} line 1: unknown column ${unknown.map((c) => `"${clip(c)}"`).join(', ')}; columns are ${[...known].join(', ')}`);
  const twice = columns.find((name, index) => columns.indexOf(name) !== index);
  if (twice) throw new UsageError(`roster ${path} line 1: the column "${clip(twice)}" appears twice`);
  const missing = REQUIRED_COLUMNS.filter((name) => !columns.includes(name));
  if (missing.length > 0) throw new UsageError(`roster ${path} line 1: the header needs the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);

  const base = dirname(path);
  const file = (value: string) => (isAbsolute(value) ? value : resolve(base, value));
  const firstLine = new Map<string, number>();
  return records.map(({ line, fields }): RosterRow => {
    const cell = Object.fromEntries(columns.map((name, index) => [name, (fields[index] ?? '').trim()]));
    const student = cell.student || `(line ${line})`;
    const row: RosterRow = { line, student, input: {} };
    const problem = (message: string): RosterRow => ({ ...row, error: `line ${line}: ${message}` });
    if (fields.length > columns.length) return problem(`${fields.length} fields for ${columns.length} columns (an unquoted comma?)`);
    if (!cell.student) return problem('no student name');
    const seen = firstLine.get(student);
    if (seen !== undefined) return problem(`student "${student}" already appears on line ${seen}`);
    firstLine.set(student, line);
    if (!cell.fqdn) return problem(`no fqdn for ${student}`);
    try {
      row.input = {
        target: cell.fqdn,
        ...(cell.port ? { port: numberCell(cell.port, 'port') } : {}),
        ...(cell.wss_port ? { wssPort: numberCell(cell.wss_port, 'wss_port') } : {}),
        ...(cell.ca ? { ca: file(cell.ca) } : {}),
        ...(cell.cert ? { cert: file(cell.cert) } : {}),
        ...(cell.key ? { key: file(cell.key) } : {}),
        ...(cell.local ? { local: cell.local } : {}),
        ...(cell.device_id ? { deviceId: cell.device_id } : {}),
        ...(cell.resolve ? { resolve: cell.resolve.split(/\s+/) } : {}),
      };
    } catch (error) {
      return problem((error as Error).message);
    }
    return row;
  });
}
