// The embedded lab: a "cloud" Mosquitto configured as the seed's port.conf and a "lamp" Mosquitto
// bridging to it as in lampi_bridge.conf, on free loopback ports, with a PKI made on the spot.
// Tests and `lampi-doctor lab up` both start labs through startLab().
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { DiagnoseInput } from '../inputs.js';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { certificateBlocks } from '../certs/pem.js';
import { issue } from './pki.js';
import { LabError, freePorts, isAlive, requireMosquitto, startProcess, stopPid, waitUntilListening, type StartedProcess } from './mosquitto.js';
import { LAB_DEVICE_ID, LAB_FQDN, LAB_PUBLIC_ADDRESS, findScenario, SCENARIOS, type CloudSetup, type LabIdentities } from './scenarios.js';

export interface LabInfo {
  scenario: string;
  dir: string;
  fqdn: string;
  publicAddress: string;
  ports: { tls: number; wss: number; plain: number; lampPlain: number };
  deviceId: string;
  bridgeClientId: string;
  /** The name or address a diagnosis targets (the FQDN unless the scenario says otherwise). */
  target?: string;
  files: {
    ca: string;
    /** The lamp's bridge_cafile (the lab CA, whatever --ca gets). */
    bridgeCa?: string;
    /** The cloud TLS listener's own files, for the reference clients' view of the broker. */
    serverCa?: string;
    serverCapath?: string;
    serverCert?: string;
    serverCrl?: string;
    clientCert: string;
    clientKey: string;
    bridgeCert: string;
    bridgeKey: string;
    cloudConfig: string;
    lampConfig: string;
    cloudLog: string;
    lampLog: string;
  };
  pids: number[];
  lampPid?: number;
}

/**
 * Labs are handed over with the bridge up (when it can come up), so a diagnosis right after start
 * sees the steady state. The lamp logs each bridge connection; its CONNACK ends the wait.
 */
async function waitForBridge(info: LabInfo, lamp: StartedProcess, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const log = (() => {
      try {
        return readFileSync(info.files.lampLog, 'utf8');
      } catch {
        return '';
      }
    })();
    // Connected, or failed once (the failure is the scenario's point; the bridge keeps retrying).
    if (/Received CONNACK on connection|OpenSSL Error|disconnected: /.test(log)) return;
    if (lamp.child.exitCode !== null) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface Lab extends LabInfo {
  /** What points a diagnosis at this lab... */
  diagnoseInput(): DiagnoseInput;
  /** ...and the same as command-line flags. */
  diagnoseArgs(): string[];
  stop(): Promise<void>;
  /**
   * Kills only the lamp broker, as a crash or power cut does: the cloud then publishes the bridge's
   * last will ("0"). A clean shutdown sends no will and leaves the retained "1" behind.
   */
  stopLamp(): Promise<void>;
}

export interface StartLabOptions {
  scenario?: string;
  /** Folder for certificates, configs and logs; a fresh temporary one by default. */
  dir?: string;
  /** Keep the brokers running after this process exits (for `lab up`). */
  detached?: boolean;
}

const STATE_FILE = 'lab.json';

interface CloudFiles {
  ca: string;
  cert: string;
  key: string;
  wssCert: string;
  wssKey: string;
  acl: string;
  crl: string;
  capath: string;
}

function listenerTls(setup: CloudSetup, files: Pick<CloudFiles, 'ca' | 'cert' | 'key' | 'crl' | 'capath'>, requireCertificate: boolean): string[] {
  const identity = setup.useIdentityAsUsername && (requireCertificate || setup.identityWithoutRequire);
  return [
    setup.capath ? `capath ${files.capath}` : `cafile ${files.ca}`,
    `certfile ${files.cert}`,
    `keyfile ${files.key}`,
    `tls_version ${setup.tlsVersion}`,
    ...(setup.ciphers ? [`ciphers ${setup.ciphers}`] : []),
    ...(setup.crlPem ? [`crlfile ${files.crl}`] : []),
    ...(requireCertificate ? ['require_certificate true'] : []),
    ...(identity ? ['use_identity_as_username true'] : []),
  ];
}

/**
 * The seed's port.conf, on lab ports and files; TLS listeners bind the lab's public address.
 * per_listener_settings lets each listener carry its own anonymous/ACL rules, as Mosquitto 2 wants.
 */
export function cloudConfig(setup: CloudSetup, info: LabInfo, files: CloudFiles): string {
  const acl = setup.acl ? [`acl_file ${files.acl}`] : [];
  const auth = (anonymous: boolean) => [`allow_anonymous ${anonymous}`, ...acl];
  const lines = [
    "# lampi-doctor lab: the cloud broker (the seed's /etc/mosquitto/conf.d/port.conf)",
    `user ${userInfo().username}`,
    'persistence false',
    `log_dest file ${info.files.cloudLog}`,
    'log_type all',
    'connection_messages true',
    'per_listener_settings true',
    '',
  ];
  if (setup.tlsPort === 'tls') {
    const tlsAuth = setup.anonymousUnset ? ['# allow_anonymous left out: Mosquitto 2 defaults to false', ...acl] : auth(!setup.requireCertificate);
    lines.push(`listener ${info.ports.tls} ${info.publicAddress}`, ...listenerTls(setup, files, setup.requireCertificate), ...tlsAuth, '');
  } else if (setup.tlsPort === 'plain-mqtt') {
    lines.push('# the TLS lines were lost: this port now speaks plain MQTT', `listener ${info.ports.tls} ${info.publicAddress}`, ...auth(true), '');
  }
  if (setup.wss !== 'none') {
    const wssFiles = setup.wss === 'other-cert' ? { ...files, cert: files.wssCert, key: files.wssKey } : files;
    // Like the seed: the websockets listener repeats the TLS lines (Mosquitto 2.0 ignores its crlfile/capath).
    lines.push(`listener ${info.ports.wss} ${info.publicAddress}`, 'protocol websockets', ...listenerTls({ ...setup, useIdentityAsUsername: false, capath: undefined }, wssFiles, false), ...auth(true), '');
  }
  lines.push(`listener ${info.ports.plain} ${setup.plainBind}`, ...auth(true), '');
  return lines.join('\n');
}

/** The seed's lampi_bridge.conf. The bridge dials the public address: the made-up FQDN has no DNS. */
export function lampConfig(setup: CloudSetup, info: LabInfo): string {
  const prefix = `devices/${setup.lampDeviceId ?? info.deviceId}/`;
  return [
    "# lampi-doctor lab: the lamp broker (the seed's /etc/mosquitto/conf.d/lampi_bridge.conf)",
    `user ${userInfo().username}`,
    'persistence false',
    `log_dest file ${info.files.lampLog}`,
    'log_type all',
    'allow_anonymous true',
    `listener ${info.ports.lampPlain} 127.0.0.1`,
    '',
    `connection ${info.bridgeClientId}`,
    `address ${info.publicAddress}:${info.ports.tls}`,
    `remote_clientid ${info.bridgeClientId}`,
    `bridge_cafile ${info.files.bridgeCa ?? info.files.ca}`,
    `bridge_certfile ${info.files.bridgeCert}`,
    `bridge_keyfile ${info.files.bridgeKey}`,
    'bridge_tls_version tlsv1.2',
    `notification_topic lamp/connection/${info.bridgeClientId}/state`,
    'restart_timeout 1',
    `topic lamp/set_config in 1 "" ${prefix}`,
    `topic lamp/changed out 1 "" ${prefix}`,
    `topic lamp/connection/+/state out 2 "" ${prefix}`,
    `topic lamp/associated in 2 "" ${prefix}`,
    ...(setup.probeMapping ? [`topic lampi-doctor/# both 1 "" ${prefix}`] : []),
    'cleansession false',
    '',
  ].join('\n');
}

/** aedes (npm), a non-Mosquitto broker, behind node:tls with client certificates required. */
const AEDES_TLS = [
  "import tls from 'node:tls'; import { readFileSync } from 'node:fs';",
  'const [url, host, port, ca, cert, key] = process.argv.slice(1);',
  'const { Aedes } = await import(url);',
  'const broker = await Aedes.createBroker();',
  'const read = (p) => readFileSync(p);',
  'tls.createServer({ ca: read(ca), cert: read(cert), key: read(key), requestCert: true, rejectUnauthorized: true }, broker.handle).listen(+port, host);',
].join('\n');

const SILENT_PEER = "require('net').createServer(()=>{}).listen(+process.argv[2],process.argv[1])";
const CLOSING_PEER = "require('net').createServer(s=>s.destroy()).listen(+process.argv[2],process.argv[1])";

/** What the user holds: --ca (a file, or a folder as `mosquitto_pub --capath` takes), --cert, --key. */
function writeUserSide(setup: CloudSetup, info: LabInfo, labCaPem: string, ids: LabIdentities): void {
  const user = setup.user ?? {};
  info.files.bridgeCa = join(info.dir, 'bridge_ca.crt');
  writeFileSync(info.files.bridgeCa, labCaPem);
  if (user.caDir) {
    info.files.ca = join(info.dir, 'ca_folder');
    writeCaFolder(info.files.ca, user.caPem ?? labCaPem, user.caDir.hashed);
  } else {
    writeFileSync(info.files.ca, user.caPem ?? labCaPem);
  }
  const client = user.client ?? ids.client;
  writeFileSync(info.files.clientCert, client.certPem);
  writePrivate(info.files.clientKey, client.keyPem);
  if (user.target === 'ip') info.target = info.publicAddress;
  if (user.target === 'trailing-dot') info.target = `${info.fqdn}.`;
}

/** A CA folder: one file per certificate; hashed adds the `<subject hash>.0` links `openssl rehash` makes. */
function writeCaFolder(dir: string, pem: string, hashed: boolean): void {
  mkdirSync(dir, { recursive: true });
  certificateBlocks(pem).forEach((block, index) => writeFileSync(join(dir, `ca-${index}.pem`), block + '\n'));
  if (hashed) execFileSync('openssl', ['rehash', dir], { stdio: 'ignore' });
}

function writePrivate(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}

export async function startLab(options: StartLabOptions = {}): Promise<Lab> {
  const scenario = findScenario(options.scenario ?? 'healthy');
  if (!scenario) throw new LabError(`unknown scenario "${options.scenario}": choose one of ${SCENARIOS.map((s) => s.name).join(', ')}`);
  const mosquitto = requireMosquitto();
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'lampi-lab-'));
  mkdirSync(dir, { recursive: true });

  const ca = await issue({ commonName: 'LAMPI lab CA', isCa: true });
  const bridgeClientId = `${LAB_DEVICE_ID}_broker`;
  const ids: LabIdentities = {
    ca,
    client: await issue({ commonName: 'doctor_client', issuer: ca, usage: 'client' }),
    bridge: await issue({ commonName: bridgeClientId, issuer: ca, usage: 'client' }),
  };
  const setup = await scenario.build(ids);

  const f = (name: string) => join(dir, name);
  const [tls, wss, plain, lampPlain] = await freePorts([LAB_PUBLIC_ADDRESS, LAB_PUBLIC_ADDRESS, '127.0.0.1', '127.0.0.1']);
  const info: LabInfo = {
    scenario: scenario.name,
    dir,
    fqdn: LAB_FQDN,
    publicAddress: LAB_PUBLIC_ADDRESS,
    ports: { tls, wss, plain, lampPlain },
    deviceId: LAB_DEVICE_ID,
    bridgeClientId,
    files: {
      ca: f('lampi_ca.crt'),
      clientCert: f('doctor_client.crt'),
      clientKey: f('doctor_client.key'),
      bridgeCert: f(`${bridgeClientId}.crt`),
      bridgeKey: f(`${bridgeClientId}.key`),
      cloudConfig: f('cloud.conf'),
      lampConfig: f('lamp.conf'),
      cloudLog: f('cloud.log'),
      lampLog: f('lamp.log'),
    },
    pids: [],
  };
  const server = {
    ca: f('cloud_cafile.crt'),
    cert: f('lampi_server.crt'),
    key: f('lampi_server.key'),
    wssCert: f('wss_server.crt'),
    wssKey: f('wss_server.key'),
    acl: f('cloud.acl'),
    crl: f('cloud.crl'),
    capath: f('cloud_capath'),
  };
  writeUserSide(setup, info, ca.certPem, ids);
  info.files.serverCa = server.ca;
  info.files.serverCert = server.cert;
  if (setup.capath) info.files.serverCapath = server.capath;
  if (setup.crlPem) info.files.serverCrl = server.crl;
  writeFileSync(server.ca, setup.cafilePem);
  if (setup.crlPem) writeFileSync(server.crl, setup.crlPem);
  if (setup.capath) writeCaFolder(server.capath, setup.cafilePem, setup.capath.hashed);
  writeFileSync(server.cert, setup.certfilePem);
  writePrivate(server.key, setup.keyfilePem);
  if (setup.wssIdentity) {
    writeFileSync(server.wssCert, setup.wssIdentity.certPem);
    writePrivate(server.wssKey, setup.wssIdentity.keyPem);
  }
  if (setup.acl) writeFileSync(server.acl, setup.acl);
  writeFileSync(info.files.bridgeCert, (setup.bridgeIdentity ?? ids.bridge).certPem);
  writePrivate(info.files.bridgeKey, setup.bridgeKeyPem ?? (setup.bridgeIdentity ?? ids.bridge).keyPem);
  writeFileSync(info.files.cloudConfig, cloudConfig(setup, info, server));
  writeFileSync(info.files.lampConfig, lampConfig(setup, info));

  const started: StartedProcess[] = [];
  const detached = options.detached ?? false;
  try {
    const cloud = startProcess('cloud broker', mosquitto, ['-c', info.files.cloudConfig], f('cloud.out'), detached);
    started.push(cloud);
    const cloudEndpoints = [{ host: setup.plainBind, port: plain }];
    if (setup.wss !== 'none') cloudEndpoints.push({ host: LAB_PUBLIC_ADDRESS, port: wss });
    if (setup.tlsPort === 'tls' || setup.tlsPort === 'plain-mqtt') cloudEndpoints.push({ host: LAB_PUBLIC_ADDRESS, port: tls });
    await waitUntilListening(cloud, cloudEndpoints, info.files.cloudLog);

    if (setup.broker === 'aedes') {
      const aedes = pathToFileURL(createRequire(import.meta.url).resolve('aedes')).href;
      const args = ['--input-type=module', '-e', AEDES_TLS, aedes, LAB_PUBLIC_ADDRESS, String(tls), server.ca, server.cert, server.key];
      const peer = startProcess('aedes broker', process.execPath, args, f('aedes.out'), detached);
      started.push(peer);
      await waitUntilListening(peer, [{ host: LAB_PUBLIC_ADDRESS, port: tls }], peer.outputFile);
    }
    if (setup.tlsPort === 'silent-peer' || setup.tlsPort === 'closing-peer') {
      const script = setup.tlsPort === 'silent-peer' ? SILENT_PEER : CLOSING_PEER;
      const peer = startProcess(setup.tlsPort, process.execPath, ['-e', script, LAB_PUBLIC_ADDRESS, String(tls)], f(`${setup.tlsPort}.out`), detached);
      started.push(peer);
      await waitUntilListening(peer, [{ host: LAB_PUBLIC_ADDRESS, port: tls }], peer.outputFile);
    }

    const lamp = startProcess('lamp broker', mosquitto, ['-c', info.files.lampConfig], f('lamp.out'), detached);
    started.push(lamp);
    await waitUntilListening(lamp, [{ host: '127.0.0.1', port: lampPlain }], info.files.lampLog);
    if ((setup.tlsPort === 'tls' || setup.broker === 'aedes') && !setup.bridgeIdentity && !setup.bridgeKeyPem) await waitForBridge(info, lamp);
  } catch (error) {
    await Promise.all(started.map((proc) => stopPid(proc.pid)));
    throw error;
  }
  info.pids = started.map((proc) => proc.pid);
  info.lampPid = started.find((proc) => proc.name === 'lamp broker')?.pid;
  if (!detached) cleanUpOnExit(info);
  writeFileSync(join(dir, STATE_FILE), JSON.stringify(info, null, 2) + '\n');
  return attach(info);
}

function attach(info: LabInfo): Lab {
  const input = {
    target: info.target ?? info.fqdn,
    port: info.ports.tls,
    resolve: [`${info.target?.endsWith('.') ? info.target : info.fqdn}:${info.publicAddress}`],
    ca: info.files.ca,
    cert: info.files.clientCert,
    key: info.files.clientKey,
    wssPort: info.ports.wss,
    plainPort: info.ports.plain,
    local: `mqtt://127.0.0.1:${info.ports.lampPlain}`,
    deviceId: info.deviceId,
  } satisfies DiagnoseInput;
  return {
    ...info,
    diagnoseInput: () => ({ ...input, resolve: [...input.resolve] }),
    diagnoseArgs: () => [
      input.target,
      '--port', String(input.port),
      '--resolve', input.resolve[0],
      '--ca', input.ca,
      '--cert', input.cert,
      '--key', input.key,
      '--wss-port', String(input.wssPort),
      '--plain-port', String(input.plainPort),
      '--local', input.local,
      '--device-id', input.deviceId,
    ],
    stop: () => stopLab(info),
    stopLamp: async () => {
      if (info.lampPid) await stopPid(info.lampPid, 'SIGKILL');
    },
  };
}

const attachedLabs = new Set<LabInfo>();
let exitHooksInstalled = false;

/** A lab that lives with this process dies with it, however it ends (crash, Ctrl-C, kill). */
function cleanUpOnExit(info: LabInfo): void {
  if (!exitHooksInstalled) {
    exitHooksInstalled = true;
    process.once('exit', () => {
      for (const lab of attachedLabs) {
        for (const pid of lab.pids) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        rmSync(lab.dir, { recursive: true, force: true });
      }
    });
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));
    }
  }
  attachedLabs.add(info);
}

export async function stopLab(info: LabInfo): Promise<void> {
  attachedLabs.delete(info);
  await Promise.all(info.pids.map((pid) => stopPid(pid)));
  rmSync(info.dir, { recursive: true, force: true });
}

/** The lab `lab up` left running in `dir`, if any. */
export function readLab(dir: string): Lab | undefined {
  try {
    const info = JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8')) as LabInfo;
    return attach(info);
  } catch {
    return undefined;
  }
}

export function labIsRunning(info: LabInfo): boolean {
  return info.pids.some(isAlive);
}

export const DEFAULT_LAB_DIR = join(tmpdir(), 'lampi-doctor-lab');
