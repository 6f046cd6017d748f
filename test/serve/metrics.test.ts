// A report's evidence as probe metrics, written the same by prom-client (serve) and by the one-shot
// reporter (--format prometheus).
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/diagnose.js';
import type { CheckResult } from '../../src/engine/types.js';
import { renderPrometheus } from '../../src/reporters/prometheus.js';
import { probeMetrics } from '../../src/serve/probe-metrics.js';
import { OPENMETRICS_TEXT, PROMETHEUS_TEXT, renderRegistry } from '../../src/serve/registry.js';
import { promtoolPath, promtoolProblems, series, value } from './helpers.js';

const check = (id: string, status: CheckResult['status'], evidence?: CheckResult['evidence'], slug = status === 'pass' ? 'ok' : 'failed'): CheckResult => ({
  id,
  title: id,
  status,
  code: `${id}/${slug}`,
  summary: `${id} ${status}`,
  durationMs: 12,
  evidence,
});

function report(checks: CheckResult[], exitCode = checks.some((c) => c.status === 'fail' || c.status === 'error') ? 1 : 0): Report {
  return {
    tool: { name: 'lampi-doctor', version: '0.1.0' },
    target: { host: 'cloud.example.com', port: 8883, address: '203.0.113.7', addresses: ['203.0.113.7'], resolvedBy: 'dns', ca: null, cert: null },
    startedAt: '2026-11-23T12:00:00.000Z',
    durationMs: 1234,
    checks,
    counts: { pass: 0, warn: 0, fail: 0, skip: 0, error: 0 },
    exitCode,
  };
}

const healthy = report([
  check('tls.handshake', 'pass', { protocol: 'TLSv1.2', cipher: 'ECDHE-RSA-AES256-GCM-SHA384' }),
  check('tls.chain', 'pass', { chain: [{ subject: 'CN=cloud', notAfter: '2027-06-01T00:00:00.000Z' }] }),
  check('tls.validity', 'pass', {
    certificates: [
      { subject: 'CN=cloud', notBefore: '2026-06-01T00:00:00.000Z', notAfter: '2027-06-01T00:00:00.000Z' },
      { subject: 'CN=Intermediate', notBefore: '2025-01-01T00:00:00.000Z', notAfter: '2027-01-15T00:00:00.000Z' },
    ],
  }),
  check('tls.client-auth', 'pass', { clientCertificate: { subject: 'CN=monitor', notAfter: '2027-03-01T00:00:00.000Z' } }),
  check('mqtt.roundtrip', 'pass', { samplesMs: [0.59, 0.61, 2.95], latency: { samples: 3, p50: 0.61, p95: 2.95, max: 2.95 } }),
  check('bridge.status', 'fail', { state: 'disconnected', expected: 'devices/b827eb74663e/lamp/connection/+/state' }, 'disconnected'),
]);

describe('probe metrics from a report', () => {
  const text = renderPrometheus(healthy, { clientCertNotAfter: '2030-01-01T00:00:00.000Z', crlNextUpdate: '2026-12-01T00:00:00.000Z' });

  it('reads dates, versions, round trips and the bridge from the evidence', () => {
    expect(value(text, 'probe_success')).toBe(0);
    expect(value(text, 'probe_duration_seconds')).toBe(1.234);
    expect(value(text, 'lampi_check_status', { check: 'bridge.status' })).toBe(1);
    expect(series(text, 'lampi_check_status').find((s) => s.labels.check === 'bridge.status')!.labels).toEqual({ check: 'bridge.status', status: 'fail', code: 'bridge.status/disconnected' });
    expect(value(text, 'lampi_check_duration_seconds', { check: 'tls.chain' })).toBe(0.012);
    expect(value(text, 'lampi_server_cert_not_after_seconds')).toBe(Date.parse('2027-06-01T00:00:00Z') / 1000);
    expect(value(text, 'lampi_server_cert_not_before_seconds')).toBe(Date.parse('2026-06-01T00:00:00Z') / 1000);
    expect(value(text, 'lampi_chain_earliest_not_after_seconds')).toBe(Date.parse('2027-01-15T00:00:00Z') / 1000); // the intermediate
    expect(value(text, 'lampi_client_cert_not_after_seconds')).toBe(Date.parse('2027-03-01T00:00:00Z') / 1000); // the evidence wins over the file
    expect(value(text, 'lampi_crl_next_update_seconds')).toBe(Date.parse('2026-12-01T00:00:00Z') / 1000);
    expect(series(text, 'lampi_tls_version_info')).toEqual([{ labels: { version: 'TLS 1.2' }, value: 1 }]);
    expect(series(text, 'lampi_mqtt_roundtrip_seconds')).toEqual([
      { labels: { quantile: '0.5' }, value: 0.00061 },
      { labels: { quantile: '0.95' }, value: 0.00295 },
      { labels: { quantile: '1' }, value: 0.00295 },
    ]);
    expect(value(text, 'lampi_mqtt_roundtrip_seconds_sum')).toBe(0.00415);
    expect(value(text, 'lampi_mqtt_roundtrip_seconds_count')).toBe(3);
    expect(series(text, 'lampi_bridge_connected')).toEqual([{ labels: { device: 'b827eb74663e' }, value: 0 }]);
  });

  it('leaves out what was not measured, and takes the client certificate from its file when tls.client-auth did not run', () => {
    const silent = report([
      check('tls.handshake', 'fail', { outcome: 'timeout' }),
      check('tls.validity', 'skip'),
      check('tls.client-auth', 'skip'),
      check('mqtt.roundtrip', 'skip', undefined, 'prerequisite-not-met'),
      check('bridge.status', 'skip', undefined, 'not-configured'),
    ]);
    const families = probeMetrics(silent, { clientCertNotAfter: '2030-01-01T00:00:00.000Z' }).map((family) => family.name);
    expect(families).toEqual(['probe_success', 'probe_duration_seconds', 'lampi_check_status', 'lampi_check_duration_seconds', 'lampi_client_cert_not_after_seconds']);
  });

  it('prom-client writes the same samples as the one-shot reporter, in both formats', async () => {
    const families = probeMetrics(healthy, { crlNextUpdate: '2026-12-01T00:00:00.000Z' });
    const oneShot = renderPrometheus(healthy, { crlNextUpdate: '2026-12-01T00:00:00.000Z' });
    for (const contentType of [PROMETHEUS_TEXT, OPENMETRICS_TEXT]) {
      const served = await renderRegistry(families, contentType);
      for (const family of families) {
        for (const name of [family.name, `${family.name}_sum`, `${family.name}_count`]) expect(series(served, name), name).toEqual(series(oneShot, name));
      }
      if (promtoolPath) expect(promtoolProblems(served)).toBe('');
    }
    if (promtoolPath) expect(promtoolProblems(oneShot)).toBe('');
  });
});
