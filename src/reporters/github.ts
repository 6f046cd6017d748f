// GitHub Actions workflow commands: an annotation per finding that is not a pass. Config findings
// carry file and line, so the pull request marks the line; live checks get a title-only annotation.
import { relative, isAbsolute, sep } from 'node:path';
import type { CheckResult, Counts, Status } from '../engine/types.js';

const COMMAND: Record<Exclude<Status, 'pass'>, 'error' | 'warning' | 'notice'> = { fail: 'error', error: 'error', warn: 'warning', skip: 'notice' };

/** Escaping of a command's message, as @actions/core does it. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escaping of a property value (file=, title=): also ':' and ','. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function workspacePath(file: string, root: string): string {
  const path = isAbsolute(file) ? relative(root, file) : file;
  return path.startsWith('..') ? file : path.split(sep).join('/');
}

export function annotation(check: CheckResult, root = process.env.GITHUB_WORKSPACE || process.cwd()): string | undefined {
  if (check.status === 'pass') return undefined;
  const properties: string[] = [];
  if (check.file) {
    properties.push(`file=${escapeProperty(workspacePath(check.file, root))}`);
    if (check.line) properties.push(`line=${check.line}`);
  }
  properties.push(`title=${escapeProperty(check.id)}`);
  const text = check.hint ? `${check.summary}\nfix: ${check.hint}` : check.summary;
  return `::${COMMAND[check.status]} ${properties.join(',')}::${escapeData(text)}`;
}

export function renderGithub(report: { tool: { name: string }; checks: readonly CheckResult[]; counts: Counts }): string {
  const lines = report.checks.map((check) => annotation(check)).filter((line): line is string => line !== undefined);
  const { counts } = report;
  lines.push(`${report.tool.name}: ${report.checks.length} checks: ${counts.pass} passed, ${counts.warn} warnings, ${counts.fail} failed, ${counts.skip} skipped, ${counts.error} errors`);
  return lines.join('\n') + '\n';
}
