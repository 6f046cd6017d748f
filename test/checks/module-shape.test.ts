// The module shape the README promises: no check imports another check, no lint rule imports another
// rule (or a check), and the shared verdict helpers import no check. Shared wording and tests of
// certificates live in checks/verdicts/, so each check can be read, tested and mutated on its own.
import { readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every module specifier a file imports or re-exports, static or dynamic. */
export function importsOf(source: string): string[] {
  const specifiers = [...source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*['"]([^'"]+)['"]/gm), ...source.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm), ...source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)];
  return specifiers.map((match) => match[1]);
}

const SHARED = new Set(['define.ts', 'index.ts']);
const modules = (folder: string) => readdirSync(folder).filter((file) => file.endsWith('.ts') && !SHARED.has(file)).map((file) => `${folder}/${file}`);
const checkModules = modules('checks');
const ruleModules = modules('checks/config');
const verdictModules = modules('checks/verdicts');

/** The repository path an import of `from` resolves to (`./verdicts/chain.js` -> checks/verdicts/chain.ts). */
const resolve = (from: string, specifier: string) => (specifier.startsWith('.') ? posix.join(posix.dirname(from), specifier).replace(/\.js$/, '.ts') : specifier);
const importedBy = (file: string) => importsOf(readFileSync(file, 'utf8')).map((specifier) => resolve(file, specifier));

describe('module shape', () => {
  it('finds the modules and their imports, however they are written', () => {
    expect(checkModules).toContain('checks/tls-chain.ts');
    expect(ruleModules).toContain('checks/config/files.ts');
    expect(importsOf("import {\n  a,\n  b,\n} from './tls-key.js';\nexport { c } from \"../x.js\";\nimport './side.js';\nconst m = await import('./lazy.js');")).toEqual(['./tls-key.js', '../x.js', './side.js', './lazy.js']);
  });

  it.each(checkModules)('%s imports no other check and no lint rule', (file) => {
    const offending = importedBy(file).filter((target) => (checkModules.includes(target) && target !== file) || ruleModules.includes(target));
    expect(offending, 'move the shared helper to checks/verdicts/').toEqual([]);
  });

  it.each(ruleModules)('%s imports no other lint rule and no check', (file) => {
    const offending = importedBy(file).filter((target) => (ruleModules.includes(target) && target !== file) || checkModules.includes(target));
    expect(offending, 'move the shared helper to checks/verdicts/').toEqual([]);
  });

  it.each(verdictModules)('%s (a shared helper) imports no check and no lint rule', (file) => {
    const offending = importedBy(file).filter((target) => checkModules.includes(target) || ruleModules.includes(target));
    expect(offending).toEqual([]);
  });

  // Probes return facts: a property a report could show (message, detail, reason, summary, hint) holds
  // what a library or peer said, never words of our own.
  it.each(readdirSync('src/probes').filter((file) => file.endsWith('.ts')).map((file) => `src/probes/${file}`))('%s writes no sentence into its facts', (file) => {
    const sentences = [...readFileSync(file, 'utf8').matchAll(/\b(message|detail|reason|summary|hint|upgradeDetail):\s*(['`])([^'`]*\s[^'`]*)\2/g)].map((match) => match[3]);
    expect(sentences).toEqual([]);
  });
});
