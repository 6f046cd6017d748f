// The embedded lab: a "cloud" Mosquitto configured as the seed's port.conf and a "lamp" Mosquitto
// bridging to it as in lampi_bridge.conf, on free loopback ports, with a PKI made on the spot.
// Tests and `lampi-doctor lab up` both start labs through startLab().
import { closeSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { UsageError } from '../engine/types.js';
import type { DiagnoseInput } from '../inputs.js';
import { claimLabFolder, defaultLabDir, isOwnLabFolder, MARKER_FILE, openNewFile, prepareDefaultParents, removeLabFiles, requireOwnFolder, writeNewFile, type LabFolder } from './lab-folder.js';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:net';
import { pathToFileURL } from 'node:url';
import { certificateBlocks } from '../certs/pem.js';
import { issue } from './pki.js';
import { LabError, freePorts, isAlive, isLabProcess, requireMosquitto, startProcess, stopPid, waitUntilListening, type StartedProcess } from './mosquitto.js';
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
  /** What the lab started, with the exact command line (checked before any signal is sent). */
  processes: LabProcess[];
  /** Names of the files the lab created in `dir`: the only ones its end removes. */
  created: string[];
  /** The lab made `dir`, so its end removes the folder too (when nothing else is in it). */
  createdDir: boolean;
}

export interface LabProcess {
  name: string;
  pid: number;
  argv: string[];
}

/**
 * After its CONNACK the bridge subscribes, unsubscribes and publishes its state notification; the
 * cloud logs all of it. Settled means every one of those was acknowledged, so a test that reads the
 * cloud's log after hand-over sees only what it caused.
 */
export function bridgeSettled(lampLog: string): boolean {
  const connack = lampLog.lastIndexOf('Received CONNACK on connection');
  if (connack < 0) return false;
  const since = lampLog.slice(connack);
  const count = (pattern: RegExp) => (since.match(pattern) ?? []).length;
  const requests = count(/ sending (?:UN)?SUBSCRIBE \(Mid: /g);
  const acks = count(/ Received (?:UN)?SUBACK from /g);
  // Read between the CONNACK line and the first SUBSCRIBE line, the log shows nothing to wait for yet.
  if (acks === 0 || acks < requests) return false;
  for (const publish of since.matchAll(/Sending PUBLISH to (\S+) \(d\d, q1, r\d, m(\d+),/g)) {
    if (!since.includes(`Received PUBACK from ${publish[1]} (Mid: ${publish[2]},`)) return false;
  }
  return true;
}

/**
 * Labs are handed over with the bridge up (when it can come up), so a diagnosis right after start
 * sees the steady state: the lamp logs the bridge's CONNACK and the acknowledgements that follow.
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
    // Failed once (the failure is the scenario's point; the bridge keeps retrying), or connected
    // and settled.
    if (/OpenSSL Error|disconnected: |Error creating bridge/.test(log)) return;
    if (bridgeSettled(log)) return;
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
  if (setup.wss !== 'none' && setup.wss !== 'http-404') {
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

/** A proxy in front of the websockets port that knows no /mqtt route. */
const HTTPS_404 = [
  "const fs = require('fs');",
  'const [host, port, cert, key] = process.argv.slice(1);',
  "const server = require('https').createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }, (req, res) => { res.statusCode = 404; res.end('not found'); });",
  "server.on('upgrade', (req, socket) => socket.end('HTTP/1.1 404 Not Found\\r\\nContent-Length: 0\\r\\n\\r\\n'));",
  'server.listen(+port, host);',
].join('\n');

const SILENT_PEER = "require('net').createServer(()=>{}).listen(+process.argv[2],process.argv[1])";
const CLOSING_PEER = "require('net').createServer(s=>s.destroy()).listen(+process.argv[2],process.argv[1])";

const BRIDGE_CLIENT_ID = `${LAB_DEVICE_ID}_broker`;

/** Every name a lab may create in its folder (an earlier lab's leftovers under these names are replaced). */
export const LAB_FILE_NAMES: readonly string[] = [
  STATE_FILE,
  'lampi_ca.crt', 'bridge_ca.crt', 'ca_folder', 'doctor_client.crt', 'doctor_client.key', `${BRIDGE_CLIENT_ID}.crt`, `${BRIDGE_CLIENT_ID}.key`,
  'cloud_cafile.crt', 'cloud_capath', 'cloud.crl', 'lampi_server.crt', 'lampi_server.key', 'wss_server.crt', 'wss_server.key', 'cloud.acl',
  'cloud.conf', 'lamp.conf', 'cloud.log', 'lamp.log', 'cloud.out', 'lamp.out', 'silent-peer.out', 'closing-peer.out', 'aedes.out', 'https-404.out',
];

/** Start-up stages, on stderr under LAMPI_DEBUG=1 (tests interrupt start-up at each). */
function stage(text: string): void {
  if (process.env.LAMPI_DEBUG) process.stderr.write(`lab: ${text}\n`);
}

/** Creates the lab's files and folders, each new (never through a symlink), and remembers them. */
interface LabWriter {
  file(path: string, text: string): void;
  folder(path: string): void;
  /** A file something else made inside a folder of ours (openssl rehash links). */
  adopt(path: string): void;
}

/** What the user holds: --ca (a file, or a folder as `mosquitto_pub --capath` takes), --cert, --key. */
function writeUserSide(setup: CloudSetup, info: LabInfo, labCaPem: string, ids: LabIdentities, write: LabWriter): void {
  const user = setup.user ?? {};
  info.files.bridgeCa = join(info.dir, 'bridge_ca.crt');
  write.file(info.files.bridgeCa, setup.bridgeCaPem ?? labCaPem);
  if (user.caDir) {
    info.files.ca = join(info.dir, 'ca_folder');
    writeCaFolder(info.files.ca, user.caPem ?? labCaPem, user.caDir.hashed, write);
  } else {
    write.file(info.files.ca, user.caPem ?? labCaPem);
  }
  const client = user.client ?? ids.client;
  write.file(info.files.clientCert, client.certPem);
  write.file(info.files.clientKey, client.keyPem);
  if (user.target === 'ip') info.target = info.publicAddress;
  if (user.target === 'trailing-dot') info.target = `${info.fqdn}.`;
}

/** A CA folder: one file per certificate; hashed adds the `<subject hash>.0` links `openssl rehash` makes. */
function writeCaFolder(dir: string, pem: string, hashed: boolean, write: LabWriter): void {
  write.folder(dir);
  const names = certificateBlocks(pem).map((block, index) => {
    write.file(join(dir, `ca-${index}.pem`), block + '\n');
    return `ca-${index}.pem`;
  });
  if (!hashed) return;
  execFileSync('openssl', ['rehash', dir], { stdio: 'ignore' });
  for (const name of readdirSync(dir)) if (!names.includes(name)) write.adopt(join(dir, name));
}

/** A broker could not bind a port that was free a moment before: someone took it in between. */
const PORT_TAKEN = /Unable to create (?:websockets )?listener|address already in use|EADDRINUSE/i;
const START_ATTEMPTS = 3;

/**
 * Starts a lab. Its ports are picked free and then handed to Mosquitto, so another process (any
 * outgoing connection takes an ephemeral port) can take one in between; the broker then fails to
 * bind it, and the start is retried from scratch with new ports, up to 3 times.
 */
export async function startLab(options: StartLabOptions = {}): Promise<Lab> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startLabOnce(options, attempt === 1 && process.env.LAMPI_LAB_PORT_THIEF === '1');
    } catch (error) {
      if (attempt >= START_ATTEMPTS || !(error instanceof LabError) || !PORT_TAKEN.test(error.message)) throw error;
      stage(`a port was taken before the broker bound it: starting again (attempt ${attempt + 1} of ${START_ATTEMPTS})`);
    }
  }
}

/** Holds a port on every address, as another process would that took it first. */
function takePort(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve(server));
  });
}

/** `stealPort`: a test hook (LAMPI_LAB_PORT_THIEF=1, first attempt only) that takes the wss port first. */
async function startLabOnce(options: StartLabOptions, stealPort = false): Promise<Lab> {
  const scenario = findScenario(options.scenario ?? 'healthy');
  if (!scenario) throw new LabError(`unknown scenario "${options.scenario}": choose one of ${SCENARIOS.map((s) => s.name).join(', ')}`);
  const mosquitto = requireMosquitto();
  installExitHooks();
  const folder = options.dir ? claimLabFolder(options.dir, LAB_FILE_NAMES) : freshTemporaryFolder();
  const dir = folder.dir;
  // From here on, an interrupt (or a failure) stops what started and removes what was written.
  const footprint: Footprint = { dir, createdDir: folder.createdDir, created: [], processes: [], children: new Map() };
  unfinished.add(footprint);
  stage(`folder ${dir}`);
  const f = (name: string) => join(dir, name);
  const named = (path: string) => relative(dir, path);
  const writer: LabWriter = {
    file(path, text) {
      const fd = openNewFile(path);
      footprint.created.push(named(path));
      try {
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
    },
    folder(path) {
      mkdirSync(path, { mode: 0o700 }); // fails if the name is taken
      footprint.created.push(named(path));
    },
    adopt: (path) => footprint.created.push(named(path)),
  };
  const write = writer.file;

  try {
    const ca = await issue({ commonName: 'LAMPI lab CA', isCa: true });
    const bridgeClientId = BRIDGE_CLIENT_ID;
    const ids: LabIdentities = {
      ca,
      client: await issue({ commonName: 'doctor_client', issuer: ca, usage: 'client' }),
      bridge: await issue({ commonName: bridgeClientId, issuer: ca, usage: 'client' }),
    };
    const setup = await scenario.build(ids);
    stage('keys issued');

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
      processes: footprint.processes,
      created: footprint.created,
      createdDir: footprint.createdDir,
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
    // Every file is new (exclusive creation, no symlink followed) and 0600; the folder is 0700.
    writeUserSide(setup, info, ca.certPem, ids, writer);
    info.files.serverCa = server.ca;
    info.files.serverCert = server.cert;
    if (setup.capath) info.files.serverCapath = server.capath;
    if (setup.crlPem) info.files.serverCrl = server.crl;
    write(server.ca, setup.cafilePem);
    if (setup.crlPem) write(server.crl, setup.crlPem);
    if (setup.capath) writeCaFolder(server.capath, setup.cafilePem, setup.capath.hashed, writer);
    write(server.cert, setup.certfilePem);
    write(server.key, setup.keyfilePem);
    if (setup.wssIdentity) {
      write(server.wssCert, setup.wssIdentity.certPem);
      write(server.wssKey, setup.wssIdentity.keyPem);
    }
    if (setup.acl) write(server.acl, setup.acl);
    write(info.files.bridgeCert, (setup.bridgeIdentity ?? ids.bridge).certPem);
    write(info.files.bridgeKey, setup.bridgeKeyPem ?? (setup.bridgeIdentity ?? ids.bridge).keyPem);
    write(info.files.cloudConfig, cloudConfig(setup, info, server));
    write(info.files.lampConfig, lampConfig(setup, info));
    // Mosquitto appends its log to these; made here so it never opens a name someone else chose.
    write(info.files.cloudLog, '');
    write(info.files.lampLog, '');
    stage('files written');

    const detached = options.detached ?? false;
    const start = (name: string, command: string, args: string[], output: string) => {
      footprint.created.push(named(output));
      const started = startProcess(name, command, args, output, detached, (pid) => footprint.processes.push({ name, pid, argv: [command, ...args] }));
      footprint.children?.set(started.pid, started.child);
      return started;
    };
    const thief = stealPort ? await takePort(wss) : undefined;
    const cloud = start('cloud broker', mosquitto, ['-c', info.files.cloudConfig], f('cloud.out'));
    thief?.unref();
    stage('cloud broker started');
    const cloudEndpoints = [{ host: setup.plainBind, port: plain }];
    if (setup.wss !== 'none' && setup.wss !== 'http-404') cloudEndpoints.push({ host: LAB_PUBLIC_ADDRESS, port: wss });
    if (setup.tlsPort === 'tls' || setup.tlsPort === 'plain-mqtt') cloudEndpoints.push({ host: LAB_PUBLIC_ADDRESS, port: tls });
    try {
      await waitUntilListening(cloud, cloudEndpoints, info.files.cloudLog);
    } finally {
      thief?.close();
    }

    if (setup.broker === 'aedes') {
      const aedes = pathToFileURL(createRequire(import.meta.url).resolve('aedes')).href;
      const args = ['--input-type=module', '-e', AEDES_TLS, aedes, LAB_PUBLIC_ADDRESS, String(tls), server.ca, server.cert, server.key];
      const peer = start('aedes broker', process.execPath, args, f('aedes.out'));
      await waitUntilListening(peer, [{ host: LAB_PUBLIC_ADDRESS, port: tls }], peer.outputFile);
    }
    if (setup.wss === 'http-404') {
      const args = ['-e', HTTPS_404, LAB_PUBLIC_ADDRESS, String(wss), server.cert, server.key];
      const proxy = start('https 404 peer', process.execPath, args, f('https-404.out'));
      await waitUntilListening(proxy, [{ host: LAB_PUBLIC_ADDRESS, port: wss }], proxy.outputFile);
    }
    if (setup.tlsPort === 'silent-peer' || setup.tlsPort === 'closing-peer') {
      const script = setup.tlsPort === 'silent-peer' ? SILENT_PEER : CLOSING_PEER;
      // The folder as a last argument names the peer as this lab's in its command line.
      const peer = start(setup.tlsPort, process.execPath, ['-e', script, LAB_PUBLIC_ADDRESS, String(tls), dir], f(`${setup.tlsPort}.out`));
      await waitUntilListening(peer, [{ host: LAB_PUBLIC_ADDRESS, port: tls }], peer.outputFile);
    }

    const lamp = start('lamp broker', mosquitto, ['-c', info.files.lampConfig], f('lamp.out'));
    stage('lamp broker started');
    await waitUntilListening(lamp, [{ host: '127.0.0.1', port: lampPlain }], info.files.lampLog);
    // Also with a bridge identity of the scenario's own: it may connect (v1-root), and a failure ends
    // the wait at once.
    if (setup.tlsPort === 'tls' || setup.broker === 'aedes') {
      stage('waiting for the bridge');
      await waitForBridge(info, lamp);
    }
    info.pids = footprint.processes.map((proc) => proc.pid);
    info.lampPid = footprint.processes.find((proc) => proc.name === 'lamp broker')?.pid;
    footprint.created.push(STATE_FILE);
    writeNewFile(f(STATE_FILE), JSON.stringify(info, null, 2) + '\n');
    // A lab that lives with this process dies with it; a detached one (`lab up`) is handed over.
    if (detached) unfinished.delete(footprint);
    stage('ready');
    return attach(info);
  } catch (error) {
    unfinished.delete(footprint);
    await releaseFootprint(footprint);
    throw error;
  }
}

/** `lab run` and tests: a fresh folder with an unguessable name (0700), marked as a lab's. */
function freshTemporaryFolder(): LabFolder {
  const dir = mkdtempSync(join(tmpdir(), 'lampi-lab-'));
  writeNewFile(join(dir, MARKER_FILE), JSON.stringify({ uid: process.getuid?.() ?? -1, tool: 'lampi-doctor' }) + '\n');
  return { dir, createdDir: true };
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
    stop: async () => {
      await stopLab(info);
    },
    stopLamp: async () => {
      if (info.lampPid) await stopPid(info.lampPid, 'SIGKILL');
    },
  };
}

/** What a lab has put on this machine: the processes it started and the files it created. */
interface Footprint {
  dir: string;
  createdDir: boolean;
  created: string[];
  processes: LabProcess[];
  /**
   * The children this process spawned, while it has not seen them exit: their pids cannot have been
   * reused, so they are ours even before exec shows the broker's command line (a signal that lands
   * between fork and exec found a node command line there, and left the broker running).
   */
  children?: Map<number, ChildProcess>;
}

/** A footprint's processes that are verifiably its own: a child not yet seen to exit, or a command line that matches. */
function ownProcesses(footprint: Footprint): LabProcess[] {
  return footprint.processes.filter((proc) => {
    const child = footprint.children?.get(proc.pid);
    if (child && child.exitCode === null && child.signalCode === null) return true;
    return isLabProcess(proc.pid, proc.argv);
  });
}

/** Labs that end with this process: ones starting up, and started ones this process runs. */
const unfinished = new Set<Footprint>();
let exitHooksInstalled = false;

const pause = new Int32Array(new SharedArrayBuffer(4));

/** On the way out nothing can be awaited: kill, wait (briefly) until they are gone, then remove files. */
function releaseNow(footprint: Footprint): void {
  const ours = ownProcesses(footprint);
  for (const proc of ours) {
    try {
      process.kill(proc.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (let waited = 0; waited < 2000 && ours.some((proc) => isAlive(proc.pid)); waited += 10) Atomics.wait(pause, 0, 0, 10);
  removeLabFiles(footprint.dir, footprint.created, footprint.createdDir);
}

/** A lab that lives with this process dies with it, however it ends (crash, Ctrl-C, kill). */
function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.once('exit', () => {
    for (const footprint of unfinished) releaseNow(footprint);
    unfinished.clear();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));
  }
}

/** Stops a footprint's processes (only those still verifiably its own) and removes its files. */
async function releaseFootprint(footprint: Footprint): Promise<StopOutcome> {
  const ours = ownProcesses(footprint);
  const notOurs = footprint.processes.filter((proc) => !ours.includes(proc) && isAlive(proc.pid));
  await Promise.all(ours.map((proc) => stopPid(proc.pid)));
  const left = removeLabFiles(footprint.dir, footprint.created, footprint.createdDir);
  return { stopped: ours, leftAlone: notOurs, leftFiles: left };
}

export interface StopOutcome {
  stopped: LabProcess[];
  /** Alive, but no longer running what the lab started (the pid was reused): never signalled. */
  leftAlone: LabProcess[];
  /** Files in the folder the lab did not create, so the folder stayed. */
  leftFiles: string[];
}

export async function stopLab(info: LabInfo): Promise<StopOutcome> {
  // The footprint stays with the exit hooks until the brokers are gone: a signal that lands while they
  // shut down (SIGTERM takes Mosquitto a moment) must still kill them, not leave them running.
  const pending = [...unfinished].filter((footprint) => footprint.dir === info.dir);
  const outcome = await releaseFootprint({ dir: info.dir, createdDir: info.createdDir, created: info.created, processes: info.processes });
  for (const footprint of pending) unfinished.delete(footprint);
  return outcome;
}

function isLabInfo(value: unknown, dir: string): value is LabInfo {
  const info = value as LabInfo;
  const inDir = (path: unknown) => typeof path === 'string' && path.startsWith(`${dir}/`);
  return (
    typeof info === 'object' && info !== null &&
    typeof info.scenario === 'string' &&
    Array.isArray(info.created) && info.created.every((name) => typeof name === 'string') &&
    Array.isArray(info.processes) &&
    // Each process must have been started on one of this folder's files (its config, or the folder for a peer).
    info.processes.every((proc) => Number.isInteger(proc?.pid) && Array.isArray(proc.argv) && proc.argv.some((arg) => inDir(arg) || arg === dir)) &&
    typeof info.files === 'object' && info.files !== null && Object.values(info.files).every(inDir)
  );
}

/**
 * The lab `lab up` left in `dir`, if any. The folder must be this user's and private, and a lab
 * folder (marker); lab.json must be a file this user wrote. Anything else is refused in words.
 */
export function readLab(dir: string): Lab | undefined {
  const absolute = resolve(dir);
  requireOwnFolder(absolute);
  const path = join(absolute, STATE_FILE);
  let stats;
  try {
    stats = lstatSync(path);
  } catch {
    return undefined;
  }
  if (!stats.isFile() || stats.uid !== (process.getuid?.() ?? stats.uid)) throw new UsageError(`${path} is not a file you wrote (a symlink, or another user's): not touching this lab folder`);
  if (!isOwnLabFolder(absolute)) throw new UsageError(`${absolute} is not a folder \`lab up\` made (no ${MARKER_FILE} of yours in it): not touching it`);
  let info: unknown;
  try {
    info = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    info = undefined;
  }
  if (!isLabInfo(info, absolute)) throw new UsageError(`${path} is not a lab state file this version understands: remove the folder by hand once its brokers are stopped`);
  return attach({ ...info, dir: absolute });
}

/** Which of a lab's processes still run (verified by owner and command line) and which are gone. */
export function labHealth(info: LabInfo): { alive: LabProcess[]; dead: LabProcess[] } {
  const alive = info.processes.filter((proc) => isLabProcess(proc.pid, proc.argv));
  return { alive, dead: info.processes.filter((proc) => !alive.includes(proc)) };
}

export function labIsRunning(info: LabInfo): boolean {
  return labHealth(info).alive.length > 0;
}

export { defaultLabDir, prepareDefaultParents };
