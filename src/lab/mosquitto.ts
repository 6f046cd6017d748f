// Finding, starting and stopping real Mosquitto brokers (and the lab's fake peers).
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { accessSync, closeSync, constants, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import { delimiter, join } from 'node:path';
import { openNewFile } from './lab-folder.js';

export class LabError extends Error {
  override name = 'LabError';
}

const SEARCH_DIRS = ['/usr/sbin', '/usr/local/sbin', '/opt/homebrew/sbin', '/usr/local/opt/mosquitto/sbin'];

/** The broker binary: $LAMPI_MOSQUITTO, else `mosquitto` on PATH or in the usual sbin folders. */
export function findMosquitto(): string | undefined {
  const fromEnv = process.env.LAMPI_MOSQUITTO;
  const candidates = [
    ...(fromEnv ? [fromEnv] : []),
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'mosquitto')),
    ...SEARCH_DIRS.map((dir) => join(dir, 'mosquitto')),
  ];
  return candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function requireMosquitto(): string {
  const binary = findMosquitto();
  if (!binary) {
    throw new LabError(
      'mosquitto is not installed: the lab runs real brokers. Install it with `sudo apt-get install mosquitto` (Debian/Ubuntu) or `brew install mosquitto`, or set LAMPI_MOSQUITTO=/path/to/mosquitto.',
    );
  }
  return binary;
}

export interface StartedProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  outputFile: string;
}

/**
 * Spawns with stdout/stderr to a new file (never an existing one, never through a symlink);
 * `detached` processes outlive this one (for `lab up`). `onSpawn` hears of the pid at once, so an
 * interrupt right after the spawn still knows what to stop.
 */
export function startProcess(name: string, command: string, args: string[], outputFile: string, detached: boolean, onSpawn?: (pid: number) => void): StartedProcess {
  const fd = openNewFile(outputFile, true);
  try {
    const child = spawn(command, args, { stdio: ['ignore', fd, fd], detached });
    if (detached) child.unref();
    if (child.pid === undefined) throw new LabError(`could not start ${name} (${command})`);
    onSpawn?.(child.pid);
    return { name, pid: child.pid, child, outputFile };
  } finally {
    closeSync(fd);
  }
}

const sameArgs = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((arg, i) => arg === b[i]);

/**
 * True only when `pid` is still the process a lab started: owned by this user, and running exactly
 * the command line the lab gave it (the broker binary and the lab's own config path). A pid that was
 * reused, or a lab.json that names someone else's process, never gets a signal from us.
 */
export function isLabProcess(pid: number, argv: readonly string[]): boolean {
  if (!Number.isInteger(pid) || pid <= 1 || !isAlive(pid)) return false;
  const me = process.getuid?.();
  try {
    if (me !== undefined && statSync(`/proc/${pid}`).uid !== me) return false;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (cmdline.at(-1) === '') cmdline.pop();
    return sameArgs(cmdline, argv);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || statSafe('/proc/self')) return false;
  }
  // No /proc (macOS): ask ps for the owner and the command line.
  try {
    const [owner, ...args] = execFileSync('ps', ['-o', 'uid=', '-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).trim().split(/\s+/);
    return (me === undefined || Number(owner) === me) && args.join(' ') === argv.join(' ');
  } catch {
    return false;
  }
}

function statSafe(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function tail(path: string, lines = 6): string {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(300, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Waits until every endpoint accepts TCP; a process that exits first is reported with its log. */
export async function waitUntilListening(proc: StartedProcess, endpoints: { host: string; port: number }[], logFile: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | null = null;
  proc.child.once('exit', (code) => {
    exited = code ?? -1;
  });
  for (const endpoint of endpoints) {
    while (!(await canConnect(endpoint.host, endpoint.port))) {
      if (exited !== null || Date.now() > deadline) {
        const why = exited !== null ? `exited with code ${exited}` : `did not listen on ${endpoint.host}:${endpoint.port} within ${timeoutMs} ms`;
        throw new LabError(`${proc.name} ${why}:\n${tail(proc.outputFile)}\n${tail(logFile)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A detached broker outlives the `lab up` that started it; once stopped it may linger as a zombie
  // until init reaps it, and kill(pid, 0) still succeeds on zombies.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

export async function stopPid(pid: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  for (let i = 0; i < 40 && isAlive(pid); i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

/**
 * Free TCP ports, distinct from each other, one per listener address given. Each is taken on the
 * wildcard address, so it is free on every loopback address at once: a lab probes its 127.0.0.1
 * ports on 127.0.0.2 too (plain.exposure), where another lab's listener must not answer.
 */
export async function freePorts(hosts: string[]): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < hosts.length; i += 1) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '0.0.0.0', () => resolve());
      });
      ports.push((server.address() as net.AddressInfo).port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}
