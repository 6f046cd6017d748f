// `npm run bench`: every speed figure of the project measured side by side in one run on the embedded
// lab, each with its target and PASS or MISS, then the Markdown table the README carries. Speed
// targets live here, never in the test suite. BENCH_QUICK=1 leaves out the 1000-target grading and
// its sequential twin (the longest part); BENCH_SKIP_TESTSSL=1 the testssl.sh comparison.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'mqtt';
import { startLab, type Lab } from '../src/lab/lab.js';

const CLI = 'dist/lampi-doctor.js';
const SAMPLES = 50;
const QUICK = process.env.BENCH_QUICK === '1';

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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length / 2) - 1];
}

function wallOf(command: string, args: string[], cwd?: string): number {
  const began = performance.now();
  spawnSync(command, args, { stdio: 'ignore', cwd });
  return performance.now() - began;
}

const medianWall = (runs: number, command: string, args: string[]) => median(Array.from({ length: runs }, () => wallOf(command, args)));

/** The same round trip the tool measures, timed with mqtt.js alone on the same broker. */
async function bareRoundtrip(lab: Lab, samples: number): Promise<number[]> {
  const client = connect(`mqtts://${lab.publicAddress}:${lab.ports.tls}`, {
    clientId: `bench-${Date.now()}`,
    servername: lab.fqdn,
    ca: readFileSync(lab.files.ca),
    cert: readFileSync(lab.files.clientCert),
    key: readFileSync(lab.files.clientKey),
    rejectUnauthorized: true,
    reconnectPeriod: 0,
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  const topic = `lampi-doctor/bench/${Date.now()}`;
  await client.subscribeAsync(topic, { qos: 1 });
  const times: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const payload = `bench ${i}`;
    const arrived = new Promise<number>((resolve) => {
      const onMessage = (_topic: string, message: Buffer) => {
        if (message.toString() !== payload) return;
        client.off('message', onMessage);
        resolve(performance.now());
      };
      client.on('message', onMessage);
    });
    const began = performance.now();
    await client.publishAsync(topic, payload, { qos: 1 });
    times.push((await arrived) - began);
  }
  await client.unsubscribeAsync(topic);
  await client.endAsync();
  return times;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** The heaviest frames by self time of a `node --cpu-prof` profile: where the next person should look. */
function topFrames(dir: string, count = 8): string[] {
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) return ['(no profile written)'];
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const byFrame = new Map<string, number>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${url.replace(/^.*\/(node_modules\/|dist\/|src\/)/, '$1')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    byFrame.set(key, (byFrame.get(key) ?? 0) + (selfUs.get(node.id) ?? 0));
  }
  const total = [...byFrame.values()].reduce((a, b) => a + b, 0) || 1;
  return [...byFrame.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, us]) => `${(us / 1000).toFixed(1).padStart(7)} ms ${((us / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
}

function profiled(args: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'lampi-prof-'));
  spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, CLI, ...args], { stdio: 'ignore' });
  return topFrames(dir);
}

async function single(): Promise<void> {
  const lab = await startLab({ scenario: 'healthy' });
  try {
    const args = [...lab.diagnoseArgs(), '--format', 'json'];
    // 1. One CLI diagnosis end to end, process start included, against testssl.sh's default scan.
    wallOf(process.execPath, [CLI, ...args]); // warm the page cache
    const cliWall = medianWall(9, process.execPath, [CLI, ...args]);
    figure('one CLI diagnosis of the healthy lab, process start included (median of 9)', `${cliWall.toFixed(0)} ms`, '≤ 250 ms', cliWall <= 250);
    const testssl = ['/usr/bin/testssl', '/usr/bin/testssl.sh'].find(existsSync);
    if (process.env.BENCH_SKIP_TESTSSL || !testssl) {
      figure('testssl.sh default scan of the same port', testssl ? 'skipped (BENCH_SKIP_TESTSSL)' : 'not installed (apt-get install testssl.sh)', '≥ 200x slower than lampi-doctor', null);
    } else {
      const scan = wallOf(testssl, ['--ip', lab.publicAddress, '--nodns', 'min', '--warnings', 'off', '--color', '0', '--quiet', `${lab.fqdn}:${lab.ports.tls}`], tmpdir());
      const ratio = scan / cliWall;
      figure('testssl.sh default scan of the same TLS port', `${(scan / 1000).toFixed(1)} s, ${ratio.toFixed(0)}x the lampi-doctor run`, '≥ 200x', ratio >= 200);
    }

    // 2. Start-up of the shipped bundle against bare node.
    const bareNode = medianWall(21, process.execPath, ['-e', '0']);
    const version = medianWall(21, process.execPath, [CLI, '--version']);
    const help = medianWall(21, process.execPath, [CLI, '--help']);
    figure('--version against bare `node -e 0` (median of 21)', `${version.toFixed(0)} ms vs ${bareNode.toFixed(0)} ms (+${(version - bareNode).toFixed(0)})`, '≤ +15 ms', version - bareNode <= 15);
    figure('--help against bare `node -e 0` (median of 21)', `${help.toFixed(0)} ms (+${(help - bareNode).toFixed(0)})`, '≤ +40 ms', help - bareNode <= 40);

    // 4. Latency: the tool's reported p50 against the same round trip with bare mqtt.js.
    const toolP50s: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const run = spawnSync(process.execPath, [CLI, ...lab.diagnoseArgs(), '--only', 'mqtt.roundtrip', '--samples', String(SAMPLES), '--format', 'json'], { encoding: 'utf8' });
      const report = JSON.parse(run.stdout) as { checks: { id: string; evidence?: { latency?: { p50: number } } }[] };
      const p50 = report.checks.find((c) => c.id === 'mqtt.roundtrip')?.evidence?.latency?.p50;
      if (p50 !== undefined) toolP50s.push(p50);
    }
    const bare: number[] = [];
    for (let i = 0; i < 5; i += 1) bare.push(median(await bareRoundtrip(lab, SAMPLES)));
    const toolP50 = median(toolP50s);
    const bareP50 = median(bare);
    const ratio = toolP50 / bareP50;
    figure(`cloud round trip p50, QoS 1, ${SAMPLES} samples (median of 5 runs each)`, `lampi-doctor ${toolP50.toFixed(3)} ms, bare mqtt.js ${bareP50.toFixed(3)} ms, ratio ${ratio.toFixed(2)}`, 'ratio ≤ 1.1', ratio <= 1.1);

    note('CPU profile of one diagnosis (self time, top frames):');
    for (const line of profiled(args)) note(`  ${line}`);
  } finally {
    await lab.stop();
  }
}

interface GradeRun {
  wallMs: number;
  peakMb: number;
  statuses: Map<string, string>;
  report: string;
}

async function grading(): Promise<void> {
  const healthy = ['healthy', 'healthy', 'healthy'];
  const broken = ['expired', 'wrong-san', 'missing-intermediate', 'acl-denies-client', 'no-wss', 'client-cert-optional'];
  const labs = await Promise.all([...healthy, ...broken, 'silent-peer'].map((scenario) => startLab({ scenario })));
  const dir = mkdtempSync(join(tmpdir(), 'lampi-bench-'));
  try {
    const silent = labs[labs.length - 1];
    // Per hundred: 45 healthy, 45 broken in six ways, 10 silent peers.
    const pick = (i: number): Lab => {
      const slot = i % 100;
      return slot < 45 ? labs[slot % 3] : slot < 90 ? labs[3 + (slot % broken.length)] : silent;
    };
    const roster = (count: number): string => {
      const rows = Array.from({ length: count }, (_, i) => {
        const lab = pick(i);
        return [`student-${String(i).padStart(4, '0')}`, lab.fqdn, lab.ports.tls, lab.ports.wss, lab.files.ca, lab.files.clientCert, lab.files.clientKey, `mqtt://127.0.0.1:${lab.ports.lampPlain}`, lab.deviceId, `${lab.fqdn}:${lab.publicAddress}`].join(',');
      });
      const path = join(dir, `roster-${count}.csv`);
      writeFileSync(path, ['student,fqdn,port,wss_port,ca,cert,key,local,device_id,resolve', ...rows].join('\n') + '\n');
      return path;
    };
    const timeBinary = existsSync('/usr/bin/time');
    const grade = (path: string, extra: string[] = []): GradeRun => {
      const output = join(dir, `grades-${Math.random().toString(36).slice(2)}.json`);
      const args = [...(timeBinary ? ['-f', '%M', process.execPath] : []), CLI, 'grade', path, '--format', 'json', '--output', output, ...extra];
      const began = performance.now();
      const run = spawnSync(timeBinary ? '/usr/bin/time' : process.execPath, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
      const wallMs = performance.now() - began;
      const peakMb = timeBinary ? Number(run.stderr.trim().split('\n').pop()) / 1024 : NaN;
      const report = JSON.parse(readFileSync(output, 'utf8')) as { students: { student: string; error?: string; checks: { id: string; status: string }[] }[] };
      const statuses = new Map<string, string>();
      for (const student of report.students) {
        statuses.set(`${student.student} row`, student.error ? 'error' : 'graded');
        for (const check of student.checks) statuses.set(`${student.student} ${check.id}`, check.status);
      }
      return { wallMs, peakMb, statuses, report: output };
    };
    const rss = (mb: number) => (Number.isFinite(mb) ? `${mb.toFixed(0)} MB` : 'n/a (no /usr/bin/time)');

    const sizes = QUICK ? [10, 100] : [10, 100, 1000];
    const runs = new Map<number, GradeRun>();
    for (const size of sizes) {
      const run = grade(roster(size));
      runs.set(size, run);
      note(`grading ${size} targets at the default settings: ${(run.wallMs / 1000).toFixed(1)} s wall, peak RSS ${rss(run.peakMb)}`);
    }
    const hundred = runs.get(100)!;
    figure('grading 100 targets (45 healthy, 45 broken in 6 ways, 10 silent peers), default settings', `${(hundred.wallMs / 1000).toFixed(1)} s, ${rss(hundred.peakMb)}`, '≤ 4 s', hundred.wallMs <= 4000);
    const thousand = runs.get(1000);
    if (thousand) {
      figure('grading 1000 targets of the same mix, default settings', `${(thousand.wallMs / 1000).toFixed(1)} s, peak RSS ${rss(thousand.peakMb)}`, '≤ 30 s and ≤ 400 MB', thousand.wallMs <= 30_000 && thousand.peakMb <= 400);
      // Speed must not change a single status: the same roster graded one student at a time.
      const slow = grade(roster(1000), ['--concurrency', '1']);
      const differing = [...thousand.statuses].filter(([key, status]) => slow.statuses.get(key) !== status);
      figure('every verdict of the 1000-target run equals a sequential run (--concurrency 1)', `${differing.length} of ${thousand.statuses.size} differ (sequential run ${(slow.wallMs / 1000).toFixed(0)} s)`, '0 differ', differing.length === 0);
      for (const [key, status] of differing.slice(0, 10)) note(`  differs: ${key}: ${status} (sequential: ${slow.statuses.get(key)})`);
    } else {
      figure('grading 1000 targets, and its verdicts against a sequential run', 'skipped (BENCH_QUICK=1)', '≤ 30 s, ≤ 400 MB, 0 differ', null);
    }
    note('CPU profile of a 100-target grade (self time, top frames):');
    for (const line of profiled(['grade', roster(100), '--format', 'json', '--output', join(dir, 'profiled.json')])) note(`  ${line}`);
  } finally {
    await Promise.all(labs.map((lab) => lab.stop()));
  }
}

async function main(): Promise<void> {
  console.log(`lampi-doctor bench · node ${process.version} · ${new Date().toISOString()}${QUICK ? ' · BENCH_QUICK' : ''}`);
  await single();
  await grading();
  const met = figures.filter((f) => f.met === true).length;
  const measured = figures.filter((f) => f.met !== null).length;
  console.log(`\n${met} of ${measured} targets met.\n\n| figure | measured | target | |\n| --- | --- | --- | --- |`);
  for (const f of figures) console.log(`| ${f.name} | ${f.value} | ${f.target} | ${f.met === null ? 'n/a' : f.met ? 'PASS' : 'MISS'} |`);
}

await main();
