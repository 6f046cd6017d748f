// The yargs parser of the command line and every command's --help. Loaded only when needed: a
// plain diagnosis is parsed by quick-args.ts from the same option table (options.ts).
import yargs, { type Argv, type MiddlewareFunction } from 'yargs';
import { UsageError } from '../engine/types.js';
import { DEFAULT_CONCURRENCY, DEFAULT_EXPIRY_WARN_DAYS, DEFAULT_PROBE_PREFIX } from '../inputs.js';
import { FORMATS, GRADE_FORMATS, LINT_FORMATS } from '../reporters/formats.js';
import { TOOL } from '../version.js';
import { checkArgs, givenOptions, type YargsOptions } from './arg-checks.js';
import { exitCodesHelp, examplesFor, FOLDER_FORMATS, formatsHelp } from './help.js';
import { checkLabFlags } from './lab-args.js';
import { checkOutput } from './output.js';
import { KEY_PASSPHRASE_ENV, PASSWORD_ENV } from './secrets.js';
import { EXPLAIN_USAGE, explainOptions } from './explain-command.js';
import { DIAGNOSIS_OPTIONS, FQDN_DESCRIBE, MOSQUITTO_VERSION_OPTION, reportOptionTable, yargsSpec } from './options.js';

/** Adds a command's runnable examples (help.ts) to its --help. */
function withExamples(y: Argv, command: string): Argv {
  return examplesFor(command).reduce((argv, [cmd, description]) => argv.example(cmd, description), y);
}

export function reportOptions(y: Argv, formats: readonly string[] = FORMATS) {
  return reportOptionTable(formats).reduce((argv, option) => argv.option(option.key, yargsSpec(option)), y);
}

export function diagnosisOptions(y: Argv) {
  return DIAGNOSIS_OPTIONS.reduce((argv, option) => argv.option(option.key, yargsSpec(option)), y);
}

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

export function buildParser(args: string[]) {
  return yargs(args)
    .scriptName(TOOL.name)
    .usage(USAGE)
    .command('$0 <fqdn>', false, (y) =>
      diagnosisOptions(reportOptions(y.positional('fqdn', { type: 'string', describe: FQDN_DESCRIBE }))),
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
          .option('concurrency', { type: 'number', default: DEFAULT_CONCURRENCY, describe: 'Most students diagnosed at once; fewer start while the CPU is saturated', group: 'Grading:' })
          .option('threads', { type: 'number', describe: 'Grading threads, each diagnosing its share of --concurrency (default: one per CPU core, none for fewer than 16 students per thread; 1: all in one thread)', group: 'Grading:' })
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
