// A diagnosis given the broker's configs (--config, --bridge-config): lint them, append what is not a
// pass, and cite their lines in the results. A module of its own so a plain diagnosis never loads
// the lint rules.
import { citeConfig } from './config/cite.js';
import { gatherLintFacts } from './config/lint-facts.js';
import { resolveMosquittoVersion } from './config/mosquitto-versions.js';
import type { DiagnoseOptions } from './diagnose.js';
import type { CheckResult } from './engine/types.js';
import type { prepareProbeContext } from './inputs.js';
import { runLintRules } from './lint.js';

/** Lints the given configs (each its own broker), appends what is not a pass, and cites lines. */
export function joinConfig(results: CheckResult[], options: DiagnoseOptions, context: ReturnType<typeof prepareProbeContext>): CheckResult[] {
  const paths = [options.config, options.bridgeConfig].filter((path): path is string => Boolean(path));
  // The client certificate of the run (--cert) is looked up in the config's CRLs too.
  const facts = gatherLintFacts(paths, { clientCertificates: options.cert ? [options.cert] : [] });
  const mosquitto = resolveMosquittoVersion(options.mosquittoVersion, () => undefined);
  const findings = runLintRules(facts, { now: options.now ?? new Date(), expiryWarnDays: context.expiryWarnDays, probePrefix: context.mqtt.probePrefix, mosquitto, live: { host: context.host, tls: context.port, wss: options.wssPort } }).filter(
    (finding) => finding.status !== 'pass',
  );
  const byPath = (path?: string) => facts.configs.find((model) => path && model.root === path);
  const cited = citeConfig(results, {
    cloud: byPath(options.config),
    lamp: byPath(options.bridgeConfig),
    findings,
    port: context.port,
    wssPort: context.mqtt.wssPort,
    plainPort: context.mqtt.plainPort,
  });
  return [...cited, ...findings];
}
