// Issue 9 class 11: what one healthy diagnosis leaves in Mosquitto's log, counted, so the README's
// statement about it stays true.
import { readFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnose.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { describeWithBroker } from '../helpers/broker.js';

const labs: Lab[] = [];
afterEach(async () => {
  await Promise.all(labs.splice(0).map((lab) => lab.stop()));
});

const count = (lines: string[], pattern: RegExp) => lines.filter((line) => pattern.test(line)).length;

describeWithBroker("the broker's log after one healthy run", () => {
  it('holds clean MQTT disconnects, a handful of refused TLS probes, and completed handshakes closed without MQTT', async () => {
    const lab = await startLab({ scenario: 'healthy' });
    labs.push(lab);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = readFileSync(lab.files.cloudLog, 'utf8').split('\n').length - 1;
    const report = await diagnose({ ...lab.diagnoseInput(), timeoutMs: 1500 });
    expect(report.exitCode).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const lines = readFileSync(lab.files.cloudLog, 'utf8').split('\n').slice(before);

    const sessions = count(lines, /New client connected from .* as lampi-doctor-/);
    const protocolErrors = count(lines, /Client <unknown> disconnected: Protocol error/);
    const closedWithoutMqtt = count(lines, /Client <unknown> closed its connection/);
    const counted = { sessions, disconnects: count(lines, /Received DISCONNECT from lampi-doctor-/), protocolErrors, closedWithoutMqtt };
    console.info(`[broker log] one healthy run: ${JSON.stringify(counted)}`);

    // Every MQTT session of the tool ends with DISCONNECT; none is dropped.
    expect(sessions).toBeGreaterThanOrEqual(5);
    expect(counted.disconnects).toBe(sessions);
    expect(count(lines, /lampi-doctor-\w+ disconnected, not authorised|Socket error on client lampi-doctor/)).toBe(0);
    // TLS probes that end without MQTT: the refused ones (TLS 1.0, TLS 1.1, no certificate, an untrusted
    // certificate) log "Protocol error" with an OpenSSL error; the completed ones "closed its connection".
    expect(protocolErrors).toBeGreaterThanOrEqual(4);
    expect(protocolErrors).toBeLessThanOrEqual(6);
    expect(closedWithoutMqtt).toBeGreaterThanOrEqual(2);
    expect(closedWithoutMqtt).toBeLessThanOrEqual(6);
  });
});
