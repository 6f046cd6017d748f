// Our own starvation is not the peer's fault: a step that timed out while this process's event loop
// was blocked is `error` <check>/overloaded, "could not test: this machine was overloaded".
import { afterAll, beforeAll, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnose.js';
import { HOSTILE_FQDN, closedPort, tcpPeer, type Peer } from '../hostile/peers.js';

let peer: Peer;
let closed: number;
beforeAll(async () => {
  peer = await tcpPeer('silent');
  closed = await closedPort();
});
afterAll(() => peer.close());

const input = () => ({
  target: HOSTILE_FQDN,
  resolve: [`${HOSTILE_FQDN}:127.0.0.1`],
  port: peer.port,
  wssPort: closed,
  plainPort: closed,
  timeoutMs: 400,
  only: ['tcp.connect', 'tls.handshake'],
});

it('a silent TLS port is a timeout when this machine is idle...', async () => {
  const report = await diagnose(input());
  const handshake = report.checks.find((result) => result.id === 'tls.handshake')!;
  expect(handshake.code).toBe('tls.handshake/timeout');
});

it('...and "could not test" when this process was starved while it waited', async () => {
  // A hog inside this very process: the event loop is blocked in 300 ms bursts for the whole run.
  const hog = setInterval(() => {
    const until = performance.now() + 300;
    while (performance.now() < until);
  }, 5);
  let report;
  try {
    report = await diagnose(input());
  } finally {
    clearInterval(hog);
  }
  const timedOut = report.checks.filter((result) => result.status !== 'pass' && result.status !== 'skip');
  expect(timedOut.length).toBeGreaterThan(0);
  for (const result of timedOut) {
    expect(result.status).toBe('error');
    expect(result.code).toBe(`${result.id}/overloaded`);
    expect(result.summary).toBe('could not test: this machine was overloaded');
    expect(result.evidence?.eventLoopLagMs).toBeGreaterThan(100);
  }
});
