// The cloud port against peers that misbehave on purpose: each case asserts the named verdict and
// that the whole process (the built CLI, spawn to exit) ended within its bound.
import { beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_FQDN, RAW, closedPort, makePki, mqttPeer, synDropPeer, tcpPeer, tlsPeer, websocketPeer, type Peer, type Pki } from './peers.js';
import { TIMEOUT_MS, check, expectEnded, expectVerdict, runTimed, spawnAllowance } from './run.js';

let pki: Pki;
let closed: number;

beforeAll(async () => {
  pki = await makePki();
  closed = await closedPort();
});

function args(port: number, extra: string[] = [], wssPort = closed): string[] {
  return [
    HOSTILE_FQDN,
    '--resolve', `${HOSTILE_FQDN}:127.0.0.1`,
    '--port', String(port),
    '--ca', pki.caFile,
    '--wss-port', String(wssPort),
    '--plain-port', String(closed),
    '--timeout', String(TIMEOUT_MS),
    '--samples', '2',
    '--format', 'json',
    ...extra,
  ];
}

interface Case {
  name: string;
  peer: () => Promise<Peer>;
  /** The check and the finding it must report. */
  id: string;
  status: 'fail' | 'error';
  code: string;
  /** Timeouts in the longest chain of waits: the process must end within that many, + 1 s. */
  waits: number;
}

const tls = () => ({ tls: pki });
const cases: Case[] = [
  { name: 'accepts and stays silent', peer: () => tcpPeer('silent'), id: 'tls.handshake', status: 'fail', code: 'tls.handshake/timeout', waits: 1 },
  { name: 'resets right after accept', peer: () => tcpPeer('rst'), id: 'tls.handshake', status: 'fail', code: 'tls.handshake/closed', waits: 0 },
  { name: 'closes (FIN) right after accept', peer: () => tcpPeer('fin'), id: 'tls.handshake', status: 'fail', code: 'tls.handshake/closed', waits: 0 },
  { name: 'answers garbage', peer: () => tcpPeer('garbage'), id: 'tls.handshake', status: 'fail', code: 'tls.handshake/not-tls', waits: 0 },
  // A broker that takes any TLS client gets tls.client-auth's confirming CONNECT after its handshake
  // probes: two waits in a row when CONNECTs go unanswered.
  { name: 'completes TLS, then silence', peer: () => tlsPeer(pki, () => undefined), id: 'mqtt.connect', status: 'fail', code: 'mqtt.connect/timeout', waits: 2 },
  { name: 'sends no CONNACK', peer: () => mqttPeer({ connect: 'silent' }, tls()), id: 'mqtt.connect', status: 'fail', code: 'mqtt.connect/timeout', waits: 2 },
  { name: 'sends a garbage CONNACK', peer: () => mqttPeer({ connect: RAW.garbageConnack }, tls()), id: 'mqtt.connect', status: 'fail', code: 'mqtt.connect/not-mqtt', waits: 0 },
  { name: 'sends an unknown CONNACK code', peer: () => mqttPeer({ connect: RAW.unknownConnackCode }, tls()), id: 'mqtt.connect', status: 'fail', code: 'mqtt.connect/refused', waits: 0 },
  { name: 'sends a malformed remaining length', peer: () => mqttPeer({ connect: RAW.malformedRemainingLength }, tls()), id: 'mqtt.connect', status: 'fail', code: 'mqtt.connect/not-mqtt', waits: 0 },
  { name: 'sends no SUBACK', peer: () => mqttPeer({ connect: 'connack', subscribe: 'silent' }, tls()), id: 'mqtt.roundtrip', status: 'fail', code: 'mqtt.roundtrip/no-answer', waits: 1 },
  { name: 'closes the session at the SUBSCRIBE', peer: () => mqttPeer({ connect: 'connack', subscribe: 'close' }, tls()), id: 'mqtt.roundtrip', status: 'fail', code: 'mqtt.roundtrip/no-answer', waits: 0 },
  { name: 'closes the session at the first PUBLISH (max_packet_size)', peer: () => mqttPeer({ connect: 'connack', subscribe: 'suback', publish: 'close' }, tls()), id: 'mqtt.roundtrip', status: 'fail', code: 'mqtt.roundtrip/no-answer', waits: 0 },
  { name: 'sends no PUBACK', peer: () => mqttPeer({ connect: 'connack', subscribe: 'suback', publish: 'silent' }, tls()), id: 'mqtt.roundtrip', status: 'fail', code: 'mqtt.roundtrip/no-answer', waits: 1 },
  {
    name: 'is deaf after CONNACK (not even PINGRESP)',
    peer: () => mqttPeer({ connect: 'connack', subscribe: 'silent', publish: 'silent', ping: 'silent' }, tls()),
    id: 'mqtt.roundtrip',
    status: 'fail',
    code: 'mqtt.roundtrip/no-answer',
    waits: 1,
  },
  {
    name: 'acknowledges but never delivers',
    peer: () => mqttPeer({ connect: 'connack', subscribe: 'suback', publish: 'ack-only' }, tls()),
    id: 'mqtt.roundtrip',
    status: 'fail',
    code: 'mqtt.roundtrip/acknowledged-not-delivered',
    waits: 1,
  },
  { name: 'drips its answer at 1 byte/s', peer: () => mqttPeer({ connect: 'drip' }, tls()), id: 'mqtt.connect', status: 'fail', code: 'mqtt.connect/timeout', waits: 2 },
  { name: 'announces a 200 MB packet', peer: () => mqttPeer({ connect: RAW.hugeAnnounced }, tls()), id: 'mqtt.connect', status: 'fail', code: 'mqtt.connect/timeout', waits: 2 },
  { name: 'sends a 1 MB certificate chain', peer: async () => tlsPeer(pki, () => undefined, await pki.hugeChainPem()), id: 'tls.handshake', status: 'fail', code: 'tls.handshake/oversized-chain', waits: 0 },
  { name: 'drops SYNs (a full accept queue)', peer: () => synDropPeer(), id: 'tcp.connect', status: 'fail', code: 'tcp.connect/timeout', waits: 1 },
];

// Each case spawns node twice and waits up to a few timeouts: room for a loaded 2-core machine.
const CASE_MS = 90_000;

describe('hostile peers on the cloud port', { timeout: CASE_MS }, () => {
  it.each(cases)('$name: $code, and the process ends in time', async ({ peer: start, id, status, code, waits }) => {
    const peer = await start();
    try {
      const allowance = await spawnAllowance();
      const run = await runTimed(args(peer.port));
      const result = check(run, id);
      await expectVerdict(result, status, code);
      expect(run.code).toBe(1);
      await expectEnded(run, waits, allowance);
      // A wait that ran out says how long it waited; a session the broker closed says so, and no longer --timeout is offered.
      if (waits === 0 && code.endsWith('no-answer')) {
        expect(result.summary).toMatch(/the broker closed the session/);
        expect(result.hint).toMatch(/a longer --timeout will not help/);
      } else if (result.code === code && (code.endsWith('/timeout') || code.endsWith('no-answer'))) expect(result.summary).toMatch(new RegExp(`within ${TIMEOUT_MS} ms`));
    } finally {
      await peer.close();
    }
  });

  it('a port that drops SYNs costs one timeout, not two', async () => {
    const peer = await synDropPeer();
    try {
      const run = await runTimed(args(peer.port));
      // The tool's own clock: no second wait on the same dead port (TLS after TCP, wss after TCP),
      // unless this machine starved the tool itself (then each wait may be extended once).
      const starved = JSON.stringify(run.report).includes('eventLoopLagMs');
      expect(run.report!.durationMs).toBeLessThan((starved ? 3 : 2) * TIMEOUT_MS);
      expect(check(run, 'tls.handshake').status).toBe('skip');
    } finally {
      await peer.close();
    }
  });

  it('a broker that delivers some messages, then drops one, lost it: during the untimed warm-up or the samples alike', async () => {
    for (const [deliverFirst, counted] of [[5, '5/6'], [21, '21/22']] as const) {
      const peer = await mqttPeer({ connect: 'connack', subscribe: 'suback', publish: 'ack-and-deliver', deliverFirst }, tls());
      try {
        const run = await runTimed(args(peer.port, ['--only', 'mqtt.roundtrip']));
        const result = check(run, 'mqtt.roundtrip');
        // Not "acknowledged but never delivered" (an ACL): messages did come back on this path.
        await expectVerdict(result, 'warn', 'mqtt.roundtrip/message-lost');
        expect(result.summary).toMatch(new RegExp(`^${counted} messages came back on `));
        // Lost during the warm-up: its packets are in the transcript, as they explain the verdict.
        const transcript = (result.evidence as { transcript: string[] }).transcript;
        expect(transcript.filter((line) => line.startsWith('→ PUBLISH')).length).toBe(deliverFirst === 5 ? 6 : 2);
      } finally {
        await peer.close();
      }
    }
  });

  it('a broker that stops answering while the bridge state is read: could not tell, never a verdict about the bridge', async () => {
    // The first SUBSCRIBE (the state topics) is answered, the sentinel after it never is.
    const peer = await mqttPeer({ connect: 'connack', subscribe: 'suback', answerSubscribes: 1, publish: 'ack-and-deliver' }, tls());
    try {
      const run = await runTimed(args(peer.port, ['--only', 'mqtt.connect', 'bridge.status', '--device-id', 'b827eb74663e']));
      const result = check(run, 'bridge.status');
      await expectVerdict(result, 'skip', 'bridge.status/read-cut-short');
      expect(result).toMatchObject({ skipKind: 'inconclusive' });
      expect(result.summary).toMatch(new RegExp(`^could not tell: the broker stopped answering while its retained bridge states were read \\(no answer to SUBSCRIBE .* within ${TIMEOUT_MS} ms\\), and no state for devices/b827eb74663e/lamp/connection/b827eb74663e_broker/state had arrived by then$`));
    } finally {
      await peer.close();
    }
  });

  it('a reset right after accept is classified the same way every time', async () => {
    const peer = await tcpPeer('rst');
    try {
      const runs = await Promise.all([1, 2, 3].map(() => runTimed(args(peer.port, ['--only', 'tcp.connect', 'tls.handshake']))));
      for (const run of runs) {
        expect(check(run, 'tcp.connect').status).toBe('pass');
        await expectVerdict(check(run, 'tls.handshake'), 'fail', 'tls.handshake/closed');
      }
    } finally {
      await peer.close();
    }
  });

  it('--only dns.resolve opens no TCP connection', async () => {
    const peer = await tcpPeer('silent');
    let connections = 0;
    const counting = await (await import('node:net')).default.createServer(() => (connections += 1));
    counting.listen(0, '127.0.0.1');
    await new Promise((resolve) => counting.once('listening', resolve));
    const port = (counting.address() as { port: number }).port;
    try {
      const run = await runTimed([HOSTILE_FQDN, '--resolve', `${HOSTILE_FQDN}:127.0.0.1`, '--port', String(port), '--wss-port', String(port), '--plain-port', String(port), '--only', 'dns.resolve', '--format', 'json']);
      expect(check(run, 'dns.resolve').status).toBe('pass');
      expect(run.report!.checks).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(connections).toBe(0);
    } finally {
      counting.close();
      await peer.close();
    }
  });
});

describe('hostile websockets listener', { timeout: CASE_MS }, () => {
  it('answers the upgrade with 200: wss.handshake/upgrade-refused', async () => {
    const peer = await websocketPeer(pki, 200);
    try {
      const allowance = await spawnAllowance();
      const run = await runTimed(args(closed, [], peer.port));
      await expectVerdict(check(run, 'wss.handshake'), 'fail', 'wss.handshake/upgrade-refused');
      await expectEnded(run, 1, allowance);
    } finally {
      await peer.close();
    }
  });

  it('accepts TCP and stays silent: wss.handshake/silent, not a missing cafile/certfile/keyfile (hunt 4, H4-3)', async () => {
    const peer = await tcpPeer('silent');
    try {
      const allowance = await spawnAllowance();
      const run = await runTimed(args(closed, [], peer.port));
      const wss = check(run, 'wss.handshake');
      await expectVerdict(wss, 'fail', 'wss.handshake/silent');
      if (wss.code === 'wss.handshake/silent') expect(wss.hint).not.toContain('Add `cafile`');
      await expectEnded(run, 1, allowance);
    } finally {
      await peer.close();
    }
  });

  it('completes TLS, then never answers the upgrade: wss.handshake/upgrade-timeout, not a missing protocol websockets (hunt 4, H4-2)', async () => {
    const peer = await tlsPeer(pki, () => undefined);
    try {
      const allowance = await spawnAllowance();
      const run = await runTimed(args(closed, [], peer.port));
      const wss = check(run, 'wss.handshake');
      await expectVerdict(wss, 'fail', 'wss.handshake/upgrade-timeout');
      if (wss.code === 'wss.handshake/upgrade-timeout') expect(wss.hint).not.toMatch(/^Add `protocol websockets`/);
      await expectEnded(run, 2, allowance);
    } finally {
      await peer.close();
    }
  });

  it('switches protocols (101), then silence: wss.connect/timeout', async () => {
    const peer = await websocketPeer(pki, 101);
    try {
      const allowance = await spawnAllowance();
      const run = await runTimed(args(closed, [], peer.port));
      expect(check(run, 'wss.handshake').status).toBe('pass');
      await expectVerdict(check(run, 'wss.connect'), 'fail', 'wss.connect/timeout');
      await expectEnded(run, 2, allowance);
    } finally {
      await peer.close();
    }
  });
});

