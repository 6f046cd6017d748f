// `lampi-doctor serve` (the built CLI) against lab brokers: metric values per scenario, promtool's
// verdict on every answer, the scrape timeout, the in-flight limit and the min-interval cache.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkIds } from '../../checks/index.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { issue } from '../../src/lab/pki.js';
import { describeWithBroker } from '../helpers/broker.js';
import { runCli } from '../helpers/cli.js';
import { describeWithPromtool, get, labModule, labTarget, promtoolProblems, scrape, series, startExporter, value, writeConfig, type Exporter } from './helpers.js';

/** A certificate file's dates as openssl reads them, in Unix seconds. */
function opensslDates(path: string): { notBefore: number; notAfter: number } {
  const out = execFileSync('openssl', ['x509', '-in', path, '-noout', '-startdate', '-enddate'], { encoding: 'utf8' });
  const date = (field: string) => Date.parse(new RegExp(`${field}=(.+)`).exec(out)![1]) / 1000;
  return { notBefore: date('notBefore'), notAfter: date('notAfter') };
}

/** A CRL as a CA publishes it for a broker's `crlfile`, due for renewal in two days. */
async function writeCrl(path: string): Promise<void> {
  const ca = await issue({ commonName: 'CRL test CA', isCa: true });
  const crl = await x509.X509CrlGenerator.create({
    issuer: ca.cert.subject,
    thisUpdate: new Date(),
    nextUpdate: new Date(Date.now() + 2 * 86_400_000),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
    signingKey: ca.keys.privateKey,
  });
  writeFileSync(path, crl.toString('pem').replace(/(BEGIN|END) CRL/g, '$1 X509 CRL'));
}

const FLEET = Array.from({ length: 10 }, (_, i) => `node${i}.lampi.test`);
const ANSI = /\u001b\[/;

describeWithBroker('lampi-doctor serve against lab brokers', () => {
  describeWithPromtool('with promtool', () => {
    let dir: string;
    let healthy: Lab;
    let expired: Lab;
    let silent: Lab;
    let exporter: Exporter;
    const answers: string[] = [];
    const probe = async (target: string, module: string, timeoutSeconds = 10, extra: Record<string, string> = {}) => {
      const answer = await scrape(exporter, target, module, timeoutSeconds, extra);
      if (answer.status === 200 && !extra.debug) answers.push(answer.text);
      return answer;
    };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'lampi-serve-'));
      [healthy, expired, silent] = await Promise.all([startLab({ scenario: 'healthy' }), startLab({ scenario: 'expired' }), startLab({ scenario: 'silent-peer' })]);
      await writeCrl(join(dir, 'lampi.crl'));
      const config = writeConfig(dir, {
        healthy: labModule(healthy, { device_id: healthy.deviceId, local: `mqtt://127.0.0.1:${healthy.ports.lampPlain}` }),
        expired: labModule(expired, { device_id: expired.deviceId, crl: join(dir, 'lampi.crl') }),
        silent: labModule(silent, { timeout: 3000 }),
        'silent-short': labModule(silent, { timeout: 3000 }),
        bridge: labModule(healthy, { device_id: healthy.deviceId, only: ['bridge.status'] }),
        tarpit: labModule(silent, { timeout: 3000, resolve: ['t0', 't1', 't2', 't3'].map((name) => `${name}.lampi.test:${silent.publicAddress}`) }),
        fleet: labModule(healthy, { resolve: FLEET.map((name) => `${name}:${healthy.publicAddress}`), only: ['dns', 'tcp', 'tls.handshake'] }),
      });
      exporter = await startExporter(config, ['--max-in-flight', '3', '--min-interval', '60']);
    }, 60_000);
    afterAll(async () => {
      await exporter?.stop();
      await Promise.all([healthy, expired, silent].map((lab) => lab?.stop()));
      rmSync(dir, { recursive: true, force: true });
    });

    it('a healthy broker: probe_success 1, every check pass, dates equal to openssl\'s, TLS version, round trips, bridge up', async () => {
      const answer = await probe(labTarget(healthy), 'healthy');
      expect(answer.status).toBe(200);
      expect(answer.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
      const text = answer.text;
      expect(value(text, 'probe_success')).toBe(1);
      expect(value(text, 'probe_duration_seconds')).toBeGreaterThan(0);
      const statuses = series(text, 'lampi_check_status');
      expect(statuses.map((entry) => entry.labels.check)).toEqual(checkIds);
      for (const entry of statuses) expect(entry).toEqual({ labels: { check: entry.labels.check, status: 'pass', code: expect.stringMatching(new RegExp(`^${entry.labels.check.replace('.', '\\.')}/[a-z0-9-]+$`)) }, value: 1 });
      expect(series(text, 'lampi_check_duration_seconds').map((entry) => entry.labels.check)).toEqual(checkIds);

      const server = opensslDates(join(healthy.dir, 'lampi_server.crt'));
      expect(value(text, 'lampi_server_cert_not_after_seconds')).toBe(server.notAfter);
      expect(value(text, 'lampi_server_cert_not_before_seconds')).toBe(server.notBefore);
      // The verified chain: the server's certificate and the lab's CA (made a moment before it).
      expect(value(text, 'lampi_chain_earliest_not_after_seconds')).toBe(Math.min(server.notAfter, opensslDates(healthy.files.ca).notAfter));
      expect(value(text, 'lampi_client_cert_not_after_seconds')).toBe(opensslDates(healthy.files.clientCert).notAfter);
      expect(series(text, 'lampi_tls_version_info')).toEqual([{ labels: { version: 'TLS 1.3' }, value: 1 }]);

      const p50 = value(text, 'lampi_mqtt_roundtrip_seconds', { quantile: '0.5' })!;
      const p95 = value(text, 'lampi_mqtt_roundtrip_seconds', { quantile: '0.95' })!;
      const max = value(text, 'lampi_mqtt_roundtrip_seconds', { quantile: '1' })!;
      expect(0 < p50 && p50 <= p95 && p95 <= max).toBe(true);
      expect(value(text, 'lampi_mqtt_roundtrip_seconds_count')).toBe(10);
      expect(value(text, 'lampi_mqtt_roundtrip_seconds_sum')).toBeGreaterThanOrEqual(max);
      expect(series(text, 'lampi_bridge_connected')).toEqual([{ labels: { device: healthy.deviceId }, value: 1 }]);
      expect(value(text, 'lampi_crl_next_update_seconds')).toBeUndefined(); // no crl: in the module
    });

    it('within --min-interval a scrape gets the last result, in OpenMetrics when asked; debug=true the report', async () => {
      const first = await probe(labTarget(healthy), 'healthy');
      const open = await get(`${exporter.url}/probe?target=${labTarget(healthy)}&module=healthy`, { Accept: 'application/openmetrics-text; version=1.0.0,text/plain;version=0.0.4;q=0.5' });
      answers.push(open.text);
      expect(open.contentType).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
      expect(open.text.endsWith('# EOF\n')).toBe(true);
      expect(value(open.text, 'probe_duration_seconds')).toBe(value(first.text, 'probe_duration_seconds')); // the same probe
      const debug = await probe(labTarget(healthy), 'healthy', 10, { debug: 'true' });
      expect(debug.contentType).toBe('text/plain; charset=utf-8');
      expect(debug.text).toMatch(/✓ pass  tls\.chain\s/);
      expect(debug.text).toContain('Metrics that would have been returned:\nprobe_success 1'.replace('\n', '\n# HELP probe_success Whether the diagnosis found nothing failed (1) or something failed or errored (0)\n# TYPE probe_success gauge\n'));
      expect(debug.text).not.toMatch(ANSI);
      const own = await get(`${exporter.url}/metrics`);
      expect(value(own.text, 'lampi_exporter_probes_total', { module: 'healthy', result: 'success' })).toBe(1);
      expect(value(own.text, 'lampi_exporter_cached_answers_total', { module: 'healthy' })).toBe(3);
      expect(promtoolProblems(own.text)).toBe('');
    });

    it('an expired server certificate: probe_success 0, tls.validity failing with its code, the expiry date in the past', async () => {
      const text = (await probe(labTarget(expired), 'expired')).text;
      expect(value(text, 'probe_success')).toBe(0);
      expect(series(text, 'lampi_check_status').find((entry) => entry.labels.check === 'tls.validity')).toEqual({
        labels: { check: 'tls.validity', status: 'fail', code: expect.stringMatching(/^tls\.validity\/[a-z-]+$/) },
        value: 1,
      });
      expect(value(text, 'lampi_check_status', { check: 'mqtt.connect', status: 'fail' })).toBe(1);
      const notAfter = opensslDates(join(expired.dir, 'lampi_server.crt')).notAfter;
      expect(value(text, 'lampi_server_cert_not_after_seconds')).toBe(notAfter);
      expect(notAfter).toBeLessThan(Date.now() / 1000);
      expect(value(text, 'lampi_mqtt_roundtrip_seconds', { quantile: '0.5' })).toBeUndefined();
      // The module's crl: file, dated as openssl reads it.
      const nextUpdate = execFileSync('openssl', ['crl', '-in', join(dir, 'lampi.crl'), '-noout', '-nextupdate'], { encoding: 'utf8' }).replace('nextUpdate=', '').trim();
      expect(value(text, 'lampi_crl_next_update_seconds')).toBe(Date.parse(nextUpdate) / 1000);
    });

    it('a silent peer never holds a scrape past its timeout', async () => {
      // 5 s scrape timeout: the module's 3 s step timeout is cut so that the diagnosis itself fits.
      const fits = await probe(labTarget(silent), 'silent', 5);
      expect(fits.ms).toBeLessThan(5000);
      expect(value(fits.text, 'probe_success')).toBe(0);
      expect(value(fits.text, 'lampi_check_status', { check: 'tls.handshake', status: 'fail' })).toBe(1);
      // tls.client-auth could not run, so the monitor's certificate date comes from its file.
      expect(value(fits.text, 'lampi_client_cert_not_after_seconds')).toBe(opensslDates(silent.files.clientCert).notAfter);
      // 1 s: the answer comes in time however long the diagnosis takes (as a failed probe if it is cut).
      const cut = await probe(labTarget(silent), 'silent-short', 1);
      expect(cut.status).toBe(200);
      expect(cut.ms).toBeLessThan(1000);
      expect(value(cut.text, 'probe_success')).toBe(0);
    });

    it('with every slot held by a slow probe, a scrape waits up to its timeout, then gets 503 with the reason', async () => {
      const slow = ['t0', 't1', 't2'].map((name) => probe(`${name}.lampi.test:${silent.ports.tls}`, 'tarpit', 8));
      // Each holds its slot for its ~2 s step timeout: wait until all three run.
      for (let i = 0; i < 100 && value((await get(`${exporter.url}/metrics`)).text, 'lampi_exporter_probes_in_flight') !== 3; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const refused = await probe(`t3.lampi.test:${silent.ports.tls}`, 'tarpit', 1);
      expect(refused.status, refused.text).toBe(503);
      expect(refused.text).toContain('busy: 3 probes in flight (--max-in-flight 3)');
      expect(refused.ms).toBeLessThan(1000);
      for (const answer of await Promise.all(slow)) expect(value(answer.text, 'probe_success')).toBe(0);
      const own = await get(`${exporter.url}/metrics`);
      expect(value(own.text, 'lampi_exporter_rejected_requests_total', { reason: 'busy' })).toBe(1);
    });

    it('50 concurrent scrapes of 10 targets: never more than --max-in-flight probes, each target probed once', async () => {
      const scrapes = Array.from({ length: 50 }, (_, i) => probe(`${FLEET[i % 10]}:${healthy.ports.tls}`, 'fleet', 20));
      const done = await Promise.all(scrapes);
      expect(done.map((answer) => answer.status)).toEqual(Array(50).fill(200));
      // The five scrapes of a target got one and the same diagnosis.
      for (const [index, answer] of done.entries()) {
        expect(series(answer.text, 'lampi_check_status').map((entry) => entry.labels.check)).toEqual(['dns.resolve', 'tcp.connect', 'tls.handshake']);
        expect(answer.text).toBe(done[index % 10].text);
      }
      const own = (await get(`${exporter.url}/metrics`)).text;
      expect(value(own, 'lampi_exporter_max_in_flight')).toBe(3);
      const peak = value(own, 'lampi_exporter_probes_in_flight_max')!;
      expect(peak).toBeLessThanOrEqual(3);
      expect(peak).toBeGreaterThanOrEqual(2);
      expect(series(own, 'lampi_exporter_probes_total').filter((entry) => entry.labels.module === 'fleet').reduce((sum, entry) => sum + entry.value, 0)).toBe(10);
      expect(value(own, 'lampi_exporter_cached_answers_total', { module: 'fleet' })).toBe(40);
    });

    it('the status page lists the last probes and links to their reports', async () => {
      const page = await get(`${exporter.url}/`);
      expect(page.contentType).toBe('text/html; charset=utf-8');
      expect(page.text).toContain(`<td>expired</td><td>${labTarget(expired)}</td><td class="bad">failure`);
      const link = new RegExp(`<td>healthy</td><td>${labTarget(healthy)}</td><td class="ok">success[^<]*</td><td>[^<]*</td><td><a href="(/debug\\?id=\\d+)">`).exec(page.text);
      expect(link).not.toBeNull();
      const report = await get(`${exporter.url}${link![1]}`);
      expect(report.text).toContain(`Probe #`);
      expect(report.text).toMatch(/17 checks in \d+\.\d\d s: 17 passed/);
    });

    it('a lamp that went away: lampi_bridge_connected 0 for its device', async () => {
      await healthy.stopLamp();
      // The cloud publishes the bridge's last will once it notices the connection is gone.
      for (let i = 0; i < 50 && !/(Client|client) b827eb74663e_broker[ ,].*(closed|disconnect|error)/.test(readFileSync(healthy.files.cloudLog, 'utf8')); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      const text = (await probe(labTarget(healthy), 'bridge')).text;
      expect(series(text, 'lampi_bridge_connected')).toEqual([{ labels: { device: healthy.deviceId }, value: 0 }]);
      expect(value(text, 'lampi_check_status', { check: 'bridge.status', status: 'fail' })).toBe(1);
      expect(value(text, 'probe_success')).toBe(0);
    });

    it('promtool accepts every answer', () => {
      expect(answers.length).toBeGreaterThan(55);
      for (const text of new Set(answers)) expect(promtoolProblems(text)).toBe('');
    });

    it('--format prometheus writes the same metrics on a one-shot run', async () => {
      const run = await runCli([...expired.diagnoseArgs(), '--format', 'prometheus']);
      expect(run.code).toBe(1);
      expect(promtoolProblems(run.stdout)).toBe('');
      expect(value(run.stdout, 'probe_success')).toBe(0);
      expect(value(run.stdout, 'lampi_check_status', { check: 'tls.validity', status: 'fail' })).toBe(1);
      expect(value(run.stdout, 'lampi_server_cert_not_after_seconds')).toBe(opensslDates(join(expired.dir, 'lampi_server.crt')).notAfter);
    });
  });
});

describeWithBroker('lampi-doctor serve stops when told to', () => {
  it('after a probe scraped without a timeout header (curl), SIGTERM ends the process at once, exit 0 (hunt 3, V4: it lingered ~29 s)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lampi-serve-stop-'));
    const lab = await startLab({ scenario: 'healthy' });
    try {
      const exporter = await startExporter(writeConfig(dir, { lampi: labModule(lab, { only: ['tls.handshake'] }) }));
      const answer = await get(`${exporter.url}/probe?target=${labTarget(lab)}&module=lampi`);
      expect(value(answer.text, 'probe_success')).toBe(1);
      const exited = new Promise<number | null>((done) => exporter.child.once('exit', (code) => done(code)));
      exporter.child.kill('SIGTERM');
      // Bounded, not timed: the leaked scrape timer held the process for the scrape's 30 s budget.
      const code = await Promise.race([exited, new Promise<string>((done) => setTimeout(() => done('still running after 10 s'), 10_000))]);
      if (code === 'still running after 10 s') await exporter.stop();
      expect(code).toBe(0);
    } finally {
      await lab.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
