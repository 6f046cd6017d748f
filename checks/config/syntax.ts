// config.load and config.option: can Mosquitto read this, and does every line mean what it says
// to the Mosquitto version that reads it?
import { ALIASES, deprecationOf, introducedIn, knownIn, vocabulary } from '../../src/config/mosquitto-versions.js';
import { BRIDGE_EQUIVALENT, nearestOption } from '../../src/config/options.js';
import { basename } from 'node:path';
import { SECURITY_OPTIONS, type ConfigModel } from '../../src/config/model.js';
import { at, bad, defineRule, doubt, ok, type LintFinding } from './define.js';

const NO_VALUE_OK = new Set<string>([]);

/** A word as a summary quotes it: long ones cut, so a 1 MB line does not become a 1 MB report. */
export function quoted(word: string): string {
  return word.length > 60 ? `${word.slice(0, 40)}... (${word.length} characters)` : word;
}

const WILDCARD = new Set([undefined, '', '0.0.0.0', '::']);
const place = (entry: { file: string; line: number }) => `${basename(entry.file)}:${entry.line}`;

/**
 * What makes Mosquitto refuse to start although every line is right on its own, in the order it reads
 * them (include_dir files in their sorted place): `per_listener_settings true` after a security option
 * (exit 3), and two listeners on one port whose addresses overlap ("Address already in use", exit 1).
 * Both measured with Mosquitto 2.0.11's own `mosquitto -c`.
 */
function startUpOrder(model: ConfigModel, version: string): LintFinding[] {
  const findings: LintFinding[] = [];
  const perListener = model.entries.find((entry) => entry.key === 'per_listener_settings' && entry.args[0] === 'true');
  const earlier = perListener && model.entries.slice(0, model.entries.indexOf(perListener)).find((entry) => SECURITY_OPTIONS.has(entry.key));
  if (perListener && earlier) {
    findings.push(
      bad(
        'per-listener-settings-late',
        at(perListener),
        `\`per_listener_settings true\` comes after \`${earlier.key}\` (${place(earlier)}): Mosquitto ${version} refuses to start ("per_listener_settings must be set before any other security settings")`,
        'Move `per_listener_settings true` to the top of the main mosquitto.conf, before any include_dir line and any allow_anonymous, password_file, acl_file or psk_file line (files in include_dir are read in name order where the include_dir line is).',
        { before: { option: earlier.key, file: earlier.file, line: earlier.line } },
      ),
    );
  }
  const listeners = model.listeners.filter((listener) => !listener.implicit && Number.isInteger(listener.port) && listener.port > 0);
  listeners.forEach((listener, index) => {
    const clash = listeners.slice(0, index).find((other) => other.port === listener.port && (other.address === listener.address || WILDCARD.has(other.address) || WILDCARD.has(listener.address)));
    if (!clash) return;
    findings.push(
      bad(
        'listener-conflict',
        at(listener),
        `listener ${listener.port}${listener.address ? ` ${listener.address}` : ''} takes the port of the listener at ${place(clash)} (${clash.port}${clash.address ? ` ${clash.address}` : ', every address'}): Mosquitto ${version} refuses to start ("Address already in use")`,
        'Keep one listener per port and address: merge the two blocks, or give one another port (an address-less listener takes the port on every address).',
        { other: { file: clash.file, line: clash.line } },
      ),
    );
  });
  return findings;
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
    'per-listener-settings-late': '`per_listener_settings true` after a security option (Mosquitto refuses to start)',
    'listener-conflict': 'Two listeners on one port whose addresses overlap (Mosquitto refuses to start: address already in use)',
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
      findings.push(...startUpOrder(model, mosquitto.text));
      if (!findings.some((finding) => finding.status !== 'pass')) {
        findings.push(ok('ok', { file: model.root, line: 0 }, `${model.entries.length} options, all known to Mosquitto ${mosquitto.text} and where they belong`, { mosquittoVersion: mosquitto.text }));
      }
      return findings;
    });
  },
});
