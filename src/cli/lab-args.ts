// `lab` shares the diagnosis flags, but builds its own target: flags it would silently ignore are
// usage errors, said in words, before any broker starts.
import { UsageError } from '../engine/types.js';

/** What `lab run` sets itself: the target, its certificates, its ports and the bridge. */
const LAB_RUN_SETS = ['port', 'resolve', 'servername', 'ca', 'cert', 'key', 'key-passphrase', 'key-passphrase-file', 'wss-port', 'plain-port', 'local', 'device-id', 'bridge-config', 'config'];

/** The only flags each other action reads. */
const LAB_ACTION_FLAGS: Record<string, string[]> = {
  up: ['scenario', 'dir'],
  down: ['dir'],
  status: ['dir'],
  scenarios: [],
};

const ALWAYS = new Set(['help', 'version', 'color']);

export function checkLabFlags(action: string, given: ReadonlySet<string>): void {
  if (action === 'run') {
    const ignored = LAB_RUN_SETS.filter((flag) => given.has(flag));
    if (given.has('dir')) ignored.push('dir');
    if (ignored.length) {
      throw new UsageError(
        `lab run builds its own broker, certificates and ports, so ${ignored.map((f) => `--${f}`).join(', ')} would be ignored: start a lab with \`lampi-doctor lab up\` and run the command it prints with your flags, or diagnose your own broker with \`lampi-doctor <fqdn> ...\``,
      );
    }
    return;
  }
  const allowed = new Set([...(LAB_ACTION_FLAGS[action] ?? []), ...ALWAYS]);
  const ignored = [...given].filter((flag) => !allowed.has(flag));
  if (ignored.length) {
    const takes = LAB_ACTION_FLAGS[action]?.length ? `takes only ${LAB_ACTION_FLAGS[action].map((f) => `--${f}`).join(' and ')}` : 'takes no options';
    throw new UsageError(`lab ${action} ${takes}: ${ignored.map((f) => `--${f}`).join(', ')} would be ignored (diagnosis flags go with \`lab run\` or \`lampi-doctor <fqdn>\`)`);
  }
}

export async function checkScenario(name: string): Promise<void> {
  const { SCENARIOS } = await import('../lab/scenarios.js');
  if (!SCENARIOS.some((scenario) => scenario.name === name)) {
    throw new UsageError(`unknown scenario "${name}": choose one of ${SCENARIOS.map((s) => s.name).join(', ')} (see \`lampi-doctor lab scenarios\`)`);
  }
}
