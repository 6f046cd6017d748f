// config.load and config.option: can Mosquitto read this, and does every line mean what it says
// to the Mosquitto version that reads it?
import { ALIASES, deprecationOf, introducedIn, knownIn, vocabulary } from '../../src/config/mosquitto-versions.js';
import { BRIDGE_EQUIVALENT, nearestOption } from '../../src/config/options.js';
import { at, bad, defineRule, doubt, ok, type LintFinding } from './define.js';

const NO_VALUE_OK = new Set<string>([]);

/** A word as a summary quotes it: long ones cut, so a 1 MB line does not become a 1 MB report. */
export function quoted(word: string): string {
  return word.length > 60 ? `${word.slice(0, 40)}... (${word.length} characters)` : word;
}

export const configLoad = defineRule({
  id: 'config.load',
  title: 'The configuration files can be read',
  codes: {
    ok: 'The configuration files were read',
    'include-missing': 'An include_dir folder does not exist (Mosquitto refuses to start)',
    'include-loop': 'An include_dir folder holds the main configuration file, so it is read twice',
    'include-nested': 'include_dir outside the main configuration file (ignored by 2.0, refused by 2.1)',
    missing: 'A configuration file does not exist',
    unreadable: 'A configuration file cannot be read',
  },
  run({ configs }, { mosquitto }) {
    return configs.flatMap((model): LintFinding[] => {
      if (model.problems.length === 0) {
        return [ok('ok', { file: model.root, line: 0 }, `read ${model.files.length} file${model.files.length === 1 ? '' : 's'}: ${model.files.join(', ')}`, { files: model.files })];
      }
      return model.problems.map((problem) => {
        switch (problem.kind) {
          case 'include-missing':
            return bad('include-missing', problem, problem.message, 'Create that folder, or fix the `include_dir` line: Mosquitto refuses to start when it is missing.');
          case 'include-loop':
            return bad('include-loop', problem, problem.message, 'Mosquitto would read that file twice (its listeners twice: "Address already in use"). Keep the main file out of the include_dir folder, e.g. include_dir /etc/mosquitto/conf.d.');
          case 'include-nested':
            return mosquitto.major > 2 || (mosquitto.major === 2 && mosquitto.minor >= 1)
              ? bad('include-nested', problem, `${problem.message}: Mosquitto ${mosquitto.text} refuses to start ("The include_dir option is only valid in the main configuration file")`, 'Move the include_dir line into the main mosquitto.conf.')
              : doubt('include-nested', problem, `${problem.message}: Mosquitto ${mosquitto.text} ignores it, so the files of that folder are not read`, 'Move the include_dir line into the main mosquitto.conf (Mosquitto 2.1 refuses to start on it).');
          case 'missing':
            return bad('missing', problem, problem.message, 'Check the path: lampi-doctor lint reads /etc/mosquitto/mosquitto.conf unless given others.');
          default:
            return bad('unreadable', problem, problem.message, 'Run lampi-doctor lint as a user that can read the broker\'s configuration (e.g. with sudo).');
        }
      });
    });
  },
});

export const configOption = defineRule({
  id: 'config.option',
  title: 'Every option is one this Mosquitto knows, where it belongs',
  codes: {
    ok: 'Every option is known to this Mosquitto and where it belongs',
    'unknown-option': 'An option this Mosquitto does not know (it refuses to start)',
    'listener-option-in-bridge': 'A listener option inside a bridge\'s connection block configures the listener above it',
    'bridge-option-outside-bridge': 'A bridge option before any connection line (Mosquitto refuses to start)',
    'newer-option': 'An option that came with a later Mosquitto than this one (it refuses to start)',
    alias: 'An option written under Mosquitto\'s other name for it',
    'deprecated-option': 'An option this Mosquitto deprecates',
    'unavailable-option': 'An option this Mosquitto no longer has',
    'ignored-option': 'An option this Mosquitto ignores',
    'no-value': 'An option without a value',
    repeated: 'An option set twice in one block: the last one wins',
  },
  run({ configs }, { mosquitto }) {
    const words = vocabulary(mosquitto);
    return configs.flatMap((model): LintFinding[] => {
      const findings: LintFinding[] = [];
      for (const { entry, problem } of model.misplaced) {
        if (problem === 'unknown') {
          const near = nearestOption(entry.key, words);
          const name = quoted(entry.key);
          findings.push(
            bad(
              'unknown-option',
              at(entry),
              `unknown option "${name}"${near ? `: did you mean ${near}?` : ''} (Mosquitto ${mosquitto.text} refuses to start on it)`,
              near ? `Write \`${near} ${entry.args.join(' ')}\`.`.replace(/ `$/, '`') : 'Remove the line, or look the option up in mosquitto.conf(5): Mosquitto refuses to start on unknown options.',
              { option: name, suggestion: near ?? null, mosquittoVersion: mosquitto.text },
            ),
          );
        } else if (problem === 'listener-option-in-bridge') {
          const equivalent = BRIDGE_EQUIVALENT[entry.key];
          findings.push(
            (equivalent ? bad : doubt)(
              'listener-option-in-bridge',
              at(entry),
              `\`${entry.key}\` inside a connection block configures the listener above it, not the bridge`,
              equivalent ? `For the bridge, write \`${equivalent} ${entry.args.join(' ')}\`.` : 'Move the line under the `listener` it is meant for.',
              { option: entry.key, suggestion: equivalent ?? null },
            ),
          );
        } else {
          findings.push(bad('bridge-option-outside-bridge', at(entry), `\`${entry.key}\` is a bridge option but comes before any \`connection\` line`, 'Put it after the `connection NAME` line of the bridge it configures: Mosquitto refuses to start otherwise.', { option: entry.key }));
        }
      }
      for (const entry of model.entries) {
        if (!knownIn(mosquitto, entry.key) && introducedIn(entry.key)) {
          findings.push(
            bad(
              'newer-option',
              at(entry),
              `\`${entry.key}\` came with Mosquitto ${introducedIn(entry.key)}; this broker runs ${mosquitto.text} and refuses to start on it ("Unknown configuration variable")`,
              `Remove the line, or upgrade Mosquitto to ${introducedIn(entry.key)} or later (if the broker already runs a newer version, say so with --mosquitto-version).`,
              { option: entry.key, since: introducedIn(entry.key)!, mosquittoVersion: mosquitto.text },
            ),
          );
          continue;
        }
        const alias = ALIASES[entry.key];
        if (alias && entry.key !== 'addresses' && entry.key !== 'clientid') {
          findings.push(ok('alias', at(entry), `\`${entry.key}\` is Mosquitto's other name for \`${alias}\``, { option: entry.key, canonical: alias }));
        }
        const deprecation = deprecationOf(mosquitto, entry.key);
        if (deprecation) {
          findings.push(
            doubt(
              deprecation.kind === 'deprecated' ? 'deprecated-option' : deprecation.kind === 'unavailable' ? 'unavailable-option' : 'ignored-option',
              at(entry),
              `\`${entry.key}\` is ${deprecation.kind === 'deprecated' ? 'deprecated' : deprecation.kind === 'unavailable' ? 'no longer available' : 'ignored'} in Mosquitto ${mosquitto.text} (since ${deprecation.since})`,
              deprecation.advice,
              { option: entry.key, since: deprecation.since, instead: deprecation.instead ?? null, mosquittoVersion: mosquitto.text },
            ),
          );
        }
      }
      const blocks = [...model.listeners, ...model.bridges];
      for (const block of blocks) {
        const seen = new Map<string, number>();
        for (const entry of block.entries) {
          if (entry.key === 'topic' || entry.key === 'listener' || entry.key === 'connection' || entry.key === 'log_dest' || entry.key === 'log_type') continue;
          if (entry.args.length === 0 && !NO_VALUE_OK.has(entry.key)) {
            findings.push(bad('no-value', at(entry), `\`${entry.key}\` has no value`, `Give it one (see mosquitto.conf(5)), or remove the line.`));
          }
          const key = ALIASES[entry.key] ?? entry.key;
          const earlier = seen.get(key);
          if (earlier !== undefined) {
            findings.push(doubt('repeated', at(entry), `\`${entry.key}\` is set again (first on line ${earlier}); the last one wins`, 'Keep one line, so what you read is what Mosquitto does.'));
          }
          seen.set(key, entry.line);
        }
      }
      if (!findings.some((finding) => finding.status !== 'pass')) {
        findings.push(ok('ok', { file: model.root, line: 0 }, `${model.entries.length} options, all known to Mosquitto ${mosquitto.text} and where they belong`, { mosquittoVersion: mosquitto.text }));
      }
      return findings;
    });
  },
});
