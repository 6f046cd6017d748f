// An IPv6 target against `listener N 0.0.0.0` (IPv4 only; hunt 3, V1): the fix must not be the line
// that is already there. mosquitto_pub -h ::1 is the reference, before and after the fix.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { diagnose } from '../../src/diagnose.js';
import { describeWithBroker } from '../helpers/broker.js';
import { freePorts, withBroker } from '../helpers/reference-broker.js';

const ipv6 = Object.values(networkInterfaces()).some((addresses) => addresses?.some((address) => address.address === '::1'));

describeWithBroker('tcp.connect to ::1 with an IPv4-only listener', () => {
  it.runIf(ipv6)('names 0.0.0.0 as IPv4 only, and the listener without an address lets ::1 in', async () => {
    const [port] = await freePorts(['127.0.0.1']);
    const dir = mkdtempSync(join(tmpdir(), 'lampi-ipv6-'));
    const conf = (listener: string) => {
      const path = join(dir, `${listener.replace(/\W+/g, '_')}.conf`);
      writeFileSync(path, `listener ${listener}\nallow_anonymous true\n`);
      return path;
    };
    const run = (listener: string) =>
      withBroker(conf(listener), async () => {
        const reference = spawnSync('mosquitto_pub', ['-h', '::1', '-p', String(port), '-t', 'lampi-doctor/test', '-m', 'x'], { encoding: 'utf8', timeout: 10_000 });
        const report = await diagnose({ target: '::1', port, only: ['tcp.connect'] });
        return { reference: reference.status, tcp: report.checks.find((check) => check.id === 'tcp.connect')! };
      });
    const { result: before } = await run(`${port} 0.0.0.0`);
    expect(before.reference).not.toBe(0);
    expect([before.tcp.status, before.tcp.code]).toEqual(['fail', 'tcp.connect/refused']);
    expect(before.tcp.hint).toContain(`\`listener ${port} 0.0.0.0\` listens on IPv4 only: write \`listener ${port}\``);
    const { result: after } = await run(String(port));
    expect(after.reference).toBe(0);
    expect(after.tcp.status).toBe('pass');
  });
});
