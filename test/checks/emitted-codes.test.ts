// Every finding code a check or lint rule can return is declared in its `codes`, read from the source
// rather than from the paths the other tests happen to reach. The runner's guard (defineCheck /
// defineRule under vitest) throws on an undeclared code that a test reaches; this test also covers
// the branches no test reaches, for every code written as a literal in a code position: the slug
// argument of pass/warn/fail/skip and ok/bad/doubt, and a `code:` property. A code built at run time
// (a variable or a template) is left to the guard.
import { readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { lintRules } from '../../checks/config/index.js';
import { diagnosisChecks } from '../../checks/index.js';
import { RUNNER_CODES, SKIP_KINDS } from '../../src/engine/types.js';

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
/** Outcome builders and the position of their slug argument. */
const BUILDERS: Record<string, number> = { pass: 2, warn: 3, fail: 3, skip: 3, ok: 0, bad: 0, doubt: 0, finding: 0 };

/** The literal strings an expression can evaluate to (through ?:, ??, ||, parentheses and casts). */
function results(node: ts.Expression): string[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node)) return results(node.expression);
  if (ts.isConditionalExpression(node)) return [...results(node.whenTrue), ...results(node.whenFalse)];
  if (ts.isBinaryExpression(node) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(node.operatorToken.kind)) return [...results(node.left), ...results(node.right)];
  return [];
}

function builderName(callee: ts.Expression): string | undefined {
  if (ts.isIdentifier(callee)) return Object.hasOwn(BUILDERS, callee.text) ? callee.text : undefined;
  if (ts.isParenthesizedExpression(callee)) return builderName(callee.expression);
  // (worse ? bad : doubt)('code', ...)
  if (ts.isConditionalExpression(callee)) return builderName(callee.whenTrue) ?? builderName(callee.whenFalse);
  return undefined;
}

interface Emitted {
  slug: string;
  /** The id of the check or rule whose definition holds the literal; undefined: a helper of the module. */
  owner?: string;
  line: number;
}

/** The literal finding codes a module returns, each with the check or rule definition it sits in. */
export function emittedCodes(source: string): Emitted[] {
  const file = ts.createSourceFile('module.ts', source, ts.ScriptTarget.Latest, true);
  const found: Emitted[] = [];
  const visit = (node: ts.Node, owner: string | undefined) => {
    let inside = owner;
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && ['diagnosisCheck', 'defineRule'].includes(node.expression.text)) {
      const definition = node.arguments[0];
      const id = definition && ts.isObjectLiteralExpression(definition) ? definition.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText(file) === 'id') : undefined;
      if (id && ts.isStringLiteral(id.initializer)) inside = id.initializer.text;
    }
    const add = (expression: ts.Expression | undefined) => {
      for (const slug of expression ? results(expression) : []) {
        if (SLUG.test(slug) && !(SKIP_KINDS as readonly string[]).includes(slug)) found.push({ slug, owner: inside, line: file.getLineAndCharacterOfPosition(expression!.getStart(file)).line + 1 });
      }
    };
    if (ts.isCallExpression(node)) {
      const name = builderName(node.expression);
      if (name) add(node.arguments[BUILDERS[name]]);
    }
    if (ts.isPropertyAssignment(node) && node.name.getText(file) === 'code') add(node.initializer);
    node.forEachChild((child) => visit(child, inside));
  };
  visit(file, undefined);
  return found;
}

const importsOf = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*['"](\.[^'"]+)['"]/gm)].map((match) => posix.join(posix.dirname(file), match[1]).replace(/\.js$/, '.ts'));

/** The verdict helpers a module reaches, directly or through other helpers. */
function helpersOf(file: string, seen = new Set<string>()): Set<string> {
  for (const target of importsOf(file)) {
    if (target.startsWith('checks/verdicts/') && !seen.has(target)) {
      seen.add(target);
      helpersOf(target, seen);
    }
  }
  return seen;
}

const everything = [...diagnosisChecks, ...lintRules];
const codesOf = new Map(everything.map((check) => [check.id, new Set([...Object.keys(check.codes), ...Object.keys(RUNNER_CODES)])]));
const moduleFiles = [
  ...readdirSync('checks').filter((f) => f.endsWith('.ts') && !['define.ts', 'index.ts'].includes(f)).map((f) => `checks/${f}`),
  ...readdirSync('checks/config').filter((f) => f.endsWith('.ts') && !['define.ts', 'index.ts'].includes(f)).map((f) => `checks/config/${f}`),
];
/** The ids of the checks and rules a module defines. */
const definedIn = new Map(moduleFiles.map((file) => [file, [...readFileSync(file, 'utf8').matchAll(/(?:diagnosisCheck|defineRule)\(\{\s*id: '([^']+)'/g)].map((match) => match[1])]));

describe('emitted codes are declared', () => {
  it('reads literal codes in every code position, and only there', () => {
    const source = `
      export const c = diagnosisCheck({ id: 'toy.check', run() {
        if (a) return fail('s', 'h', e, cond === 'expired' ? 'one' : 'two');
        if (b) return skip('s', undefined, undefined, 'three', 'prerequisite-failed');
        return { status: 'pass', summary: 's', code: x ?? 'four', evidence: { state: 'not-a-code' } };
      } });
      function helper() { return (worse ? bad : doubt)('five', place, 's', 'h'); }`;
    expect(emittedCodes(source).map(({ slug, owner }) => `${owner ?? '-'}:${slug}`)).toEqual(['toy.check:one', 'toy.check:two', 'toy.check:three', 'toy.check:four', '-:five']);
  });

  it('knows which module defines each check and rule', () => {
    expect([...definedIn.values()].flat().sort()).toEqual(everything.map((check) => check.id).sort());
  });

  it.each(moduleFiles)('%s: every literal code is declared by the check or rule that returns it', (file) => {
    const own = definedIn.get(file)!;
    for (const { slug, owner, line } of emittedCodes(readFileSync(file, 'utf8'))) {
      // A helper outside the definitions serves the module's checks: one of them must declare it.
      const candidates = owner ? [owner] : own;
      expect(candidates.some((id) => codesOf.get(id)?.has(slug)), `${file}:${line} returns ${slug}, which ${candidates.join(' / ')} does not declare`).toBe(true);
    }
  });

  it.each(readdirSync('checks/verdicts').map((f) => `checks/verdicts/${f}`))('%s: every literal code is declared by a check that uses it', (file) => {
    const users = moduleFiles.filter((module) => helpersOf(module).has(file)).flatMap((module) => definedIn.get(module)!);
    for (const { slug, line } of emittedCodes(readFileSync(file, 'utf8'))) {
      expect(users.some((id) => codesOf.get(id)?.has(slug)), `${file}:${line} returns ${slug}, which none of ${users.join(', ')} declares`).toBe(true);
    }
  });
});
