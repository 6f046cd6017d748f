// What --help teaches, generated from the tables the code itself uses (exit codes, formats), plus
// runnable examples per command. A new command adds its examples here; a new format its line.
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../engine/exit-code.js';
import { TOOL } from '../version.js';

export const EXIT_ENVIRONMENT = 3;

/** Every exit code the tool returns, and when: printed in help, used by the code. */
export const EXIT_CODES: readonly { code: number; meaning: string }[] = [
  { code: EXIT_OK, meaning: 'nothing failed (under --fail-on warn: nothing warned either); grade: every student was graded' },
  { code: EXIT_FINDINGS, meaning: 'a check failed or errored (or warned, under --fail-on warn); grade: only under --fail-on LEVEL' },
  { code: EXIT_USAGE, meaning: 'usage or input error: nothing was sent on the network' },
  { code: EXIT_ENVIRONMENT, meaning: 'the environment broke: the lab could not start, or an internal error' },
  { code: 130, meaning: 'interrupted (Ctrl-C); grade --output keeps the students finished so far' },
  { code: 143, meaning: 'terminated (SIGTERM); likewise' },
];

/** One line per report format; every format a command accepts must be here (help is built from it). */
export const FORMAT_HELP: Record<string, string> = {
  human: 'for people: a line per check, the fix under it (the default)',
  json: 'the documented JSON contract (schema/*.schema.json)',
  junit: 'JUnit XML for CI test reports (valid against Jenkins/Ant junit-10.xsd)',
  sarif: 'SARIF 2.1.0 for code scanning: config findings at their file and line',
  github: 'GitHub Actions workflow commands: annotations on the config lines',
  csv: 'a row per student, a column per check (gradebooks)',
  html: 'one self-contained HTML page (a class dashboard for grade and merge)',
  gradescope: 'Gradescope autograder results.json (one student; --output DIR/ for a class)',
  prometheus: 'Prometheus text exposition: the run as metrics (for a textfile collector)',
};

/** Formats that write a folder of files when --output names one (DIR/). */
export const FOLDER_FORMATS = new Set(['gradescope']);

export function formatsHelp(formats: readonly string[]): string {
  const width = Math.max(...formats.map((format) => format.length));
  return `Formats (--format):\n${formats.map((format) => `  ${format.padEnd(width)}  ${FORMAT_HELP[format] ?? ''}`).join('\n')}`;
}

export function exitCodesHelp(): string {
  return `Exit codes:\n${EXIT_CODES.map(({ code, meaning }) => `  ${code}  ${meaning}`).join('\n')}`;
}

/** Runnable examples per command (`$0` is the tool's name); test/cli/help.test.ts parses each one. */
export const EXAMPLES: Record<string, readonly (readonly [string, string])[]> = {
  diagnose: [
    ['$0 cloud.example.com --ca lampi_ca.crt --cert lamp.crt --key lamp.key', 'diagnose a broker as the lamp\'s bridge sees it'],
    ['$0 cloud.example.com --resolve cloud.example.com:203.0.113.7 --ca lampi_ca.crt', 'test a server before its DNS record exists'],
    ['$0 203.0.113.7 --servername cloud.example.com --ca lampi_ca.crt', 'dial an address, verify the certificate as the name'],
    ['$0 cloud.example.com --ca lampi_ca.crt --cert lamp.crt --key lamp.key --local mqtt://127.0.0.1:1883 --device-id b827eb74663e', 'on the lamp: through the bridge too'],
    ['LAMPI_DOCTOR_KEY_PASSPHRASE=... $0 cloud.example.com --ca lampi_ca.crt --cert ci.crt --key ci.key --format junit --output report.xml', 'in CI, with an encrypted key'],
  ],
  lab: [
    ['$0 lab run', 'start a healthy lab of real brokers, diagnose it, stop it'],
    ['$0 lab run --scenario missing-intermediate', 'see what a broken setup looks like'],
    ['$0 lab scenarios', 'list the broken setups the lab can build'],
    ['$0 lab up --scenario wrong-san', 'keep a lab running; it prints the command that diagnoses it'],
    ['$0 lab down', 'stop it'],
  ],
  grade: [
    ['$0 grade roster.csv --ca lampi_ca.crt --cert grader.crt --key grader.key', 'grade a class: a table of students x checks'],
    ['$0 grade roster.csv --rubric rubric.json --format csv --output grades.csv', 'a gradebook CSV, scored by a rubric'],
    ['$0 grade roster.csv --shard 2/4 --format json --output shard-2.json', 'one slice of a large class, on a CI matrix'],
  ],
  lint: [
    ['$0 lint', 'read /etc/mosquitto/mosquitto.conf and the files it names'],
    ['$0 lint cloud/mosquitto.conf lamp/lampi_bridge.conf', 'one config per broker'],
    ['$0 lint cloud/mosquitto.conf --format sarif --output lint.sarif', 'for GitHub code scanning'],
    ['$0 lint cloud/mosquitto.conf --format github', 'annotations on the config lines of a pull request'],
  ],
  merge: [['$0 merge shard-*.json --format csv --output grades.csv', 'join the shards of grade --shard K/N runs']],
};

export function examplesFor(command: string): readonly (readonly [string, string])[] {
  return EXAMPLES[command] ?? [];
}

/** The usage line shown when a command's required arguments are missing. */
export const COMMAND_USAGE: Record<string, string> = {
  grade: `${TOOL.name} grade roster.csv [options]: give the class roster (CSV: student,fqdn,...)`,
  merge: `${TOOL.name} merge shard-1.json shard-2.json ...: give the grade --format json reports to join`,
  lab: `${TOOL.name} lab up|down|status|run|scenarios: say what to do with the lab`,
  lint: `${TOOL.name} lint [config...]`,
};
