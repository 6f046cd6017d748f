// SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps): one result per finding that is not a
// pass and has a place in a file, at its repository-relative path and line. Nothing in it depends on
// the clock, so the same configs give the same file (code scanning matches alerts across runs).
import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { areaOf } from '../engine/selection.js';
import type { CheckResult, Status } from '../engine/types.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** SARIF's level for each status; passes are not results. */
export const SARIF_LEVEL: Record<Exclude<Status, 'pass'>, 'error' | 'warning' | 'note'> = {
  fail: 'error',
  error: 'error',
  warn: 'warning',
  skip: 'note',
};

export interface SarifSource {
  tool: { name: string; version: string };
  checks: readonly CheckResult[];
}

/** A path as the repository knows it: relative to the working directory, with forward slashes. */
export function repositoryUri(file: string, root = process.cwd()): string {
  const path = isAbsolute(file) ? relative(root, file) : file;
  if (path.startsWith('..') || isAbsolute(path)) return pathToFileURL(isAbsolute(file) ? file : `${root}/${file}`).href;
  return path.split(sep).map(encodeURIComponent).join('/');
}

function message(check: CheckResult): string {
  return check.hint ? `${check.summary}\nfix: ${check.hint}` : check.summary;
}

export function renderSarif(source: SarifSource, root = process.cwd()): string {
  const located = source.checks.filter((check): check is CheckResult & { file: string } => check.status !== 'pass' && Boolean(check.file));
  const ruleIds = [...new Set(located.map((check) => check.id))].sort();
  const rules = ruleIds.map((id) => {
    const first = located.find((check) => check.id === id)!;
    return {
      id,
      name: id.replace(/^[^.]+\./, '').replace(/(^|[-.])(\w)/g, (_m, _s, c: string) => c.toUpperCase()),
      shortDescription: { text: first.title },
      fullDescription: { text: `${first.title}.` },
      help: { text: `${first.title}. Each result names what is wrong at that line and how to fix it; \`lampi-doctor explain <code>\` explains a finding code (cause, how to confirm it by hand, fix).` },
      properties: { tags: [areaOf(id), 'mosquitto'] },
    };
  });
  const results = located.map((check) => ({
    ruleId: check.id,
    ruleIndex: ruleIds.indexOf(check.id),
    level: SARIF_LEVEL[check.status as Exclude<Status, 'pass'>],
    message: { text: message(check) },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: repositoryUri(check.file, root) },
          ...(check.line ? { region: { startLine: check.line } } : {}),
        },
      },
    ],
    properties: { code: check.code, status: check.status },
  }));
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: source.tool.name, version: source.tool.version, semanticVersion: source.tool.version, rules } },
        columnKind: 'unicodeCodePoints',
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
