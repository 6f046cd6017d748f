// The exporter: /probe runs one diagnosis per scrape (blackbox_exporter's multi-target pattern),
// /metrics tells about the exporter itself, / lists the last probes. A broker is never hammered: at
// most --max-in-flight diagnoses at once, and a target+module probed again within --min-interval
// gets the last result (a scrape arriving while the same probe runs joins it).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, collectDefaultMetrics, register } from 'prom-client';
import { diagnose, type Report } from '../diagnose.js';
import { UsageError } from '../engine/types.js';
import { renderHuman } from '../reporters/human.js';
import { DEFAULT_MODULE_TIMEOUT_MS, probeInput, type ServeConfig, type ServeModule } from './config.js';
import { renderExposition } from './exposition.js';
import { Limiter } from './limiter.js';
import { probeMetrics, type MetricFamily } from './probe-metrics.js';
import { negotiateContentType, renderRegistry } from './registry.js';
import { statusPage } from './status-page.js';

export interface ServeSettings {
  config: ServeConfig;
  host: string;
  port: number;
  maxInFlight: number;
  minIntervalMs: number;
}

/** Used when a scraper sends no X-Prometheus-Scrape-Timeout-Seconds (curl, a browser). */
export const DEFAULT_SCRAPE_TIMEOUT_S = 30;
/** Kept back from the scrape timeout for writing the answer, as blackbox_exporter's --timeout-offset. */
const TIMEOUT_OFFSET_MS = 500;
const HISTORY = 100;

export interface ProbeRecord {
  id: number;
  module: string;
  target: string;
  startedAt: Date;
  /** undefined while running. */
  report?: Report;
  families?: MetricFamily[];
  /** The diagnosis outlived its scrape's timeout (it still finished, later, in the background). */
  timedOut?: boolean;
  error?: string;
  done: Promise<void>;
}

const exporterMetrics = () => ({
  probes: new Counter({ name: 'lampi_exporter_probes_total', help: 'Diagnoses run, by module and result (success: nothing failed)', labelNames: ['module', 'result'] }),
  cached: new Counter({ name: 'lampi_exporter_cached_answers_total', help: 'Scrapes answered with the last result of the same target and module (within --min-interval, or joining a running probe)', labelNames: ['module'] }),
  rejected: new Counter({ name: 'lampi_exporter_rejected_requests_total', help: 'Probe requests refused: bad-request (400) or busy (503: no slot within the scrape timeout)', labelNames: ['reason'] }),
  timedOut: new Counter({ name: 'lampi_exporter_probe_timeouts_total', help: 'Probes answered as failed because the diagnosis outlived the scrape timeout', labelNames: ['module'] }),
  duration: new Histogram({ name: 'lampi_exporter_probe_duration_seconds', help: 'Duration of the diagnoses run', labelNames: ['module'], buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30] }),
  inFlight: new Gauge({ name: 'lampi_exporter_probes_in_flight', help: 'Diagnoses running now' }),
  inFlightPeak: new Gauge({ name: 'lampi_exporter_probes_in_flight_max', help: 'Most diagnoses ever running at once since start' }),
  limit: new Gauge({ name: 'lampi_exporter_max_in_flight', help: 'The --max-in-flight limit' }),
});

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class Exporter {
  private readonly limiter: Limiter;
  private readonly metrics = exporterMetrics();
  private readonly latest = new Map<string, ProbeRecord>();
  private readonly history: ProbeRecord[] = [];
  private nextId = 1;
  readonly server: Server;

  constructor(readonly settings: ServeSettings) {
    this.limiter = new Limiter(settings.maxInFlight);
    this.metrics.limit.set(settings.maxInFlight);
    collectDefaultMetrics();
    // Gauges named like counters fail `promtool check metrics`; the process has better ones.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) register.removeSingleMetric(name);
    this.server = createServer((request, response) => {
      this.route(request, response).catch((error: unknown) => {
        const status = error instanceof HttpError ? error.status : 500;
        if (!response.headersSent) response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(`${error instanceof Error ? error.message : String(error)}\n`);
      });
    });
  }

  listen(): Promise<string> {
    return new Promise((done, failed) => {
      this.server.once('error', failed);
      this.server.listen(this.settings.port, this.settings.host, () => {
        const address = this.server.address() as AddressInfo;
        const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        done(`http://${host}:${address.port}`);
      });
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((done) => this.server.close(() => done()));
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://exporter');
    if (request.method !== 'GET' && request.method !== 'HEAD') throw new HttpError(405, `${request.method} is not supported: use GET`);
    switch (url.pathname) {
      case '/probe':
        return this.probe(url.searchParams, request, response);
      case '/metrics':
        response.writeHead(200, { 'content-type': register.contentType });
        response.end(await register.metrics());
        return;
      case '/debug':
        return this.debug(url.searchParams, response);
      case '/':
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(statusPage({ ...this.settings, inFlight: this.limiter.inFlight, probes: [...this.history].reverse() }));
        return;
      default:
        throw new HttpError(404, `no page ${url.pathname}: try /probe?target=HOST[:PORT]&module=NAME, /metrics or /`);
    }
  }

  private chooseModule(params: URLSearchParams): ServeModule {
    const names = [...this.settings.config.modules.keys()];
    const name = params.get('module') ?? (names.length === 1 ? names[0] : undefined);
    if (!name) throw new HttpError(400, `missing module: add &module=NAME (modules: ${names.join(', ')})`);
    const module = this.settings.config.modules.get(name);
    if (!module) throw new HttpError(400, `unknown module "${name}": modules are ${names.join(', ')} (in ${this.settings.config.path})`);
    return module;
  }

  private async probe(params: URLSearchParams, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const arrived = performance.now();
    let module: ServeModule;
    let target: string;
    let budgetMs: number;
    try {
      module = this.chooseModule(params);
      target = (params.get('target') ?? '').trim();
      if (!target) throw new HttpError(400, 'missing target: add ?target=HOST[:PORT]');
      budgetMs = scrapeBudgetMs(request.headers['x-prometheus-scrape-timeout-seconds']);
      // The target is checked now, so a bad one is a 400, not a failed probe.
      probeInput(module, target, DEFAULT_MODULE_TIMEOUT_MS);
    } catch (error) {
      this.metrics.rejected.inc({ reason: 'bad-request' });
      if (error instanceof UsageError) throw new HttpError(400, error.message);
      throw error;
    }
    const deadline = arrived + budgetMs;
    const record = await this.recordFor(module, target, deadline);
    const left = deadline - performance.now();
    // The timer is cleared as soon as the diagnosis wins, so it never holds the process after a stop.
    let timer: NodeJS.Timeout | undefined;
    const scrapeEnds = new Promise<false>((done) => (timer = setTimeout(() => done(false), Math.max(0, left))));
    const finished = await Promise.race([record.done.then(() => true as const), scrapeEnds]).finally(() => clearTimeout(timer));

    let families: MetricFamily[];
    if (finished && record.report) {
      families = record.families!;
    } else if (finished) {
      // The diagnosis itself broke (a bug): a failed probe, explained in its debug report.
      families = failedMetrics((performance.now() - arrived) / 1000);
    } else {
      // Answer within the scrape timeout whatever the diagnosis does; its result, when it comes, is kept.
      record.timedOut = true;
      this.metrics.timedOut.inc({ module: module.name });
      families = failedMetrics((performance.now() - arrived) / 1000);
    }
    if (params.get('debug') === 'true') {
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(debugText(record, families, finished));
      return;
    }
    const contentType = negotiateContentType(request.headers.accept);
    const body = await renderRegistry(families, contentType);
    response.writeHead(200, { 'content-type': contentType });
    response.end(body);
  }

  /** The last probe of this target+module when recent enough (or still running), else a new one. */
  private async recordFor(module: ServeModule, target: string, deadline: number): Promise<ProbeRecord> {
    const key = `${module.name}\u0000${target.toLowerCase()}`;
    const last = this.latest.get(key);
    const running = last && !last.report && !last.error;
    if (last && (running || Date.now() - last.startedAt.getTime() < this.settings.minIntervalMs)) {
      this.metrics.cached.inc({ module: module.name });
      return last;
    }
    const release = await this.limiter.acquire(deadline - performance.now() - 100);
    if (!release) {
      this.metrics.rejected.inc({ reason: 'busy' });
      throw new HttpError(
        503,
        `busy: ${this.limiter.inFlight} probes in flight (--max-in-flight ${this.settings.maxInFlight}) and none finished within this scrape's timeout; scrape less often or raise --max-in-flight`,
      );
    }
    // Another scrape of the same target+module may have started it while this one queued.
    const raced = this.latest.get(key);
    if (raced && raced !== last) {
      release();
      this.metrics.cached.inc({ module: module.name });
      return raced;
    }
    return this.start(key, module, target, deadline, release);
  }

  private start(key: string, module: ServeModule, target: string, deadline: number, release: () => void): ProbeRecord {
    const remaining = Math.max(100, deadline - performance.now());
    // A silent peer costs about one step timeout plus a second (more on a loaded host): keep the whole
    // run well inside the scrape. The race in probe() answers in time even when it is not.
    const stepTimeout = Math.max(100, Math.min(module.options.timeout ?? DEFAULT_MODULE_TIMEOUT_MS, Math.floor((remaining - 1000) / 3)));
    const record: ProbeRecord = { id: this.nextId++, module: module.name, target, startedAt: new Date(), done: Promise.resolve() };
    this.forgetStale();
    this.latest.set(key, record);
    this.history.push(record);
    if (this.history.length > HISTORY) this.history.shift();
    this.metrics.inFlight.set(this.limiter.inFlight);
    this.metrics.inFlightPeak.set(this.limiter.highWater);
    const stopTimer = this.metrics.duration.startTimer({ module: module.name });
    record.done = (async () => {
      try {
        const { options, extras } = probeInput(module, target, stepTimeout);
        // Cancelled just before the scrape's deadline: checks still running then report `<check>/cancelled`.
        const report = await diagnose({ ...options, signal: AbortSignal.timeout(Math.max(50, Math.floor(remaining - 200))) });
        record.report = report;
        record.families = probeMetrics(report, extras);
        this.metrics.probes.inc({ module: module.name, result: report.exitCode === 0 ? 'success' : 'failure' });
      } catch (error) {
        record.error = error instanceof Error ? error.message : String(error);
        process.stderr.write(`lampi-doctor serve: probe #${record.id} of ${target} (module ${module.name}) broke: ${record.error}\n`);
        this.metrics.probes.inc({ module: module.name, result: 'failure' });
      } finally {
        stopTimer();
        release();
        this.metrics.inFlight.set(this.limiter.inFlight);
      }
    })();
    return record;
  }

  /** Results past --min-interval serve nobody: drop them, so many one-off targets do not pile up. */
  private forgetStale(): void {
    const now = Date.now();
    for (const [key, record] of this.latest) {
      if ((record.report || record.error) && now - record.startedAt.getTime() >= this.settings.minIntervalMs) this.latest.delete(key);
    }
  }

  private debug(params: URLSearchParams, response: ServerResponse): void {
    const id = Number(params.get('id'));
    const record = this.history.find((entry) => entry.id === id);
    if (!record) throw new HttpError(404, `no probe ${params.get('id')} among the last ${HISTORY}`);
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(debugText(record, record.families ?? [], Boolean(record.report || record.error)));
  }
}

/** Prometheus sends its scrape timeout; the probe gets it minus a margin for the answer. */
export function scrapeBudgetMs(header: string | string[] | undefined): number {
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined) return DEFAULT_SCRAPE_TIMEOUT_S * 1000 - TIMEOUT_OFFSET_MS;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`X-Prometheus-Scrape-Timeout-Seconds: expected a number of seconds, not "${raw}"`);
  return Math.max(200, seconds * 1000 - TIMEOUT_OFFSET_MS);
}

function failedMetrics(elapsedS: number): MetricFamily[] {
  return [
    { name: 'probe_success', help: 'Whether the diagnosis found nothing failed (1) or something failed or errored (0)', type: 'gauge', labelNames: [], samples: [{ labels: {}, value: 0 }] },
    { name: 'probe_duration_seconds', help: 'How long the diagnosis took', type: 'gauge', labelNames: [], samples: [{ labels: {}, value: Math.round(elapsedS * 1000) / 1000 }] },
  ];
}

function debugText(record: ProbeRecord, families: readonly MetricFamily[], finished: boolean): string {
  const head = `Probe #${record.id} of ${record.target} with module ${record.module}, started ${record.startedAt.toISOString()}\n\n`;
  let body: string;
  if (record.report) body = renderHuman(record.report, { color: false, verbose: true, width: 0 });
  else if (record.error) body = `The probe broke: ${record.error}\n`;
  else body = 'The diagnosis had not finished within the scrape timeout; it goes on in the background and its result is kept for the next scrape.\n';
  const timedOut = record.timedOut && finished ? 'It outlived a scrape\'s timeout: that scrape was answered with probe_success 0.\n' : '';
  return `${head}${body.endsWith('\n') ? body : `${body}\n`}${timedOut}\nMetrics that would have been returned:\n${renderExposition(families)}`;
}
