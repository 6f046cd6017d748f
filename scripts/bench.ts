// `npm run bench`: figures measured side by side in one run on the embedded lab. Speed targets
// live here, not in the test suite.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

    // 4. One CLI diagnosis end to end, process start included.
    const cli = spawnSync(process.execPath, [CLI, ...lab.diagnoseArgs(), '--format', 'json'], { encoding: 'utf8' });
    const cliReport = JSON.parse(cli.stdout) as { durationMs: number; counts: Record<string, number> };
    say(`one CLI run against the lab: diagnosis ${cliReport.durationMs} ms, ${cliReport.counts.pass} of 17 passed`);
  } finally {
    await lab.stop();
  }
}

await main();
