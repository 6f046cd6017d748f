// Every lint finding code has its explanation page docs/findings/<rule id>/<slug>.md, with the
// sections `explain` prints: the code as title, Cause, Confirm by hand, Fix.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintRuleIds } from '../../checks/config/index.js';

const RULE_FILES = readdirSync('checks/config').filter((name) => name.endsWith('.ts') && name !== 'define.ts' && name !== 'index.ts');

/** The slugs a rule file can emit: builder first arguments, and slugs named in tables and ternaries. */
function slugsIn(source: string): string[] {
  const found = new Set<string>();
  for (const match of source.matchAll(/\b(?:ok|bad|doubt|finding)\(\s*'([a-z0-9-]+)'/g)) found.add(match[1]);
  for (const match of source.matchAll(/^\s+'([a-z0-9]+(?:-[a-z0-9]+)+)',$/gm)) found.add(match[1]);
  for (const match of source.matchAll(/\b(?:fail|warn|code): '([a-z0-9-]+)'/g)) found.add(match[1]);
  for (const match of source.matchAll(/\? '([a-z0-9]+(?:-[a-z0-9]+)+)' : /g)) found.add(match[1]);
  for (const match of source.matchAll(/ : '([a-z0-9]+(?:-[a-z0-9]+)+)'/g)) found.add(match[1]);
  return [...found];
}

function ruleIdsIn(source: string): string[] {
  return [...source.matchAll(/id: '(config\.[a-z-]+)'/g)].map((m) => m[1]);
}

describe('finding pages', () => {
  for (const file of RULE_FILES) {
    const source = readFileSync(`checks/config/${file}`, 'utf8');
    const ids = ruleIdsIn(source);
    it(`${file}: every slug of ${ids.join(', ')} has a page`, () => {
      const missing = slugsIn(source).filter((slug) => !ids.some((id) => existsSync(`docs/findings/${id}/${slug}.md`)));
      expect(missing).toEqual([]);
    });
  }

  it('dynamic slugs (deprecations, file contents, certificate dates) have pages', () => {
    for (const code of ['config.option/deprecated-option', 'config.option/unavailable-option', 'config.option/ignored-option', 'config.files/dhparam-weak', 'config.certificates/expired', 'config.certificates/not-yet-valid', 'config.certificates/expires-soon', 'config.certificates/weak', 'config.certificates/wrong-usage']) {
      expect(existsSync(`docs/findings/${code}.md`), code).toBe(true);
    }
  });

  it('every page belongs to a rule and has its sections', () => {
    for (const id of readdirSync('docs/findings').filter((dir) => dir.startsWith('config.'))) {
      expect(lintRuleIds).toContain(id);
      for (const page of readdirSync(`docs/findings/${id}`)) {
        const text = readFileSync(`docs/findings/${id}/${page}`, 'utf8');
        expect(text.startsWith(`# ${id}/${page.replace(/\.md$/, '')}\n`), page).toBe(true);
        for (const section of ['## Cause', '## Confirm by hand', '## Fix']) expect(text, `${id}/${page}`).toContain(section);
      }
    }
  });
});
