// Labs never trust a shared folder: a private default folder, --dir only when empty or ours, nothing
// written through a symlink, only the lab's own processes stopped and files removed, and no broker or
// key left behind by an interrupted start-up. Runs the built CLI as a user would.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNewFile } from '../../src/lab/lab-folder.js';
import { isAlive } from '../../src/lab/mosquitto.js';
import { describeWithBroker } from '../helpers/broker.js';
import { CLI, runCli } from '../helpers/cli.js';

const isRoot = process.getuid?.() === 0;
const nobody = (() => {
  try {
    const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((entry) => entry.startsWith('nobody:'));
    return line ? { uid: Number(line.split(':')[2]), gid: Number(line.split(':')[3]) } : undefined;
  } catch {
    return undefined;
  }
})();
const canChown = isRoot && nobody !== undefined;
if (!canChown) console.warn('[lampi-doctor tests] not root (or no user nobody): tests of folders owned by another user are SKIPPED');

let base: string;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'lampi-labdir-'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

let count = 0;
/** A fresh HOME with no XDG_RUNTIME_DIR: the default folder is then ~/.cache/lampi-doctor/lab. */
function freshHome(): { home: string; env: NodeJS.ProcessEnv; defaultDir: string } {
  const home = join(base, `home-${(count += 1)}`);
  mkdirSync(home, { mode: 0o700 });
  return { home, env: { HOME: home, XDG_RUNTIME_DIR: '', XDG_CACHE_HOME: '' }, defaultDir: join(home, '.cache', 'lampi-doctor', 'lab') };
}

/** Processes (any user) whose command line mentions `dir`. */
function processesMentioning(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.some((arg) => arg.includes(dir)) && isAlive(Number(entry))) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Every file under `dir` (recursively) that holds private-key material. */
function keyFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => lstatSync(path).isFile() && readFileSync(path, 'utf8').includes('PRIVATE KEY'));
}

describe('the lab folder rules (no broker needed)', { timeout: 120_000 }, () => {
  it('the default folder is private and per user: ~/.cache/lampi-doctor/lab, or under a private $XDG_RUNTIME_DIR', async () => {
    const { home, env, defaultDir } = freshHome();
    const status = await runCli(['lab', 'status'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toBe(`No lab is running in ${defaultDir}.\n`);
    expect(defaultDir).not.toMatch(/^\/tmp\/lampi-doctor-lab/);

    const runtime = join(home, 'run');
    mkdirSync(runtime, { mode: 0o700 });
    const underRuntime = await runCli(['lab', 'status'], { ...env, XDG_RUNTIME_DIR: runtime });
    expect(underRuntime.stdout).toBe(`No lab is running in ${join(runtime, 'lampi-doctor', 'lab')}.\n`);

    // A runtime folder anyone may write to is not used.
    chmodSync(runtime, 0o777);
    const shared = await runCli(['lab', 'status'], { ...env, XDG_RUNTIME_DIR: runtime });
    expect(shared.stdout).toBe(`No lab is running in ${defaultDir}.\n`);
  });

  it.skipIf(!canChown)('a $XDG_RUNTIME_DIR owned by another user is not used', async () => {
    const { home, env, defaultDir } = freshHome();
    const runtime = join(home, 'run');
    mkdirSync(runtime, { mode: 0o700 });
    chownSync(runtime, nobody!.uid, nobody!.gid);
    const status = await runCli(['lab', 'status'], { ...env, XDG_RUNTIME_DIR: runtime });
    expect(status.stdout).toBe(`No lab is running in ${defaultDir}.\n`);
  });

  it.skipIf(!canChown)('a default folder prepared by another user is refused in words (exit 2), and left alone', async () => {
    const { env, defaultDir } = freshHome();
    mkdirSync(defaultDir, { recursive: true, mode: 0o700 });
    writeFileSync(join(defaultDir, 'lab.json'), '{"pids":[1]}');
    chownSync(defaultDir, nobody!.uid, nobody!.gid);
    for (const action of ['up', 'status', 'down']) {
      const run = await runCli(['lab', action], env);
      expect(run.code, action).toBe(2);
      expect(run.stderr).toContain(`lab folder ${defaultDir} belongs to nobody (uid ${nobody!.uid}), not to you`);
      expect(run.stderr).not.toContain('internal error');
    }
    expect(readFileSync(join(defaultDir, 'lab.json'), 'utf8')).toBe('{"pids":[1]}');
  });

  it.skipIf(!canChown)('an empty --dir owned by another user is refused', async () => {
    const dir = join(base, 'theirs');
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, nobody!.uid, nobody!.gid);
    const run = await runCli(['lab', 'up', '--dir', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('belongs to nobody');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a group- or world-writable folder is refused, default or --dir', async () => {
    const { env, defaultDir } = freshHome();
    mkdirSync(defaultDir, { recursive: true, mode: 0o700 });
    chmodSync(defaultDir, 0o777);
    const status = await runCli(['lab', 'status'], env);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain(`lab folder ${defaultDir} is world-writable (mode 777)`);

    const dir = join(base, 'group-writable');
    mkdirSync(dir);
    chmodSync(dir, 0o770);
    const up = await runCli(['lab', 'up', '--dir', dir]);
    expect(up.code).toBe(2);
    expect(up.stderr).toContain('is group-writable (mode 770)');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('--dir that already holds files, or `--dir .`, is a usage error in words, and nothing in it is touched', async () => {
    const dir = join(base, 'busy');
    mkdirSync(dir, { mode: 0o700 });
    writeFileSync(join(dir, 'thesis.tex'), 'precious');
    const up = await runCli(['lab', 'up', '--dir', dir]);
    expect(up.code).toBe(2);
    expect(up.stderr).toContain(`lab folder ${dir} already holds files (thesis.tex): give a new or empty folder`);
    expect(readdirSync(dir)).toEqual(['thesis.tex']);

    const here = spawnSync(process.execPath, [CLI, 'lab', 'up', '--dir', '.'], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: '1' } });
    expect(here.status).toBe(2);
    expect(here.stderr).toContain(`lab folder ${dir} already holds files`);
    expect(here.stderr).not.toContain('internal error');
    expect(readdirSync(dir)).toEqual(['thesis.tex']);

    // down/status on a folder that is not a lab's: nothing to stop, nothing removed.
    const down = await runCli(['lab', 'down', '--dir', dir]);
    expect(down.code).toBe(0);
    expect(readFileSync(join(dir, 'thesis.tex'), 'utf8')).toBe('precious');
  });

  it('a --dir that is a symlink, or a planted lab.json symlink, is refused', async () => {
    const real = join(base, 'real');
    mkdirSync(real, { mode: 0o700 });
    const link = join(base, 'link');
    symlinkSync(real, link);
    const up = await runCli(['lab', 'up', '--dir', link]);
    expect(up.code).toBe(2);
    expect(up.stderr).toContain(`lab folder ${link} is a symbolic link`);
    expect(readdirSync(real)).toEqual([]);

    const planted = join(base, 'planted');
    mkdirSync(planted, { mode: 0o700 });
    writeFileSync(join(base, 'elsewhere.json'), '{}');
    symlinkSync(join(base, 'elsewhere.json'), join(planted, 'lab.json'));
    for (const action of ['status', 'down']) {
      const run = await runCli(['lab', action, '--dir', planted]);
      expect(run.code, action).toBe(2);
      expect(run.stderr).toContain('lab.json is not a file you wrote');
    }
    expect(existsSync(join(base, 'elsewhere.json'))).toBe(true);
  });

  it('a home where no lab folder can be made is a usage error in words, never a hang or an internal error', async () => {
    const file = join(base, 'home-is-a-file');
    writeFileSync(file, '');
    for (const home of [file, join(base, 'no-such-home')]) {
      const up = await runCli(['lab', 'up'], { HOME: home, XDG_RUNTIME_DIR: '', XDG_CACHE_HOME: '' });
      expect(up.code, home).toBe(2);
      expect(up.stderr).toMatch(/cannot (use|create) .*\.cache/);
      expect(up.stderr).not.toContain('internal error');
    }
    expect(existsSync(join(base, 'no-such-home'))).toBe(false);
  });

  it('lab files are created exclusively: never through a planted symlink, never over an existing file', () => {
    const dir = join(base, 'exclusive');
    mkdirSync(dir, { mode: 0o700 });
    const victim = join(base, 'victim.txt');
    writeFileSync(victim, 'original');
    symlinkSync(victim, join(dir, 'lampi_ca.crt'));
    expect(() => writeNewFile(join(dir, 'lampi_ca.crt'), 'attacker-chosen')).toThrow(/EEXIST/);
    expect(readFileSync(victim, 'utf8')).toBe('original');
    writeNewFile(join(dir, 'key'), 'secret');
    expect(statSync(join(dir, 'key')).mode & 0o777).toBe(0o600);
    expect(() => writeNewFile(join(dir, 'key'), 'again')).toThrow(/EEXIST/);
  });
});

describeWithBroker('labs: what up and down touch', { timeout: 120_000 }, () => {
  it('lab up makes the default folder 0700 with a marker and 0600 files; lab down removes exactly that', async () => {
    const { env, defaultDir } = freshHome();
    const up = await runCli(['lab', 'up'], env);
    expect(up.code).toBe(0);
    try {
      expect(statSync(defaultDir).mode & 0o777).toBe(0o700);
      expect(statSync(join(defaultDir, '..')).mode & 0o777).toBe(0o700);
      expect(JSON.parse(readFileSync(join(defaultDir, '.lampi-doctor-lab'), 'utf8')).uid).toBe(process.getuid?.());
      for (const name of readdirSync(defaultDir)) expect(statSync(join(defaultDir, name)).mode & 0o777, name).toBe(0o600);
      expect(keyFilesUnder(defaultDir).length).toBeGreaterThan(0);
    } finally {
      const down = await runCli(['lab', 'down'], env);
      expect(down.code).toBe(0);
      expect(down.stdout).toMatch(/^Stopped lab "healthy" \(the cloud broker \(pid \d+\) and the lamp broker \(pid \d+\) stopped\)/);
    }
    expect(existsSync(defaultDir)).toBe(false);
    expect(processesMentioning(defaultDir)).toEqual([]);
  });

  it.each(['capath-hashed', 'crl-valid'])('lab down removes every file and folder a %s lab made (CA folders with rehash links, CRLs)', async (scenario) => {
    const dir = join(base, `made-by-${scenario}`);
    expect((await runCli(['lab', 'up', '--dir', dir, '--scenario', scenario])).code).toBe(0);
    const made = readdirSync(dir, { recursive: true, encoding: 'utf8' });
    if (scenario === 'capath-hashed') expect(made.some((name) => /^cloud_capath\/[0-9a-f]{8}\.0$/.test(name))).toBe(true);
    if (scenario === 'crl-valid') expect(made).toContain('cloud.crl');
    const down = await runCli(['lab', 'down', '--dir', dir]);
    expect(down.code).toBe(0);
    expect(down.stdout).not.toContain('Kept');
    expect(existsSync(dir)).toBe(false);
    expect(processesMentioning(dir)).toEqual([]);
  });

  it('lab down removes only what the lab created: a file added to its folder stays, with the folder', async () => {
    const dir = join(base, 'shared-use');
    expect((await runCli(['lab', 'up', '--dir', dir])).code).toBe(0);
    writeFileSync(join(dir, 'my-notes.txt'), 'keep me');
    const down = await runCli(['lab', 'down', '--dir', dir]);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain(`Kept ${dir}: it holds files the lab did not create (my-notes.txt)`);
    expect(readdirSync(dir).sort()).toEqual(['.lampi-doctor-lab', 'my-notes.txt']);
    expect(processesMentioning(dir)).toEqual([]);
    // The folder is still ours, but holds something else now: a new lab is not put beside it.
    const again = await runCli(['lab', 'up', '--dir', dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('holds files the lab did not make (my-notes.txt)');
  });

  it('lab down signals only processes that still run the lab\'s command line', async () => {
    const dir = join(base, 'foreign-pid');
    expect((await runCli(['lab', 'up', '--dir', dir])).code).toBe(0);
    // lab.json now also names an unrelated process of ours, as a reused pid would look.
    const bystander = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const state = JSON.parse(readFileSync(join(dir, 'lab.json'), 'utf8'));
      state.processes.push({ name: 'cloud broker', pid: bystander.pid, argv: ['/usr/sbin/mosquitto', '-c', join(dir, 'cloud.conf')] });
      rmSync(join(dir, 'lab.json'));
      writeFileSync(join(dir, 'lab.json'), JSON.stringify(state), { mode: 0o600 });
      const down = await runCli(['lab', 'down', '--dir', dir]);
      expect(down.code).toBe(0);
      expect(down.stdout).toContain(`Left the cloud broker (pid ${bystander.pid}) alone: that pid no longer runs the lab's command.`);
      expect(isAlive(bystander.pid!)).toBe(true);
      expect(state.pids.some(isAlive)).toBe(false);
      expect(existsSync(dir)).toBe(false);
    } finally {
      bystander.kill('SIGKILL');
    }
  });

  it('a planted symlink in our own lab folder is replaced, never written through', async () => {
    const dir = join(base, 'marked');
    mkdirSync(dir, { mode: 0o700 });
    writeFileSync(join(dir, '.lampi-doctor-lab'), JSON.stringify({ uid: process.getuid?.() }), { mode: 0o600 });
    const victim = join(base, 'victim-ca.txt');
    const victimLog = join(base, 'victim-log.txt');
    writeFileSync(victim, 'original');
    writeFileSync(victimLog, 'original');
    symlinkSync(victim, join(dir, 'lampi_ca.crt'));
    symlinkSync(victimLog, join(dir, 'cloud.log'));
    try {
      expect((await runCli(['lab', 'up', '--dir', dir])).code).toBe(0);
      expect(readFileSync(victim, 'utf8')).toBe('original');
      expect(readFileSync(victimLog, 'utf8')).toBe('original');
      expect(lstatSync(join(dir, 'lampi_ca.crt')).isFile()).toBe(true);
      expect(readFileSync(join(dir, 'cloud.log'), 'utf8')).toContain('mosquitto');
    } finally {
      await runCli(['lab', 'down', '--dir', dir]);
    }
    expect(readFileSync(victim, 'utf8')).toBe('original');
    expect(existsSync(dir)).toBe(true); // we did not make it, so we leave the (empty) folder
    expect(readdirSync(dir)).toEqual([]);
  });

  it('lab status notices a dead broker, in words and with exit code 1', async () => {
    const dir = join(base, 'dying');
    expect((await runCli(['lab', 'up', '--dir', dir])).code).toBe(0);
    const state = JSON.parse(readFileSync(join(dir, 'lab.json'), 'utf8'));
    try {
      expect((await runCli(['lab', 'status', '--dir', dir])).code).toBe(0);
      process.kill(state.lampPid, 'SIGKILL');
      await waitFor(() => !isAlive(state.lampPid));
      const broken = await runCli(['lab', 'status', '--dir', dir]);
      expect(broken.code).toBe(1);
      expect(broken.stdout).toContain(`Lab "healthy" in ${dir} is broken: the lamp broker (pid ${state.lampPid}) is not running any more, while the cloud broker`);
      const cloud = state.processes.find((proc: { name: string }) => proc.name === 'cloud broker').pid;
      process.kill(cloud, 'SIGKILL');
      await waitFor(() => !isAlive(cloud));
      const dead = await runCli(['lab', 'status', '--dir', dir]);
      expect(dead.code).toBe(1);
      expect(dead.stdout).toContain(`Lab "healthy" in ${dir} is not running: the cloud broker (pid ${cloud}) and the lamp broker (pid ${state.lampPid}) stopped`);
      expect(dead.stdout).toContain(`lab down --dir ${dir}`);
    } finally {
      const down = await runCli(['lab', 'down', '--dir', dir]);
      expect(down.code).toBe(0);
    }
    expect(existsSync(dir)).toBe(false);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

interface Interrupted {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Runs the CLI, and sends `signal` when `when` says so: as soon as a start-up stage shows on stderr,
 * or `afterMs` after it (start-up begins at the "folder" stage, once the process has loaded).
 */
function interrupt(args: string[], env: NodeJS.ProcessEnv, signal: NodeJS.Signals, when: { stage: string; afterMs?: number }): Promise<Interrupted> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CI: '1', LAMPI_DEBUG: '1', ...env } });
    let stderr = '';
    let sent = false;
    const send = () => {
      if (!sent) child.kill(signal);
      sent = true;
    };
    let seen = false;
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (seen || !stderr.includes(`lab: ${when.stage}`)) return;
      seen = true;
      if (when.afterMs === undefined) send();
      else setTimeout(send, when.afterMs);
    });
    child.on('close', (code, sig) => resolve({ code, signal: sig, stderr }));
  });
}

/** What an interrupted start-up may leave: nothing running from the folder, no key in it. */
function expectNothingLeft(dir: string, run: Interrupted): void {
  if (run.stderr.includes('lab: ready')) return; // finished before the signal: checked by the caller
  expect(processesMentioning(dir), run.stderr).toEqual([]);
  expect(keyFilesUnder(dir), run.stderr).toEqual([]);
  const exitedBySignal = run.signal === 'SIGINT' || run.signal === 'SIGTERM' || run.code === 130 || run.code === 143;
  expect(exitedBySignal, `exit ${run.code} ${run.signal}\n${run.stderr}`).toBe(true);
}

const STAGES = ['folder', 'keys issued', 'files written', 'cloud broker started', 'lamp broker started', 'waiting for the bridge'];

describeWithBroker('interrupting lab start-up leaves no broker and no key', { timeout: 120_000 }, () => {
  it.each(STAGES.map((stage, i) => [stage, i % 2 ? 'SIGTERM' : 'SIGINT'] as const))('lab up --dir, interrupted at "%s" (%s)', async (stage, signal) => {
    const dir = join(base, `up-${stage.replace(/\W+/g, '-')}`);
    const run = await interrupt(['lab', 'up', '--dir', dir], {}, signal, { stage });
    if (run.stderr.includes('lab: ready')) {
      // The bridge came up before the signal landed: then a complete lab runs, and down removes it.
      expect(stage).toBe('waiting for the bridge');
      expect((await runCli(['lab', 'status', '--dir', dir])).code).toBe(0);
      await runCli(['lab', 'down', '--dir', dir]);
    } else {
      expect(run.code).toBe(signal === 'SIGINT' ? 130 : 143);
      expectNothingLeft(dir, run);
      expect(existsSync(dir)).toBe(false); // the lab made the folder, so it goes too
    }
    expect(processesMentioning(dir)).toEqual([]);
  });

  it.each([50, 200, 500, 900])('lab up with the default folder, SIGINT %i ms into start-up', async (ms) => {
    const { env, defaultDir } = freshHome();
    const run = await interrupt(['lab', 'up'], env, 'SIGINT', { stage: 'folder', afterMs: ms });
    if (run.stderr.includes('lab: ready')) {
      expect((await runCli(['lab', 'status'], env)).code).toBe(0);
      await runCli(['lab', 'down'], env);
    } else {
      expectNothingLeft(defaultDir, run);
    }
    expect(processesMentioning(defaultDir)).toEqual([]);
    expect(keyFilesUnder(defaultDir)).toEqual([]);
  });

  it.each([
    ['SIGINT', { stage: 'folder', afterMs: 50 }],
    ['SIGTERM', { stage: 'folder', afterMs: 200 }],
    ['SIGINT', { stage: 'folder', afterMs: 500 }],
    ['SIGTERM', { stage: 'files written' }],
    ['SIGINT', { stage: 'cloud broker started' }],
    ['SIGINT', { stage: 'waiting for the bridge' }],
    ['SIGTERM', { stage: 'ready' }],
  ] as const)('lab run, %s at %j', async (signal, when) => {
    const tmp = mkdtempSync(join(base, 'run-'));
    const run = await interrupt(['lab', 'run', '--timeout', '5000'], { TMPDIR: tmp }, signal, when);
    expect(processesMentioning(tmp)).toEqual([]);
    expect(keyFilesUnder(tmp)).toEqual([]);
    expect(readdirSync(tmp)).toEqual([]);
    // lab run always ends by the signal: even after "ready" the diagnosis is still running.
    expect(run.code, run.stderr).toBe(signal === 'SIGINT' ? 130 : 143);
  });
});
