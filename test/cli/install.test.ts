// The package as a user installs it: `npm pack`, then `npm install -g` of the tarball into an empty
// prefix with no network, then the installed `lampi-doctor` command (through its bin symlink).
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json';
import { describeWithBroker } from '../helpers/broker.js';

const run = promisify(execFile);
const npmEnv = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

let dir: string;
let command: string;
let tarball: string;

function installed(args: string[]) {
  return run(command, args, { env: { ...process.env, CI: '1', NO_COLOR: '1' }, cwd: dir }).then(
    (out) => ({ code: 0, ...out }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lampi-install-'));
  // --ignore-scripts: the bundle is already built by the global setup; rebuilding would pull dist/
  // from under the other test files running now.
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { env: npmEnv });
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(dir, info.filename);
  packedFiles = info.files.map((file) => file.path).sort();
  const prefix = join(dir, 'prefix');
  await run('npm', ['install', '-g', '--offline', '--prefix', prefix, tarball], { env: npmEnv });
  command = join(prefix, 'bin', 'lampi-doctor');
}, 120_000);
let packedFiles: string[] = [];

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the packed and installed command', () => {
  it('the tarball holds only the bundle, the schemas, the README and the license', () => {
    expect(packedFiles).toContain('dist/lampi-doctor.js');
    expect(packedFiles).toContain('LICENSE');
    expect(packedFiles).toContain('README.md');
    expect(packedFiles).toContain('schema/report.schema.json');
    const unexpected = packedFiles.filter((path) => !/^(dist\/|schema\/|README\.md$|LICENSE$|package\.json$)/.test(path));
    expect(unexpected).toEqual([]);
  });

  it('needs no dependency at run time (so the tarball installs offline)', () => {
    expect((packageJson as { dependencies?: object }).dependencies ?? {}).toEqual({});
    const installedPackage = realpathSync(join(command, '..', '..', 'lib', 'node_modules', 'lampi-doctor'));
    expect(readdirSync(installedPackage)).not.toContain('node_modules');
  });

  it('lampi-doctor --version', async () => {
    const out = await installed(['--version']);
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(`${packageJson.version}\n`);
  });

  it('lampi-doctor lint', async () => {
    const out = await installed(['lint', resolve('fixtures/seed/port.conf')]);
    expect(out.stdout).toMatch(/^lampi-doctor \d+\.\d+\.\d+ · lint .*port\.conf/);
    expect(out.stdout).toMatch(/\d+ findings? in /);
    expect([0, 1]).toContain(out.code);
    expect(out.stderr).toBe('');
  });
});

describeWithBroker('the installed command against a lab', () => {
  it('lampi-doctor lab run', async () => {
    const out = await installed(['lab', 'run']);
    expect(out.stderr).toContain('lampi-doctor cloud.lampi.test'); // how to diagnose it, as installed
    expect(out.stdout).toMatch(/\d+ checks in \d+\.\d\d s: \d+ passed, 0 warnings, 0 failed/);
    expect(out.code).toBe(0);
  }, 60_000);
});
