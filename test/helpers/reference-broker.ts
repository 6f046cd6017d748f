// Mosquitto itself as the judge of a config: does it start with it, and does mosquitto_pub get in?
import { spawn, spawnSync } from 'node:child_process';
import { freePorts } from '../../src/lab/mosquitto.js';
import { mosquittoPath } from './broker.js';

export { freePorts };

export interface StartOutcome {
  started: boolean;
  /** What the broker printed (its start-up log, with -v). */
  log: string;
}

/** Runs `mosquitto -c conf -v`; started when it is still up after `settleMs` (then stopped). */
export function startsWith(conf: string, settleMs = 1500): Promise<StartOutcome> {
  return new Promise((done) => {
    const child = spawn(mosquittoPath!, ['-c', conf, '-v'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    let stoppedByUs = false;
    child.stdout.on('data', (chunk) => (log += chunk));
    child.stderr.on('data', (chunk) => (log += chunk));
    const timer = setTimeout(() => {
      stoppedByUs = true;
      child.kill('SIGTERM');
    }, settleMs);
    child.on('close', () => {
      clearTimeout(timer);
      done({ started: stoppedByUs, log });
    });
  });
}

/** Starts a broker for the duration of `use`. */
export async function withBroker<T>(conf: string, use: () => Promise<T> | T): Promise<{ result: T; log: string }> {
  const child = spawn(mosquittoPath!, ['-c', conf, '-v'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (chunk) => (log += chunk));
  child.stderr.on('data', (chunk) => (log += chunk));
  try {
    for (let i = 0; i < 50 && !/running|Error/.test(log); i += 1) await new Promise((r) => setTimeout(r, 100));
    return { result: await use(), log };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('close', r));
  }
}

/** mosquitto_pub's exit code and what it printed (CONNACK codes with -d). */
export function publish(port: number, args: string[]): { code: number | null; output: string } {
  const run = spawnSync('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '-t', 'lampi-doctor/test', '-m', 'x', '-q', '0', '-d', ...args], { encoding: 'utf8', timeout: 10_000 });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

/** `openssl verify` with CRL checking: its last line ("OK" or the error). */
export function verifyWithCrl(ca: string, crl: string, cert: string): string {
  const run = spawnSync('openssl', ['verify', '-crl_check', '-CAfile', ca, '-CRLfile', crl, cert], { encoding: 'utf8' });
  return `${run.stdout}${run.stderr}`;
}
