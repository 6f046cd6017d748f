// grade against hostile peers: the report is written and the process ends, each student bounded by
// the same cancellation path as a single diagnosis (no session left pinging after the CSV).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HOSTILE_FQDN, closedPort, makePki, mqttPeer, tcpPeer, type Peer, type Pki } from './peers.js';
import { EXIT_AFTER_REPORT_MS, TIMEOUT_MS, runTimed, spawnAllowance, toolBound } from './run.js';

let pki: Pki;
const peers: Peer[] = [];
beforeAll(async () => {
  pki = await makePki();
});
afterAll(async () => {
  for (const peer of peers) await peer.close();
});

it('a class of stalled brokers (deaf after CONNACK, no PUBACK, silent) is graded and the process exits', { timeout: 90_000 }, async () => {
  const deaf = await mqttPeer({ connect: 'connack', subscribe: 'silent', publish: 'silent', ping: 'silent' }, { tls: pki });
  const noPuback = await mqttPeer({ connect: 'connack', subscribe: 'suback', publish: 'silent' }, { tls: pki });
  const silent = await tcpPeer('silent');
  peers.push(deaf, noPuback, silent);
  const closed = await closedPort();
  const dir = mkdtempSync(join(tmpdir(), 'lampi-hostile-grade-'));
  const roster = join(dir, 'roster.csv');
  const rows = [['deaf', deaf.port], ['nopuback', noPuback.port], ['silent', silent.port]];
  writeFileSync(roster, ['student,fqdn,port,wss_port,resolve', ...rows.map(([name, port]) => `${name},${HOSTILE_FQDN},${port},${closed},${HOSTILE_FQDN}:127.0.0.1`)].join('\n'));
  const output = join(dir, 'grades.json');
  const allowance = await spawnAllowance();
  const run = await runTimed(['grade', roster, '--ca', pki.caFile, '--plain-port', String(closed), '--timeout', String(TIMEOUT_MS), '--samples', '2', '--format', 'json', '-o', output]);
  const report = JSON.parse(readFileSync(output, 'utf8')) as { durationMs: number; students: { student: string; checks: { id: string; code: string }[] }[] };
  const codes = Object.fromEntries(report.students.map((student) => [student.student, student.checks.map((result) => result.code)]));
  const either = (list: string[], code: string) => expect(list.includes(code) || list.includes(`${code.split('/')[0]}/overloaded`), `${code} in ${list}`).toBe(true);
  either(codes.deaf, 'mqtt.roundtrip/no-answer');
  either(codes.nopuback, 'mqtt.roundtrip/no-answer');
  either(codes.silent, 'tls.handshake/timeout');
  // Students run side by side: the chain is one student's (two waits at most), not the class's.
  expect(run.code).not.toBeNull();
  expect(run.afterReportMs).toBeLessThanOrEqual(EXIT_AFTER_REPORT_MS);
  expect(run.wallMs).toBeLessThanOrEqual(report.durationMs + allowance + 1000);
  expect(report.durationMs).toBeLessThanOrEqual(toolBound(2));
});
