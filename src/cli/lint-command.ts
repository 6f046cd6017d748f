// `lampi-doctor lint [PATH...]`: read the broker's configuration and the files it names.
import { writeFileSync } from 'node:fs';
import { UsageError } from '../engine/types.js';
import { lint, type LintReport } from '../lint.js';
import { renderLintHuman } from '../reporters/human.js';
import { renderLintJunit } from '../reporters/junit.js';
import { colorWanted, type ReportArgs } from './diagnose-command.js';

export interface LintArgs extends ReportArgs {
  paths?: string[];
  expiryWarnDays: number;
  probePrefix: string;
}

function render(report: LintReport, format: string, color: boolean, verbose: boolean): string {
  if (format === 'json') return JSON.stringify(report, null, 2) + '\n';
  if (format === 'junit') return renderLintJunit(report);
  return renderLintHuman(report, { color, verbose, width: process.stdout.columns || 0 });
}

export async function runLintCommand(args: LintArgs): Promise<number> {
  const report = lint({ paths: args.paths ?? [], expiryWarnDays: args.expiryWarnDays, probePrefix: args.probePrefix, failOn: args.failOn });
  const color = colorWanted(args.color, process.stdout);
  if (args.output) {
    try {
      writeFileSync(args.output, render(report, args.format, false, args.verbose));
    } catch (error) {
      throw new UsageError(`cannot write --output ${args.output}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    process.stdout.write(render(report, 'human', color, args.verbose));
  } else {
    process.stdout.write(render(report, args.format, color, args.verbose));
  }
  return report.exitCode;
}
