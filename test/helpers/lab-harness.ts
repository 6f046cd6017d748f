// Shared by the tests that edit a lab's brokers by hand: the labs and extra brokers they start are
// stopped after each test, and the reference clients' flags for the lab's cloud.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { afterEach } from 'vitest';
import type { Lab } from '../../src/lab/lab.js';

/** Labs and brokers pushed here end after each test of the file that calls this. */
export function stopAfterEach(): { labs: Lab[]; brokers: ChildProcess[] } {
  const labs: Lab[] = [];
  const brokers: ChildProcess[] = [];
  afterEach(async () => {
    for (const broker of brokers.splice(0)) {
      if (broker.exitCode !== null || broker.signalCode !== null) continue;
      broker.kill('SIGTERM');
      await new Promise((resolve) => broker.once('close', resolve));
    }
    await Promise.all(labs.splice(0).map((lab) => lab.stop()));
  });
  return { labs, brokers };
}

export const referenceClients = ['mosquitto_pub', 'mosquitto_sub'].every((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0);

/** mosquitto_pub/sub flags for the lab's cloud TLS port with the lab's client certificate. */
export const cloudTls = (lab: Lab) => ['-h', lab.publicAddress, '-p', String(lab.ports.tls), '--cafile', lab.files.ca, '--cert', lab.files.clientCert, '--key', lab.files.clientKey, '--insecure'];
