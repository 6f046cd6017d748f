import type { Report } from '../diagnose.js';
import { renderHuman, type HumanOptions } from './human.js';
import { renderJson } from './json.js';

export const FORMATS = ['human', 'json'] as const;
export type Format = (typeof FORMATS)[number];

export function render(report: Report, format: Format, human: HumanOptions): string {
  return format === 'json' ? renderJson(report) : renderHuman(report, human);
}
