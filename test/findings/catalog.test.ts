// The finding-code catalog: every code a check or lint rule can emit is declared, listed in
// schema/finding-codes.json and explained by a page (cause, how to confirm by hand, the fix).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defineRule } from '../../checks/config/define.js';
import { lintRules } from '../../checks/config/index.js';
import { diagnosisChecks } from '../../checks/index.js';
import { defineCheck } from '../../src/engine/types.js';
import { catalogDocument, findingCatalog } from '../../src/findings/catalog.js';
import { DEFAULT_FOLDER, pageKey } from '../../src/findings/explain.js';
import { pageFiles } from '../../src/findings/page-files.js';

const catalog = findingCatalog();
const pages = await pageFiles();

describe('the finding-code catalog', () => {
  it('is what schema/finding-codes.json lists (run `npm run codes` after changing a check\'s codes)', () => {
    expect(JSON.parse(readFileSync('schema/finding-codes.json', 'utf8'))).toEqual(catalogDocument());
  });

  it('holds kebab-case codes, each once, that the report schema accepts', () => {
    const pattern = new RegExp(JSON.parse(readFileSync('schema/report.schema.json', 'utf8')).definitions.check.properties.code.pattern);
    for (const { code, slug } of catalog) {
      expect(slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(code).toMatch(pattern);
    }
    expect(new Set(catalog.map((entry) => entry.code)).size).toBe(catalog.length);
  });

  it('lists each check\'s named findings and what the runner adds', () => {
    const codes = new Set(catalog.map((entry) => entry.code));
    for (const code of ['dns.resolve/does-not-resolve', 'plain.exposure/no-address', 'bridge.outbound/mapping-missing', 'tls.chain/prerequisite-not-met', 'tls.key/prerequisite-not-selected', 'wss.connect/deadline']) {
      expect(codes).toContain(code);
    }
    expect(catalog.find((entry) => entry.code === 'tcp.connect/refused')?.title).toBe('The connection is refused: nothing listens on the port');
  });

  it.each([...diagnosisChecks, ...lintRules].map((check) => [check.id, check] as const))('%s declares its codes', (_, check) => {
    expect(Object.keys(check.codes ?? {}).length, `${check.id}: declare every slug it can return in \`codes\``).toBeGreaterThan(0);
    // No generic per-status slug: a finding is named for what it is.
    expect(Object.keys(check.codes)).not.toContain('warning');
  });

  it('names the findings of checks that share a verdict helper alike', () => {
    const slugs = (id: string) => catalog.filter((entry) => entry.check === id).map((entry) => entry.slug);
    expect(slugs('tls.handshake')).toEqual(expect.arrayContaining(['client-revoked', 'crl-expired', 'broker-lacks-client-issuer', 'plain-mqtt', 'oversized-chain']));
    expect(slugs('mqtt.connect')).toEqual(expect.arrayContaining(['client-revoked', 'crl-expired', 'not-authorised', 'no-certificate-identity', 'tls-refused']));
    // A browser sends no client certificate: wss.connect cannot blame one.
    expect(slugs('wss.connect')).toEqual(expect.arrayContaining(['not-tried', 'not-authorised', 'client-certificate-required']));
    expect(slugs('wss.connect')).not.toContain('crl-expired');
    expect(slugs('tls.chain')).toEqual(expect.arrayContaining(['missing-intermediate', 'ca-lacks-root', 'unknown-ca', 'not-seen']));
  });
});

describe('explanation pages', () => {
  it.each(catalog.map((entry) => [entry.code, entry] as const))('%s has a page', (_, entry) => {
    expect(pageKey(entry, pages), `write docs/findings/${entry.code}.md (or a shared page)`).toBeDefined();
  });

  it.each(Object.keys(pages))('%s has a title, a cause, a way to confirm it by hand, and the fix', (key) => {
    const text = pages[key];
    const shared = key.startsWith(`${DEFAULT_FOLDER}/`) || !key.split('/')[0].includes('.');
    expect(text.split('\n')[0]).toBe(shared ? '# {{code}}' : `# ${key}`);
    const sections = [...text.matchAll(/^## (.+)$/gm)].map((match) => match[1]);
    expect(sections).toEqual(['Cause', 'Confirm by hand', 'Fix']);
    // A command to run, inline or in a block.
    expect(text.split('## Confirm by hand')[1].split('## Fix')[0]).toMatch(/```sh\n\S|`[^`\n]*[a-z][^`\n]*`/);
  });

  it('has no page that no code is explained by', () => {
    const used = new Set(catalog.map((entry) => pageKey(entry, pages)));
    for (const key of Object.keys(pages)) expect(used, `docs/findings/${key}.md explains no declared code`).toContain(key);
  });
});

describe('declared codes are enforced in tests', () => {
  const toy = (code: string | undefined) =>
    defineCheck<{ x: number }, object>()({ id: 'toy.check', title: 'Toy', dependsOn: [], needs: ['x'], codes: { ok: 'fine', broken: 'broken' }, run: () => ({ status: 'fail', summary: 's', hint: 'h', code }) });

  it('passes a declared code through, and throws on one the check does not declare', () => {
    expect(toy('broken').run({ x: 1 }, {}).code).toBe('broken');
    expect(() => toy('surprise').run({ x: 1 }, {})).toThrow("toy.check returned the finding code toy.check/surprise, which its `codes` do not declare");
    expect(() => toy(undefined).run({ x: 1 }, {})).toThrow('toy.check/failed');
  });

  it('refuses a check or rule that declares no codes', () => {
    const plain = { id: 'toy.plain', title: 'Toy', dependsOn: [], needs: [], run: () => ({ status: 'skip' as const, summary: 's' }) };
    expect(() => defineCheck<{ x: number }, object>()(plain as never)).toThrow('toy.plain declares no `codes`');
    expect(() => defineCheck<{ x: number }, object>()({ ...plain, codes: {} })).toThrow('toy.plain declares no `codes`');
    expect(() => defineRule({ id: 'config.free', title: 'Free', run: () => [] } as never)).toThrow('config.free declares no `codes`');
  });

  it('accepts the runner\'s codes from any check', () => {
    expect(toy('internal-error').run({ x: 1 }, {}).code).toBe('internal-error');
  });

  it('holds lint rules to their declarations too', () => {
    const rule = (code?: string) => defineRule({ id: 'config.toy', title: 'Toy', codes: { declared: 'Declared' }, run: () => [{ file: 'f', line: 1, status: 'warn', summary: 's', hint: 'h', code }] });
    expect(rule('declared').run({ configs: [] } as never, {} as never)[0].code).toBe('declared');
    expect(() => rule('other').run({ configs: [] } as never, {} as never)).toThrow('config.toy gave the finding code config.toy/other');
  });
});
