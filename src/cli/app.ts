// The command line: parsing, help, and turning every failure into one clear line and an exit code.
import yargs, { type Argv, type MiddlewareFunction } from 'yargs';
import { EXIT_USAGE } from '../engine/exit-code.js';
import { UsageError } from '../engine/types.js';
import { DEFAULT_CONCURRENCY, DEFAULT_EXPIRY_WARN_DAYS, DEFAULT_PLAIN_PORT, DEFAULT_PROBE_PREFIX, DEFAULT_SAMPLES, DEFAULT_TIMEOUT_MS, DEFAULT_WSS_PORT } from '../inputs.js';
import { FORMATS, LINT_FORMATS } from '../reporters/index.js';
import { GRADE_FORMATS } from '../reporters/grade.js';
import { TOOL } from '../version.js';
import { checkArgs, givenOptions, protectSecrets, redact, rememberSecret, type YargsOptions } from './arg-checks.js';
import { COMMAND_USAGE, EXIT_ENVIRONMENT, examplesFor, exitCodesHelp, FOLDER_FORMATS, formatsHelp } from './help.js';
import { checkLabFlags, checkScenario } from './lab-args.js';
import { checkOutput } from './output.js';
import { KEY_PASSPHRASE_ENV, PASSWORD_ENV } from './secrets.js';
import { EXPLAIN_USAGE, explainOptions } from './explain-command.js';

export { EXIT_ENVIRONMENT };

/** Adds a command's runnable examples (help.ts) to its --help. */
function withExamples(y: Argv, command: string): Argv {
  return examplesFor(command).reduce((argv, [cmd, description]) => argv.example(cmd, description), y);
}

export function reportOptions(y: Argv, formats: readonly string[] = FORMATS) {
  return y
    .option('format', { choices: formats, default: 'human', describe: 'Report format on stdout (or in --output); see Formats below', group: 'Output:' })
    .option('output', { alias: 'o', type: 'string', describe: 'Write the report in --format to FILE; the terminal still shows the human report', group: 'Output:' })
    .option('color', { type: 'boolean', describe: 'Colour; default: on a terminal only, off under NO_COLOR (--no-color)', group: 'Output:' })
    .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'Show the evidence behind every check', group: 'Output:' })
    .option('fail-on', { choices: ['warn', 'fail'] as const, default: 'fail' as const, describe: 'Lowest status that makes the exit code 1', group: 'Output:' })
    .option('only', { type: 'string', array: true, describe: 'Run only these checks or areas (tls.chain, tls, bridge, ...)', group: 'Selection:' })
    .option('skip', { type: 'string', array: true, describe: 'Leave out these checks or areas (e.g. --skip wss bridge)', group: 'Selection:' });
}

export function diagnosisOptions(y: Argv) {
  return y
    .option('port', { alias: 'p', type: 'number', describe: 'TLS MQTT port [default: 8883]', group: 'Target:' })
    .option('resolve', { type: 'string', array: true, describe: 'Use ADDRESS for NAME instead of DNS, as curl does: NAME:ADDRESS (repeatable)', group: 'Target:' })
    .option('ca', { type: 'string', describe: 'CA to verify the broker with (lampi_ca.crt); default: system roots', group: 'Certificates:' })
    .option('cert', { type: 'string', describe: 'Client certificate, as the bridge\'s bridge_certfile', group: 'Certificates:' })
    .option('key', { type: 'string', describe: 'Private key of --cert, as bridge_keyfile (read locally, never printed)', group: 'Certificates:' })
    .option('key-passphrase', { type: 'string', describe: `Passphrase of an encrypted --key (visible in \`ps\`: prefer --key-passphrase-file or ${KEY_PASSPHRASE_ENV})`, group: 'Certificates:' })
    .option('key-passphrase-file', { type: 'string', describe: 'File whose first line is the passphrase of --key', group: 'Certificates:' })
    .option('servername', { type: 'string', describe: 'Name to send as SNI and verify the certificate against, when it is not the address dialled', group: 'Target:' })
    .option('mqtt-version', { type: 'string', choices: ['3.1.1', '5'], default: '3.1.1', describe: 'MQTT protocol version for the CONNECTs', group: 'MQTT:' })
    .option('username', { alias: 'u', type: 'string', describe: 'MQTT user name, for listeners with a password_file (e.g. websockets for browsers)', group: 'MQTT:' })
    .option('password', { alias: 'P', type: 'string', describe: `MQTT password (visible in \`ps\`: prefer --password-file or ${PASSWORD_ENV})`, group: 'MQTT:' })
    .option('password-file', { type: 'string', describe: 'File whose first line is the MQTT password', group: 'MQTT:' })
    .option('client-id', { type: 'string', describe: 'Client id to use (default: a unique lampi-doctor-<random>); never the bridge\'s', group: 'MQTT:' })
    .option('samples', { type: 'number', default: DEFAULT_SAMPLES, describe: 'Messages per round trip, for latency figures', group: 'MQTT:' })
    .option('qos', { type: 'number', choices: [0, 1, 2], default: 1, describe: 'QoS of the probe messages (never retained)', group: 'MQTT:' })
    .option('wss-port', { type: 'number', default: DEFAULT_WSS_PORT, describe: 'Secure websockets port', group: 'MQTT:' })
    .option('wss-path', { type: 'string', default: '/mqtt', describe: 'Websockets path browser clients use', group: 'MQTT:' })
    .option('plain-port', { type: 'number', default: DEFAULT_PLAIN_PORT, describe: 'Plain MQTT port that must not be reachable from outside', group: 'MQTT:' })
    .option('local', { type: 'string', describe: 'The lamp\'s own broker, e.g. mqtt://127.0.0.1:1883, to test through the bridge', group: 'Bridge:' })
    .option('device-id', { type: 'string', describe: 'The lamp\'s id: the bridge maps its topics under devices/<id>/', group: 'Bridge:' })
    .option('bridge-config', { type: 'string', describe: 'The lamp\'s lampi_bridge.conf: its mapping and client id; linted, and cited by results', group: 'Bridge:' })
    .option('config', { type: 'string', describe: 'The cloud broker\'s mosquitto.conf: linted, and cited by the results it explains', group: 'Bridge:' })
    .option('probe-prefix', { type: 'string', default: DEFAULT_PROBE_PREFIX, describe: 'Local topic prefix of the diagnostic bridge mapping', group: 'Bridge:' })
    .option('timeout', { type: 'number', default: DEFAULT_TIMEOUT_MS, describe: 'Limit for every network step, in ms', group: 'Limits:' })
    .option('expiry-warn-days', { type: 'number', default: DEFAULT_EXPIRY_WARN_DAYS, describe: 'Warn when a certificate expires within this many days', group: 'Limits:' })
    .option('mosquitto-version', MOSQUITTO_VERSION_OPTION);
}

/** Declared once, for live runs and lint: verdicts key on the broker's Mosquitto version. */
const MOSQUITTO_VERSION_OPTION = { type: 'string', describe: 'Mosquitto version the broker runs, X.Y.Z (default: detected, else 2.0.11)', group: 'Target:' } as const;

const USAGE = `${TOOL.name} ${TOOL.version}: diagnose a TLS-secured Mosquitto deployment, name every failure and its fix.

Usage:
  ${TOOL.name} <fqdn> [options]        diagnose the broker at FQDN (TLS port 8883 by default)
  ${TOOL.name} lab run [--scenario S]  start a local lab of real brokers, diagnose it, stop it
  ${TOOL.name} lab up|down|status      keep a lab running to explore
  ${TOOL.name} lab scenarios           list the broken setups the lab can build
  ${TOOL.name} grade roster.csv        grade a class: one diagnosis per row, scored by a rubric
  ${TOOL.name} merge shard-*.json      join the --format json reports of grade --shard K/N runs
  ${TOOL.name} lint [config...]        read Mosquitto configs and the files they name (one config per broker)
  ${TOOL.name} explain [CODE]          what a finding code means, how to confirm it by hand, the fix
  ${TOOL.name} serve --config FILE     a Prometheus exporter: /probe?target=HOST[:PORT]&module=NAME

Each command has its own options: lampi-doctor grade --help, lampi-doctor lint --help, ...`;

const EPILOG = `Examples:
${[...examplesFor('diagnose'), ...examplesFor('lab').slice(1, 2), ...examplesFor('grade').slice(1, 2), ...examplesFor('lint').slice(1, 2)]
  .map(([cmd, description]) => `  ${description}:\n    ${cmd}`)
  .join('\n')}

Checks: dns.resolve, tcp.connect, tls.handshake, tls.version, tls.chain, tls.hostname, tls.validity,
tls.key, tls.client-auth, mqtt.connect, mqtt.roundtrip, bridge.status, bridge.inbound, bridge.outbound,
wss.handshake, wss.connect, plain.exposure. Statuses: pass, warn, fail, skip (a prerequisite failed, or it could not be
tested), error (the check itself broke).
Secrets: ${KEY_PASSPHRASE_ENV} and ${PASSWORD_ENV} stand in for --key-passphrase and --password.

${formatsHelp(FORMATS)}

${exitCodesHelp()}`;

/** The tail of every subcommand's help: its formats and the exit codes, from the code's tables. */
const commandEpilog = (formats: readonly string[]) => `${formatsHelp(formats)}\n\n${exitCodesHelp()}`;

function build(args: string[]) {
  return yargs(args)
    .scriptName(TOOL.name)
    .usage(USAGE)
    .command('$0 <fqdn>', false, (y) =>
      diagnosisOptions(reportOptions(y.positional('fqdn', { type: 'string', describe: 'The broker\'s FQDN, as its certificate names it (NAME:PORT also works)' }))),
    )
    .command('lab <action>', false, (y) =>
      withExamples(
        diagnosisOptions(
          reportOptions(
            y
              .positional('action', { choices: ['up', 'down', 'status', 'run', 'scenarios'] as const, describe: 'What to do with the lab' })
              .option('scenario', { alias: 's', type: 'string', default: 'healthy', describe: 'Setup to build (see `lab scenarios`)', group: 'Lab:' })
              .option('dir', { type: 'string', describe: 'Folder the lab lives in (up/down/status)', group: 'Lab:' }),
          ),
        ),
        'lab',
      ).epilog(commandEpilog(FORMATS)),
    )
    .command('grade <roster>', false, (y) =>
      withExamples(
        diagnosisOptions(reportOptions(y.positional('roster', { type: 'string', describe: 'CSV roster: student,fqdn[,port,wss_port,ca,cert,key,local,device_id,resolve]' }), GRADE_FORMATS))
          .option('rubric', { type: 'string', describe: 'JSON: { "points": { "<check id or area>": n }, "warnCredit": 0.5 }', group: 'Grading:' })
          .option('concurrency', { type: 'number', default: DEFAULT_CONCURRENCY, describe: 'Students diagnosed at once', group: 'Grading:' })
          .option('shard', { type: 'string', describe: 'Grade only slice K of N (stable by student name), e.g. 2/4', group: 'Grading:' })
          .option('resume', { type: 'string', describe: 'Finish an interrupted run: keep the students of this --format json report, grade the rest', group: 'Grading:' })
          // grade exits 0 once every student is graded, unless --fail-on is given.
          .default('fail-on', undefined)
          .describe('fail-on', 'Exit 1 when any student has a check at this level or worse (unset: exit 0 once every student is graded; 130/143 when interrupted)'),
        'grade',
      ).epilog(commandEpilog(GRADE_FORMATS)),
    )
    .command('lint [paths..]', false, (y) =>
      withExamples(
        reportOptions(y.positional('paths', { type: 'string', array: true, describe: 'Mosquitto configs, one per broker (default /etc/mosquitto/mosquitto.conf)' }), LINT_FORMATS)
          .option('expiry-warn-days', { type: 'number', default: DEFAULT_EXPIRY_WARN_DAYS, describe: 'Warn when a certificate expires within this many days', group: 'Limits:' })
          .option('probe-prefix', { type: 'string', default: DEFAULT_PROBE_PREFIX, describe: 'Local topic prefix of the diagnostic bridge mapping', group: 'Bridge:' })
          .option('cert', { type: 'string', array: true, describe: 'Client certificates to look up in the configs\' CRLs', group: 'Certificates:' })
          .option('mosquitto-version', MOSQUITTO_VERSION_OPTION),
        'lint',
      ).epilog(commandEpilog(LINT_FORMATS)),
    )
    .command(EXPLAIN_USAGE, false, explainOptions)
    .command('serve', false, (y) =>
      y
        .option('config', { type: 'string', demandOption: true, describe: 'YAML file of modules (schema/serve-config.schema.json)', group: 'Exporter:' })
        .option('listen', { type: 'string', default: '127.0.0.1:9830', describe: 'HOST:PORT to serve /probe, /metrics and / on', group: 'Exporter:' })
        .option('max-in-flight', { type: 'number', default: 4, describe: 'Probes at once; others wait up to their scrape timeout, then get 503', group: 'Exporter:' })
        .option('min-interval', { type: 'number', default: 15, describe: 'Seconds before the same target+module is probed again (scrapes in between get the last result)', group: 'Exporter:' }),
    )
    .command('merge <reports..>', false, (y) =>
      withExamples(reportOptions(y.positional('reports', { type: 'string', array: true, describe: 'grade --format json reports of the shards' }), GRADE_FORMATS), 'merge').epilog(
        commandEpilog(GRADE_FORMATS),
      ),
    )
    // After parsing, before any work: flags in words, the output writable, lab flags it would ignore.
    .middleware(((argv: Record<string, unknown> & { _: unknown[] }, instance: { getOptions(): YargsOptions }) => {
      const options = instance.getOptions();
      checkArgs(argv, options, args);
      if (argv._[0] === 'lab') checkLabFlags(String(argv.action), givenOptions(args, options));
      if (typeof argv.output === 'string' && !argv.help) checkOutput(argv.output, FOLDER_FORMATS.has(String(argv.format)));
    }) as unknown as MiddlewareFunction)
    .epilog(EPILOG)
    .version(TOOL.version)
    .alias('version', 'V')
    .help()
    .alias('help', 'h')
    .strict()
    // yargs re-wraps indented usage lines badly; our lines are written to fit 100 columns.
    .wrap(null)
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(message);
    });
}

/** Parses and checks a command line without running it (the help's examples are tested this way). */
export async function parseOnly(rawArgs: string[]): Promise<Record<string, unknown>> {
  return (await build(protectSecrets(rawArgs).args).parseAsync()) as Record<string, unknown>;
}

export async function runCli(rawArgs: string[]): Promise<number> {
  // Secrets are joined to their flags first, so the parser can neither misread nor echo them.
  const { args, secrets } = protectSecrets(rawArgs);
  for (const variable of [KEY_PASSPHRASE_ENV, PASSWORD_ENV]) rememberSecret(process.env[variable] ?? '');
  try {
    const parsed = await build(args).parseAsync();
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
