// The oracle: the reference clients (OpenSSL's s_client and verify, Debian's mosquitto_pub/sub) run
// against a lab with the same files a diagnosis gets. Their outcome is what the tool must agree with.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { LabInfo } from './lab.js';

/**
 * One reference outcome, as short strings the scenario table records:
 * - sClient: `openssl s_client -verify_return_error -verify_hostname NAME` (or -verify_ip):
 *   'ok', 'verify <X509 error number>', 'alert <TLS alert number>', or 'no-tls'.
 * - brokerView: `openssl verify -purpose sslclient` of the client certificate against the listener's
 *   cafile/capath (and `-crl_check -CRLfile` with its crlfile): 'ok' or 'error <number>'.
 * - mqtt: mosquitto_sub then mosquitto_pub -q 1 with the same files: 'delivered', 'not-delivered',
 *   'connack <code>', 'tls-error', 'closed' or 'no-connection'.
 */
export interface ReferenceOutcome {
  sClient: string;
  brokerView?: string;
  mqtt: string;
  /** `openssl s_client -tls1_2` against the websockets port, as a browser (no client certificate); recorded where a scenario asks. */
  wssTls12?: string;
}

interface Ran {
  code: number | null;
  output: string;
}

/** Runs a reference client with a bounded lifetime; stdin is held open `holdStdinMs` then closed (s_client's </dev/null). */
function run(command: string, args: string[], timeoutMs: number, holdStdinMs = 0, started?: (stop: () => void) => void): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    started?.(() => child.kill('SIGKILL'));
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const close = setTimeout(() => child.stdin.end(), holdStdinMs);
    const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdin.on('error', () => undefined);
    child.on('error', (error) => {
      output += String(error);
    });
    child.on('close', (code) => {
      clearTimeout(close);
      clearTimeout(kill);
      resolve({ code, output });
    });
  });
}

const isIp = (host: string) => /^[\d.]+$|:/.test(host);

export async function sClient(lab: LabInfo, target: string): Promise<string> {
  const name = isIp(target) ? ['-verify_ip', target] : ['-verify_hostname', target, '-servername', target.replace(/\.$/, '')];
  const args = [
    's_client', '-connect', `${lab.publicAddress}:${lab.ports.tls}`, '-verify_return_error', ...name,
    ...caArgs(lab.files.ca, '-CAfile', '-CApath'),
    '-cert', lab.files.clientCert, '-key', lab.files.clientKey,
  ];
  // Stdin stays open a moment: under TLS 1.3 the broker's verdict on our certificate follows the handshake.
  const { code, output } = await run('openssl', args, 5000, 800);
  return sClientOutcome(output, code);
}

export function sClientOutcome(output: string, exitCode: number | null): string {
  const verify = /verify error:num=(\d+)/.exec(output);
  if (verify) return `verify ${verify[1]}`;
  const alert = /SSL alert number (\d+)/.exec(output);
  if (alert) return `alert ${alert[1]}`;
  // s_client prints "Verify return code: 0" even when no handshake happened: its exit status tells.
  if (exitCode !== 0) return 'no-tls';
  if (/Verify return code: 0 \(ok\)/.test(output)) return 'ok';
  const code = /Verify return code: (\d+)/.exec(output);
  if (code) return `verify ${code[1]}`;
  return 'no-tls';
}

function caArgs(path: string, fileFlag: string, dirFlag: string): string[] {
  return path.endsWith('_folder') || path.endsWith('capath') ? [dirFlag, path] : [fileFlag, path];
}

/** The broker's own view of the client certificate: what its listener's cafile/capath/crlfile accept. */
export async function brokerView(lab: LabInfo): Promise<string | undefined> {
  const { serverCa, serverCapath, serverCrl } = lab.files;
  if (!serverCa) return undefined;
  const trust = serverCapath ? ['-CApath', serverCapath] : ['-CAfile', serverCa];
  const crl = serverCrl ? ['-crl_check', '-CRLfile', serverCrl] : [];
  const { code, output } = await run('openssl', ['verify', '-purpose', 'sslclient', ...trust, ...crl, lab.files.clientCert], 5000);
  if (code === 0) return 'ok';
  const error = /error (\d+) at/.exec(output);
  return error ? `error ${error[1]}` : 'error ?';
}

const CONNACK_WORDS: [RegExp, number][] = [
  [/unacceptable protocol version/i, 1],
  [/identifier rejected/i, 2],
  [/broker unavailable|server unavailable/i, 3],
  [/bad user name or password/i, 4],
  [/not authori[sz]ed/i, 5],
];

export function mqttClientOutcome(output: string): string {
  for (const [words, code] of CONNACK_WORDS) if (words.test(output)) return `connack ${code}`;
  if (/TLS error|certificate verify failed|OpenSSL Error/i.test(output)) return 'tls-error';
  if (/Connection refused\b|Lookup error|No route/i.test(output)) return 'no-connection';
  return 'closed';
}

/**
 * mosquitto_sub waits for one message on a fresh topic; mosquitto_pub sends it at QoS 1. For a name
 * target the client dials the lab's address with --insecure (its hostname check is s_client's job here:
 * the made-up FQDN has no DNS); an IP target is dialled and checked as given.
 */
export async function mosquittoClients(lab: LabInfo, target: string): Promise<string> {
  const topic = `lampi-doctor/oracle/${randomBytes(4).toString('hex')}`;
  const common = [
    '-h', lab.publicAddress, '-p', String(lab.ports.tls),
    ...caArgs(lab.files.ca, '--cafile', '--capath'),
    '--cert', lab.files.clientCert, '--key', lab.files.clientKey,
    ...(isIp(target) ? [] : ['--insecure']),
  ];
  let stopSub = () => undefined as void;
  const sub = run('mosquitto_sub', [...common, '-i', `lampi-oracle-sub-${topic.slice(-8)}`, '-t', topic, '-C', '1', '-W', '4', '-q', '1', '-d'], 6000, 0, (stop) => (stopSub = stop));
  await new Promise((resolve) => setTimeout(resolve, 400));
  const pub = await run('mosquitto_pub', [...common, '-i', `lampi-oracle-pub-${topic.slice(-8)}`, '-t', topic, '-m', 'oracle', '-q', '1'], 5000);
  // A refused publisher decides; the subscriber would only wait out its -W.
  if (pub.code !== 0) stopSub();
  const subbed = await sub;
  if (pub.code !== 0) return mqttClientOutcome(pub.output);
  if (subbed.code === 0 && /oracle\s*$/m.test(subbed.output)) return 'delivered';
  if (/SUBACK/.test(subbed.output)) return 'not-delivered';
  return mqttClientOutcome(subbed.output);
}

/**
 * s_client offering TLS 1.2 only to the websockets port, verifying as a browser does (name, no client
 * certificate): Mosquitto 2.0's websockets listeners ignore `tls_version` (src/websockets.c hands
 * libwebsockets the cafile, certfile, keyfile, ciphers and require_certificate, nothing else).
 */
export async function sClientWssTls12(lab: LabInfo, target: string): Promise<string> {
  const name = isIp(target) ? ['-verify_ip', target] : ['-verify_hostname', target, '-servername', target.replace(/\.$/, '')];
  const args = ['s_client', '-connect', `${lab.publicAddress}:${lab.ports.wss}`, '-tls1_2', '-verify_return_error', ...name, ...caArgs(lab.files.ca, '-CAfile', '-CApath')];
  const { code, output } = await run('openssl', args, 5000, 300);
  return sClientOutcome(output, code);
}

export async function referenceOutcome(lab: LabInfo & { target?: string }, options: { wssTls12?: boolean } = {}): Promise<ReferenceOutcome> {
  const target = lab.target ?? lab.fqdn;
  const [s, broker, mqtt] = [await sClient(lab, target), await brokerView(lab), await mosquittoClients(lab, target)];
  const outcome: ReferenceOutcome = broker === undefined ? { sClient: s, mqtt } : { sClient: s, brokerView: broker, mqtt };
  if (options.wssTls12) outcome.wssTls12 = await sClientWssTls12(lab, target);
  return outcome;
}
