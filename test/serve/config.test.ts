// The exporter's config: schema and files checked at start, every error at file:line; bad requests
// answered 400 with words. No broker needed: nothing here probes.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import Ajv from 'ajv';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { issue, type Issued } from '../../src/lab/pki.js';
import { loadServeConfig } from '../../src/serve/config.js';
import { readCrlDates } from '../../src/serve/crl.js';
import { runCli } from '../helpers/cli.js';
import { get, startExporter, type Exporter } from './helpers.js';

let dir: string;
let ca: Issued;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lampi-serve-config-'));
  mkdirSync(join(dir, 'certs'));
  ca = await issue({ commonName: 'Serve test CA', isCa: true });
  const client = await issue({ commonName: 'monitor', issuer: ca, usage: 'client' });
  const other = await issue({ commonName: 'other', issuer: ca, usage: 'client' });
  writeFileSync(join(dir, 'certs/ca.crt'), ca.certPem);
  writeFileSync(join(dir, 'certs/monitor.crt'), client.certPem);
  writeFileSync(join(dir, 'certs/monitor.key'), client.keyPem);
  writeFileSync(join(dir, 'certs/other.key'), other.keyPem);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configFile(text: string, name = 'lampi-doctor.yml'): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function loadError(text: string): string {
  const path = configFile(text);
  try {
    loadServeConfig(path);
  } catch (error) {
    expect((error as Error).name).toBe('UsageError');
    return (error as Error).message;
  }
  throw new Error('the config was accepted');
}

const GOOD = `# monitoring config
modules:
  lampi:
    ca: certs/ca.crt
    cert: certs/monitor.crt
    key: certs/monitor.key
    timeout: 3000
    wss_port: 50002
    plain_port: 1883
    skip: [bridge]
  tls-only:
    ca: certs/ca.crt
    only: [dns, tcp, tls]
`;

describe('loading lampi-doctor.yml', () => {
  it('reads modules, with paths relative to the config file', () => {
    const config = loadServeConfig(configFile(GOOD));
    expect([...config.modules.keys()]).toEqual(['lampi', 'tls-only']);
    expect(config.modules.get('lampi')!.options).toMatchObject({ ca: join(dir, 'certs/ca.crt'), key: join(dir, 'certs/monitor.key'), timeout: 3000, skip: ['bridge'] });
    expect(config.modules.get('tls-only')!.where).toBe(`${join(dir, 'lampi-doctor.yml')}:11`);
  });

  it('names a misspelt option at its line, with the option meant', () => {
    const message = loadError(GOOD.replace('    timeout: 3000', '    tiemout: 3000'));
    expect(message).toBe(`${join(dir, 'lampi-doctor.yml')}:7: modules.lampi: unknown option "tiemout" (did you mean "timeout"?)`);
  });

  it('names a value of the wrong type or range at its line', () => {
    expect(loadError(GOOD.replace('timeout: 3000', 'timeout: fast'))).toBe(`${join(dir, 'lampi-doctor.yml')}:7: modules.lampi.timeout must be integer`);
    expect(loadError(GOOD.replace('plain_port: 1883', 'plain_port: 70000'))).toBe(`${join(dir, 'lampi-doctor.yml')}:9: modules.lampi.plain_port must be <= 65535`);
  });

  it('wants a key with a certificate, at the module\'s line', () => {
    expect(loadError(GOOD.replace('    key: certs/monitor.key\n', ''))).toBe(`${join(dir, 'lampi-doctor.yml')}:5: modules.lampi: cert needs key`);
  });

  it('reports YAML syntax errors at their line', () => {
    expect(loadError('modules:\n  lampi:\n    ca: [unclosed\n')).toMatch(new RegExp(`^${join(dir, 'lampi-doctor.yml')}:\\d+: `));
    expect(loadError('modules:\n  lampi: {}\n  lampi: {}\n')).toMatch(/lampi-doctor\.yml:\d+: Map keys must be unique/);
  });

  it('wants at least one module', () => {
    expect(loadError('# nothing\n')).toBe(`${join(dir, 'lampi-doctor.yml')}: the config must be object`);
    expect(loadError('modules: {}\n')).toBe(`${join(dir, 'lampi-doctor.yml')}:1: modules: declare at least one module`);
  });

  it('checks the files a module names before serving, in the config\'s own words', () => {
    expect(loadError(GOOD.replace('certs/ca.crt', 'certs/missing.crt'))).toBe(
      `${join(dir, 'lampi-doctor.yml')}:3: module lampi: cannot read ca ${join(dir, 'certs/missing.crt')}: no such file`,
    );
    expect(loadError(GOOD.replace('certs/monitor.key', 'certs/other.key'))).toMatch(/:3: module lampi: key \S+other\.key does not belong to cert \S+monitor\.crt/);
    expect(loadError(GOOD.replace('skip: [bridge]', 'skip: [brigde]'))).toMatch(/:3: module lampi: .*brigde/);
  });

  it('reads a CRL\'s next update as openssl does', async () => {
    const nextUpdate = new Date(Math.floor(Date.now() / 1000) * 1000 + 5 * 86_400_000);
    const crl = await x509.X509CrlGenerator.create({
      issuer: ca.cert.subject,
      thisUpdate: new Date(),
      nextUpdate,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
      signingKey: ca.keys.privateKey,
    });
    const path = join(dir, 'certs/lampi.crl');
    writeFileSync(path, crl.toString('pem').replace(/(BEGIN|END) CRL/g, '$1 X509 CRL')); // openssl's and Mosquitto's header
    const byOpenssl = execFileSync('openssl', ['crl', '-in', path, '-noout', '-nextupdate'], { encoding: 'utf8' });
    expect(Date.parse(byOpenssl.replace(/^nextUpdate=/, '').trim())).toBe(nextUpdate.getTime());
    expect(readCrlDates(path).nextUpdate).toBe(nextUpdate.toISOString());
    expect(loadError(GOOD.replace('skip: [bridge]', 'crl: certs/monitor.crt'))).toMatch(/module lampi: crl \S+monitor\.crt holds no CRL/);
  });
});

describe('the documented config', () => {
  it('README\'s example module file follows schema/serve-config.schema.json', () => {
    const readme = readFileSync('README.md', 'utf8');
    const monitoring = readme.slice(readme.indexOf('## Monitoring'));
    const example = /```yaml\n(modules:[\s\S]+?)```/.exec(monitoring)![1];
    const validate = new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync('schema/serve-config.schema.json', 'utf8')));
    expect(validate(parse(example)), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(parse(example.replace('timeout: 3000', 'timeout: 3 s')))).toBe(false);
  });
});

describe('lampi-doctor serve at the command line', () => {
  it('refuses a bad config with exit 2 and file:line, without a stack trace or a listener', async () => {
    const path = configFile(GOOD.replace('    wss_port: 50002', '    wss_prot: 50002'), 'bad.yml');
    const run = await runCli(['serve', '--config', path, '--listen', '127.0.0.1:0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${path}:8: modules.lampi: unknown option "wss_prot" (did you mean "wss_port"?)`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a bad --listen and a missing --config', async () => {
    const listen = await runCli(['serve', '--config', configFile(GOOD), '--listen', 'nowhere']);
    expect(listen.code).toBe(2);
    expect(listen.stderr).toContain('--listen nowhere: expected HOST:PORT');
    const missing = await runCli(['serve', '--config', join(dir, 'absent.yml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`cannot read --config ${join(dir, 'absent.yml')}`);
  });
});

describe('bad requests', () => {
  let exporter: Exporter;
  beforeAll(async () => {
    exporter = await startExporter(configFile(GOOD, 'requests.yml'));
  });
  afterAll(() => exporter.stop());

  it('answers 400 with words for an unknown module, a missing or bad target, a bad timeout header', async () => {
    const unknown = await get(`${exporter.url}/probe?target=cloud.example.com&module=nope`);
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('unknown module "nope": modules are lampi, tls-only');
    const missing = await get(`${exporter.url}/probe?module=lampi`);
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('missing target');
    const url = await get(`${exporter.url}/probe?module=lampi&target=${encodeURIComponent('mqtts://cloud.example.com')}`);
    expect(url.status).toBe(400);
    expect(url.text).toContain('not a URL');
    const port = await get(`${exporter.url}/probe?module=lampi&target=cloud.example.com:99999`);
    expect(port.status).toBe(400);
    const header = await get(`${exporter.url}/probe?module=lampi&target=cloud.example.com`, { 'X-Prometheus-Scrape-Timeout-Seconds': 'soon' });
    expect(header.status).toBe(400);
    expect(header.text).toContain('X-Prometheus-Scrape-Timeout-Seconds');
    const noModule = await get(`${exporter.url}/probe?target=cloud.example.com`);
    expect(noModule.status).toBe(400);
    expect(noModule.text).toContain('missing module');
    expect((await get(`${exporter.url}/nowhere`)).status).toBe(404);
    const metrics = await get(`${exporter.url}/metrics`);
    expect(metrics.text).toMatch(/lampi_exporter_rejected_requests_total\{reason="bad-request"\} 6/);
    expect(metrics.text).not.toMatch(/lampi_exporter_probes_total\{/); // nothing was probed
  });
});
