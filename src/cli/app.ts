// The command line: parsing, and turning every failure into one clear line and an exit code. A plain
// diagnosis is parsed without yargs (quick-args.ts); anything else loads the yargs parser.
import { EXIT_USAGE } from '../engine/exit-code.js';
import { UsageError } from '../engine/types.js';
import { TOOL } from '../version.js';
import { protectSecrets, redact, rememberSecret } from './arg-checks.js';
import { COMMAND_USAGE, EXIT_ENVIRONMENT } from './help.js';
import { checkScenario } from './lab-args.js';
import { quickParse } from './quick-args.js';
import { KEY_PASSPHRASE_ENV, PASSWORD_ENV } from './secrets.js';

export { EXIT_ENVIRONMENT };

/** Parses and checks a command line without running it (the help's examples are tested this way). */
export async function parseOnly(rawArgs: string[]): Promise<Record<string, unknown>> {
  const { buildParser } = await import('./yargs-app.js');
  return (await buildParser(protectSecrets(rawArgs).args).parseAsync()) as Record<string, unknown>;
}

export async function runCli(rawArgs: string[]): Promise<number> {
  // Secrets are joined to their flags first, so the parser can neither misread nor echo them.
  const { args, secrets } = protectSecrets(rawArgs);
  for (const variable of [KEY_PASSPHRASE_ENV, PASSWORD_ENV]) rememberSecret(process.env[variable] ?? '');
  try {
    const parsed = (quickParse(args) ?? (await (await import('./yargs-app.js')).buildParser(args).parseAsync())) as Record<string, unknown> & { _: unknown[] };
    if (parsed.help || parsed.version) return 0;
    const [command] = parsed._;
    if (command === 'grade') {
      const { runGradeCommand } = await import('./grade-command.js');
      return await runGradeCommand(parsed as never);
    }
    if (command === 'lint') {
      const { runLintCommand } = await import('./lint-command.js');
      return await runLintCommand(parsed as never);
    }
    if (command === 'explain') return await (await import('./explain-command.js')).runExplainCommand(parsed as never);
    if (command === 'merge') {
      const { runMergeCommand } = await import('./grade-command.js');
      return await runMergeCommand(parsed as never);
    }
    if (command === 'serve') {
      const { runServeCommand } = await import('./serve-command.js');
      return await runServeCommand(parsed as never);
    }
    if (command === 'lab') {
      if (parsed.action === 'run' || parsed.action === 'up') await checkScenario(String(parsed.scenario));
      const { runLabCommand } = await import('./lab-command.js');
      return await runLabCommand(parsed as never);
    }
    const { runDiagnoseCommand } = await import('./diagnose-command.js');
    return await runDiagnoseCommand(parsed as never);
  } catch (error) {
    return reportFailure(error, rawArgs, secrets);
  }
}

function reportFailure(error: unknown, args: readonly string[], secrets: readonly string[]): number {
  // No message, ours or the parser's, may echo a passphrase or password.
  const message = redact(error instanceof Error ? error.message : String(error), secrets);
  if (error instanceof UsageError || (error instanceof Error && error.name === 'YError')) {
    const command = args.find((arg) => !arg.startsWith('-'));
    if (/^Not enough non-option arguments/.test(message) && command && COMMAND_USAGE[command]) {
      process.stderr.write(`${TOOL.name}: ${COMMAND_USAGE[command]}\nRun \`${TOOL.name} ${command} --help\` for usage.\n`);
      return EXIT_USAGE;
    }
    if (/^Not enough non-option arguments/.test(message)) {
      process.stderr.write(`${TOOL.name}: give the broker's FQDN (lampi-doctor <fqdn> [options]), or try the embedded lab: lampi-doctor lab run\nRun \`${TOOL.name} --help\` for usage.\n`);
      return EXIT_USAGE;
    }
    const helpFor = command && COMMAND_USAGE[command] ? `${TOOL.name} ${command} --help` : `${TOOL.name} --help`;
    process.stderr.write(`${TOOL.name}: ${message}\nRun \`${helpFor}\` for usage.\n`);
    return EXIT_USAGE;
  }
  if (error instanceof Error && error.name === 'LabError') {
    process.stderr.write(`${TOOL.name}: ${message}\n`);
    return EXIT_ENVIRONMENT;
  }
  process.stderr.write(`${TOOL.name}: internal error: ${message}\n(set LAMPI_DEBUG=1 for details; please report it)\n`);
  if (process.env.LAMPI_DEBUG && error instanceof Error) process.stderr.write(`${redact(error.stack ?? '', secrets)}\n`);
  return EXIT_ENVIRONMENT;
}
