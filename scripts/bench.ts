// `npm run bench`: figures measured side by side in one run on the embedded lab. Speed targets
// live here, not in the test suite.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'mqtt';
import { diagnose } from '../src/diagnose.js';
import { startLab, type Lab } from '../src/lab/lab.js';

const CLI = 'dist/lampi-doctor.js';
const SAMPLES = 50;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length / 2) - 1];
}

function timeCommand(args: string[], runs = 15): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const began = performance.now();
    execFileSync(process.execPath, args, { stdio: 'ignore' });
    times.push(performance.now() - began);
  }
  return median(times);
}

/** The same round trip the tool measures, timed with mqtt.js alone. */
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

async function main(): Promise<void> {
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    console.log(line);
  };
  say(`lampi-doctor bench · node ${process.version} · ${new Date().toISOString()}`);

  const lab = await startLab({ scenario: 'healthy' });
  try {
    // 1. A full diagnosis of a healthy lab (in-process, so start-up is measured apart below).
    const walls: number[] = [];
    let toolP50 = 0;
    for (let i = 0; i < 5; i += 1) {
      const report = await diagnose({ ...lab.diagnoseInput(), samples: SAMPLES });
      walls.push(report.durationMs);
      const p50 = (report.checks.find((c) => c.id === 'mqtt.roundtrip')?.evidence?.latency as { p50: number } | undefined)?.p50;
      if (p50 !== undefined) toolP50 = i === 0 ? p50 : Math.min(toolP50, p50);
    }
    say(`full diagnosis of a healthy lab (17 checks, ${SAMPLES} samples per round trip): median ${median(walls)} ms over 5 runs`);

    // 2. Latency: the tool's reported p50 against the same round trip with bare mqtt.js.
    const bare: number[] = [];
    for (let i = 0; i < 5; i += 1) bare.push(median(await bareRoundtrip(lab, SAMPLES)));
    const bareP50 = Math.min(...bare);
    say(`cloud round trip p50 (QoS 1, best of 5 runs): lampi-doctor ${toolP50.toFixed(2)} ms, bare mqtt.js ${bareP50.toFixed(2)} ms, ratio ${(toolP50 / bareP50).toFixed(2)}`);

    // 3. Start-up of the shipped bundle against bare node.
    const bareNode = timeCommand(['-e', '0']);
    const version = timeCommand([CLI, '--version']);
    const help = timeCommand([CLI, '--help']);
    say(`start-up (median of 15): node -e 0 ${bareNode.toFixed(0)} ms; --version ${version.toFixed(0)} ms (+${(version - bareNode).toFixed(0)}); --help ${help.toFixed(0)} ms (+${(help - bareNode).toFixed(0)})`);

    // 4. One CLI diagnosis end to end, process start included, against testssl.sh's default scan.
    const cliWall = median(Array.from({ length: 5 }, () => wallOf(process.execPath, [CLI, ...lab.diagnoseArgs(), '--format', 'json'])));
    say(`one CLI diagnosis of the healthy lab, process start included: ${cliWall.toFixed(0)} ms (median of 5)`);
    const testssl = ['/usr/bin/testssl', '/usr/bin/testssl.sh'].find(existsSync);
    if (process.env.BENCH_SKIP_TESTSSL || !testssl) {
      say(`testssl.sh: ${testssl ? 'skipped (BENCH_SKIP_TESTSSL)' : 'not installed (apt-get install testssl.sh) - comparison skipped'}`);
    } else {
      const scan = wallOf(testssl, ['--ip', lab.publicAddress, '--nodns', 'min', '--warnings', 'off', '--color', '0', '--quiet', `${lab.fqdn}:${lab.ports.tls}`], tmpdir());
      say(`testssl.sh default scan of the same TLS port: ${(scan / 1000).toFixed(1)} s, ${(scan / cliWall).toFixed(0)}x the lampi-doctor run`);
    }
  } finally {
    await lab.stop();
  }

  // 5. Grading: 100 targets over several lab brokers, about half broken, plus silent peers.
  await benchGrading(say);
}

function wallOf(command: string, args: string[], cwd?: string): number {
  const began = performance.now();
  spawnSync(command, args, { stdio: 'ignore', cwd });
  return performance.now() - began;
}

async function benchGrading(say: (line: string) => void): Promise<void> {
  const healthy = ['healthy', 'healthy', 'healthy'];
  const broken = ['expired', 'wrong-san', 'missing-intermediate', 'acl-denies-client', 'no-wss', 'client-cert-optional'];
  const labs = await Promise.all([...healthy, ...broken, 'silent-peer'].map((scenario) => startLab({ scenario })));
  try {
    const silent = labs[labs.length - 1];
    const pick = (i: number): Lab => (i < 45 ? labs[i % 3] : i < 90 ? labs[3 + (i % broken.length)] : silent);
    const rows = Array.from({ length: 100 }, (_, i) => {
      const lab = pick(i);
      return [`student-${String(i).padStart(3, '0')}`, lab.fqdn, lab.ports.tls, lab.ports.wss, lab.files.ca, lab.files.clientCert, lab.files.clientKey, `mqtt://127.0.0.1:${lab.ports.lampPlain}`, lab.deviceId, `${lab.fqdn}:${lab.publicAddress}`].join(',');
    });
    const dir = mkdtempSync(join(tmpdir(), 'lampi-bench-'));
    const roster = join(dir, 'roster.csv');
    writeFileSync(roster, ['student,fqdn,port,wss_port,ca,cert,key,local,device_id,resolve', ...rows].join('\n') + '\n');
    const timeBinary = existsSync('/usr/bin/time');
    const command = timeBinary ? '/usr/bin/time' : process.execPath;
    const args = [...(timeBinary ? ['-f', '%M', process.execPath] : []), CLI, 'grade', roster, '--format', 'json', '--output', join(dir, 'grades.json')];
    const began = performance.now();
    const run = spawnSync(command, args, { encoding: 'utf8' });
    const wall = performance.now() - began;
    const peakKb = timeBinary ? Number(run.stderr.trim().split('\n').pop()) : NaN;
    const report = JSON.parse(readFileSync(join(dir, 'grades.json'), 'utf8')) as { students: { counts: { fail: number; error: number } }[] };
    const failing = report.students.filter((s) => s.counts.fail + s.counts.error > 0).length;
    say(
      `grading 100 targets (45 healthy, 45 broken in ${broken.length} ways, 10 silent peers) at the default concurrency: ${(wall / 1000).toFixed(1)} s wall, peak RSS ${Number.isFinite(peakKb) ? `${(peakKb / 1024).toFixed(0)} MB` : 'n/a (no /usr/bin/time)'}; ${failing} graded with failures`,
    );
  } finally {
    await Promise.all(labs.map((lab) => lab.stop()));
  }
}

await main();
