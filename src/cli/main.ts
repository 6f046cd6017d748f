#!/usr/bin/env node
// Entry point. Kept tiny: `--version` answers before anything heavy loads; the rest is imported lazily.
import { TOOL } from '../version.js';

// A reader that goes away (`| head`) is not an error: stop writing, and let cleanup (labs) finish.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${TOOL.version}\n`);
} else {
  const { runCli } = await import('./app.js');
  process.exitCode = await runCli(args);
}
