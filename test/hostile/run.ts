// Runs the built CLI against a hostile peer and times the whole process, spawn to exit.
import { spawn } from 'node:child_process';
import { CLI } from '../helpers/cli.js';

/** The tool's own limit in these suites. */
export const TIMEOUT_MS = 1500;
/**
 * What the bound under test does not cover: starting node and loading the bundle (about 0.2 s idle,
 * over 1 s on a loaded 2-core machine), plus the first event-loop turns. Stated once, used everywhere.
 */
export const SPAWN_ALLOWANCE_MS = 2000;

export interface TimedRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** From spawn to the process's exit, in ms. */
  wallMs: number;
  report?: { checks: { id: string; status: string; code: string; summary: string }[]; durationMs: number };
}

export function runTimed(args: string[], options: { prefix?: string[]; killAfterMs?: number } = {}): Promise<TimedRun> {
  const began = performance.now();
  const [command, ...rest] = options.prefix ?? [process.execPath];
  const child = spawn(command, [...rest, ...(options.prefix ? [process.execPath] : []), CLI, ...args], {
    env: { ...process.env, NO_COLOR: '1', CI: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  // A hang must fail the test, not the suite: the child is killed well after any bound we assert.
  const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 60_000);
  let wallMs = 0;
  child.on('exit', () => {
    clearTimeout(killer);
    wallMs = Math.round(performance.now() - began);
  });
  return new Promise((resolve) => {
    child.on('close', (code) => {
      let report: TimedRun['report'];
      try {
        report = JSON.parse(stdout);
      } catch {
        report = undefined;
      }
      resolve({ code, stdout, stderr, wallMs, report });
    });
  });
}

export function check(run: TimedRun, id: string) {
  const found = run.report?.checks.find((result) => result.id === id);
  if (!found) throw new Error(`no ${id} in the report (exit ${run.code}); stderr: ${run.stderr.slice(0, 500)}; stdout: ${run.stdout.slice(0, 500)}`);
  return found;
}

/** Bound for a run whose longest chain of sequential waits is `waits` timeouts. */
export function bound(waits: number, timeoutMs = TIMEOUT_MS): number {
  return waits * timeoutMs + 1000 + SPAWN_ALLOWANCE_MS;
}
