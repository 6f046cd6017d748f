#!/usr/bin/env node
// The command the user runs (dist/lampi-doctor.js, CommonJS): it answers `--version` and `--help`
// from text captured at build time without loading anything, and otherwise loads the ESM bundle
// (dist/cli.mjs). Kept tiny on purpose: every byte here is paid by every run.
import { quickAnswer } from './quick-answer.js';

/** Filled in by scripts/build.mjs: the version and each command's help as yargs printed it (no help
 * text depends on the machine: grade's default concurrency is a fixed most, see src/grade/admission.ts). */
declare const __LAMPI_QUICK__: { version: string; help: Record<string, string> };

// A reader that goes away (`| head`) is not an error: stop writing, and let cleanup (labs) finish.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

const args = process.argv.slice(2);
const quick = quickAnswer(args);
const help = quick?.kind === 'help' ? __LAMPI_QUICK__.help[quick.command] : undefined;
if (quick?.kind === 'version') {
  process.stdout.write(`${__LAMPI_QUICK__.version}\n`);
} else if (help !== undefined) {
  process.stdout.write(help);
} else {
  // A variable, so that the bundler leaves the import to run time.
  const bundle = './cli.mjs';
  void import(bundle).then(async ({ main }: { main(args: string[]): Promise<number> }) => {
    process.exitCode = await main(args);
  });
}
