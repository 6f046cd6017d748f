// `lampi-doctor explain`: a finding code's page (cause, how to confirm it by hand, the fix). Pages are
// looked up most specific first: docs/findings/<check id>/<slug>.md, then the area's shared page
// docs/findings/<area>/<slug>.md (bridge.inbound and bridge.outbound share bridge/), then the generic
// docs/findings/_default/<slug>.md (`*/ok`, `*/prerequisite-not-met`). {{code}}, {{check}} and
// {{title}} in a page are filled in.
import { findingCatalog, type CatalogEntry } from './catalog.js';
import { pageFiles } from './page-files.js';

export const DEFAULT_FOLDER = '_default';

/** The page an entry is explained by: its own, its area's, or the generic page of its slug. */
export function pageKey(entry: Pick<CatalogEntry, 'check' | 'slug'>, pages: Record<string, string>): string | undefined {
  const area = entry.check.split('.')[0];
  return [`${entry.check}/${entry.slug}`, `${area}/${entry.slug}`, `${DEFAULT_FOLDER}/${entry.slug}`].find((key) => pages[key] !== undefined);
}

export type Explanation =
  | { kind: 'page'; entry: CatalogEntry; text: string }
  | { kind: 'check'; check: string; entries: CatalogEntry[] }
  | { kind: 'unknown'; input: string; nearest: string[] };

export async function explain(input: string): Promise<Explanation> {
  const catalog = findingCatalog();
  const code = input.trim().toLowerCase();
  const entry = catalog.find((candidate) => candidate.code === code);
  if (entry) {
    const pages = await pageFiles();
    const key = pageKey(entry, pages);
    // The catalog test guarantees a page for every code; say so plainly if a build lost one.
    const text = key ? fill(pages[key], entry) : `# ${entry.code}\n\n${entry.title}.\n\n(No explanation page was found for this code.)\n`;
    return { kind: 'page', entry, text };
  }
  const ofCheck = catalog.filter((candidate) => candidate.check === code);
  if (ofCheck.length > 0) return { kind: 'check', check: code, entries: ofCheck };
  return { kind: 'unknown', input, nearest: nearestCodes(code, catalog.map((candidate) => candidate.code)) };
}

function fill(template: string, entry: CatalogEntry): string {
  return template.replaceAll('{{code}}', entry.code).replaceAll('{{check}}', entry.check).replaceAll('{{title}}', entry.title);
}

/** `explain` without a code: every code and its title, one per line. */
export function listing(entries: readonly CatalogEntry[] = findingCatalog()): string {
  const width = Math.max(...entries.map((entry) => entry.code.length));
  return entries.map((entry) => `${entry.code.padEnd(width)}  ${entry.title}`).join('\n') + '\n';
}

/** Up to `limit` known codes closest to what was typed: same slug or check first, then by edit distance. */
export function nearestCodes(input: string, codes: readonly string[], limit = 3): string[] {
  const [check, slug] = input.includes('/') ? input.split('/', 2) : ['', input];
  const score = (code: string): number => {
    const [codeCheck, codeSlug] = code.split('/');
    const distance = Math.min(editDistance(input, code), slug ? editDistance(slug, codeSlug) + (check && check !== codeCheck ? editDistance(check, codeCheck) : 0) : Infinity);
    return codeSlug.includes(slug) && slug.length >= 3 ? Math.min(distance, 1) : distance;
  };
  return [...codes]
    .map((code) => ({ code, distance: score(code) }))
    .sort((a, b) => a.distance - b.distance || a.code.localeCompare(b.code))
    .slice(0, limit)
    .map(({ code }) => code);
}

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
