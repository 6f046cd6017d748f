// The options of a diagnosis, declared once: yargs builds its parser and --help from this table
// (yargs-app.ts), and quick-args.ts parses the plain command lines of a diagnosis from it without
// loading yargs. test/cli/quick-args.test.ts holds the two parsers to the same answers.
import { DEFAULT_EXPIRY_WARN_DAYS, DEFAULT_PLAIN_PORT, DEFAULT_PROBE_PREFIX, DEFAULT_SAMPLES, DEFAULT_TIMEOUT_MS, DEFAULT_WSS_PORT } from '../inputs.js';
import { FORMATS } from '../reporters/formats.js';
import { KEY_PASSPHRASE_ENV, PASSWORD_ENV } from './secrets.js';

/** One option as yargs takes it (`y.option(key, spec)`), with its long name. */
export interface OptionSpec {
  key: string;
  alias?: string;
  /** No type: a value from `choices` (yargs then prints no [type] in help). */
  type?: 'string' | 'number' | 'boolean';
  array?: boolean;
  choices?: readonly (string | number)[];
  default?: string | number | boolean;
  describe: string;
  group: string;
}

export function reportOptionTable(formats: readonly string[] = FORMATS): OptionSpec[] {
  return [
    { key: 'format', choices: formats, default: 'human', describe: 'Report format on stdout (or in --output); see Formats below', group: 'Output:' },
    { key: 'output', alias: 'o', type: 'string', describe: 'Write the report in --format to FILE; the terminal still shows the human report', group: 'Output:' },
    { key: 'color', type: 'boolean', describe: 'Colour; default: on a terminal only, off under NO_COLOR (--no-color)', group: 'Output:' },
    { key: 'verbose', alias: 'v', type: 'boolean', default: false, describe: 'Show the evidence behind every check', group: 'Output:' },
    { key: 'fail-on', choices: ['warn', 'fail'], default: 'fail', describe: 'Lowest status that makes the exit code 1', group: 'Output:' },
    { key: 'only', type: 'string', array: true, describe: 'Run only these checks or areas (tls.chain, tls, bridge, ...)', group: 'Selection:' },
    { key: 'skip', type: 'string', array: true, describe: 'Leave out these checks or areas (e.g. --skip wss bridge)', group: 'Selection:' },
  ];
}

/** Declared once, for live runs and lint: verdicts key on the broker's Mosquitto version. */
export const MOSQUITTO_VERSION_OPTION = { type: 'string', describe: 'Mosquitto version the broker runs, X.Y.Z (default: detected, else 2.0.11)', group: 'Target:' } as const;

export const DIAGNOSIS_OPTIONS: readonly OptionSpec[] = [
  { key: 'port', alias: 'p', type: 'number', describe: 'TLS MQTT port [default: 8883]', group: 'Target:' },
  { key: 'resolve', type: 'string', array: true, describe: 'Use ADDRESS for NAME instead of DNS, as curl does: NAME:ADDRESS (repeatable)', group: 'Target:' },
  { key: 'ca', type: 'string', describe: 'CA to verify the broker with (lampi_ca.crt); default: system roots', group: 'Certificates:' },
  { key: 'cert', type: 'string', describe: 'Client certificate, as the bridge\'s bridge_certfile', group: 'Certificates:' },
  { key: 'key', type: 'string', describe: 'Private key of --cert, as bridge_keyfile (read locally, never printed)', group: 'Certificates:' },
  { key: 'key-passphrase', type: 'string', describe: `Passphrase of an encrypted --key (visible in \`ps\`: prefer --key-passphrase-file or ${KEY_PASSPHRASE_ENV})`, group: 'Certificates:' },
  { key: 'key-passphrase-file', type: 'string', describe: 'File whose first line is the passphrase of --key', group: 'Certificates:' },
  { key: 'servername', type: 'string', describe: 'Name to send as SNI and verify the certificate against, when it is not the address dialled', group: 'Target:' },
  { key: 'mqtt-version', type: 'string', choices: ['3.1.1', '5'], default: '3.1.1', describe: 'MQTT protocol version for the CONNECTs', group: 'MQTT:' },
  { key: 'username', alias: 'u', type: 'string', describe: 'MQTT user name, for listeners with a password_file (e.g. websockets for browsers)', group: 'MQTT:' },
  { key: 'password', alias: 'P', type: 'string', describe: `MQTT password (visible in \`ps\`: prefer --password-file or ${PASSWORD_ENV})`, group: 'MQTT:' },
  { key: 'password-file', type: 'string', describe: 'File whose first line is the MQTT password', group: 'MQTT:' },
  { key: 'client-id', type: 'string', describe: 'Client id prefix each session extends (default: a unique lampi-doctor-<random>; grade adds each student\'s roster line); never the bridge\'s', group: 'MQTT:' },
  { key: 'samples', type: 'number', default: DEFAULT_SAMPLES, describe: 'Messages per round trip, for latency figures', group: 'MQTT:' },
  { key: 'qos', type: 'number', choices: [0, 1, 2], default: 1, describe: 'QoS of the probe messages (never retained)', group: 'MQTT:' },
  { key: 'wss-port', type: 'number', default: DEFAULT_WSS_PORT, describe: 'Secure websockets port', group: 'MQTT:' },
  { key: 'wss-path', type: 'string', default: '/mqtt', describe: 'Websockets path browser clients use', group: 'MQTT:' },
  { key: 'plain-port', type: 'number', default: DEFAULT_PLAIN_PORT, describe: 'Plain MQTT port that must not be reachable from outside', group: 'MQTT:' },
  { key: 'local', type: 'string', describe: 'The lamp\'s own broker, e.g. mqtt://127.0.0.1:1883, to test through the bridge', group: 'Bridge:' },
  { key: 'device-id', type: 'string', describe: 'The lamp\'s id: the bridge maps its topics under devices/<id>/', group: 'Bridge:' },
  { key: 'bridge-config', type: 'string', describe: 'The lamp\'s lampi_bridge.conf: its mapping and client id; linted, and cited by results', group: 'Bridge:' },
  { key: 'config', type: 'string', describe: 'The cloud broker\'s mosquitto.conf: linted, and cited by the results it explains', group: 'Bridge:' },
  { key: 'probe-prefix', type: 'string', default: DEFAULT_PROBE_PREFIX, describe: 'Local topic prefix of the diagnostic bridge mapping', group: 'Bridge:' },
  { key: 'timeout', type: 'number', default: DEFAULT_TIMEOUT_MS, describe: 'Limit for every network step, in ms', group: 'Limits:' },
  { key: 'expiry-warn-days', type: 'number', default: DEFAULT_EXPIRY_WARN_DAYS, describe: 'Warn when a certificate expires within this many days', group: 'Limits:' },
  { key: 'mosquitto-version', ...MOSQUITTO_VERSION_OPTION },
];

/** What `$0 <fqdn>` says about its positional. */
export const FQDN_DESCRIBE = 'The broker\'s FQDN, as its certificate names it (NAME:PORT also works)';

/** The spec without its name, as `y.option(key, spec)` wants it. */
export function yargsSpec({ key: _key, ...spec }: OptionSpec): Omit<OptionSpec, 'key'> {
  return spec;
}
