// `lampi-doctor <fqdn>`: run the diagnosis with live progress on a terminal, then print and save.
import { diagnose, type Report } from '../diagnose.js';
import type { RunHooks } from '../engine/runner.js';
import type { DiagnoseInput } from '../inputs.js';
import { render, type Format } from '../reporters/index.js';
import { deliver } from './output.js';

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
  return {
    target: args.fqdn,
    port: args.port,
    resolve: args.resolve,
    ca: args.ca,
    cert: args.cert,
    key: args.key,
    keyPassphrase: args.keyPassphrase,
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
  const spinner = ora({ text: label, stream: process.stderr, discardStdin: false }).start();
  const running = new Set<string>();
  let done = 0;
  const update = () => {
    const ids = [...running];
    const shown = ids.length > 3 ? `${ids.slice(0, 3).join(', ')} +${ids.length - 3} more` : ids.join(', ');
    spinner.text = `${label}: ${shown || 'finishing'} (${done} done)`;
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

export function emitReport(report: Report, args: ReportArgs): void {
  const width = process.stdout.columns || 0;
  deliver((format, color) => render(report, format, { color, verbose: args.verbose, width: color ? width : 0 }), args.format, args.output, colorWanted(args.color, process.stdout));
}

export async function runDiagnoseCommand(args: DiagnoseArgs): Promise<number> {
  const input = toDiagnoseInput(args);
  const progress = await progressHooks(`Diagnosing ${args.fqdn}`);
  let report: Report;
  try {
    report = await diagnose({ ...input, config: args.config, only: args.only, skip: args.skip, failOn: args.failOn, hooks: progress.hooks });
  } finally {
    progress.stop();
  }
  emitReport(report, args);
  return report.exitCode;
}
