// Issue 9 class 11: what one healthy diagnosis leaves in Mosquitto's log, counted line by line (by
// client id where the log names one), so the README's statement about it stays true.
import { readFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { diagnose, type DiagnoseOptions } from '../../src/diagnose.js';
import { DEFAULT_SAMPLES } from '../../src/inputs.js';
import { ROUNDTRIP_WARMUP } from '../../src/probes/mqtt-probes.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { describeWithBroker } from '../helpers/broker.js';

const labs: Lab[] = [];
afterEach(async () => {
  await Promise.all(labs.splice(0).map((lab) => lab.stop()));
});

const count = (lines: string[], pattern: RegExp) => lines.filter((line) => pattern.test(line)).length;

/** One diagnosis of a fresh lab of `scenario`, and the lines it left in the cloud broker's log. */
async function runAndReadLog(scenario: string, options: Partial<DiagnoseOptions>) {
  const lab = await startLab({ scenario });
  labs.push(lab);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const before = readFileSync(lab.files.cloudLog, 'utf8').split('\n').length - 1;
  const report = await diagnose({ ...lab.diagnoseInput(), ...options });
  await new Promise((resolve) => setTimeout(resolve, 500));
  const lines = readFileSync(lab.files.cloudLog, 'utf8').split('\n').slice(before);
  const connected = lines.flatMap((line) => /New client connected from \S+ as (\S+) /.exec(line)?.[1] ?? []).sort();
  return { report, lines, connected };
}

/** The cloud sessions of one run with --client-id ci-log: the TLS probes' goodbyes, then the MQTT checks'. */
const SESSIONS = [
  'ci-log-tls1.2', // tls.version's accepted versions (TLS 1.3 is the main handshake's)
  'ci-log-wss-upgrade', // wss.handshake's websocket upgrade
  // mqtt.connect on the main handshake's connection (tls.handshake, tls.chain, ... share it), then
  // mqtt.roundtrip and bridge.status on the same session
  'ci-log-connect',
  'ci-log-in-cloud',
  'ci-log-out-cloud',
  'ci-log-wss',
].sort();

describeWithBroker("the broker's log after one healthy run", () => {
  it('holds 6 sessions that log in and out, the 4 refused TLS probes, and no connection dropped without a word', async () => {
    const { report, lines, connected } = await runAndReadLog('healthy', { clientId: 'ci-log', timeoutMs: 1500 });
    expect(report.exitCode).toBe(0);
    expect(report.checks.find((check) => check.id === 'mqtt.connect')?.evidence).toMatchObject({ connection: 'main-handshake' });
    // Connections on the TLS port: the main one (carrying mqtt.connect), TLS 1.0, 1.1 and 1.2, the two
    // client-certificate probes, and the bridge directions' two cloud sessions. (A refused handshake whose
    // ClientHello came with the connection is logged as "Client connection from … failed:" alone.)
    expect(count(lines, /New connection from \S+ on port|Client connection from \S+ failed: /)).toBe(8);

    // A refused handshake shows as one of two lines, depending on whether the ClientHello was already
    // there when Mosquitto accepted the connection; either way it names OpenSSL's reason.
    // (Mosquitto 2.0.11 says "disconnected: Protocol error.", later 2.0 releases "disconnected due to protocol error.")
    const refused = lines.filter((line) => /Client <unknown> disconnected(: Protocol error| due to protocol error)\.|Client connection from \S+ failed: /.test(line));
    const reasons = lines.flatMap((line) => /(?:OpenSSL Error\[0\]|failed): error:[0-9A-F]+:SSL routines::([^.]+)/.exec(line)?.[1] ?? []).sort();
    console.info(`[broker log] one healthy run: ${JSON.stringify({ sessions: connected.length, refused: refused.length, reasons })}`);

    // Every session of the tool, the TLS probes' goodbyes included, logs in and says DISCONNECT.
    expect(connected).toEqual(SESSIONS);
    for (const id of SESSIONS) {
      expect(count(lines, new RegExp(`^\\d+: Received DISCONNECT from ${id.replace('.', '\\.')}$`))).toBe(1);
      expect(count(lines, new RegExp(`^\\d+: Client ${id.replace('.', '\\.')} disconnected\\.$`))).toBe(1);
    }
    // The refused probes are the point of tls.version and tls.client-auth: TLS 1.0, TLS 1.1, no
    // client certificate, an untrusted one. Nothing else is refused.
    expect(refused).toHaveLength(4);
    expect(reasons).toEqual(['certificate verify failed', 'peer did not return a certificate', 'unsupported protocol', 'unsupported protocol']);
    // The round trip: its untimed warm-up and its samples, each a PUBLISH on its own topic, never retained.
    // (The warm-up is once per process: this test file's first diagnosis has it, whole.)
    const roundtrip = report.checks.find((check) => check.id === 'mqtt.roundtrip')!;
    expect(roundtrip.evidence).toMatchObject({ sent: DEFAULT_SAMPLES, received: DEFAULT_SAMPLES, warmup: { sent: ROUNDTRIP_WARMUP, received: ROUNDTRIP_WARMUP } });
    expect(count(lines, /^\d+: Received PUBLISH from ci-log-connect \(d0, q1, r0, m\d+, 'lampi-doctor\/roundtrip\/ci-log-connect'/)).toBe(DEFAULT_SAMPLES + ROUNDTRIP_WARMUP);
    expect(count(lines, /Received PUBLISH from ci-log-\S+ \(d\d, q\d, r1/)).toBe(0);
    // No completed handshake is left to close without MQTT, no connection drops without a word.
    expect(count(lines, /closed its connection/)).toBe(0);
    expect(count(lines, /not authorised|Socket error|unexpected eof|malformed packet/)).toBe(0);
  });
});

describeWithBroker("the broker's log when no MQTT check runs", () => {
  it('ends the main handshake\'s connection with its own MQTT goodbye, as mqtt.connect does not take it', async () => {
    // Two checks on the main handshake alone: the run is over right after it, and its end must not cut
    // the goodbye short (it used to: "Client <unknown> closed its connection.").
    const { report, lines, connected } = await runAndReadLog('healthy', { clientId: 'ci-tls', timeoutMs: 1500, only: ['tls.handshake', 'tls.chain'] });
    expect(report.exitCode).toBe(0);
    expect(connected).toEqual(['ci-tls-tls']);
    expect(count(lines, /^\d+: Received DISCONNECT from ci-tls-tls$/)).toBe(1);
    expect(count(lines, /closed its connection|unexpected eof/)).toBe(0);
  });
});

describeWithBroker("the broker's log when the round trip fails", () => {
  it('ends with DISCONNECT the bridge sessions opened ahead for checks that were then skipped', async () => {
    const { report, lines, connected } = await runAndReadLog('acl-denies-client', { clientId: 'ci-acl', timeoutMs: 1000, only: ['mqtt', 'bridge'] });
    const status = Object.fromEntries(report.checks.map((check) => [check.id, check.status]));
    expect(status).toMatchObject({ 'mqtt.connect': 'pass', 'mqtt.roundtrip': 'fail', 'bridge.inbound': 'skip', 'bridge.outbound': 'skip' });
    // mqtt.connect on the main handshake's connection (carrying the round trip), bridge.status on a
    // session of its own (a round trip that lost messages passes nothing on), and both bridge
    // directions' cloud sessions, opened while the round trip ran and never used.
    expect(connected).toEqual(['ci-acl-connect', 'ci-acl-in-cloud', 'ci-acl-out-cloud', 'ci-acl-state']);
    for (const id of connected) expect(count(lines, new RegExp(`^\\d+: Received DISCONNECT from ${id}$`))).toBe(1);
    expect(count(lines, /closed its connection/)).toBe(0);
  });

  it('ends them with DISCONNECT also when the round trip fails before they are connected', async () => {
    // Under MQTT 5 Mosquitto refuses the denied PUBLISH at once (PUBACK reason 135): the round trip is
    // over while the sessions opened ahead still wait for their CONNACKs.
    for (const attempt of [1, 2, 3]) {
      const id = `ci-v5-${attempt}`;
      const { report, lines, connected } = await runAndReadLog('acl-denies-client', { clientId: id, timeoutMs: 1000, only: ['mqtt.roundtrip', 'bridge.inbound', 'bridge.outbound'], mqttVersion: '5' });
      expect(report.checks.find((check) => check.id === 'mqtt.roundtrip')?.status).toBe('fail');
      expect(connected).toContain(`${id}-in-cloud`);
      for (const client of connected) expect([client, count(lines, new RegExp(`^\\d+: Received DISCONNECT from ${client.replace('.', '\\.')}$`))]).toEqual([client, 1]);
      expect(lines.filter((line) => line.includes(`Client ${id}-`) && /closed its connection|Protocol error/.test(line))).toEqual([]);
    }
  });

  it('opens nothing ahead for checks left out of the run', async () => {
    const { report, lines, connected } = await runAndReadLog('healthy', { clientId: 'ci-only', timeoutMs: 1000, only: ['mqtt.connect', 'bridge.status'] });
    expect(report.checks.map((check) => `${check.id} ${check.status}`)).toEqual(['mqtt.connect pass', 'bridge.status pass']);
    // bridge.status continues on mqtt.connect's session; nothing for the round trip or the bridge flows.
    expect(connected.filter((id) => !/-tls/.test(id))).toEqual(['ci-only-connect']);
    for (const id of connected) expect(count(lines, new RegExp(`^\\d+: Received DISCONNECT from ${id.replace('.', '\\.')}$`))).toBe(1);
  });
});
