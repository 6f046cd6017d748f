// A resolver that never answers, in a private network namespace (its own loopback and resolv.conf,
// so the machine's DNS is untouched): the report names the timeout and the process ends with it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TIMEOUT_MS, check, expectEnded, expectVerdict, runTimed, spawnAllowance } from './run.js';

const NS = `lampi-dead-dns-${process.pid}`;

function namespaceSupport(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces are Linux only';
  if (process.getuid?.() !== 0) return 'creating a network namespace needs root';
  const made = spawnSync('ip', ['netns', 'add', NS], { encoding: 'utf8' });
  if (made.error) return `no \`ip\` command (${made.error.message})`;
  if (made.status !== 0) return `ip netns add failed: ${made.stderr.trim()}`;
  return undefined;
}

const unsupported = namespaceSupport();
if (unsupported) console.warn(`[lampi-doctor tests] dead-resolver case SKIPPED: ${unsupported}`);

describe.skipIf(Boolean(unsupported))(`a resolver that never answers (network namespace ${NS})`, () => {
  let resolver: ChildProcess;
  beforeAll(async () => {
    // `ip netns exec` mounts /etc/netns/<ns>/resolv.conf over /etc/resolv.conf for what it runs.
    mkdirSync(`/etc/netns/${NS}`, { recursive: true });
    writeFileSync(`/etc/netns/${NS}/resolv.conf`, 'nameserver 127.0.0.1\n');
    spawnSync('ip', ['netns', 'exec', NS, 'ip', 'link', 'set', 'lo', 'up']);
    const script = "const s = require('dgram').createSocket('udp4'); s.on('message', () => undefined); s.bind(53, '127.0.0.1', () => console.log('ready'));";
    resolver = spawn('ip', ['netns', 'exec', NS, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await once(resolver.stdout!, 'data');
  });
  afterAll(() => {
    resolver?.kill('SIGKILL');
    spawnSync('ip', ['netns', 'del', NS]);
    rmSync(`/etc/netns/${NS}`, { recursive: true, force: true });
  });

  it('dns.resolve/timeout names the wait, and the process ends with the report', { timeout: 90_000 }, async () => {
    const allowance = await spawnAllowance();
    const run = await runTimed(['cloud.lampi.test', '--timeout', String(TIMEOUT_MS), '--format', 'json'], { prefix: ['ip', 'netns', 'exec', NS] });
    const result = check(run, 'dns.resolve');
    await expectVerdict(result, 'fail', 'dns.resolve/timeout');
    if (result.code === 'dns.resolve/timeout') expect(result.summary).toContain(`no answer within ${TIMEOUT_MS} ms`);
    await expectEnded(run, 1, allowance);
  });
});

if (!unsupported) {
  // Created while deciding support: removed even if the suite is filtered out.
  process.on('exit', () => spawnSync('ip', ['netns', 'del', NS]));
}
