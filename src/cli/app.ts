// The command line: parsing, help, and turning every failure into one clear line and an exit code.
import yargs, { type Argv } from 'yargs';
import { EXIT_USAGE } from '../engine/exit-code.js';
import { UsageError } from '../engine/types.js';
import { DEFAULT_CONCURRENCY, DEFAULT_EXPIRY_WARN_DAYS, DEFAULT_PLAIN_PORT, DEFAULT_PROBE_PREFIX, DEFAULT_SAMPLES, DEFAULT_TIMEOUT_MS, DEFAULT_WSS_PORT } from '../inputs.js';
import { FORMATS } from '../reporters/index.js';
import { GRADE_FORMATS } from '../reporters/grade.js';
import { TOOL } from '../version.js';
import { EXPLAIN_USAGE, explainOptions } from './explain-command.js';

export const EXIT_ENVIRONMENT = 3;

export function reportOptions(y: Argv, formats: readonly string[] = FORMATS) {
  return y
    .option('format', { choices: formats, default: 'human', describe: 'Report format on stdout (or in --output)', group: 'Output:' })
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
    .option('key-passphrase', { type: 'string', describe: 'Passphrase of an encrypted --key', group: 'Certificates:' })
    .option('mqtt-version', { type: 'string', choices: ['3.1.1', '5'], default: '3.1.1', describe: 'MQTT protocol version for the CONNECTs', group: 'MQTT:' })
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
  Diagnose a broker as the lamp's bridge sees it:
    $0 cloud.example.com --ca lampi_ca.crt --cert lamp.crt --key lamp.key
  ...and through the bridge, from the lamp (needs \`topic lampi-doctor/# both 1 "" devices/<id>/\`):
    $0 cloud.example.com --ca lampi_ca.crt --cert lamp.crt --key lamp.key \\
      --local mqtt://127.0.0.1:1883 --bridge-config /etc/mosquitto/conf.d/lampi_bridge.conf
  Test a server before its DNS record exists:
    $0 cloud.example.com --resolve cloud.example.com:203.0.113.7 --ca lampi_ca.crt
  Gate a deployment in CI:
    $0 cloud.example.com --ca lampi_ca.crt --format json --output report.json
  See what a broken setup looks like:
    $0 lab run --scenario missing-intermediate
  Grade a class (CSV columns: student,fqdn and optionally port,wss_port,ca,cert,key,local,device_id,resolve):
    $0 grade roster.csv --ca lampi_ca.crt --cert grader.crt --key grader.key --rubric rubric.json --format csv -o grades.csv
  Grade a large class on a CI matrix, then join:
    $0 grade roster.csv --shard 2/4 --format json -o shard-2.json ...;  $0 merge shard-*.json --format csv

Checks: dns.resolve, tcp.connect, tls.handshake, tls.version, tls.chain, tls.hostname, tls.validity,
tls.key, tls.client-auth, mqtt.connect, mqtt.roundtrip, bridge.status, bridge.inbound, bridge.outbound,
wss.handshake, wss.connect, plain.exposure. Statuses: pass, warn, fail, skip (a prerequisite failed, or it could not be
tested), error (the check itself broke).
Exit codes: 0 nothing failed; 1 a check failed or errored; 2 usage or input error; 3 the lab could
not start. grade: 0 once every student is graded (whatever their statuses), 1 under --fail-on LEVEL
when a student has a check at that level; 130/143 interrupted (--output keeps the finished students).`;

function build(args: string[]) {
  return yargs(args)
    .scriptName(TOOL.name)
    .usage(USAGE)
    .command('$0 <fqdn>', false, (y) =>
      diagnosisOptions(reportOptions(y.positional('fqdn', { type: 'string', describe: 'The broker\'s FQDN, as its certificate names it (NAME:PORT also works)' }))),
    )
    .command('lab <action>', false, (y) =>
      diagnosisOptions(
        reportOptions(
          y
            .positional('action', { choices: ['up', 'down', 'status', 'run', 'scenarios'] as const, describe: 'What to do with the lab' })
            .option('scenario', { alias: 's', type: 'string', default: 'healthy', describe: 'Setup to build (see `lab scenarios`)', group: 'Lab:' })
            .option('dir', { type: 'string', describe: 'Folder the lab lives in (up/down/status)', group: 'Lab:' }),
        ),
      ),
    )
    .command('grade <roster>', false, (y) =>
      diagnosisOptions(reportOptions(y.positional('roster', { type: 'string', describe: 'CSV roster: student,fqdn[,port,wss_port,ca,cert,key,local,device_id,resolve]' }), GRADE_FORMATS))
        .option('rubric', { type: 'string', describe: 'JSON: { "points": { "<check id or area>": n }, "warnCredit": 0.5 }', group: 'Grading:' })
        .option('concurrency', { type: 'number', default: DEFAULT_CONCURRENCY, describe: 'Students diagnosed at once', group: 'Grading:' })
        .option('shard', { type: 'string', describe: 'Grade only slice K of N (stable by student name), e.g. 2/4', group: 'Grading:' })
        .option('resume', { type: 'string', describe: 'Finish an interrupted run: keep the students of this --format json report, grade the rest', group: 'Grading:' })
        // grade exits 0 once every student is graded, unless --fail-on is given.
        .default('fail-on', undefined)
        .describe('fail-on', 'Exit 1 when any student has a check at this level or worse (unset: exit 0 once every student is graded; 130/143 when interrupted)'),
    )
    .command('lint [paths..]', false, (y) =>
      reportOptions(y.positional('paths', { type: 'string', array: true, describe: 'Mosquitto configs, one per broker (default /etc/mosquitto/mosquitto.conf)' }))
        .option('expiry-warn-days', { type: 'number', default: DEFAULT_EXPIRY_WARN_DAYS, describe: 'Warn when a certificate expires within this many days', group: 'Limits:' })
        .option('probe-prefix', { type: 'string', default: DEFAULT_PROBE_PREFIX, describe: 'Local topic prefix of the diagnostic bridge mapping', group: 'Bridge:' })
        .option('cert', { type: 'string', array: true, describe: 'Client certificates to look up in the configs\' CRLs', group: 'Certificates:' })
        .option('mosquitto-version', MOSQUITTO_VERSION_OPTION),
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
      reportOptions(y.positional('reports', { type: 'string', array: true, describe: 'grade --format json reports of the shards' }), GRADE_FORMATS),
    )
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

export async function runCli(args: string[]): Promise<number> {
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
      const { runLabCommand } = await import('./lab-command.js');
      return await runLabCommand(parsed as never);
    }
    const { runDiagnoseCommand } = await import('./diagnose-command.js');
    return await runDiagnoseCommand(parsed as never);
  } catch (error) {
    return reportFailure(error);
  }
}

function reportFailure(error: unknown): number {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof UsageError || (error instanceof Error && error.name === 'YError')) {
    if (/^Not enough non-option arguments/.test(message)) {
      process.stderr.write(`${TOOL.name}: give the broker's FQDN (lampi-doctor <fqdn> [options]), or try the embedded lab: lampi-doctor lab run\nRun \`${TOOL.name} --help\` for usage.\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`${TOOL.name}: ${message}\nRun \`${TOOL.name} --help\` for usage.\n`);
    return EXIT_USAGE;
  }
  if (error instanceof Error && error.name === 'LabError') {
    process.stderr.write(`${TOOL.name}: ${message}\n`);
    return EXIT_ENVIRONMENT;
  }
  process.stderr.write(`${TOOL.name}: internal error: ${message}\n(set LAMPI_DEBUG=1 for details; please report it)\n`);
  if (process.env.LAMPI_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return EXIT_ENVIRONMENT;
}
