// The finding-code catalog: every code a check or lint rule can emit is declared, listed in
// schema/finding-codes.json and explained by a page (cause, how to confirm by hand, the fix).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defineRule } from '../../checks/config/define.js';
import { diagnosisChecks } from '../../checks/index.js';
import { defineCheck } from '../../src/engine/types.js';
import { catalogDocument, findingCatalog, undeclared } from '../../src/findings/catalog.js';
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

  it('gives every check that names no findings the defaults per status', () => {
    const undeclared = diagnosisChecks.filter((check) => !check.codes);
    for (const check of undeclared) {
      expect(catalog.filter((entry) => entry.check === check.id).map((entry) => entry.slug)).toEqual(expect.arrayContaining(['ok', 'warning', 'failed', 'not-tested']));
    }
  });

  // Their named codes are not in the catalog until they declare them: this list may only shrink.
  it('knows which checks and rules do not declare their codes yet', () => {
    expect(undeclared()).toEqual([
      'tls.handshake', 'tls.chain', 'tls.hostname', 'tls.client-auth', 'mqtt.connect', 'bridge.status', 'wss.handshake', 'wss.connect',
      'config.load', 'config.option', 'config.files', 'config.keypair', 'config.chain', 'config.certificates', 'config.crl', 'config.capath',
      'config.listener-tls', 'config.plain-listener', 'config.websockets', 'config.bridge-address', 'config.bridge-tls', 'config.bridge-identity', 'config.topics',
    ]);
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
    // A command to run, inline or in a block (held for the pages of checks that declare their codes).
    if (undeclared().includes(key.split('/')[0])) return;
    expect(text.split('## Confirm by hand')[1].split('## Fix')[0]).toMatch(/```sh\n\S|`[^`\n]*[a-z][^`\n]*`/);
  });

  it('has no page for a code nothing emits (among checks that declare their codes)', () => {
    const free = new Set(undeclared());
    const codes = new Set(catalog.map((entry) => entry.code));
    const slugs = new Set(catalog.map((entry) => entry.slug));
    const areaSlugs = new Set(catalog.map((entry) => `${entry.check.split('.')[0]}/${entry.slug}`));
    for (const key of Object.keys(pages)) {
      const [folder, slug] = key.split('/');
      if (folder === DEFAULT_FOLDER) expect(slugs, key).toContain(slug);
      else if (folder.includes('.')) {
        if (!free.has(folder)) expect(codes, key).toContain(key);
      }
      else expect(areaSlugs, key).toContain(key);
    }
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

  it('leaves a check without declarations free (it is listed as undeclared)', () => {
    const plain = (code?: string) => defineCheck<{ x: number }, object>()({ id: 'toy.plain', title: 'Toy', dependsOn: [], needs: [], run: () => ({ status: 'skip', summary: 's', code }) });
    expect(plain().run({ x: 1 }, {}).status).toBe('skip');
    expect(plain('named').run({ x: 1 }, {}).code).toBe('named');
  });

  it('accepts the runner\'s codes from any check', () => {
    expect(toy('internal-error').run({ x: 1 }, {}).code).toBe('internal-error');
  });

  it('holds lint rules to their declarations too', () => {
    const rule = (code?: string) => defineRule({ id: 'config.toy', title: 'Toy', codes: { declared: 'Declared' }, run: () => [{ file: 'f', line: 1, status: 'warn', summary: 's', hint: 'h', code }] });
    expect(rule('declared').run({ configs: [] } as never, {} as never)[0].code).toBe('declared');
    const free = defineRule({ id: 'config.free', title: 'Free', run: () => [{ file: 'f', line: 1, status: 'warn', summary: 's', hint: 'h', code: 'anything' }] });
    expect(free.run({ configs: [] } as never, {} as never)[0].code).toBe('anything');
    expect(() => rule('other').run({ configs: [] } as never, {} as never)).toThrow('config.toy gave the finding code config.toy/other');
  });
});
