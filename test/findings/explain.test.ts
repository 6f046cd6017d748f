// `lampi-doctor explain`: the page of a code (its own, its area's or the generic one), a check's
// codes, and the nearest codes to a typo; the CLI runs the shipped bundle with the pages inlined.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findingCatalog } from '../../src/findings/catalog.js';
import { editDistance, explain, listing, nearestCodes, pageKey } from '../../src/findings/explain.js';
import { runCli } from '../helpers/cli.js';

describe('explain', () => {
  it('prints a code\'s own page', async () => {
    const found = await explain('tls.validity/expired');
    expect(found.kind).toBe('page');
    if (found.kind !== 'page') return;
    expect(found.text).toBe(readFileSync('docs/findings/tls.validity/expired.md', 'utf8'));
    expect(found.entry.title).toBe('A certificate in the chain has expired');
  });

  it('fills the generic page of a runner code with the check it is about, whatever the case typed', async () => {
    const found = await explain(' TCP.connect/Prerequisite-Not-Met ');
    expect(found.kind === 'page' && found.text.split('\n').slice(0, 4)).toEqual([
      '# tcp.connect/prerequisite-not-met',
      '',
      '## Cause',
      '**tcp.connect** was not run because a check it depends on did not pass: testing it would only repeat',
    ]);
  });

  it('shares an area page between the two bridge directions', async () => {
    const inbound = await explain('bridge.inbound/mapping-missing');
    const outbound = await explain('bridge.outbound/mapping-missing');
    expect(inbound.kind === 'page' && inbound.text).toContain('# bridge.inbound/mapping-missing\n');
    expect(inbound.kind === 'page' && inbound.text).toContain('so bridge.inbound\ncannot tell');
    expect(outbound.kind === 'page' && outbound.text).toContain('# bridge.outbound/mapping-missing\n');
  });

  it('prefers the most specific page', () => {
    const pages = { 'tls.key/ok': 'own', 'tls/ok': 'area', '_default/ok': 'generic' };
    expect(pageKey({ check: 'tls.key', slug: 'ok' }, pages)).toBe('tls.key/ok');
    expect(pageKey({ check: 'tls.chain', slug: 'ok' }, pages)).toBe('tls/ok');
    expect(pageKey({ check: 'dns.resolve', slug: 'ok' }, pages)).toBe('_default/ok');
    expect(pageKey({ check: 'dns.resolve', slug: 'gone' }, pages)).toBeUndefined();
  });

  it('lists a check\'s codes when given a check id', async () => {
    const found = await explain('plain.exposure');
    expect(found.kind === 'check' && found.entries.map((entry) => entry.slug)).toEqual([
      'ok', 'anonymous-open', 'plain-mqtt-exposed', 'port-open', 'loopback-target', 'no-address',
      'prerequisite-not-met', 'prerequisite-not-selected', 'internal-error', 'deadline', 'cancelled', 'overloaded',
    ]);
  });

  it('prints the pages of the shared verdicts (chain, alerts, CONNACKs) and of lint rules, and knows no undeclared code', async () => {
    for (const code of ['tls.chain/missing-intermediate', 'tls.handshake/crl-expired', 'mqtt.connect/not-authorised', 'wss.handshake/upgrade-refused', 'config.crl/expired']) {
      const found = await explain(code);
      expect(found.kind === 'page' && found.text, code).toBe(readFileSync(`docs/findings/${code}.md`, 'utf8'));
    }
    expect(await explain('tls.chain/no-such-finding')).toMatchObject({ kind: 'unknown' });
  });

  it('suggests the nearest codes for one it does not know', async () => {
    const found = await explain('tls.valdity/expird');
    expect(found).toMatchObject({ kind: 'unknown', input: 'tls.valdity/expird' });
    expect(found.kind === 'unknown' && found.nearest[0]).toBe('tls.validity/expired');
    const codes = findingCatalog().map((entry) => entry.code);
    expect(nearestCodes('refused', codes).slice(0, 2)).toEqual(['mqtt.connect/refused', 'tcp.connect/refused']);
    expect(nearestCodes('plain.exposure/anonymous', codes)[0]).toBe('plain.exposure/anonymous-open');
    expect(nearestCodes('x', ['b/bb', 'a/x', 'c/xy'], 2)).toEqual(['a/x', 'c/xy']);
  });

  it('measures edit distance', () => {
    expect([editDistance('', 'abc'), editDistance('kitten', 'sitting'), editDistance('same', 'same'), editDistance('ab', 'ba')]).toEqual([3, 3, 0, 2]);
  });

  it('lists codes in aligned columns', () => {
    expect(listing([
      { code: 'a.b/ok', check: 'a.b', slug: 'ok', title: 'Fine' },
      { code: 'a.b/longer', check: 'a.b', slug: 'longer', title: 'Longer' },
    ])).toBe('a.b/ok      Fine\na.b/longer  Longer\n');
  });
});

describe('lampi-doctor explain (the bundle)', () => {
  it('prints a page, exit 0', async () => {
    const run = await runCli(['explain', 'plain.exposure/anonymous-open']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(readFileSync('docs/findings/plain.exposure/anonymous-open.md', 'utf8'));
  });

  it('lists every code without one', async () => {
    const run = await runCli(['explain']);
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(findingCatalog().length);
    expect(run.stdout).toMatch(/^dns\.resolve\/does-not-resolve +The name does not resolve$/m);
  });

  it('exits 2 on an unknown code, with the nearest ones on one line', async () => {
    const run = await runCli(['explain', 'dns.resolve/not-found']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')[0]).toMatch(/^lampi-doctor: explain: no finding code dns\.resolve\/not-found\. Nearest: dns\.resolve\/[a-z-]+, /);
  });

  it('keeps the pages out of the entry file that --version loads', () => {
    expect(readFileSync('dist/lampi-doctor.js', 'utf8')).not.toContain('Confirm by hand');
  });
});
