// The terminal report: one line per check in registry order, a fix under every non-pass, a count.
import { Chalk, type ChalkInstance } from 'chalk';
import type { Report } from '../diagnose.js';
import type { LintReport } from '../lint.js';
import type { CheckResult, Status } from '../engine/types.js';
import { shortenPath, wrap } from './wrap.js';

export interface HumanOptions {
  color: boolean;
  /** Also print each check's evidence. */
  verbose?: boolean;
  /** The terminal's width: summaries and fixes wrap under the summary column, long paths are cut in the middle (0: never). */
  width?: number;
}

const SYMBOL: Record<Status, string> = { pass: '✓', warn: '!', fail: '✗', skip: '-', error: '‼' };

function paint(chalk: ChalkInstance, status: Status, text: string): string {
  switch (status) {
    case 'pass':
      return chalk.green(text);
    case 'warn':
      return chalk.yellow(text);
    case 'fail':
      return chalk.red.bold(text);
    case 'error':
      return chalk.magenta.bold(text);
    default:
      return chalk.gray(text);
  }
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

export function renderCounts(report: Pick<Report, 'counts' | 'checks' | 'durationMs'>, chalk: ChalkInstance): string {
  const { counts } = report;
  const parts = [
    paint(chalk, 'pass', `${counts.pass} passed`),
    paint(chalk, counts.warn ? 'warn' : 'skip', plural(counts.warn, 'warning')),
    paint(chalk, counts.fail ? 'fail' : 'skip', `${counts.fail} failed`),
    chalk.gray(`${counts.skip} skipped`),
    paint(chalk, counts.error ? 'error' : 'skip', plural(counts.error, 'error')),
  ];
  return `${plural(report.checks.length, 'check')} in ${(report.durationMs / 1000).toFixed(2)} s: ${parts.join(', ')}`;
}

/** `file:line`, as editors and terminals link it; line 0 means the file as a whole. */
export function location(result: Pick<CheckResult, 'file' | 'line'>): string | undefined {
  if (!result.file) return undefined;
  return result.line ? `${result.file}:${result.line}` : result.file;
}

/** `file:line` with the file cut in the middle when the line would not fit. */
function shortLocation(result: Pick<CheckResult, 'file' | 'line'>, room: number): string | undefined {
  if (!result.file) return undefined;
  const suffix = result.line ? `:${result.line}` : '';
  return shortenPath(result.file, room > suffix.length + 10 ? room - suffix.length : 0) + suffix;
}

export function renderCheck(result: CheckResult, idWidth: number, options: HumanOptions, chalk: ChalkInstance): string {
  const width = options.width ?? 0;
  // The summary column: everything after it hangs under it.
  const columns = `${paint(chalk, result.status, `${SYMBOL[result.status]} ${result.status.padEnd(5)}`)} ${chalk.bold(result.id.padEnd(idWidth))}  `;
  const indent = ' '.repeat(8 + idWidth + 2);
  const lines = [wrap(result.summary, width, columns, indent)];
  const where = width ? shortLocation(result, width - indent.length - 3) : location(result);
  if (where) lines.push(chalk.gray(`${indent}at ${where}`));
  if (result.hint && result.status !== 'pass') lines.push(wrap(`${chalk.cyan('fix:')} ${result.hint}`, width, indent, indent));
  if (options.verbose && result.evidence) {
    for (const line of JSON.stringify(result.evidence, null, 2).split('\n')) lines.push(chalk.gray(indent + line));
  }
  return lines.join('\n');
}

export function renderLintHuman(report: LintReport, options: HumanOptions): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const room = options.width ? Math.max(20, Math.floor((options.width - 30) / Math.max(1, report.config.paths.length))) : 0;
  const header = `${chalk.bold(`${report.tool.name} ${report.tool.version}`)} · lint ${report.config.paths.map((path) => shortenPath(path, room)).join(', ')}`;
  const idWidth = Math.max(...report.checks.map((check) => check.id.length));
  const body = report.checks.map((check) => renderCheck(check, idWidth, options, chalk));
  const total = renderCounts(report, chalk).replace(/^\d+ checks?/, `${report.checks.length} finding${report.checks.length === 1 ? '' : 's'}`);
  return [header, '', ...body, '', wrap(total, options.width ?? 0, '', '  '), ''].join('\n');
}

export function renderHuman(report: Report, options: HumanOptions): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const { target } = report;
  const via = target.resolvedBy === 'dns' ? '' : target.resolvedBy === 'literal' ? '' : ` (${target.resolvedBy})`;
  const address = target.address && target.address !== target.host ? ` → ${target.address}${via}` : '';
  const header = `${chalk.bold(`${report.tool.name} ${report.tool.version}`)} · ${target.host}:${target.port}${address}`;
  const idWidth = Math.max(...report.checks.map((check) => check.id.length));
  const body = report.checks.map((check) => renderCheck(check, idWidth, options, chalk));
  return [header, '', ...body, '', wrap(renderCounts(report, chalk), options.width ?? 0, '', '  '), ''].join('\n');
}
