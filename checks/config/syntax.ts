// config.load and config.option: can Mosquitto read this, and does every line mean what it says
// to the Mosquitto version that reads it?
import { ALIASES, contextOf, deprecationOf, introducedIn, knownIn, vocabulary, type MosquittoVersion } from '../../src/config/mosquitto-versions.js';
import { BOOLEAN_OPTIONS, BRIDGE_EQUIVALENT, nearestOption, PATH_VALUE_OPTIONS, SINGLE_VALUE_OPTIONS, tlsVersionsOf } from '../../src/config/options.js';
import { basename } from 'node:path';
import type { ConfEntry, LayoutFact } from '../../src/config/mosquitto-conf.js';
import { invalidBoolean, last, SECURITY_OPTIONS, unsupportedTlsVersion, type ConfigModel } from '../../src/config/model.js';
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

/** A line as a summary shows it: tabs as <TAB>, a byte order mark as <BOM>. */
const shown = (text: string) => quoted(text.replaceAll('\t', '<TAB>').replace(/^\ufeff/, '<BOM>').trim());

/** The name Mosquitto's "Duplicate X value" message gives an option (src/conf.c). */
const DUPLICATE_NAME: Record<string, string> = {
  remote_clientid: 'bridge remote clientid',
  local_clientid: 'bridge local clientd',
  local_password: 'bridge local_password',
  local_username: 'bridge local_username',
  remote_password: 'bridge remote_password',
  remote_username: 'bridge remote_username',
  bind_address: 'default listener bind_address',
};

/** Options Mosquitto reads as a number with atoi (src/conf.c), which stops at a tab. */
const NUMBER_OPTIONS = new Set(['autosave_interval', 'bridge_max_packet_size', 'idle_timeout', 'keepalive_interval', 'log_facility', 'max_connections', 'max_qos', 'maximum_qos', 'max_inflight_bytes', 'max_inflight_messages', 'max_keepalive', 'max_packet_size', 'max_queued_bytes', 'max_queued_messages', 'max_topic_alias', 'memory_limit', 'message_size_limit', 'port', 'sys_interval', 'threshold', 'websockets_headers_size', 'websockets_log_level']);

const YES = new Set(['yes', 'y', 'on', 'enable', 'enabled']);

function layoutFinding(fact: LayoutFact, model: ConfigModel, version: string): LintFinding | undefined {
  const place = { file: fact.file, line: fact.line };
  const evidence = { line: fact.text.replaceAll('\t', '<TAB>').replace(/^\ufeff/, '<BOM>'), mosquittoVersion: version };
  if (fact.kind === 'byte-order-mark') {
    const word = fact.text.slice(1).split(' ').find(Boolean) ?? '';
    return bad(
      'byte-order-mark',
      place,
      `${basename(fact.file)} starts with a UTF-8 byte order mark (bytes EF BB BF, left by some Windows editors): Mosquitto ${version} reads it as part of the first word, "<BOM>${quoted(word)}", and refuses to start (exit 3, "Unknown configuration variable")`,
      `Save the file without the byte order mark: \`sudo sed -i '1s/^\\xEF\\xBB\\xBF//' ${fact.file}\`, then restart mosquitto.`,
      evidence,
    );
  }
  if (fact.kind === 'indented-comment') {
    return bad(
      'indented-comment',
      place,
      `line ${fact.line} is a comment indented with spaces ("${shown(fact.text)}"): only a # in the first column starts a comment, so Mosquitto ${version} reads # as an option and refuses to start (exit 3: Unknown configuration variable "#")`,
      'Move the # to the first column of the line (or delete the line).',
      evidence,
    );
  }
  // A tab. Mosquitto splits a line at spaces only (strtok with " "), so a tab joins the words around it.
  const text = fact.text;
  const firstWord = text.replace(/^ +/, '').split(' ')[0];
  const fix = `Write spaces instead of tabs, and no indentation before an option: \`sudo sed -i 's/\\t/ /g' ${fact.file}\`.`;
  if (firstWord.includes('\t')) {
    const what = /^ *\t/.test(text) ? (text.trim() === '' ? 'a line of only blanks with a tab' : 'a tab before the option') : 'a tab between the option and its value';
    return bad('tab', place, `line ${fact.line} has ${what} ("${shown(text)}"): Mosquitto ${version} splits words at spaces only, reads "${shown(firstWord) || '<TAB>'}" as the option's name and refuses to start (exit 3, "Unknown configuration variable")`, fix, evidence);
  }
  const key = firstWord;
  const rest = text.replace(/^ *[^ ]+ ?/, '');
  // Harmless where Mosquitto trims blanks (tabs too) at both ends of the value, or reads a number with atoi
  // ("max_connections 10<TAB>" is 10): measured with 2.0.11.
  if ((SINGLE_VALUE_OPTIONS.has(key) || NUMBER_OPTIONS.has(key)) && !rest.trim().includes('\t')) return undefined;
  const word = rest.split(' ').find((w) => w.includes('\t')) ?? rest;
  if (BOOLEAN_OPTIONS.has(key)) {
    return bad('tab', place, `line ${fact.line} has a tab after \`${key}\`'s value ("${shown(text)}"): Mosquitto ${version} splits words at spaces only, reads the value as "${shown(word)}" and refuses to start (exit 3, "Invalid ${key} value")`, fix, evidence);
  }
  if (key === 'listener') {
    return bad('tab', place, `line ${fact.line} has a tab between the port and the address ("${shown(text)}"): Mosquitto ${version} splits words at spaces only, reads the port and no address, and listens on every address (measured: IPv4 and IPv6), not only the one written`, fix, evidence);
  }
  return bad('tab', place, `line ${fact.line} has a tab between words ("${shown(text)}"): Mosquitto ${version} splits words at spaces only and reads "${shown(word)}" as one word, so the line does not mean what it shows`, fix, evidence);
}

/** The scope a second value of the option collides in: its listener, its bridge, or the whole configuration. */
function duplicateScope(entry: ConfEntry, model: ConfigModel, listenerIndex: number, bridgeIndex: number): string {
  if (entry.key === 'bind_address') return 'global';
  const context = contextOf(entry.key);
  if (context === 'listener') return `listener ${listenerIndex}`;
  if (context === 'bridge') return `bridge ${bridgeIndex}`;
  return SECURITY_OPTIONS.has(entry.key) && model.perListenerSettings ? `listener ${listenerIndex}` : 'global';
}

/**
 * Values Mosquitto refuses to start with although the option is right: a boolean other than
 * true/false/1/0, a second value of a string option, a tls_version it does not know, a comment after
 * a path, a bridge with both a pre-shared key and certificates; and the layout it reads otherwise
 * (byte order mark, tabs, indented comments). Each measured with Mosquitto 2.0.11's `mosquitto -c`.
 */
function startUpValues(model: ConfigModel, mosquitto: MosquittoVersion): LintFinding[] {
  const version = mosquitto.text;
  const findings: LintFinding[] = [];
  for (const fact of model.layout) {
    const finding = layoutFinding(fact, model, version);
    if (finding) findings.push(finding);
  }
  const first = new Map<string, ConfEntry>();
  let listenerIndex = 0;
  let bridgeIndex = 0;
  for (const entry of model.entries) {
    if (entry.key === 'listener') listenerIndex += 1;
    if (entry.key === 'connection') bridgeIndex += 1;
    if (invalidBoolean(entry)) {
      const value = entry.args[0];
      const meant = YES.has(value.toLowerCase()) || value.toLowerCase() === 'true' ? 'true' : 'false';
      findings.push(
        bad(
          'invalid-boolean',
          at(entry),
          `\`${entry.key} ${quoted(value)}\`: Mosquitto ${version} refuses to start (exit 3, "Invalid ${entry.key} value (${quoted(value)})"): it accepts only \`true\` and \`false\` (or 1 and 0), in lower case`,
          `Write \`${entry.key} ${meant}\`${YES.has(value.toLowerCase()) || /^(no|n|off|true|false)$/i.test(value) ? '' : ' (or false)'}.`,
          { option: entry.key, value, accepted: ['true', 'false', '1', '0'], mosquittoVersion: version },
        ),
      );
    }
    if (SINGLE_VALUE_OPTIONS.has(entry.key) && entry.args.length > 0) {
      const canonical = ALIASES[entry.key] ?? entry.key;
      const scope = `${duplicateScope(entry, model, listenerIndex, bridgeIndex)}|${canonical}`;
      const earlier = first.get(scope);
      if (earlier) {
        const where = earlier.file === entry.file ? `line ${earlier.line}` : place(earlier);
        findings.push(
          bad(
            'duplicate-value',
            at(entry),
            `\`${entry.key}\` is given a second time (first on ${where}): Mosquitto ${version} does not let the last one win but refuses to start (exit 3, "Duplicate ${DUPLICATE_NAME[canonical] ?? canonical} value in configuration")`,
            `Keep one \`${canonical}\` line${scope.startsWith('global') ? ' in the whole configuration (include_dir files count)' : scope.startsWith('listener') ? ' in this listener' : ' in this bridge'}: delete ${where === `line ${earlier.line}` ? `line ${earlier.line} or line ${entry.line}` : `this line or ${where}`}.`,
            { option: entry.key, first: { file: earlier.file, line: earlier.line }, mosquittoVersion: version },
          ),
        );
      } else first.set(scope, entry);
    }
  }
  const tlsVersions = tlsVersionsOf(mosquitto);
  const refusedVersions = new Set<ConfEntry>();
  for (const listener of model.listeners) {
    const entry = unsupportedTlsVersion(listener, mosquitto);
    if (!entry) continue;
    refusedVersions.add(entry);
    const value = entry.args.join(' ');
    const lower = value.toLowerCase();
    findings.push(
      bad(
        'unsupported-tls-version',
        at(entry),
        `\`tls_version ${quoted(value)}\`: Mosquitto ${version} refuses to start (exit 1: Unsupported tls_version "${quoted(value)}"): it takes ${tlsVersions.join(', ')} only, in lower case`,
        `Write \`tls_version ${tlsVersions.includes(lower) ? lower : 'tlsv1.2'}\`.`,
        { option: 'tls_version', value, accepted: [...tlsVersions], mosquittoVersion: version },
      ),
    );
  }
  for (const bridge of model.bridges) {
    const entry = last(bridge, 'bridge_tls_version');
    if (entry && (last(bridge, 'bridge_cafile') || last(bridge, 'bridge_capath')) && !tlsVersions.includes(entry.args.join(' '))) {
      const value = entry.args.join(' ');
      const lower = value.toLowerCase();
      refusedVersions.add(entry);
      findings.push(
        bad(
          'unsupported-tls-version',
          at(entry),
          `\`bridge_tls_version ${quoted(value)}\` (bridge ${bridge.name}): Mosquitto ${version} starts, but the bridge never connects ("Protocol ${quoted(value)} not supported"): it takes ${tlsVersions.join(', ')} only, in lower case`,
          `Write \`bridge_tls_version ${tlsVersions.includes(lower) ? lower : 'tlsv1.2'}\`.`,
          { option: 'bridge_tls_version', value, accepted: [...tlsVersions], mosquittoVersion: version },
        ),
      );
    }
    const order = bridge.entries.filter((entry) => ['bridge_identity', 'bridge_psk', 'bridge_cafile', 'bridge_capath', 'bridge_certfile', 'bridge_keyfile'].includes(entry.key));
    const psk = (entry: ConfEntry) => entry.key === 'bridge_identity' || entry.key === 'bridge_psk';
    const clash = order.find((entry, index) => order.slice(0, index).some((before) => psk(before) !== psk(entry)));
    if (clash) {
      const before = order.find((entry) => psk(entry) !== psk(clash))!;
      const message = clash.key === 'bridge_identity' ? 'Cannot use both certificate and identity encryption in a single bridge' : 'Cannot use both certificate and psk encryption in a single bridge';
      const [pskLine, certLine] = psk(clash) ? [clash, before] : [before, clash];
      findings.push(
        bad(
          'psk-with-certificate',
          at(clash),
          `bridge ${bridge.name} sets \`${pskLine.key}\` (line ${pskLine.line}) and \`${certLine.key}\` (line ${certLine.line}): a bridge uses a pre-shared key or certificates, not both, and Mosquitto ${version} refuses to start (exit 3, "${message}")`,
          'For a bridge that logs in with its certificate (as the lampi bridge does), delete the `bridge_identity` and `bridge_psk` lines; for a PSK bridge, delete the bridge_cafile, bridge_capath, bridge_certfile and bridge_keyfile lines.',
          { bridge: bridge.name, psk: { option: pskLine.key, line: pskLine.line }, certificate: { option: certLine.key, line: certLine.line }, mosquittoVersion: version },
        ),
      );
    }
  }
  for (const entry of model.entries) {
    if (!SINGLE_VALUE_OPTIONS.has(entry.key) || refusedVersions.has(entry)) continue;
    const comment = entry.args.findIndex((word, index) => index > 0 && word.startsWith('#'));
    if (comment < 0) continue;
    const value = entry.args.join(' ');
    const intended = entry.args.slice(0, comment).join(' ');
    const isPath = PATH_VALUE_OPTIONS.has(entry.key);
    findings.push(
      (isPath ? bad : doubt)(
        'inline-comment',
        at(entry),
        `\`${entry.key}\` is followed by a comment: Mosquitto ${version} takes the whole rest of the line as its value, comment included, so it ${isPath ? `opens "${quoted(value)}", a path that is not there (with certfile, keyfile or cafile it refuses to start: exit 1, "Unable to load ...")` : `uses "${quoted(value)}", not "${quoted(intended)}"`}`,
        `Put the comment on a line of its own, starting with # in the first column: \`${entry.key} ${quoted(intended)}\`.`,
        { option: entry.key, value, intended, mosquittoVersion: version },
      ),
    );
  }
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
    'invalid-boolean': 'A boolean option with a value other than true, false, 1 or 0 (Mosquitto refuses to start)',
    'duplicate-value': 'A string option (a path, tls_version, a client id...) given twice where Mosquitto takes one (it refuses to start)',
    'unsupported-tls-version': 'A tls_version or bridge_tls_version Mosquitto does not know (the listener refuses to start; the bridge never connects)',
    'inline-comment': 'A comment after a string value, which Mosquitto takes as part of the value (a path that is not there)',
    tab: 'A tab on an option line: Mosquitto splits words at spaces only',
    'byte-order-mark': 'A configuration file that starts with a UTF-8 byte order mark (Mosquitto refuses to start)',
    'indented-comment': 'A comment line indented with spaces: Mosquitto reads # as an option (it refuses to start)',
    'psk-with-certificate': 'A bridge with both a pre-shared key (bridge_identity, bridge_psk) and certificates (Mosquitto refuses to start)',
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
          // A second value of a string option is no "last one wins": startUpValues names it (duplicate-value).
          const single = SINGLE_VALUE_OPTIONS.has(entry.key);
          if (entry.args.length === 0 && !NO_VALUE_OK.has(entry.key)) {
            findings.push(bad('no-value', at(entry), `\`${entry.key}\` has no value`, `Give it one (see mosquitto.conf(5)), or remove the line.`));
          }
          const key = ALIASES[entry.key] ?? entry.key;
          const earlier = seen.get(key);
          if (earlier !== undefined && !single) {
            findings.push(doubt('repeated', at(entry), `\`${entry.key}\` is set again (first on line ${earlier}); the last one wins`, 'Keep one line, so what you read is what Mosquitto does.'));
          }
          seen.set(key, entry.line);
        }
      }
      findings.push(...startUpOrder(model, mosquitto.text));
      findings.push(...startUpValues(model, mosquitto));
      if (!findings.some((finding) => finding.status !== 'pass')) {
        findings.push(ok('ok', { file: model.root, line: 0 }, `${model.entries.length} options, all known to Mosquitto ${mosquitto.text} and where they belong`, { mosquittoVersion: mosquitto.text }));
      }
      return findings;
    });
  },
});
