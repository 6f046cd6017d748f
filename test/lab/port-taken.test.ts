// A lab's ports are picked free, then handed to Mosquitto: another process can take one in between
// (every outgoing connection takes an ephemeral port). The lab then starts again on new ports.
import { afterEach, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnose.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { describeWithBroker } from '../helpers/broker.js';

const labs: Lab[] = [];
afterEach(async () => {
  delete process.env.LAMPI_LAB_PORT_THIEF;
  await Promise.all(labs.splice(0).map((lab) => lab.stop()));
});

describeWithBroker('a lab whose port was taken before its broker bound it', () => {
  it('starts again on new ports, and works', async () => {
    // The hook takes the websockets port just before the cloud broker starts, on the first attempt.
    process.env.LAMPI_LAB_PORT_THIEF = '1';
    process.env.LAMPI_DEBUG = '1';
    const stages: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => stages.push(String(chunk)) > 0) as typeof process.stderr.write;
    let lab: Lab;
    try {
      lab = await startLab({ scenario: 'healthy' });
    } finally {
      process.stderr.write = write;
      delete process.env.LAMPI_DEBUG;
    }
    labs.push(lab);
    expect(stages).toContain('lab: a port was taken before the broker bound it: starting again (attempt 2 of 3)\n');
    const report = await diagnose({ ...lab.diagnoseInput(), only: ['tcp.connect', 'wss.handshake'], timeoutMs: 3000 });
    expect(report.checks.map((check) => [check.id, check.status])).toEqual([
      ['tcp.connect', 'pass'],
      ['wss.handshake', 'pass'],
    ]);
  });
});
