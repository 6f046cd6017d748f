// Entry point. Kept tiny: `--version` answers before anything heavy loads; the rest is imported lazily.
import { TOOL } from '../version.js';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${TOOL.version}\n`);
} else {
  const { runCli } = await import('./app.js');
  process.exitCode = await runCli(args);
}
