// Finding, starting and stopping real Mosquitto brokers (and the lab's fake peers).
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { delimiter, join } from 'node:path';

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

/** Spawns with stdout/stderr to a file; `detached` processes outlive this one (for `lab up`). */
export function startProcess(name: string, command: string, args: string[], outputFile: string, detached: boolean): StartedProcess {
  const fd = openSync(outputFile, 'a');
  try {
    const child = spawn(command, args, { stdio: ['ignore', fd, fd], detached });
    if (detached) child.unref();
    if (child.pid === undefined) throw new LabError(`could not start ${name} (${command})`);
    return { name, pid: child.pid, child, outputFile };
  } finally {
    closeSync(fd);
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

/** Free TCP ports, distinct from each other, on the given loopback addresses. */
export async function freePorts(hosts: string[]): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (const host of hosts) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, host, () => resolve());
      });
      ports.push((server.address() as net.AddressInfo).port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}
