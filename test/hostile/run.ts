// Runs the built CLI against a hostile peer and times the whole process, spawn to exit.
import { spawn } from 'node:child_process';
import { CLI } from '../helpers/cli.js';

/** The tool's own limit in these suites. */
export const TIMEOUT_MS = 1500;
/**
 * What the bound under test does not cover: starting node and loading the bundle, and exiting. About
 * 0.3 s on an idle machine, several seconds on a 2-core machine under a load of 20: so it is measured
 * in the same test (`lampi-doctor --version`, spawn to exit) and allowed three times over, at least 2 s.
 */
export const MIN_SPAWN_ALLOWANCE_MS = 2000;
/** Between the report's last byte and the process's exit: the bound is 1 s; the rest is a loaded machine's scheduling. */
export const EXIT_AFTER_REPORT_MS = 2000;

export interface TimedRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** From spawn to the process's exit, in ms. */
  wallMs: number;
  /** From the last byte on stdout (the report) to the process's exit, in ms. */
  afterReportMs: number;
  report?: { checks: { id: string; status: string; code: string; summary: string; hint?: string; evidence?: { eventLoopLagMs?: number } }[]; durationMs: number };
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
  let lastOutput = began;
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    lastOutput = performance.now();
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  // A hang must fail the test, not the suite: the child is killed well after any bound we assert.
  const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 60_000);
  let wallMs = 0;
  let afterReportMs = 0;
  child.on('exit', () => {
    clearTimeout(killer);
    const now = performance.now();
    wallMs = Math.round(now - began);
    afterReportMs = Math.round(now - lastOutput);
  });
  return new Promise((resolve) => {
    child.on('close', (code) => {
      let report: TimedRun['report'];
      try {
        report = JSON.parse(stdout);
      } catch {
        report = undefined;
      }
      resolve({ code, stdout, stderr, wallMs, afterReportMs, report });
    });
  });
}

export function check(run: TimedRun, id: string) {
  const found = run.report?.checks.find((result) => result.id === id);
  if (!found) throw new Error(`no ${id} in the report (exit ${run.code}); stderr: ${run.stderr.slice(0, 500)}; stdout: ${run.stdout.slice(0, 500)}`);
  return found;
}

/** Spawn-to-exit of `lampi-doctor --version` right now: what starting and stopping node costs on this machine at this moment. */
export async function spawnAllowance(): Promise<number> {
  const run = await runTimed(['--version']);
  return Math.max(MIN_SPAWN_ALLOWANCE_MS, 3 * run.wallMs);
}

/**
 * A generous ceiling on the tool's own clock for a run whose longest chain of sequential waits is
 * `waits` timeouts: each wait at most doubled (one extension when this process was starved), plus
 * 10 s for the steps that were answered, which a machine under a load of 20 slows down. It catches
 * a wait that never ends (a keepalive-paced hang is 30 s a ping), not speed; the exit bound is below.
 */
export function toolBound(waits: number, timeoutMs = TIMEOUT_MS): number {
  return waits * (timeoutMs + 200) * 2 + 10_000;
}

/** The whole process: the tool's bound, then node's start and exit as measured, then the exit right after the report. */
export async function expectEnded(run: TimedRun, waits: number, allowanceMs: number): Promise<void> {
  const { expect } = await import('vitest');
  expect(run.code, 'the process must exit by itself, not be killed').not.toBeNull();
  expect(run.report!.durationMs).toBeLessThanOrEqual(toolBound(waits));
  // The bound under test: the process ends right after its last step (the report), whatever the peer does.
  expect(run.afterReportMs).toBeLessThanOrEqual(EXIT_AFTER_REPORT_MS);
  expect(run.wallMs).toBeLessThanOrEqual(run.report!.durationMs + allowanceMs + EXIT_AFTER_REPORT_MS);
}

/**
 * The named verdict; on a machine too busy to tell (the suite beside a CPU hog), the tool's own
 * "could not test" (`<check>/overloaded`, with the lag as evidence) is the truthful answer instead.
 */
export async function expectVerdict(result: { id: string; status: string; code: string; summary: string; evidence?: { eventLoopLagMs?: number } }, status: string, code: string): Promise<void> {
  const { expect } = await import('vitest');
  if (result.code === `${result.id}/overloaded`) {
    expect(result.status).toBe('error');
    expect(result.evidence?.eventLoopLagMs).toBeGreaterThan(0);
    return;
  }
  expect({ status: result.status, code: result.code }, result.summary).toEqual({ status, code });
}
