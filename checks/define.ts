// Shared vocabulary for checks: the typed definer and small result builders.
import { defineCheck, type Evidence, type Outcome, type SkipKind } from '../src/engine/types.js';
import type { DiagnosisFacts, DiagnosisSettings } from '../src/facts.js';

export const diagnosisCheck = defineCheck<DiagnosisFacts, DiagnosisSettings>();

// The trailing `code` is the finding's slug (see Outcome.code); reports show `<check id>/<code>`.
// A check declares every slug it returns in its `codes` (see defineCheck).
export const pass = (summary: string, evidence?: Evidence, code?: string): Outcome => ({ status: 'pass', summary, evidence, code });
export const warn = (summary: string, hint: string, evidence?: Evidence, code?: string): Outcome => ({ status: 'warn', summary, hint, evidence, code });
export const fail = (summary: string, hint: string, evidence?: Evidence, code?: string): Outcome => ({ status: 'fail', summary, hint, evidence, code });
/** A skip says why it could not test: by default it had nothing to work on. */
export const skip = (summary: string, evidence?: Evidence, hint?: string, code?: string, skipKind: SkipKind = 'nothing-to-test'): Outcome => ({
  status: 'skip',
  summary,
  hint,
  evidence,
  code,
  skipKind,
});

/** 'TLSv1' -> 'TLS 1.0', 'TLSv1.3' -> 'TLS 1.3'. */
export function versionLabel(version: string | undefined): string {
  if (!version) return 'unknown version';
  return version === 'TLSv1' ? 'TLS 1.0' : version.replace(/^TLSv/, 'TLS ');
}

export function isoDay(iso: string): string {
  return iso.slice(0, 10);
}

export const DAY_MS = 86_400_000;

export interface LatencySummary {
  samples: number;
  p50: number;
  p95: number;
  max: number;
}

/** Nearest-rank percentiles, in ms rounded to 0.01. Reporters print `evidence.latency` on its own line. */
export function latency(samplesMs: readonly number[]): LatencySummary | undefined {
  if (samplesMs.length === 0) return undefined;
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  const round = (n: number) => Math.round(n * 100) / 100;
  return { samples: sorted.length, p50: round(rank(50)), p95: round(rank(95)), max: round(sorted[sorted.length - 1]) };
}

export function latencyText(summary: LatencySummary): string {
  return `p50 ${summary.p50} ms, p95 ${summary.p95} ms, max ${summary.max} ms`;
}
