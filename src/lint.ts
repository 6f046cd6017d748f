// `lampi-doctor lint`: config files -> facts -> rules -> results, in the diagnosis's result shape.
import { lintRules } from '../checks/config/index.js';
import type { LintRule, LintSettings } from '../checks/config/define.js';
import { selectChecks } from './engine/selection.js';
import { gatherLintFacts, type LintFacts } from './config/lint-facts.js';
import { defaultMosquittoVersion, resolveMosquittoVersion, type MosquittoVersion } from './config/mosquitto-versions.js';
import { exitCodeFor, type FailOn } from './engine/exit-code.js';
import { countStatuses, findingCode, type CheckResult, type Counts } from './engine/types.js';
import { DEFAULT_EXPIRY_WARN_DAYS, DEFAULT_PROBE_PREFIX } from './inputs.js';
import { TOOL } from './version.js';

export const DEFAULT_CONFIG = '/etc/mosquitto/mosquitto.conf';

export interface LintReport {
  tool: { name: string; version: string };
  config: { paths: string[]; files: string[] };
  startedAt: string;
  durationMs: number;
  /** The Mosquitto version the verdicts assume, and where it came from (flag, detected, default). */
  mosquitto: { version: string; source: MosquittoVersion['source'] };
  checks: (CheckResult & { file: string; line: number })[];
  counts: Counts;
  exitCode: number;
}

export interface LintOptions {
  paths: string[];
  now?: Date;
  expiryWarnDays?: number;
  probePrefix?: string;
  failOn?: FailOn;
  only?: string[];
  skip?: string[];
  /** --mosquitto-version; without it the local `mosquitto -h`, else 2.0.11. */
  mosquittoVersion?: string;
  /** Client certificates to look up in the CRLs (--cert). */
  clientCertificates?: string[];
  /** Detects the local broker's version (tests pass their own). */
  detectVersion?: () => MosquittoVersion | undefined;
}

export function runLintRules(facts: LintFacts, given: Omit<LintSettings, 'mosquitto'> & { mosquitto?: MosquittoVersion }, rules: readonly LintRule[] = lintRules): LintReport['checks'] {
  const settings: LintSettings = { ...given, mosquitto: given.mosquitto ?? defaultMosquittoVersion() };
  return rules.flatMap((rule) => {
    try {
      return rule.run(facts, settings).map(({ code, ...finding }) => ({ id: rule.id, title: rule.title, ...finding, code: findingCode(rule.id, { status: finding.status, code }), durationMs: 0 }));
    } catch (error) {
      return [{ id: rule.id, title: rule.title, status: 'error' as const, code: `${rule.id}/internal-error`, summary: `the rule itself failed: ${(error as Error).message}`, hint: 'This is a lampi-doctor bug: please report it.', file: facts.configs[0]?.root ?? '', line: 0, durationMs: 0 }];
    }
  });
}

export function lint(options: LintOptions): LintReport {
  const rules = selectChecks(lintRules, options.only, options.skip);
  const mosquitto = options.detectVersion ? resolveMosquittoVersion(options.mosquittoVersion, options.detectVersion) : resolveMosquittoVersion(options.mosquittoVersion);
  const started = new Date();
  const began = performance.now();
  const paths = options.paths.length > 0 ? options.paths : [DEFAULT_CONFIG];
  const facts = gatherLintFacts(paths, { clientCertificates: options.clientCertificates });
  let probePrefix = options.probePrefix ?? DEFAULT_PROBE_PREFIX;
  if (!probePrefix.endsWith('/')) probePrefix += '/';
  const checks = runLintRules(facts, { now: options.now ?? started, expiryWarnDays: options.expiryWarnDays ?? DEFAULT_EXPIRY_WARN_DAYS, probePrefix, mosquitto }, rules);
  return {
    tool: TOOL,
    config: { paths, files: facts.configs.flatMap((model) => model.files) },
    mosquitto: { version: mosquitto.text, source: mosquitto.source },
    startedAt: started.toISOString(),
    durationMs: Math.round(performance.now() - began),
    checks,
    counts: countStatuses(checks),
    exitCode: exitCodeFor(checks, options.failOn),
  };
}
