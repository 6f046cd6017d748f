// Mosquitto 2.0's websockets listeners ignore tls_version, crlfile and capath (src/websockets.c hands
// libwebsockets only cafile, certfile, keyfile, ciphers, ciphers_tls13 and require_certificate): lint
// says so at the option's line, and Mosquitto 2.0.11 with openssl s_client shows each one ignored on
// the websockets port while the MQTT listener beside it, with the same line, enforces it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { issue, issueCrl } from '../../src/lab/pki.js';
import { lint, type LintReport } from '../../src/lint.js';
import { describeWithBroker } from '../helpers/broker.js';
import { makeTree, type Tree } from '../helpers/config-tree.js';
import { freePorts, startsWith, withBroker } from '../helpers/reference-broker.js';
import { wssHandshake } from '../../checks/wss.js';
import { probeWss } from '../../src/probes/exposure-probes.js';
import { settings, withFacts } from '../helpers/facts.js';

let tree: Tree;
let files: Record<'CA' | 'CERT' | 'KEY' | 'CRL' | 'CAPATH' | 'CLIENT_CERT' | 'CLIENT_KEY', string>;

beforeAll(async () => {
  tree = makeTree();
  const ca = await issue({ commonName: 'wss fixture CA', isCa: true });
  const server = await issue({ commonName: 'localhost', issuer: ca, dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], usage: 'server' });
  const client = await issue({ commonName: 'browser', issuer: ca, usage: 'client' });
  tree.write('capath/ca.crt', ca.certPem);
  spawnSync('openssl', ['rehash', tree.path('capath')]);
  files = {
    CA: tree.write('ca.crt', ca.certPem),
    CERT: tree.write('server.crt', server.certPem),
    KEY: tree.write('server.key', server.keyPem),
    // The client's certificate is revoked: a listener that loads this CRL refuses it.
    CRL: tree.write('revokes-client.crl', await issueCrl({ issuer: ca, revoked: [client] })),
    CAPATH: tree.path('capath'),
    CLIENT_CERT: tree.write('client.crt', client.certPem),
    CLIENT_KEY: tree.write('client.key', client.keyPem),
  };
});

const fixtureText = (name: string) => readFileSync(`fixtures/config/websockets/${name}`, 'utf8');

let counter = 0;
/** The fixture with its files and ports filled in, written to the tree. */
function place(name: string, ports: { mqtt: number; wss: number } = { mqtt: 8883, wss: 50002 }): string {
  let text = fixtureText(name).replaceAll('{{MQTT_PORT}}', String(ports.mqtt)).replaceAll('{{WSS_PORT}}', String(ports.wss));
  for (const [key, value] of Object.entries(files)) text = text.replaceAll(`{{${key}}}`, value);
  counter += 1;
  return tree.write(`wss-${counter}/mosquitto.conf`, text);
}

/** 1-based line of the first `option` line after `protocol websockets` in the fixture. */
function wssLine(name: string, option: string): number {
  const lines = fixtureText(name).split('\n');
  const start = lines.indexOf('protocol websockets');
  return lines.findIndex((line, i) => i > start && line.startsWith(`${option} `)) + 1;
}

const websocketFindings = (report: LintReport) => report.checks.filter((c) => c.id === 'config.websockets');
const ignored = (report: LintReport) => report.checks.filter((c) => c.code === 'config.websockets/tls-option-ignored');

describe('lint: websockets listeners and the TLS options Mosquitto 2.0 ignores there', () => {
  it('a websockets listener without tls_version tlsv1.3, crlfile or capath: no finding but ok', () => {
    const report = lint({ paths: [place('valid.conf')], mosquittoVersion: '2.0.11' });
    expect(websocketFindings(report).map((f) => f.code)).toEqual(['config.websockets/ok']);
  });

  it('tls_version tlsv1.3: a warning at the websockets listener\'s line, none for the MQTT listener\'s', () => {
    const path = place('tls-version-1.3.conf');
    const report = lint({ paths: [path], mosquittoVersion: '2.0.11' });
    expect(ignored(report)).toMatchObject([{ status: 'warn', file: path, line: wssLine('tls-version-1.3.conf', 'tls_version'), evidence: { option: 'tls_version', value: 'tlsv1.3' } }]);
    expect(ignored(report)[0].summary).toContain('Mosquitto 2.0.11 ignores `tls_version`: it still lets TLS 1.2 clients in');
    expect(ignored(report)[0].hint).toContain('TLS-terminating proxy');
    expect(ignored(report)[0].hint).toContain('Mosquitto 2.1');
  });

  it('crlfile: a warning at its line, saying a revoked client certificate still gets in', () => {
    const path = place('crlfile.conf');
    const [finding] = ignored(lint({ paths: [path], mosquittoVersion: '2.0.11' }));
    expect(finding).toMatchObject({ status: 'warn', file: path, line: wssLine('crlfile.conf', 'crlfile'), evidence: { option: 'crlfile' } });
    expect(finding.summary).toContain('revokes nobody; a revoked client certificate still gets in');
  });

  it('capath without cafile: a warning at its line, saying every client certificate is refused', () => {
    const path = place('capath.conf');
    const [finding] = ignored(lint({ paths: [path], mosquittoVersion: '2.0.11' }));
    expect(finding).toMatchObject({ status: 'warn', file: path, line: wssLine('capath.conf', 'capath'), evidence: { option: 'capath' } });
    expect(finding.summary).toContain('every client certificate is refused (alert 48, unknown CA)');
    expect(finding.hint).toContain('cafile');
  });

  it('every ignored option of one listener gets its own finding; a plain ws:// listener none (no TLS to speak of)', () => {
    const text = fixtureText('crlfile.conf').replace('protocol websockets\n', `protocol websockets\ntls_version tlsv1.3\ncapath ${files.CAPATH}\n`);
    const path = tree.write(`wss-all/mosquitto.conf`, Object.entries(files).reduce((t, [k, v]) => t.replaceAll(`{{${k}}}`, v), text.replaceAll('{{MQTT_PORT}}', '8883').replaceAll('{{WSS_PORT}}', '50002')));
    expect(ignored(lint({ paths: [path], mosquittoVersion: '2.0.11' })).map((f) => f.evidence?.option)).toEqual(['tls_version', 'crlfile', 'capath']);
    const plain = tree.write('wss-plain/mosquitto.conf', 'listener 50002\nprotocol websockets\ntls_version tlsv1.3\ncrlfile /nowhere.crl\n');
    expect(websocketFindings(lint({ paths: [plain], mosquittoVersion: '2.0.11' })).map((f) => f.code)).toEqual(['config.websockets/no-tls']);
  });

  it('require_certificate true on the websockets listener: a warning at its line, since browsers cannot send one (finding 7)', () => {
    const path = place('crlfile.conf');
    const [finding] = websocketFindings(lint({ paths: [path], mosquittoVersion: '2.0.11' })).filter((f) => f.code === 'config.websockets/requires-client-certificate');
    expect(finding).toMatchObject({ status: 'warn', file: path, line: wssLine('crlfile.conf', 'require_certificate') });
    expect(finding.summary).toContain('browsers cannot send one');
    expect(finding.hint).toContain('Remove `require_certificate true`');
    expect(websocketFindings(lint({ paths: [place('valid.conf')], mosquittoVersion: '2.0.11' })).map((f) => f.code)).toEqual(['config.websockets/ok']);
  });

  it('Mosquitto 1.6 ignores them too; 2.1, whose own websockets share the MQTT listener\'s TLS settings, does not', () => {
    for (const name of ['tls-version-1.3.conf', 'crlfile.conf', 'capath.conf']) {
      expect(ignored(lint({ paths: [place(name)], mosquittoVersion: '1.6.12' }))).toHaveLength(1);
      expect(ignored(lint({ paths: [place(name)], mosquittoVersion: '2.1.0' }))).toEqual([]);
    }
  });
});

/** openssl s_client offering TLS 1.2 only (the broker's verdict on a client certificate comes inside the handshake). */
function sClientTls12(port: number, withClientCertificate: boolean): { connected: boolean; output: string } {
  const run = spawnSync(
    'openssl',
    ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_2', '-verify_return_error', '-CAfile', files.CA, ...(withClientCertificate ? ['-cert', files.CLIENT_CERT, '-key', files.CLIENT_KEY] : [])],
    { input: '', encoding: 'utf8', timeout: 20_000 },
  );
  const output = `${run.stdout}${run.stderr}`;
  return { connected: run.status === 0 && /Cipher is (?!\(NONE\))/.test(output), output };
}

describeWithBroker('Mosquitto 2.0.11 agrees: the websockets port ignores the line its MQTT neighbour enforces', () => {
  const cases = [
    { fixture: 'tls-version-1.3.conf', clientCertificate: false, mqttRefusal: /alert number 70/ }, // protocol version
    { fixture: 'crlfile.conf', clientCertificate: true, mqttRefusal: /alert number 44/ }, // certificate revoked
    { fixture: 'capath.conf', clientCertificate: true, mqttRefusal: undefined },
  ];
  for (const c of cases) {
    it(c.fixture, async () => {
      const [mqtt, wss] = await freePorts(['127.0.0.1', '127.0.0.1']);
      const { result, log } = await withBroker(place(c.fixture, { mqtt, wss }), () => ({
        mqtt: sClientTls12(mqtt, c.clientCertificate),
        wss: sClientTls12(wss, c.clientCertificate),
      }));
      expect(log).toContain('Opening websockets listen socket');
      if (c.fixture === 'capath.conf') {
        // The MQTT listener trusts the capath folder; the websockets listener has no CA at all.
        expect(result.mqtt.connected, result.mqtt.output).toBe(true);
        expect(result.wss.connected, result.wss.output).toBe(false);
        expect(result.wss.output).toMatch(/alert number 48/);
      } else {
        expect(result.mqtt.connected, result.mqtt.output).toBe(false);
        expect(result.mqtt.output).toMatch(c.mqttRefusal!);
        expect(result.wss.connected, result.wss.output).toBe(true);
      }
    });
  }
});

describeWithBroker('Mosquitto 2.0.11: a websockets listener with require_certificate true ends a browser\'s TLS session (finding 7)', () => {
  it('curl gets alert 116 (certificate required); wss.handshake names the listener\'s require_certificate, not the certificate', async () => {
    const [mqtt, wss] = await freePorts(['127.0.0.1', '127.0.0.1']);
    const { result } = await withBroker(place('crlfile.conf', { mqtt, wss }), async () => {
      // The alert races the close: on a busy machine curl may read the reset first ("Connection reset
      // by peer", seen once under load), so the reference gets three tries to show the alert.
      let curl = '';
      for (let attempt = 0; attempt < 3 && !/alert certificate required/.test(curl); attempt += 1) {
        const run = spawnSync('curl', ['-sS', '--max-time', '10', '--cacert', files.CA, `https://127.0.0.1:${wss}/mqtt`], { encoding: 'utf8', timeout: 20_000 });
        curl = `${run.stdout}${run.stderr}`;
      }
      const facts = await probeWss({ address: '127.0.0.1', servername: 'localhost', ca: readFileSync(files.CA, 'utf8'), timeoutMs: 8000 }, wss);
      return { curl, facts };
    });
    expect(result.curl).toMatch(/alert certificate required/);
    const out = wssHandshake.run(withFacts((f) => (f.wss = result.facts)), { ...settings, host: 'localhost', now: new Date(), wssPort: wss });
    expect([out.status, out.code]).toEqual(['fail', 'client-certificate-required']);
    expect(out.hint).toContain(`Remove \`require_certificate true\` (and \`use_identity_as_username true\`) from under \`listener ${wss}\``);
  });
});

describeWithBroker('Mosquitto 2.0.11: a websockets listener without its TLS lines serves plain ws:// (finding 13)', () => {
  it('curl over https gets "wrong version number"; wss.handshake asks for the TLS lines under the existing listener, not a second listener line (which stops Mosquitto)', async () => {
    const [mqtt, wss] = await freePorts(['127.0.0.1', '127.0.0.1']);
    const plain = tree.write(`ws-plain-${wss}/mosquitto.conf`, `per_listener_settings true\nlistener ${mqtt} 127.0.0.1\nallow_anonymous true\nlistener ${wss} 127.0.0.1\nprotocol websockets\nallow_anonymous true\n`);
    const { result } = await withBroker(plain, async () => {
      const curl = spawnSync('curl', ['-sS', '--max-time', '10', '--cacert', files.CA, `https://127.0.0.1:${wss}/mqtt`], { encoding: 'utf8', timeout: 20_000 });
      const facts = await probeWss({ address: '127.0.0.1', servername: 'localhost', ca: readFileSync(files.CA, 'utf8'), timeoutMs: 8000 }, wss);
      return { curl: `${curl.stdout}${curl.stderr}`, facts };
    });
    expect(result.curl).toMatch(/wrong version number/);
    const out = wssHandshake.run(withFacts((f) => (f.wss = result.facts)), { ...settings, host: 'localhost', now: new Date(), wssPort: wss });
    expect([out.status, out.code]).toEqual(['fail', 'no-tls']);
    expect(out.summary).toContain(`port ${wss} answers, but not with TLS`);
    expect(out.hint).toContain(`lines under the existing \`listener ${wss}\``);
    // The old hint's fix, done literally: a second listener on the port, and Mosquitto does not start.
    const doubled = tree.write(`ws-doubled-${wss}/mosquitto.conf`, `${readFileSync(plain, 'utf8')}listener ${wss} 0.0.0.0\nprotocol websockets\ncafile ${files.CA}\ncertfile ${files.CERT}\nkeyfile ${files.KEY}\n`);
    expect((await startsWith(doubled)).started).toBe(false);
    expect(out.hint).not.toMatch(new RegExp(`Add \`listener ${wss} `));
  });
});
