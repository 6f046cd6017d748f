// Fitting text to a terminal: width counted without colour codes, a hanging indent, a backticked
// command never split (copying half a command runs half a command), long paths cut in the middle.

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** Columns a string takes on a terminal (colour codes take none). */
export function visibleLength(text: string): number {
  return [...text.replace(ANSI, '')].length;
}

/** Words, where a backticked span (with the punctuation stuck to it) is one unbreakable word. */
function tokens(text: string): string[] {
  return text.match(/[^\s`]*`[^`]*`[^\s`]*|\S+/g) ?? [];
}

/**
 * Wraps `text` to `width` columns: the first line starts with `first` (already on the line, e.g. the
 * status and id columns), the others with `indent`. A word that cannot fit at the indent gets a line
 * of its own, moved left as far as it must (never split). Width 0 means: do not wrap.
 */
export function wrapLines(text: string, width: number, first: string, indent: string): string[] {
  if (!width) return [first + text];
  const lines: string[] = [];
  let line = first;
  let length = visibleLength(first);
  let empty = true;
  const flush = () => {
    lines.push(line.trimEnd());
    line = indent;
    length = indent.length;
    empty = true;
  };
  for (const word of tokens(text)) {
    const size = visibleLength(word);
    if (!empty && length + 1 + size > width) flush();
    if (empty && length + size > width) {
      if (line.trim() !== '') flush(); // the first line's columns stay on their own
      const command = /^[^\s`]*`([^`]*)`[^\s`]*$/.exec(word);
      if (size > width && command) {
        // Wider than the terminal: a shell command over lines joined by ` \`, still one command to copy.
        lines.push(...shellLines(shellWords(command[1]), width, '    ', '      '));
        continue;
      }
      // On a line of its own, as far right as the indent allows but never past the edge.
      lines.push(' '.repeat(Math.max(0, Math.min(indent.length, width - size))) + word);
      continue;
    }
    line += empty ? word : ` ${word}`;
    length += empty ? size : size + 1;
    empty = false;
  }
  if (!empty || lines.length === 0) lines.push(line.trimEnd());
  return lines;
}

export function wrap(text: string, width: number, first: string, indent: string): string {
  return wrapLines(text, width, first, indent).join('\n');
}

/** `/tmp/lampi-lab-x/very/long/cloud/mosquitto.conf` -> `/tmp/lampi-lab-x/…/cloud/mosquitto.conf`. */
export function shortenPath(path: string, max: number): string {
  if (!max || path.length <= max) return path;
  const parts = path.split('/');
  const tail: string[] = [parts.pop()!];
  const head: string[] = [];
  let useTail = false;
  // Keep as much of both ends as fits, preferring the file name's end.
  while (parts.length) {
    const next = useTail ? parts[parts.length - 1] : parts[0];
    const candidate = [...head, ...(useTail ? [] : [next])].join('/') + '/…/' + [...(useTail ? [next] : []), ...tail].join('/');
    if (candidate.length > max) break;
    if (useTail) tail.unshift(parts.pop()!);
    else head.push(parts.shift()!);
    useTail = !useTail;
  }
  const result = `${head.join('/')}/…/${tail.join('/')}`;
  if (result.length <= max) return result;
  // Even the file name is too long: cut it in its middle.
  const keep = Math.max(1, max - 1);
  return `${path.slice(0, Math.ceil(keep / 2))}…${path.slice(path.length - Math.floor(keep / 2))}`;
}

/** A command's words, a quoted argument ("a b", 'a b', x="a b") being one. */
export function shellWords(command: string): string[] {
  return command.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
}

/** A shell command as lines ending in ` \`, each within `width`, words (quoted args) never split. */
export function shellLines(words: readonly string[], width: number, indent: string, continuation = '    '): string[] {
  if (!width) return [indent + words.join(' ')];
  const lines: string[] = [];
  let line = indent;
  for (const word of words) {
    const start = line === indent || line === continuation;
    if (!start && line.length + 1 + word.length + 2 > width) {
      lines.push(`${line} \\`);
      line = continuation + word;
    } else {
      line += start ? word : ` ${word}`;
    }
  }
  lines.push(line);
  return lines;
}

/** A one-line status (a spinner's text) cut to fit, with an ellipsis. */
export function fitLine(text: string, width: number): string {
  if (!width || visibleLength(text) <= width) return text;
  const chars = [...text.replace(ANSI, '')];
  return `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}
