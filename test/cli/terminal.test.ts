// The report as a person sees it: the built CLI in a real pseudo-terminal (tmux) of 80 and 120
// columns, colour and spinner on, against the healthy lab and three broken ones. No line may be
// wider than the terminal and no backticked command may be split. The captures are kept in
// fixtures/terminal/ to be looked at (UPDATE_GOLDEN=1 rewrites them); the test holds each run to
// its capture's checks and statuses, which do not vary from run to run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeWithBroker } from '../helpers/broker.js';
import { CLI } from '../helpers/cli.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const SOCKET = `lampi-test-${process.pid}`;
const GOLDEN = 'fixtures/terminal';
const SCENARIOS = ['healthy', 'missing-intermediate', 'wrong-san', 'plain-exposed'];
const WIDTHS = [80, 120];

const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });

async function runInTerminal(width: number, scenario: string): Promise<{ screen: string; code: number }> {
  const session = `${scenario}-${width}`;
  // A person's terminal: no CI variable, colour not forced either way.
  const command = `env -u CI -u NO_COLOR -u FORCE_COLOR TERM=xterm-256color ${process.execPath} ${CLI} lab run --scenario ${scenario}; echo "__EXIT__$?"; sleep 600`;
  tmux('new-session', '-d', '-s', session, '-x', String(width), '-y', '50', command);
  tmux('set-option', '-t', session, 'history-limit', '5000');
  const deadline = Date.now() + 90_000;
  let screen = '';
  while (Date.now() < deadline) {
    // -J joins lines the terminal wrapped, so a line that was too wide shows as one long line.
    screen = tmux('capture-pane', '-p', '-J', '-t', session, '-S', '-', '-E', '-');
    if (/__EXIT__\d+/.test(screen)) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  tmux('kill-session', '-t', session);
  const code = Number(/__EXIT__(\d+)/.exec(screen)?.[1] ?? -1);
  return { screen: screen.replace(/\n*__EXIT__\d+[\s\S]*$/, '\n').replace(/^\n+/, ''), code };
}

/** The stable part of a capture: status and check id of every result line. */
const verdicts = (screen: string) => screen.split('\n').filter((line) => /^[✓!✗‼-] (pass|warn|fail|skip|error) /.test(line)).map((line) => line.split(/\s+/).slice(1, 3).join(' '));

if (!hasTmux) console.warn('[lampi-doctor tests] tmux not found: the terminal tests are SKIPPED (apt-get install tmux)');
const describeTerminal = hasTmux ? describeWithBroker : describe.skip;

describeTerminal('in a real terminal (tmux; skipped without it)', () => {
  afterAll(() => {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  });

  for (const width of WIDTHS) {
    for (const scenario of SCENARIOS) {
      it(`lab run --scenario ${scenario} at ${width} columns`, async () => {
        const { screen, code } = await runInTerminal(width, scenario);
        expect(code).toBe(scenario === 'healthy' ? 0 : 1);
        const lines = screen.split('\n');
        expect(lines.some((line) => /checks in \d+\.\d\d s/.test(line))).toBe(true);
        for (const line of lines) {
          expect([...line].length, `too wide: ${line}`).toBeLessThanOrEqual(width);
          expect((line.match(/`/g) ?? []).length % 2, `a command split at: ${line}`).toBe(0);
        }
        expect(screen).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/); // the spinner cleared its line...
        // ...and only its line: a spinner text ora thinks wraps erases a line above it at every frame.
        expect(screen).toMatch(/^Lab "[a-z-]+" in /);
        expect(screen).toMatch(/Diagnosing it as .*\n {2}node \S+ cloud\.lampi\.test [^\n]*\\\n[\s\S]*--device-id b827eb74663e\n/);

        const file = join(GOLDEN, `${scenario}.${width}.txt`);
        if (process.env.UPDATE_GOLDEN || !existsSync(file)) {
          mkdirSync(GOLDEN, { recursive: true });
          writeFileSync(file, screen);
        }
        expect(verdicts(screen)).toEqual(verdicts(readFileSync(file, 'utf8')));
        expect(verdicts(screen).length).toBeGreaterThan(10);
      }, 120_000);
    }
  }
});
