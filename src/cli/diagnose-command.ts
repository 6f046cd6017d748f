// `lampi-doctor <fqdn>`: run the diagnosis with live progress on a terminal, then print and save.
import { diagnose, type Report } from '../diagnose.js';
import type { RunHooks } from '../engine/runner.js';
import type { DiagnoseInput } from '../inputs.js';
import { rendererFor, type Format } from '../reporters/formats.js';
import { fitLine } from '../reporters/wrap.js';
import { deliver } from './output.js';
import { KEY_PASSPHRASE_ENV, PASSWORD_ENV, resolveSecret } from './secrets.js';

export interface ReportArgs {
  format: Format;
  output?: string;
  color?: boolean;
  verbose: boolean;
  failOn: 'warn' | 'fail';
  only?: string[];
  skip?: string[];
}

export interface DiagnoseArgs extends ReportArgs {
  fqdn: string;
  port?: number;
  resolve?: string[];
  ca?: string;
  cert?: string;
  key?: string;
  keyPassphrase?: string;
  keyPassphraseFile?: string;
  servername?: string;
  username?: string;
  password?: string;
  passwordFile?: string;
  timeout: number;
  expiryWarnDays: number;
  mqttVersion: string;
  clientId?: string;
  samples: number;
  qos: number;
  wssPort: number;
  wssPath?: string;
  plainPort: number;
  local?: string;
  deviceId?: string;
  bridgeConfig?: string;
  config?: string;
  probePrefix: string;
  mosquittoVersion?: string;
}

export function toDiagnoseInput(args: Omit<DiagnoseArgs, keyof ReportArgs>): DiagnoseInput {
  // The variables only count where they can apply: a passphrase with a key, a password with a user.
  const keyPassphrase = resolveSecret({ flag: '--key-passphrase', value: args.keyPassphrase, fileFlag: '--key-passphrase-file', file: args.keyPassphraseFile, env: KEY_PASSPHRASE_ENV }, args.key ? process.env : {});
  const password = resolveSecret({ flag: '--password', value: args.password, fileFlag: '--password-file', file: args.passwordFile, env: PASSWORD_ENV }, args.username !== undefined ? process.env : {});
  return {
    target: args.fqdn,
    port: args.port,
    resolve: args.resolve,
    ca: args.ca,
    cert: args.cert,
    key: args.key,
    keyPassphrase,
    servername: args.servername,
    username: args.username,
    password,
    timeoutMs: args.timeout,
    expiryWarnDays: args.expiryWarnDays,
    mqttVersion: args.mqttVersion,
    clientId: args.clientId,
    samples: args.samples,
    qos: args.qos,
    wssPort: args.wssPort,
    wssPath: args.wssPath,
    plainPort: args.plainPort,
    local: args.local,
    deviceId: args.deviceId,
    bridgeConfig: args.bridgeConfig,
    mosquittoVersion: args.mosquittoVersion,
    probePrefix: args.probePrefix,
  };
}

export function colorWanted(flag: boolean | undefined, stream: NodeJS.WriteStream): boolean {
  if (flag !== undefined) return flag;
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}

/** Progress is for a person at a terminal: not in CI, nor when output is redirected or piped. */
export function interactive(): boolean {
  return Boolean(process.stdout.isTTY && process.stderr.isTTY && !process.env.CI);
}

/** A spinner on stderr, only in an interactive session; CI logs stay plain. */
export async function progressHooks(label: string): Promise<{ hooks: RunHooks; stop(): void }> {
  if (!interactive()) return { hooks: {}, stop: () => undefined };
  const { default: ora } = await import('ora');
  const spinner = ora({ text: fitLine(label, (process.stderr.columns || 80) - 5), stream: process.stderr, discardStdin: false }).start();
  const running = new Set<string>();
  let done = 0;
  const update = () => {
    const ids = [...running];
    const shown = ids.length > 3 ? `${ids.slice(0, 3).join(', ')} +${ids.length - 3} more` : ids.join(', ');
    // One line that fits: ora counts its text plus 4 columns, and a text it thinks wraps makes every
    // redraw move up a line and erase what was printed above the spinner.
    spinner.text = fitLine(`${label}: ${shown || 'finishing'} (${done} done)`, (process.stderr.columns || 80) - 5);
  };
  return {
    hooks: {
      onStart(check) {
        running.add(check.id);
        update();
      },
      onFinish(result) {
        running.delete(result.id);
        done += 1;
        update();
      },
    },
    stop: () => spinner.stop(),
  };
}

type Renderers = Map<Format, Awaited<ReturnType<typeof rendererFor>>>;

/** The renderers of the format asked for and, with --output, of the human report on the terminal. */
export async function renderersFor(args: ReportArgs): Promise<Renderers> {
  const renderers: Renderers = new Map();
  for (const format of new Set<Format>(args.output ? [args.format, 'human'] : [args.format])) renderers.set(format, await rendererFor(format));
  return renderers;
}

export async function emitReport(report: Report, args: ReportArgs, sensitive = false, loading: Promise<Renderers> = renderersFor(args)): Promise<void> {
  // Wrapping follows the terminal, whatever the colour: a piped report is not wrapped.
  const width = process.stdout.isTTY ? process.stdout.columns || 0 : 0;
  const renderers = await loading;
  deliver((format, color) => renderers.get(format)!(report, { color, verbose: args.verbose, width }), args.format, args.output, colorWanted(args.color, process.stdout), { sensitive });
}

export async function runDiagnoseCommand(args: DiagnoseArgs): Promise<number> {
  const input = toDiagnoseInput(args);
  // The renderers load while the checks run.
  const renderers = renderersFor(args);
  renderers.catch(() => undefined);
  const progress = await progressHooks(`Diagnosing ${args.fqdn}`);
  let report: Report;
  try {
    report = await diagnose({ ...input, config: args.config, only: args.only, skip: args.skip, failOn: args.failOn, hooks: progress.hooks, preloadMqtt: true });
  } finally {
    progress.stop();
  }
  await emitReport(report, args, Boolean(args.key), renderers);
  return report.exitCode;
}
