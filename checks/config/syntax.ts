// config.load and config.option: can Mosquitto read this, and does every line mean what it says?
import { BRIDGE_EQUIVALENT, nearestOption } from '../../src/config/options.js';
import { at, bad, defineRule, doubt, ok, type LintFinding } from './define.js';

const NO_VALUE_OK = new Set<string>([]);

export const configLoad = defineRule({
  id: 'config.load',
  title: 'The configuration files can be read',
  run({ configs }) {
    return configs.flatMap((model): LintFinding[] => {
      if (model.problems.length === 0) {
        return [ok({ file: model.root, line: 0 }, `read ${model.files.length} file${model.files.length === 1 ? '' : 's'}: ${model.files.join(', ')}`, { files: model.files })];
      }
      return model.problems.map((problem) => {
        if (problem.kind === 'include-missing') {
          return bad(problem, problem.message, 'Create that folder, or fix the `include_dir` line: Mosquitto refuses to start when it is missing.');
        }
        if (problem.kind === 'include-loop') return bad(problem, problem.message, 'Remove the `include_dir` that leads back to this file.');
        return bad(problem, problem.message, problem.kind === 'missing' ? 'Check the path: lampi-doctor lint reads /etc/mosquitto/mosquitto.conf unless given others.' : 'Run lampi-doctor lint as a user that can read the broker\'s configuration (e.g. with sudo).');
      });
    });
  },
});

export const configOption = defineRule({
  id: 'config.option',
  title: 'Every option is a known one, where it belongs',
  run({ configs }) {
    return configs.flatMap((model): LintFinding[] => {
      const findings: LintFinding[] = [];
      for (const { entry, problem } of model.misplaced) {
        if (problem === 'unknown') {
          const near = nearestOption(entry.key);
          findings.push(
            bad(
              at(entry),
              `unknown option "${entry.key}"${near ? `: did you mean ${near}?` : ''}`,
              near ? `Write \`${near} ${entry.args.join(' ')}\`.`.replace(/ `$/, '`') : 'Remove the line, or look the option up in mosquitto.conf(5): Mosquitto refuses to start on unknown options.',
              { option: entry.key, suggestion: near ?? null },
            ),
          );
        } else if (problem === 'listener-option-in-bridge') {
          const equivalent = BRIDGE_EQUIVALENT[entry.key];
          findings.push(
            (equivalent ? bad : doubt)(
              at(entry),
              `\`${entry.key}\` inside a connection block configures the listener above it, not the bridge`,
              equivalent ? `For the bridge, write \`${equivalent} ${entry.args.join(' ')}\`.` : 'Move the line under the `listener` it is meant for.',
              { option: entry.key, suggestion: equivalent ?? null },
            ),
          );
        } else {
          findings.push(bad(at(entry), `\`${entry.key}\` is a bridge option but comes before any \`connection\` line`, 'Put it after the `connection NAME` line of the bridge it configures: Mosquitto refuses to start otherwise.', { option: entry.key }));
        }
      }
      const blocks = [...model.listeners, ...model.bridges];
      for (const block of blocks) {
        const seen = new Map<string, number>();
        for (const entry of block.entries) {
          if (entry.key === 'topic' || entry.key === 'listener' || entry.key === 'connection' || entry.key === 'log_dest' || entry.key === 'log_type') continue;
          if (entry.args.length === 0 && !NO_VALUE_OK.has(entry.key)) {
            findings.push(bad(at(entry), `\`${entry.key}\` has no value`, `Give it one (see mosquitto.conf(5)), or remove the line.`));
          }
          const earlier = seen.get(entry.key);
          if (earlier !== undefined) {
            findings.push(doubt(at(entry), `\`${entry.key}\` is set again (first on line ${earlier}); the last one wins`, 'Keep one line, so what you read is what Mosquitto does.'));
          }
          seen.set(entry.key, entry.line);
        }
      }
      if (findings.length === 0) findings.push(ok({ file: model.root, line: 0 }, `${model.entries.length} options, all known and where they belong`));
      return findings;
    });
  },
});
