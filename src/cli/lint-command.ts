// `lampi-doctor lint [PATH...]`: read the broker's configuration and the files it names.
import { lint, type LintReport } from '../lint.js';
import { renderLintHuman } from '../reporters/human.js';
import { renderLintJunit } from '../reporters/junit.js';
import { colorWanted, type ReportArgs } from './diagnose-command.js';
import { deliver } from './output.js';

export interface LintArgs extends ReportArgs {
  paths?: string[];
  expiryWarnDays: number;
  probePrefix: string;
  cert?: string[];
  mosquittoVersion?: string;
}

function render(report: LintReport, format: string, color: boolean, verbose: boolean): string {
  if (format === 'json') return JSON.stringify(report, null, 2) + '\n';
  if (format === 'junit') return renderLintJunit(report);
  return renderLintHuman(report, { color, verbose, width: process.stdout.columns || 0 });
}

export async function runLintCommand(args: LintArgs): Promise<number> {
  const report = lint({ paths: args.paths ?? [], expiryWarnDays: args.expiryWarnDays, probePrefix: args.probePrefix, failOn: args.failOn, only: args.only, skip: args.skip, clientCertificates: args.cert, mosquittoVersion: args.mosquittoVersion });
  deliver((format, color) => render(report, format, color, args.verbose), args.format, args.output, colorWanted(args.color, process.stdout));
  return report.exitCode;
}
