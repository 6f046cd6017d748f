// Runs the built exporter as a user would, scrapes it as Prometheus does, and reads its answers.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'vitest';
import { stringify } from 'yaml';
import type { Lab } from '../../src/lab/lab.js';
import { CLI } from '../helpers/cli.js';

const which = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim() || undefined;
export const promtoolPath = which('promtool');
export const prometheusPath = which('prometheus');
if (!promtoolPath || !prometheusPath) {
  console.warn('[lampi-doctor tests] prometheus/promtool not found (apt-get install prometheus): the Prometheus suites are SKIPPED');
}
export const describeWithPromtool = promtoolPath ? describe : describe.skip;
export const describeWithPrometheus = prometheusPath && promtoolPath ? describe : describe.skip;

export interface Exporter {
  url: string;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

/** `lampi-doctor serve` on a free loopback port; resolves once it says where it listens. */
export function startExporter(configPath: string, args: string[] = []): Promise<Exporter> {
  const child = spawn(process.execPath, [CLI, 'serve', '--config', configPath, '--listen', '127.0.0.1:0', ...args], {
    env: { ...process.env, NO_COLOR: '1', CI: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  return new Promise((done, failed) => {
    const timer = setTimeout(() => failed(new Error(`the exporter did not start: ${stderr}`)), 15_000);
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
      const url = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
      if (url) {
        clearTimeout(timer);
        done({
          url,
          child,
          stderr: () => stderr,
          stop: () =>
            new Promise<void>((stopped) => {
              if (child.exitCode !== null) return stopped();
              child.once('exit', () => stopped());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      failed(new Error(`the exporter exited with ${code}: ${stderr}`));
    });
  });
}

export interface Scrape {
  status: number;
  contentType: string;
  text: string;
  ms: number;
}

export async function get(url: string, headers: Record<string, string> = {}): Promise<Scrape> {
  const began = performance.now();
  const response = await fetch(url, { headers });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, ms: performance.now() - began };
}

/** As Prometheus scrapes a probe: its scrape timeout in a header. */
export function scrape(exporter: Exporter, target: string, module: string, timeoutSeconds = 10, extra: Record<string, string> = {}): Promise<Scrape> {
  const query = new URLSearchParams({ target, module, ...extra });
  return get(`${exporter.url}/probe?${query}`, { 'X-Prometheus-Scrape-Timeout-Seconds': String(timeoutSeconds) });
}

/** The value of one series, e.g. value(text, 'lampi_check_status', { check: 'tls.chain' }); labels not given match anything. */
export function value(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  return series(text, name).find((entry) => Object.entries(labels).every(([key, wanted]) => entry.labels[key] === wanted))?.value;
}

export function series(text: string, name: string): { labels: Record<string, string>; value: number }[] {
  const found: { labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]] = pair[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
    found.push({ labels, value: Number(match[3]) });
  }
  return found;
}

/** promtool's verdict on an exposition (empty when it accepts it, lint included). */
export function promtoolProblems(text: string): string {
  const run = spawnSync(promtoolPath!, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return run.status === 0 ? '' : `${run.stdout}${run.stderr}`.trim() || `promtool exited ${run.status}`;
}

/** A module that points a probe at a lab, as a user would write it for that broker. */
export function labModule(lab: Lab, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ca: lab.files.ca,
    cert: lab.files.clientCert,
    key: lab.files.clientKey,
    resolve: [`${lab.fqdn}:${lab.publicAddress}`],
    wss_port: lab.ports.wss,
    plain_port: lab.ports.plain,
    timeout: 1500,
    ...extra,
  };
}

export function labTarget(lab: Lab): string {
  return `${lab.fqdn}:${lab.ports.tls}`;
}

export function writeConfig(dir: string, modules: Record<string, Record<string, unknown>>, name = 'lampi-doctor.yml'): string {
  const path = join(dir, name);
  writeFileSync(path, stringify({ modules }));
  return path;
}
