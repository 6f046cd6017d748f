// Config lint rules: like checks, they only decide; each finding points at a file and line.
import type { ConfEntry } from '../../src/config/mosquitto-conf.js';
import type { Block, ConfigModel, ListenerModel } from '../../src/config/model.js';
import { isTls, isWebsockets, last } from '../../src/config/model.js';
import type { LintFacts } from '../../src/config/lint-facts.js';
import type { MosquittoVersion } from '../../src/config/mosquitto-versions.js';
import { RUNNER_CODES, slugOf, type Evidence, type FindingCodes, type Outcome } from '../../src/engine/types.js';

export interface LintFinding extends Outcome {
  file: string;
  line: number;
}

export interface LintSettings {
  now: Date;
  expiryWarnDays: number;
  /** Local prefix of the diagnostic bridge mapping (lampi-doctor/). */
  probePrefix: string;
  /** The Mosquitto version verdicts key on (--mosquitto-version, the local binary, or 2.0.11). */
  mosquitto: MosquittoVersion;
  /** A live run's target (its host, --port, and --wss-port when given): what a bridge dials, without the broker's config. */
  live?: { host?: string; tls?: number; wss?: number };
}

export interface LintRule {
  id: string;
  title: string;
  /** Every slug `run` can give a finding, with its title: the finding-code catalog is built from these. */
  codes: FindingCodes;
  run(facts: LintFacts, settings: LintSettings): LintFinding[];
}

/** As defineCheck: a rule is held to the codes it declares under the test runner. */
export const defineRule = (rule: LintRule): LintRule => {
  if (!process.env.VITEST) return rule;
  if (!rule.codes || Object.keys(rule.codes).length === 0) throw new Error(`${rule.id} declares no \`codes\`: list every slug its run can give, with its title`);
  const slugs = rule.codes;
  return {
    ...rule,
    run(facts, settings) {
      const findings = rule.run(facts, settings);
      const undeclared = findings.map(slugOf).find((slug) => !Object.hasOwn(slugs, slug) && !Object.hasOwn(RUNNER_CODES, slug));
      if (undeclared) throw new Error(`${rule.id} gave the finding code ${rule.id}/${undeclared}, which its \`codes\` do not declare`);
      return findings;
    },
  };
};

type At = { file: string; line: number };
export const at = (place: At | ConfEntry | Block): At => ({ file: place.file, line: place.line });

// Every finding names its slug first (`config.files/not-a-crl`); docs/findings/<rule id>/<slug>.md explains it.
export const ok = (code: string, place: At, summary: string, evidence?: Evidence): LintFinding => ({ ...place, status: 'pass', summary, evidence, code });
export const bad = (code: string, place: At, summary: string, hint: string, evidence?: Evidence): LintFinding => ({ ...place, status: 'fail', summary, hint, evidence, code });
export const doubt = (code: string, place: At, summary: string, hint: string, evidence?: Evidence): LintFinding => ({ ...place, status: 'warn', summary, hint, evidence, code });

export function listenerName(listener: ListenerModel): string {
  return listener.implicit ? `the default listener (port ${listener.port})` : `listener ${listener.port}${listener.address ? ` ${listener.address}` : ''}`;
}

/**
 * One word of a bridge's `address` line as Mosquitto 2.0.11 reads it (src/conf.c): the line is split
 * on spaces only, each word is an address; the host is what comes before the last ':', the port
 * atoi() of the rest (so `8883,` is 8883, `abc` is 0, which Mosquitto refuses), 1883 without a ':'.
 */
export function mosquittoAddress(word: string): { host: string; port: number } {
  const colon = word.lastIndexOf(':');
  if (colon < 0) return { host: word, port: 1883 };
  const digits = /^\s*([+-]?\d+)/.exec(word.slice(colon + 1))?.[1];
  return { host: word.slice(0, colon), port: digits === undefined ? 0 : Number(digits) };
}

/** The TLS listener (in another config) that a bridge's `address` port reaches, if linted alongside. */
export function remoteListener(facts: LintFacts, own: ConfigModel, address: ConfEntry | undefined): { model: ConfigModel; listener: ListenerModel } | undefined {
  const target = address?.args[0];
  if (!target) return undefined;
  const port = mosquittoAddress(target).port;
  for (const model of facts.configs) {
    if (model === own) continue;
    // A bridge speaks MQTT: a websockets listener on the port is no remote it can reach.
    const listener = model.listeners.find((l) => l.port === port && isTls(l) && !isWebsockets(l));
    if (listener) return { model, listener };
  }
  return undefined;
}

/** The listener (in another config) on the port a bridge dials, whatever it speaks. */
export function listenerOnPort(facts: LintFacts, own: ConfigModel, port: number): { model: ConfigModel; listener: ListenerModel } | undefined {
  for (const model of facts.configs) {
    if (model === own) continue;
    const listener = model.listeners.find((l) => l.port === port);
    if (listener) return { model, listener };
  }
  return undefined;
}

/** The TLS MQTT listeners of the other configs (the broker's ports a bridge can dial). */
export function tlsMqttListeners(facts: LintFacts, own: ConfigModel): ListenerModel[] {
  return facts.configs.filter((model) => model !== own).flatMap((model) => model.listeners.filter((l) => isTls(l) && !isWebsockets(l)));
}

export { last };
