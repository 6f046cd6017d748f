// The real check registry's wiring: what each check waits for (dependsOn) and reads (needs). A check
// whose prerequisites were emptied would run on a broken setup and report a knock-on failure, or
// pass on facts that were never gathered: these tests fail then.
import { describe, expect, it } from 'vitest';
import { diagnosisChecks, type DiagnosisCheck } from '../../checks/index.js';
import { runChecks, type FactSource } from '../../src/engine/runner.js';
import { planChecks } from '../../src/engine/selection.js';
import type { CheckResult } from '../../src/engine/types.js';
import type { DiagnosisFacts } from '../../src/facts.js';
import { healthyFacts, settings, withFacts } from '../helpers/facts.js';

/** Written out by hand on purpose: a change to the wiring has to change this table too. */
const WIRING: Record<string, { dependsOn: string[]; needs: (keyof DiagnosisFacts)[] }> = {
  'dns.resolve': { dependsOn: [], needs: ['resolution', 'literalTarget'] },
  'tcp.connect': { dependsOn: ['dns.resolve'], needs: ['tcp', 'resolution'] },
  'tls.handshake': { dependsOn: ['tcp.connect'], needs: ['handshake', 'clientCertificate'] },
  'tls.version': { dependsOn: ['tcp.connect'], needs: ['protocolSupport', 'serverChain'] },
  'tls.chain': { dependsOn: ['tcp.connect'], needs: ['serverChain'] },
  'tls.hostname': { dependsOn: ['tcp.connect'], needs: ['serverChain'] },
  'tls.validity': { dependsOn: ['tcp.connect'], needs: ['serverChain'] },
  'tls.key': { dependsOn: ['tcp.connect'], needs: ['serverChain'] },
  'tls.client-auth': { dependsOn: ['tcp.connect'], needs: ['clientAuth', 'clientCertificate', 'handshake'] },
  'mqtt.connect': { dependsOn: ['tls.chain', 'tls.hostname'], needs: ['mqttConnect', 'clientCertificate'] },
  'mqtt.roundtrip': { dependsOn: ['mqtt.connect'], needs: ['roundtrip', 'clientCertificate'] },
  'bridge.status': { dependsOn: ['mqtt.connect'], needs: ['bridgeState', 'serverChain'] },
  'bridge.inbound': { dependsOn: ['mqtt.roundtrip'], needs: ['bridgeInbound', 'bridgeState'] },
  'bridge.outbound': { dependsOn: ['mqtt.roundtrip'], needs: ['bridgeOutbound', 'bridgeState'] },
  'wss.handshake': { dependsOn: ['dns.resolve'], needs: ['wss'] },
  'wss.connect': { dependsOn: ['wss.handshake'], needs: ['wssConnect'] },
  'plain.exposure': { dependsOn: ['dns.resolve'], needs: ['plainExposure'] },
};

const ids = Object.keys(WIRING);

/** Every check that (transitively) waits for `id`, by the table. */
function dependentsOf(id: string): Set<string> {
  const found = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const [other, { dependsOn }] of Object.entries(WIRING)) {
      if (!found.has(other) && dependsOn.some((prerequisite) => prerequisite === id || found.has(prerequisite))) {
        found.add(other);
        grew = true;
      }
    }
  }
  return found;
}

/** Facts handed over as they are; a check that reads a fact it did not declare gets nothing. */
function factsOf(facts: DiagnosisFacts): FactSource<DiagnosisFacts> & { asked: Set<string> } {
  const asked = new Set<string>();
  return { asked, get: async (key) => (asked.add(key), facts[key]) };
}

function run(checks: readonly DiagnosisCheck[], facts: DiagnosisFacts, hidden?: Set<string>): Promise<CheckResult[]> {
  return runChecks({ checks, hidden, facts: factsOf(facts), settings, deadlineMs: 5000 });
}

const byId = (results: CheckResult[]) => Object.fromEntries(results.map((result) => [result.id, result]));

describe('the check registry', () => {
  it('lists the checks in report order, with the wiring of the table', () => {
    expect(diagnosisChecks.map((check) => check.id)).toEqual(ids);
    for (const check of diagnosisChecks) {
      expect({ id: check.id, dependsOn: check.dependsOn, needs: check.needs }).toEqual({ id: check.id, ...WIRING[check.id] });
    }
  });

  it('lets bridge.status read the bridge flows only where their checks gather them (live evidence, never probed for it alone)', () => {
    const readers = diagnosisChecks.filter((check) => check.reads?.length).map((check) => [check.id, check.reads]);
    expect(readers).toEqual([['bridge.status', ['bridgeInbound', 'bridgeOutbound']]]);
  });

  it('passes every check of a healthy setup, each reading the facts it declares', async () => {
    const results = await run(diagnosisChecks, healthyFacts());
    const okCode = (id: string) => (id === 'bridge.status' ? `${id}/connected` : `${id}/ok`);
    expect(results.map((result) => `${result.code} ${result.status}`)).toEqual(ids.map((id) => `${okCode(id)} pass`));
  });

  it('reads only the facts its checks need', async () => {
    const source = factsOf(healthyFacts());
    const only = diagnosisChecks.filter((check) => ['dns.resolve', 'tcp.connect', 'tls.version'].includes(check.id));
    await runChecks({ checks: only, facts: source, settings, deadlineMs: 5000 });
    expect([...source.asked].sort()).toEqual(['literalTarget', 'protocolSupport', 'resolution', 'serverChain', 'tcp']);
  });

  it.each(ids.filter((id) => dependentsOf(id).size > 0))('skips everything that waits for %s when it fails, and nothing else', async (failing) => {
    const checks = diagnosisChecks.map((check) =>
      check.id === failing ? { ...check, run: () => ({ status: 'fail' as const, summary: 'broken on purpose', hint: 'none', code: 'broken' }) } : check,
    );
    const results = byId(await run(checks, healthyFacts()));
    const dependents = dependentsOf(failing);
    for (const id of ids) {
      const expected = id === failing ? 'fail' : dependents.has(id) ? 'skip' : 'pass';
      expect(`${id} ${results[id].status}`).toBe(`${id} ${expected}`);
    }
    for (const id of dependents) {
      expect(results[id]).toMatchObject({ code: `${id}/prerequisite-not-met`, skipKind: 'prerequisite-failed', evidence: { prerequisite: `${failing}/broken` } });
      expect(results[id].summary).toBe(`not run: ${failing} did not pass (fail)`);
    }
  });
});

describe('--only with prerequisites that were not selected', () => {
  const unresolved = withFacts((facts) => {
    Object.assign(facts.resolution, { addresses: [], errorCode: 'ENOTFOUND' });
    facts.tcp = { port: 8883, outcome: 'no-address', elapsedMs: 0 };
    facts.plainExposure = { port: 1883, indistinguishable: false, tcp: { port: 1883, outcome: 'no-address', elapsedMs: 0 } };
  });

  it('runs them hidden: plain.exposure on a name that does not resolve is skipped, naming the lookup, which is reported as the failure', async () => {
    const plan = planChecks(diagnosisChecks, ['plain.exposure']);
    expect(plan.checks.map((check) => check.id)).toEqual(['dns.resolve', 'plain.exposure']);
    const results = await run(plan.checks, unresolved, plan.hidden);
    expect(results.map((result) => `${result.code} ${result.status}`)).toEqual(['dns.resolve/does-not-resolve fail', 'plain.exposure/prerequisite-not-met skip']);
    expect(results[1]).toMatchObject({
      id: 'plain.exposure',
      status: 'skip',
      skipKind: 'prerequisite-failed',
      code: 'plain.exposure/prerequisite-not-met',
      summary: 'not run: dns.resolve did not pass (fail: cloud.example.com does not resolve (ENOTFOUND))',
      evidence: { prerequisite: 'dns.resolve/does-not-resolve' },
    });
  });

  it('gives a real verdict when the hidden prerequisites pass', async () => {
    const plan = planChecks(diagnosisChecks, ['mqtt.roundtrip']);
    expect(plan.checks.map((check) => check.id)).toEqual(['dns.resolve', 'tcp.connect', 'tls.chain', 'tls.hostname', 'mqtt.connect', 'mqtt.roundtrip']);
    expect([...plan.hidden].sort()).toEqual(['dns.resolve', 'mqtt.connect', 'tcp.connect', 'tls.chain', 'tls.hostname']);
    const results = await run(plan.checks, healthyFacts(), plan.hidden);
    expect(results.map((result) => result.code)).toEqual(['mqtt.roundtrip/ok']);
  });

  it('reports hidden prerequisites to no progress hook', async () => {
    const plan = planChecks(diagnosisChecks, ['tcp']);
    const seen: string[] = [];
    await runChecks({ checks: plan.checks, hidden: plan.hidden, facts: factsOf(healthyFacts()), settings, deadlineMs: 5000, hooks: { onStart: (c) => seen.push(`start ${c.id}`), onFinish: (r) => seen.push(`end ${r.id}`) } });
    expect(seen).toEqual(['start tcp.connect', 'end tcp.connect']);
  });

  it('does not run what --skip left out: its dependents skip as not-selected, naming it', async () => {
    const plan = planChecks(diagnosisChecks, ['mqtt'], ['tls.hostname']);
    expect(plan.checks.map((check) => check.id)).toEqual(['dns.resolve', 'tcp.connect', 'tls.chain', 'mqtt.connect', 'mqtt.roundtrip']);
    const results = await run(plan.checks, healthyFacts(), plan.hidden);
    expect(results.map((result) => [result.code, result.skipKind])).toEqual([
      ['mqtt.connect/prerequisite-not-selected', 'not-selected'],
      ['mqtt.roundtrip/prerequisite-not-selected', 'not-selected'],
    ]);
    expect(results[0].summary).toBe('not run: it needs tls.hostname, which was left out of this run');
    expect(results[1].summary).toBe(results[0].summary);
  });
});
