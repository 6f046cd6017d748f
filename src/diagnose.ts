// One diagnosis: inputs -> probes -> facts -> checks -> a report (the JSON contract).
import { setMaxListeners } from 'node:events';
import { diagnosisChecks } from '../checks/index.js';
import { exitCodeFor, type FailOn } from './engine/exit-code.js';
import { planChecks, type RunPlan } from './engine/selection.js';
import { runChecks, type RunHooks } from './engine/runner.js';
import { countStatuses, type CheckResult, type Counts } from './engine/types.js';
import { prepareProbeContext, type DiagnoseInput } from './inputs.js';
import { Cancelled } from './probes/deadline.js';
import { createFactSource } from './probes/fact-source.js';
import { LoadMonitor } from './probes/load.js';
import { resolveMosquittoVersion } from './config/mosquitto-versions.js';
import { TOOL } from './version.js';

export interface Report {
  tool: { name: string; version: string };
  target: {
    host: string;
    port: number;
    address: string | null;
    addresses: string[];
    resolvedBy: string;
    ca: string | null;
    cert: string | null;
  };
  startedAt: string;
  durationMs: number;
  checks: CheckResult[];
  counts: Counts;
  exitCode: number;
}

export interface DiagnoseOptions extends DiagnoseInput {
  hooks?: RunHooks;
  /** Check ids or areas to run (--only) or leave out (--skip). */
  only?: string[];
  skip?: string[];
  /** Which status fails the run (--fail-on): 'fail' (default) or 'warn'. */
  failOn?: FailOn;
  /** The cloud broker's mosquitto.conf: lint it and cite its lines (--config). */
  config?: string;
  /** Fixed clock for tests of dates. */
  now?: Date;
  /**
   * Cancels the run (a grade student's deadline, a scrape's): every socket, timer, lookup and MQTT
   * client ends at once, and checks still running report `error` with code `<check>/cancelled`.
   */
  signal?: AbortSignal;
  /**
   * A running monitor of this process's event-loop lag, shared by runs in one process (a grade run's
   * students); by default each run starts and stops its own.
   */
  monitor?: LoadMonitor;
  /** Start loading the MQTT library with the first checks (one CLI diagnosis: its start-up is the critical path). */
  preloadMqtt?: boolean;
}

export async function diagnose(options: DiagnoseOptions): Promise<Report> {
  const { checks, hidden } = planChecks(diagnosisChecks, options.only, options.skip);
  const context = prepareProbeContext(options);
  const started = new Date();
  const began = performance.now();
  // One signal for the whole run: the caller's, and the run's own end, which sweeps away anything a
  // probe still holds (a check that hit its safety deadline, a session some peer never let go of).
  const run = new AbortController();
  // Every step in flight listens to the run's signal: dozens at once is normal, not a leak.
  setMaxListeners(0, run.signal);
  const unlink = linkAbort(options.signal, run);
  const monitor = options.monitor ?? new LoadMonitor().start();
  try {
    return await diagnoseWith(options, { checks, hidden }, context, { started, began, signal: run.signal, monitor });
  } finally {
    if (!options.monitor) monitor.stop();
    unlink();
    run.abort(new Cancelled('the run is over'));
  }
}

function linkAbort(parent: AbortSignal | undefined, child: AbortController): () => void {
  if (!parent) return () => undefined;
  const forward = () => child.abort(parent.reason);
  if (parent.aborted) forward();
  else parent.addEventListener('abort', forward, { once: true });
  return () => parent.removeEventListener('abort', forward);
}

async function diagnoseWith(
  options: DiagnoseOptions,
  { checks, hidden }: RunPlan<(typeof diagnosisChecks)[number]>,
  context: ReturnType<typeof prepareProbeContext>,
  run: { started: Date; began: number; signal: AbortSignal; monitor: LoadMonitor },
): Promise<Report> {
  const { started, began } = run;
  // Prerequisites run hidden still gather their facts: they count as wanted.
  const wanted = new Set(checks.flatMap((check) => check.needs));
  const facts = createFactSource({ ...context, signal: run.signal, monitor: run.monitor, wanted });
  const checking = runChecks({
    checks,
    hidden,
    facts,
    settings: {
      // The name the certificate must carry: --servername when the address dialled is another.
      host: context.servername ?? context.host,
      port: context.port,
      now: options.now ?? started,
      expiryWarnDays: context.expiryWarnDays,
      timeoutMs: context.timeoutMs,
      caPath: options.ca,
      certPath: options.cert,
      mosquitto: resolveMosquittoVersion(options.mosquittoVersion, () => undefined),
      samples: context.mqtt.samples,
      qos: context.mqtt.qos,
      wssPort: context.mqtt.wssPort,
      plainPort: context.mqtt.plainPort,
      hasLocal: Boolean(context.mqtt.localUrl),
    },
    // Probes bound themselves; this only catches a probe that forgot to.
    deadlineMs: context.timeoutMs * 3 + 2000,
    hooks: options.hooks,
    signal: run.signal,
    lagSince: (from) => run.monitor.lagBetween(from, performance.now()),
  });
  // The MQTT library loads while the first checks wait on DNS, TCP and TLS, not after them.
  if (options.preloadMqtt && checks.some((check) => /^(mqtt|bridge|wss)\./.test(check.id))) void import('mqtt').catch(() => undefined);
  const results = await checking.finally(() => facts.dispose());
  // The lint rules and config readers load only when a config is given (--config, --bridge-config).
  const joined = options.config || options.bridgeConfig ? (await import('./diagnose-config.js')).joinConfig(results, options, context) : results;
  // Only what the checks gathered: `--only dns.resolve` must not open a TCP connection for the header.
  const resolution = await facts.get('resolution');
  const tcp = await facts.peek('tcp');
  return {
    tool: TOOL,
    target: {
      host: context.host,
      port: context.port,
      address: tcp?.address ?? null,
      addresses: resolution.addresses,
      resolvedBy: resolution.source,
      ca: options.ca ?? null,
      cert: options.cert ?? null,
    },
    startedAt: started.toISOString(),
    durationMs: Math.round(performance.now() - began),
    checks: joined,
    counts: countStatuses(joined),
    exitCode: exitCodeFor(joined, options.failOn),
  };
}
