// One diagnosis as Prometheus metrics: a plain model (families of samples) read from the report's
// evidence, rendered by prom-client for `serve` and by exposition.ts for `--format prometheus`.
import type { Report } from '../diagnose.js';
import type { CheckResult, Json } from '../engine/types.js';

export interface Sample {
  labels: Record<string, string>;
  value: number;
  /** `_sum` / `_count` of a summary. */
  suffix?: string;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: 'gauge' | 'summary';
  labelNames: string[];
  samples: Sample[];
}

/** What a probe knows besides the report: local files the module names. */
export interface ProbeExtras {
  /** notAfter of the monitor's own certificate, read from its file (when tls.client-auth did not run). */
  clientCertNotAfter?: string;
  /** nextUpdate of the CRL file the module names (`crl:`). */
  crlNextUpdate?: string;
}

const seconds = (iso: unknown): number | undefined => {
  if (typeof iso !== 'string') return undefined;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms / 1000 : undefined;
};

function record(value: Json | undefined): { [key: string]: Json | undefined } | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

function list(value: Json | undefined): Json[] {
  return Array.isArray(value) ? value : [];
}

/** 'TLSv1.3' -> 'TLS 1.3', as blackbox_exporter labels it. */
function versionLabel(protocol: string): string {
  return protocol === 'TLSv1' ? 'TLS 1.0' : protocol.replace(/^TLSv/, 'TLS ');
}

function family(name: string, help: string, labelNames: string[] = []): MetricFamily {
  return { name, help, type: 'gauge', labelNames, samples: [] };
}

/** Milliseconds to seconds without float noise (0.59 ms -> 0.00059). */
const msToSeconds = (ms: number) => Math.round(ms * 1000) / 1e6;

function single(name: string, help: string, value: number | undefined): MetricFamily[] {
  return value === undefined ? [] : [{ ...family(name, help), samples: [{ labels: {}, value }] }];
}

export function probeMetrics(report: Report, extras: ProbeExtras = {}): MetricFamily[] {
  const byId = new Map<string, CheckResult>(report.checks.map((check) => [check.id, check]));
  const evidence = (id: string) => byId.get(id)?.evidence;

  const status = family('lampi_check_status', 'Status of each check: one series per check, its status and finding code, value 1', ['check', 'status', 'code']);
  const duration = family('lampi_check_duration_seconds', 'Time each check took', ['check']);
  for (const check of report.checks) {
    status.samples.push({ labels: { check: check.id, status: check.status, code: check.code }, value: 1 });
    duration.samples.push({ labels: { check: check.id }, value: msToSeconds(check.durationMs) });
  }

  // The served chain's dates (tls.validity); tls.chain carries notAfter when validity did not run.
  const dated = list(evidence('tls.validity')?.certificates).map(record);
  const chain = dated.length > 0 ? dated : list(evidence('tls.chain')?.chain).map(record);
  const leaf = chain[0];
  const notAfters = chain.map((cert) => seconds(cert?.notAfter)).filter((value): value is number => value !== undefined);

  const clientCert = record(evidence('tls.client-auth')?.clientCertificate);
  const clientNotAfter = seconds(clientCert?.notAfter) ?? seconds(extras.clientCertNotAfter);

  const tls = family('lampi_tls_version_info', 'TLS version the handshake negotiated', ['version']);
  const protocol = evidence('tls.handshake')?.protocol;
  if (byId.get('tls.handshake')?.status === 'pass' && typeof protocol === 'string') tls.samples.push({ labels: { version: versionLabel(protocol) }, value: 1 });

  // A summary of this probe's samples: nearest-rank quantiles as mqtt.roundtrip reports them.
  const roundtrip: MetricFamily = { ...family('lampi_mqtt_roundtrip_seconds', 'MQTT publish-to-delivery round trip on the cloud broker (quantile 1 is the maximum)'), type: 'summary' };
  const latency = record(evidence('mqtt.roundtrip')?.latency);
  const samplesMs = list(evidence('mqtt.roundtrip')?.samplesMs).filter((value): value is number => typeof value === 'number');
  if (latency && samplesMs.length > 0) {
    for (const [quantile, key] of [['0.5', 'p50'], ['0.95', 'p95'], ['1', 'max']] as const) {
      if (typeof latency[key] === 'number') roundtrip.samples.push({ labels: { quantile }, value: msToSeconds(latency[key] as number) });
    }
    roundtrip.samples.push({ labels: {}, suffix: '_sum', value: msToSeconds(samplesMs.reduce((sum, ms) => sum + ms, 0)) });
    roundtrip.samples.push({ labels: {}, suffix: '_count', value: samplesMs.length });
  }

  const bridge = family('lampi_bridge_connected', 'Whether the lamp\'s bridge is connected to the cloud broker (its retained state), by device id', ['device']);
  const bridgeResult = byId.get('bridge.status');
  const bridgeEvidence = bridgeResult?.evidence;
  if (bridgeResult && bridgeEvidence && typeof bridgeEvidence.state === 'string') {
    const device = /devices\/([^/]+)\//.exec(String(bridgeEvidence.expected ?? ''))?.[1] ?? '';
    // Probes that crossed in this run (bridge.status's liveState) say connected over a stale retained state.
    bridge.samples.push({ labels: { device }, value: bridgeResult.status === 'pass' || bridgeEvidence.liveState === 'connected' ? 1 : 0 });
  }

  return [
    ...single('probe_success', 'Whether the diagnosis found nothing failed (1) or something failed or errored (0)', report.exitCode === 0 ? 1 : 0),
    ...single('probe_duration_seconds', 'How long the diagnosis took', msToSeconds(report.durationMs)),
    status,
    duration,
    ...single('lampi_server_cert_not_after_seconds', 'notAfter of the server certificate, in Unix seconds', seconds(leaf?.notAfter)),
    ...single('lampi_server_cert_not_before_seconds', 'notBefore of the server certificate, in Unix seconds', seconds(leaf?.notBefore)),
    ...single('lampi_chain_earliest_not_after_seconds', 'Earliest notAfter of the certificates the server sent, in Unix seconds', notAfters.length ? Math.min(...notAfters) : undefined),
    ...single('lampi_client_cert_not_after_seconds', 'notAfter of the monitor\'s own client certificate, in Unix seconds', clientNotAfter),
    ...single('lampi_crl_next_update_seconds', 'nextUpdate of the CRL file the module names, in Unix seconds', seconds(extras.crlNextUpdate)),
    tls,
    roundtrip,
    bridge,
  ].filter((metric) => metric.samples.length > 0);
}
