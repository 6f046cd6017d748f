// Whose waits are they? Measures, on the healthy lab, the waits a diagnosis sees that are not its own
// work, first as the lab is configured, then with `set_tcp_nodelay true` on the cloud broker, then on
// both brokers (each restarted with its config plus that line):
//   - CONNECT..CONNACK (TCP, TLS and upgrade included) over mqtts:// and wss://, the tool's session
//     (Nagle off on its sockets) next to bare mqtt.js with its defaults;
//   - QoS 1 round trips on an established wss:// session (bare mqtt.js);
//   - the bridge probes' samples: how many took over 20 ms (Nagle meeting a delayed ACK costs ~40).
// Usage: node --import tsx scripts/broker-waits.ts   (RUNS=n bridge diagnoses per setting, default 8)
// Figures taken on a loaded machine are noisy; the README quotes a run and says under what load.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { diagnose } from '../src/diagnose.js';
import { startLab } from '../src/lab/lab.js';
import { MqttSession } from '../src/probes/mqtt-session.js';

const RUNS = Number(process.env.RUNS ?? 8);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mqttModule = (await import('mqtt')) as typeof import('mqtt') & { default?: typeof import('mqtt') };
const mqtt = mqttModule.default ?? mqttModule;

const lab = await startLab({ scenario: 'healthy' });
const restarted: ChildProcess[] = [];
const input = lab.diagnoseInput();
const address = input.resolve![0].split(':')[1];
const ca = readFileSync(input.ca!, 'utf8');
const tls = { servername: input.target, ca, cert: readFileSync(input.cert!, 'utf8'), key: readFileSync(input.key!, 'utf8') };
const urls = { mqtts: `mqtts://${address}:${input.port}`, wss: `wss://${address}:${input.wssPort}/mqtt` };
const bareOptions = (kind: 'mqtts' | 'wss') =>
  kind === 'mqtts' ? { ...tls, rejectUnauthorized: true } : { wsOptions: { servername: input.target, ca, rejectUnauthorized: true } };

async function connectTimes(kind: 'mqtts' | 'wss'): Promise<{ tool: number; bare: number }> {
  const tool: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < 10; i += 1) {
    let began = performance.now();
    const { session } = await MqttSession.open({ url: urls[kind], clientId: `waits-tool-${kind}-${i}`, protocolVersion: 4, timeoutMs: 3000, tls: kind === 'mqtts' ? tls : { ca }, wsServername: input.target });
    tool.push(performance.now() - began);
    await session?.close();
    began = performance.now();
    const client = await mqtt.connectAsync(urls[kind], { clientId: `waits-bare-${kind}-${i}`, clean: true, reconnectPeriod: 0, ...bareOptions(kind) } as never);
    bare.push(performance.now() - began);
    await client.endAsync();
  }
  // The first of each pays for loading modules; the median leaves it out.
  return { tool: Math.round(p50(tool)), bare: Math.round(p50(bare)) };
}

async function wssRoundTrips(): Promise<{ p50: number; over90: number; n: number }> {
  const client = await mqtt.connectAsync(urls.wss, { clientId: 'waits-bare-wss-rt', clean: true, reconnectPeriod: 0, ...bareOptions('wss') } as never);
  const topic = `lampi-doctor/waits/${process.pid}`;
  await client.subscribeAsync(topic, { qos: 1 });
  const ms: number[] = [];
  for (let i = 0; i < 30; i += 1) {
    const began = performance.now();
    const arrived = new Promise<void>((resolve) => client.once('message', () => resolve()));
    await client.publishAsync(topic, String(i), { qos: 1 });
    await arrived;
    ms.push(performance.now() - began);
  }
  await client.endAsync();
  return { p50: Math.round(p50(ms) * 100) / 100, over90: ms.filter((x) => x > 90).length, n: ms.length };
}

async function bridgeSamples(): Promise<{ first: string; others: string }> {
  const firsts: number[] = [];
  const others: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const report = await diagnose({ ...input, samples: 5, only: ['bridge'] });
    for (const id of ['bridge.inbound', 'bridge.outbound']) {
      const samples = ((report.checks.find((check) => check.id === id)?.evidence as { samplesMs?: number[] } | undefined)?.samplesMs ?? []);
      firsts.push(...samples.slice(0, 1));
      others.push(...samples.slice(1));
    }
    await sleep(200);
  }
  const over = (xs: number[]) => `${xs.filter((x) => x > 20).length}/${xs.length}`;
  return { first: over(firsts), others: over(others) };
}

const connacks = () => readFileSync(lab.files.lampLog, 'utf8').split('Received CONNACK on connection').length;
/** Restarts a lab broker with its config plus `set_tcp_nodelay true`; waits until the bridge is back. */
async function withNoDelay(pid: number, config: string): Promise<void> {
  const before = connacks();
  process.kill(pid, 'SIGTERM');
  await sleep(300);
  appendFileSync(config, '\nset_tcp_nodelay true\n');
  restarted.push(spawn('mosquitto', ['-c', config], { stdio: 'ignore' }));
  for (let i = 0; i < 100 && connacks() === before; i += 1) await sleep(100);
  await sleep(500);
}

async function measure(label: string): Promise<void> {
  const mqtts = await connectTimes('mqtts');
  const wss = await connectTimes('wss');
  const rt = await wssRoundTrips();
  const bridge = await bridgeSamples();
  console.log(
    `${label.padEnd(34)} connect mqtts tool/bare ${mqtts.tool}/${mqtts.bare} ms, wss ${wss.tool}/${wss.bare} ms; ` +
      `wss round trip p50 ${rt.p50} ms (${rt.over90}/${rt.n} over 90 ms); bridge samples over 20 ms: first ${bridge.first}, others ${bridge.others}`,
  );
}

try {
  console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}; ${RUNS} bridge diagnoses of 5 samples per direction and setting`);
  await sleep(300);
  await measure('as configured');
  await withNoDelay(lab.pids[0], lab.files.cloudConfig);
  await measure('set_tcp_nodelay on the cloud');
  await withNoDelay(lab.lampPid!, lab.files.lampConfig);
  await measure('set_tcp_nodelay on both');
  console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
} finally {
  for (const child of restarted) child.kill('SIGTERM');
  await lab.stop();
}
