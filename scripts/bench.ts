// `npm run bench`: every speed figure of the project measured side by side in one run on the embedded
// lab, each with its target and PASS or MISS, then the Markdown table the README carries. Speed
// targets live here, never in the test suite.
//
// Knobs (environment):
//   BENCH_QUICK=1         grade 10 and 100 targets only (no 1000, no sequential twin)
//   BENCH_SIZES=10,100    the grading sizes (the largest one is checked against a sequential run
//                         when it is 1000 or more, or always with BENCH_VERIFY=1; never with BENCH_VERIFY=0)
//   BENCH_ONLY=single|grade   one half of the bench
//   BENCH_REPEAT=N        runs per median for the single-diagnosis figures (default 9)
//   BENCH_SKIP_TESTSSL=1  leave out testssl.sh's ~50 s scan
//   BENCH_SEQUENTIAL_CONCURRENCY=N   the "slow" twin's --concurrency (default 1)
//   BENCH_KEEP=1          keep the rosters, reports and .cpuprofile files (their folders are printed)
//   BENCH_GRADE_ARGS="--concurrency 32"   extra flags for the timed grade runs (to try settings)
//
// Every child runs asynchronously in its own process group, so an interrupt (or the end) takes whole
// trees with it; the labs stop with the bench.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startLab, type Lab } from '../src/lab/lab.js';

const CLI = resolve('dist/lampi-doctor.js');
const SAMPLES = 50;
const QUICK = process.env.BENCH_QUICK === '1';
const ONLY = process.env.BENCH_ONLY;
const REPEAT = Math.max(1, Number(process.env.BENCH_REPEAT ?? 9) || 9);
const SIZES = (process.env.BENCH_SIZES ?? (QUICK ? '10,100' : '10,100,1000'))
  .split(',')
  .map((size) => Number(size.trim()))
  .filter((size) => Number.isInteger(size) && size > 0);
const SEQUENTIAL = Math.max(1, Number(process.env.BENCH_SEQUENTIAL_CONCURRENCY ?? 1) || 1);
const GRADE_ARGS = (process.env.BENCH_GRADE_ARGS ?? '').split(/\s+/).filter(Boolean);
/** How the timed grade runs were set: a figure says when it was not at the defaults. */
const settingsLabel = () => (GRADE_ARGS.length ? GRADE_ARGS.join(' ') : 'default settings');
const KEEP = process.env.BENCH_KEEP === '1';
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

interface Figure {
  name: string;
  value: string;
  target: string;
  met: boolean | null;
}
const figures: Figure[] = [];

function figure(name: string, value: string, target: string, met: boolean | null): void {
  figures.push({ name, value, target, met });
  const verdict = met === null ? 'n/a ' : met ? 'PASS' : 'MISS';
  console.log(`${verdict}  ${name}: ${value}  (target: ${target})`);
}
const note = (line: string) => console.log(`      ${line}`);
const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length / 2) - 1];
}

// ---- children: async, each in its own process group, all killed on interrupt --------------------

const children = new Set<number>();
function killChildren(): void {
  for (const pid of children) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
}
process.once('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\nbench: ${signal}: stopping children and labs`);
    killChildren();
    process.exit(signal === 'SIGINT' ? 130 : 143); // the labs' exit hook stops their brokers
  });
}

interface Ran {
  wallMs: number;
  /** User + system CPU of the child (from /usr/bin/time), in ms. */
  cpuMs: number;
  peakMb: number;
  stdout: string;
  code: number | null;
}

/** Runs a command; `measure` wraps it in /usr/bin/time for CPU and peak RSS (a few ms of its own). */
function run(command: string, args: string[], options: { measure?: boolean; cwd?: string; stdout?: boolean } = {}): Promise<Ran> {
  const measured = Boolean(options.measure && TIME);
  const [file, argv] = measured ? [TIME!, ['-f', 'lampi-bench %e %U %S %M', command, ...args]] : [command, args];
  return new Promise((done, fail) => {
    const began = performance.now();
    const child = spawn(file, argv, { cwd: options.cwd, detached: true, stdio: ['ignore', options.stdout ? 'pipe' : 'ignore', measured ? 'pipe' : 'ignore'] });
    if (child.pid) children.add(child.pid);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', fail);
    child.once('close', (code) => {
      const wallMs = performance.now() - began;
      if (child.pid) children.delete(child.pid);
      const line = Buffer.concat(err).toString().split('\n').reverse().find((l) => l.startsWith('lampi-bench '));
      const [, , user, sys, rssKb] = line?.split(' ') ?? [];
      done({
        wallMs,
        cpuMs: line ? (Number(user) + Number(sys)) * 1000 : NaN,
        peakMb: line ? Number(rssKb) / 1024 : NaN,
        stdout: Buffer.concat(out).toString(),
        code,
      });
    });
  });
}

async function medianWall(runs: number, command: string, args: string[]): Promise<number> {
  const walls: number[] = [];
  for (let i = 0; i < runs; i += 1) walls.push((await run(command, args)).wallMs);
  return median(walls);
}

// ---- profiles --------------------------------------------------------------------------------

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/**
 * The heaviest frames by self time of a `node --cpu-prof` run: where the next person should look.
 * Every thread writes a profile of its own (grading threads too); they are added up.
 */
function topFrames(dir: string, count = 10): string[] {
  const files = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'));
  if (files.length === 0) return ['(no profile written)'];
  const byFrame = new Map<string, number>();
  const byScript = new Map<string, number>();
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
    const selfUs = new Map<number, number>();
    profile.samples.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
    for (const node of profile.nodes) {
      const { functionName, url, lineNumber } = node.callFrame;
      const script = url.replace(/^.*\/(node_modules\/(@[^/]+\/)?[^/]+|dist\/[^/]+|src\/).*$/, '$1').replace(/^dist\/chunks$/, 'dist');
      const where = url ? `${url.replace(/^.*\/(node_modules\/|dist\/|src\/)/, '$1')}:${lineNumber + 1}` : '';
      const key = `${functionName || '(anonymous)'} ${where}`.trim();
      const us = selfUs.get(node.id) ?? 0;
      byFrame.set(key, (byFrame.get(key) ?? 0) + us);
      const scriptKey = script || functionName || '(native)';
      byScript.set(scriptKey, (byScript.get(scriptKey) ?? 0) + us);
    }
  }
  const idle = byFrame.get('(idle)') ?? 0;
  const total = [...byFrame.values()].reduce((a, b) => a + b, 0) || 1;
  const lines = [...byFrame.entries()]
    .filter(([key]) => key !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, us]) => `${(us / 1000).toFixed(1).padStart(8)} ms ${((us / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
  const scripts = [...byScript.entries()]
    .filter(([key]) => key !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([key, us]) => `${key} ${(us / 1000).toFixed(0)} ms`);
  const threads = files.length > 1 ? ` over ${files.length} threads` : '';
  return [`profile: ${(total / 1000).toFixed(0)} ms sampled${threads}, ${(idle / 1000).toFixed(0)} ms idle`, `by script: ${scripts.join(', ')}`, ...lines];
}

async function profiled(args: string[]): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'lampi-prof-'));
  try {
    await run(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, CLI, ...args]);
    return topFrames(dir);
  } finally {
    if (KEEP) note(`profile kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

// ---- 1, 2, 4: one diagnosis, start-up, round trip ------------------------------------------------

/** The same round trip the tool measures (QoS 1, publish acknowledged, then delivered), with bare mqtt.js in a fresh process. */
const BARE_ROUNDTRIP = `
const { connect } = require('mqtt');
const { readFileSync } = require('node:fs');
const [url, servername, ca, cert, key, samples] = process.argv.slice(1);
const client = connect(url, { clientId: 'bench-' + process.pid, servername, ca: readFileSync(ca), cert: readFileSync(cert), key: readFileSync(key), rejectUnauthorized: true, reconnectPeriod: 0 });
client.once('error', (e) => { console.error(e.message); process.exit(1); });
client.once('connect', async () => {
  const topic = 'lampi-doctor/bench/' + process.pid;
  await client.subscribeAsync(topic, { qos: 1 });
  const times = [];
  for (let i = 1; i <= Number(samples); i += 1) {
    const payload = 'bench ' + i;
    const arrived = new Promise((resolve) => {
      const on = (_t, m) => { if (m.toString() === payload) { client.off('message', on); resolve(performance.now()); } };
      client.on('message', on);
    });
    const began = performance.now();
    await client.publishAsync(topic, payload, { qos: 1 });
    times.push(Math.round(((await arrived) - began) * 100) / 100);
  }
  await client.unsubscribeAsync(topic);
  await client.endAsync();
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ p50: times[Math.ceil(times.length / 2) - 1] }));
});
`;

async function single(): Promise<void> {
  const lab = await startLab({ scenario: 'healthy' });
  try {
    const args = [...lab.diagnoseArgs(), '--format', 'json'];
    // 1. One CLI diagnosis end to end, process start included, against testssl.sh's default scan.
    await run(process.execPath, [CLI, ...args]); // warm the page cache
    const cliWall = await medianWall(REPEAT, process.execPath, [CLI, ...args]);
    const cpu = await run(process.execPath, [CLI, ...args], { measure: true });
    figure(`one CLI diagnosis of the healthy lab, process start included (median of ${REPEAT})`, `${cliWall.toFixed(0)} ms`, '≤ 250 ms', cliWall <= 250);
    note(`one more run under /usr/bin/time: ${cpu.wallMs.toFixed(0)} ms wall, ${cpu.cpuMs.toFixed(0)} ms CPU, peak RSS ${cpu.peakMb.toFixed(0)} MB`);
    const testssl = ['/usr/bin/testssl', '/usr/bin/testssl.sh'].find(existsSync);
    if (process.env.BENCH_SKIP_TESTSSL || !testssl) {
      figure('testssl.sh default scan of the same port', testssl ? 'skipped (BENCH_SKIP_TESTSSL)' : 'not installed (apt-get install testssl.sh)', '≥ 200x slower than lampi-doctor', null);
    } else {
      const scan = await run(testssl, ['--ip', lab.publicAddress, '--nodns', 'min', '--warnings', 'off', '--color', '0', '--quiet', `${lab.fqdn}:${lab.ports.tls}`], { cwd: tmpdir() });
      const ratio = scan.wallMs / cliWall;
      figure('testssl.sh default scan of the same TLS port', `${(scan.wallMs / 1000).toFixed(1)} s, ${ratio.toFixed(0)}x the lampi-doctor run`, '≥ 200x', ratio >= 200);
    }

    // 2. Start-up of the shipped bundle against bare node.
    const startRuns = Math.max(REPEAT, 21);
    const bareNode = await medianWall(startRuns, process.execPath, ['-e', '0']);
    const version = await medianWall(startRuns, process.execPath, [CLI, '--version']);
    const help = await medianWall(startRuns, process.execPath, [CLI, '--help']);
    figure(`--version against bare \`node -e 0\` (median of ${startRuns})`, `${version.toFixed(0)} ms vs ${bareNode.toFixed(0)} ms (+${(version - bareNode).toFixed(0)})`, '≤ +15 ms', version - bareNode <= 15);
    figure(`--help against bare \`node -e 0\` (median of ${startRuns})`, `${help.toFixed(0)} ms (+${(help - bareNode).toFixed(0)})`, '≤ +40 ms', help - bareNode <= 40);

    // 4. Latency: the tool's reported p50 against the same round trip with bare mqtt.js, each in a
    // fresh process (equally cold JIT), same broker, same QoS (1) and sample count.
    const toolP50s: number[] = [];
    const bareP50s: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const tool = await run(process.execPath, [CLI, ...lab.diagnoseArgs(), '--only', 'mqtt.roundtrip', '--samples', String(SAMPLES), '--qos', '1', '--format', 'json'], { stdout: true });
      const report = JSON.parse(tool.stdout) as { checks: { id: string; evidence?: { latency?: { p50: number } } }[] };
      const p50 = report.checks.find((c) => c.id === 'mqtt.roundtrip')?.evidence?.latency?.p50;
      if (p50 !== undefined) toolP50s.push(p50);
      const bare = await run(process.execPath, ['-e', BARE_ROUNDTRIP, `mqtts://${lab.publicAddress}:${lab.ports.tls}`, lab.fqdn, lab.files.ca, lab.files.clientCert, lab.files.clientKey, String(SAMPLES)], { stdout: true });
      if (bare.code === 0) bareP50s.push((JSON.parse(bare.stdout) as { p50: number }).p50);
    }
    if (toolP50s.length === 0 || bareP50s.length === 0) {
      figure('cloud round trip p50', `no figure (tool ${toolP50s.length}, bare ${bareP50s.length} runs answered)`, 'ratio ≤ 1.1', false);
    } else {
      const toolP50 = median(toolP50s);
      const bareP50 = median(bareP50s);
      const ratio = toolP50 / bareP50;
      figure(`cloud round trip p50, QoS 1, ${SAMPLES} samples, fresh process each (median of 5 runs)`, `lampi-doctor ${toolP50.toFixed(3)} ms, bare mqtt.js ${bareP50.toFixed(3)} ms, ratio ${ratio.toFixed(2)}`, 'ratio ≤ 1.1', ratio <= 1.1);
    }

    note('CPU profile of one diagnosis (self time, top frames):');
    for (const line of await profiled(args)) note(`  ${line}`);
  } finally {
    await lab.stop();
  }
}

// ---- 3: grading ---------------------------------------------------------------------------------

interface GradeRun extends Ran {
  statuses: Map<string, string>;
  durations: Map<string, number>;
}

/** The lamp's bridge never connected (its TLS fails): Mosquitto 2.0.11 then spins at 100% CPU. */
function bridgeFailed(lab: Lab): boolean {
  try {
    return !/Received CONNACK on connection/.test(readFileSync(lab.files.lampLog, 'utf8'));
  } catch {
    return true;
  }
}

async function grading(): Promise<void> {
  const healthy = ['healthy', 'healthy', 'healthy'];
  const broken = ['expired', 'wrong-san', 'missing-intermediate', 'acl-denies-client', 'no-wss', 'client-cert-optional'];
  const labs = await Promise.all([...healthy, ...broken, 'silent-peer'].map((scenario) => startLab({ scenario })));
  const dir = mkdtempSync(join(tmpdir(), 'lampi-bench-'));
  try {
    // A lamp whose bridge cannot connect would eat a core all run: stop it and grade its students
    // without --local (the bridge checks skip), as a class whose lamps are off would be.
    const lampless = new Set<Lab>();
    for (const lab of labs) {
      if (bridgeFailed(lab)) {
        await lab.stopLamp();
        lampless.add(lab);
      }
    }
    note(`labs: ${labs.map((lab) => `${lab.scenario}${lampless.has(lab) ? ' (lamp stopped: bridge failed)' : ''}`).join(', ')}`);
    const silent = labs[labs.length - 1];
    // Per hundred: 45 healthy, 45 broken in six ways, 10 silent peers.
    const pick = (i: number): Lab => {
      const slot = i % 100;
      return slot < 45 ? labs[slot % 3] : slot < 90 ? labs[3 + (slot % broken.length)] : silent;
    };
    const rosters = new Map<number, string>();
    const roster = (count: number): string => {
      if (rosters.has(count)) return rosters.get(count)!;
      const rows = Array.from({ length: count }, (_, i) => {
        const lab = pick(i);
        const local = lampless.has(lab) ? ['', ''] : [`mqtt://127.0.0.1:${lab.ports.lampPlain}`, lab.deviceId];
        return [`student-${String(i).padStart(4, '0')}`, lab.fqdn, lab.ports.tls, lab.ports.wss, lab.files.ca, lab.files.clientCert, lab.files.clientKey, ...local, `${lab.fqdn}:${lab.publicAddress}`].join(',');
      });
      const path = join(dir, `roster-${count}.csv`);
      writeFileSync(path, ['student,fqdn,port,wss_port,ca,cert,key,local,device_id,resolve', ...rows].join('\n') + '\n');
      rosters.set(count, path);
      return path;
    };
    const grade = async (path: string, extra: string[] = []): Promise<GradeRun> => {
      const output = join(dir, `grades-${Math.random().toString(36).slice(2)}.json`);
      const ran = await run(process.execPath, [CLI, 'grade', path, '--format', 'json', '--output', output, ...extra], { measure: true });
      const report = JSON.parse(readFileSync(output, 'utf8')) as { students: { student: string; error?: string; durationMs: number; checks: { id: string; status: string; code?: string }[] }[] };
      const statuses = new Map<string, string>();
      const durations = new Map<string, number>();
      for (const student of report.students) {
        durations.set(student.student, student.durationMs);
        statuses.set(`${student.student} row`, student.error ? `error (${student.error})` : 'graded');
        for (const check of student.checks) statuses.set(`${student.student} ${check.id}`, `${check.status}${check.code ? ` ${check.code}` : ''}`);
      }
      return { ...ran, statuses, durations };
    };
    const mb = (value: number) => (Number.isFinite(value) ? `${value.toFixed(0)} MB` : 'n/a');

    const runs = new Map<number, GradeRun>();
    for (const size of SIZES) {
      const before = load();
      const result = await grade(roster(size), GRADE_ARGS);
      runs.set(size, result);
      // Where a class's time goes: each setup's students, median and slowest.
      const byScenario = new Map<string, number[]>();
      for (const [name, ms] of result.durations) {
        const scenario = pick(Number(name.slice('student-'.length))).scenario;
        if (!byScenario.has(scenario)) byScenario.set(scenario, []);
        byScenario.get(scenario)!.push(ms);
      }
      note(`grading ${size} targets at ${settingsLabel()}: ${(result.wallMs / 1000).toFixed(1)} s wall, ${(result.cpuMs / 1000).toFixed(1)} s CPU, peak RSS ${mb(result.peakMb)} (load before: ${before})`);
      note(`  per student by setup (median/max ms): ${[...byScenario].map(([scenario, all]) => `${scenario} ${median(all)}/${all.reduce((a, b) => Math.max(a, b), 0)}`).join(', ')}`);
    }
    const hundred = runs.get(100);
    if (hundred) {
      figure(`grading 100 targets (45 healthy, 45 broken in 6 ways, 10 silent peers), ${settingsLabel()}`, `${(hundred.wallMs / 1000).toFixed(1)} s wall, ${(hundred.cpuMs / 1000).toFixed(1)} s CPU, ${mb(hundred.peakMb)}`, '≤ 4 s', hundred.wallMs <= 4000);
    } else figure('grading 100 targets', 'not in BENCH_SIZES', '≤ 4 s', null);
    const thousand = runs.get(1000);
    if (thousand) {
      figure(`grading 1000 targets of the same mix, ${settingsLabel()}`, `${(thousand.wallMs / 1000).toFixed(1)} s wall, ${(thousand.cpuMs / 1000).toFixed(1)} s CPU, peak RSS ${mb(thousand.peakMb)}`, '≤ 30 s and ≤ 400 MB', thousand.wallMs <= 30_000 && thousand.peakMb <= 400);
    } else figure('grading 1000 targets', `not in BENCH_SIZES (${SIZES.join(',')})`, '≤ 30 s, ≤ 400 MB', null);

    // Speed must not change a single status: the largest roster again, a few students at a time.
    const largest = Math.max(...SIZES);
    if (process.env.BENCH_VERIFY !== '0' && (largest >= 1000 || process.env.BENCH_VERIFY === '1')) {
      const fast = runs.get(largest)!;
      const slow = await grade(roster(largest), ['--concurrency', String(SEQUENTIAL)]);
      const keys = new Set([...fast.statuses.keys(), ...slow.statuses.keys()]);
      const differing = [...keys].filter((key) => fast.statuses.get(key) !== slow.statuses.get(key));
      figure(
        `every verdict of the ${largest}-target run equals a sequential run (--concurrency ${SEQUENTIAL})`,
        `${differing.length} of ${keys.size} differ (sequential run ${(slow.wallMs / 1000).toFixed(0)} s)`,
        '0 differ',
        differing.length === 0,
      );
      for (const key of differing.slice(0, 20)) note(`  differs: ${key}: ${fast.statuses.get(key) ?? 'missing'} (sequential: ${slow.statuses.get(key) ?? 'missing'})`);
    } else figure('verdicts of the 1000-target run against a sequential run', process.env.BENCH_VERIFY === '0' ? 'skipped (BENCH_VERIFY=0)' : 'skipped (no 1000 in BENCH_SIZES)', '0 differ', null);

    note('CPU profile of a 100-target grade (self time, top frames):');
    for (const line of await profiled(['grade', roster(100), '--format', 'json', '--output', join(dir, 'profiled.json')])) note(`  ${line}`);
  } finally {
    await Promise.all(labs.map((lab) => lab.stop()));
    if (KEEP) note(`rosters and reports kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`lampi-doctor bench · node ${process.version} · ${availableParallelism()} cores · ${new Date().toISOString()} · load ${load()}${QUICK ? ' · BENCH_QUICK' : ''}`);
  if (ONLY !== 'grade') await single();
  if (ONLY !== 'single') await grading();
  const met = figures.filter((f) => f.met === true).length;
  const measured = figures.filter((f) => f.met !== null).length;
  console.log(`\n${met} of ${measured} targets met (load at the end: ${load()}).\n\n| figure | measured | target | |\n| --- | --- | --- | --- |`);
  for (const f of figures) console.log(`| ${f.name} | ${f.value} | ${f.target} | ${f.met === null ? 'n/a' : f.met ? 'PASS' : 'MISS'} |`);
}

await main();
