// Shared vocabulary for checks: the typed definer and small result builders.
import { defineCheck, type Evidence, type Outcome } from '../src/engine/types.js';
import type { DiagnosisFacts, DiagnosisSettings } from '../src/facts.js';

export const diagnosisCheck = defineCheck<DiagnosisFacts, DiagnosisSettings>();

export const pass = (summary: string, evidence?: Evidence): Outcome => ({ status: 'pass', summary, evidence });
export const warn = (summary: string, hint: string, evidence?: Evidence): Outcome => ({ status: 'warn', summary, hint, evidence });
export const fail = (summary: string, hint: string, evidence?: Evidence): Outcome => ({ status: 'fail', summary, hint, evidence });
export const skip = (summary: string, evidence?: Evidence): Outcome => ({ status: 'skip', summary, evidence });

/** 'TLSv1' -> 'TLS 1.0', 'TLSv1.3' -> 'TLS 1.3'. */
export function versionLabel(version: string | undefined): string {
  if (!version) return 'unknown version';
  return version === 'TLSv1' ? 'TLS 1.0' : version.replace(/^TLSv/, 'TLS ');
}

export function isoDay(iso: string): string {
  return iso.slice(0, 10);
}

export const DAY_MS = 86_400_000;
