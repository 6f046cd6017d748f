// End to end: a real Prometheus (Debian's) with examples/prometheus/prometheus.yml pointed at the
// exporter and two lab brokers, read back through Prometheus's HTTP query API.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { describeWithBroker } from '../helpers/broker.js';
import { describeWithPrometheus, labModule, labTarget, prometheusPath, startExporter, writeConfig, type Exporter } from './helpers.js';

const EXAMPLES = resolve('examples/prometheus');

function freePort(): Promise<number> {
  return new Promise((done, failed) => {
    const server = createServer();
    server.once('error', failed);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

describeWithBroker('Prometheus scraping the exporter', () => {
  describeWithPrometheus('with Debian\'s Prometheus', () => {
    let dir: string;
    let healthy: Lab;
    let expired: Lab;
    let exporter: Exporter;
    let prometheus: ChildProcess;
    let api: string;
    let log = '';

    async function query(expression: string): Promise<Sample[]> {
      const response = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(expression)}`);
      const body = (await response.json()) as { status: string; data: { result: Sample[] } };
      expect(body.status).toBe('success');
      return body.data.result;
    }

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'lampi-prometheus-'));
      [healthy, expired] = await Promise.all([startLab({ scenario: 'healthy' }), startLab({ scenario: 'expired' })]);
      const config = writeConfig(dir, { 'lab-healthy': labModule(healthy), 'lab-expired': labModule(expired) });
      exporter = await startExporter(config);
      const exporterAddress = new URL(exporter.url).host;

      // The example, as shipped, with the lab's targets and the exporter's address filled in.
      const example = parse(readFileSync(join(EXAMPLES, 'prometheus.yml'), 'utf8'));
      example.global = { scrape_interval: '4s', scrape_timeout: '4s', evaluation_interval: '1s' };
      example.rule_files = [join(EXAMPLES, 'alerts.yml')];
      const [probes, own] = example.scrape_configs;
      probes.static_configs = [
        { targets: [labTarget(healthy)], labels: { module: 'lab-healthy' } },
        { targets: [labTarget(expired)], labels: { module: 'lab-expired' } },
      ];
      const addressRule = probes.relabel_configs.find((rule: { target_label: string }) => rule.target_label === '__address__');
      addressRule.replacement = exporterAddress;
      own.static_configs = [{ targets: [exporterAddress] }];
      writeFileSync(join(dir, 'prometheus.yml'), stringify(example));

      const port = await freePort();
      api = `http://127.0.0.1:${port}`;
      prometheus = spawn(prometheusPath!, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      prometheus.stderr!.on('data', (chunk) => (log += chunk));
      for (let i = 0; i < 100; i++) {
        const ready = await fetch(`${api}/-/ready`).then((r) => r.ok, () => false);
        if (ready) return;
        if (prometheus.exitCode !== null) break;
        await sleep(200);
      }
      throw new Error(`Prometheus did not start: ${log}`);
    }, 60_000);

    afterAll(async () => {
      if (prometheus && prometheus.exitCode === null) {
        const exited = new Promise((done) => prometheus.once('exit', done));
        prometheus.kill('SIGTERM');
        await exited;
      }
      await exporter?.stop();
      await Promise.all([healthy, expired].map((lab) => lab?.stop()));
      rmSync(dir, { recursive: true, force: true });
    });

    it('after two scrapes: probe_success 1 for the healthy broker, 0 for the broken one, and the certificate\'s notAfter', async () => {
      const healthyTarget = labTarget(healthy);
      const expiredTarget = labTarget(expired);
      let scraped: Sample[] = [];
      for (let i = 0; i < 60; i++) {
        scraped = await query('count_over_time(probe_success{job="lampi"}[5m]) >= 2');
        if (scraped.length === 2) break;
        await sleep(500);
      }
      expect(scraped.map((sample) => sample.metric.instance).sort(), log).toEqual([healthyTarget, expiredTarget].sort());

      const success = Object.fromEntries((await query('probe_success{job="lampi"}')).map((sample) => [sample.metric.instance, Number(sample.value[1])]));
      expect(success).toEqual({ [healthyTarget]: 1, [expiredTarget]: 0 });

      const notAfter = (path: string) => Date.parse(execFileSync('openssl', ['x509', '-in', path, '-noout', '-enddate'], { encoding: 'utf8' }).replace('notAfter=', '').trim()) / 1000;
      const expiry = Object.fromEntries((await query('lampi_server_cert_not_after_seconds')).map((sample) => [sample.metric.instance, Number(sample.value[1])]));
      expect(expiry).toEqual({ [healthyTarget]: notAfter(join(healthy.dir, 'lampi_server.crt')), [expiredTarget]: notAfter(join(expired.dir, 'lampi_server.crt')) });

      // The failing check, by its label, as an alert's description points at it.
      const failing = await query(`lampi_check_status{instance="${expiredTarget}",status="fail"}`);
      expect(failing.map((sample) => sample.metric.check)).toContain('tls.validity');
      // The module chosen by each target's `module` label reached the exporter.
      expect((await query('up{job="lampi"}')).map((sample) => Number(sample.value[1]))).toEqual([1, 1]);
      expect((await query('lampi_exporter_probes_total')).map((sample) => sample.metric.module).sort()).toEqual(['lab-expired', 'lab-healthy']);
    });

    it('loads the example alert rules and evaluates them without error', async () => {
      const response = await fetch(`${api}/api/v1/rules`);
      const body = (await response.json()) as { data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] } };
      const rules = body.data.groups.flatMap((group) => group.rules);
      expect(rules.map((rule) => rule.name).sort()).toEqual([
        'LampiBridgeDown',
        'LampiClientCertificateExpiresSoon',
        'LampiCrlNextUpdateNear',
        'LampiProbeFailing',
        'LampiServerCertificateExpiresSoon',
        'LampiSlowRoundTrip',
      ]);
      for (const rule of rules) expect(rule.health, `${rule.name}: ${rule.lastError}`).toBe('ok');
      // The expired broker's chain is past its date: the expiry rule is already pending for it.
      const alerts = (await (await fetch(`${api}/api/v1/alerts`)).json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } };
      expect(alerts.data.alerts.filter((alert) => alert.labels.alertname === 'LampiServerCertificateExpiresSoon').map((alert) => alert.labels.instance)).toEqual([labTarget(expired)]);
    });
  });
});
