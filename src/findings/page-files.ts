// The explanation pages (docs/findings/**.md), keyed by path under docs/findings without `.md`
// (`tls.chain/missing-intermediate`, `_default/ok`). Read from the source tree here; the bundle
// replaces this module with the pages inlined (scripts/finding-pages-plugin.mjs), so dist/ needs no docs/.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const PAGES_DIR = fileURLToPath(new URL('../../docs/findings/', import.meta.url));

export async function pageFiles(): Promise<Record<string, string>> {
  const pages: Record<string, string> = {};
  for (const folder of readdirSync(PAGES_DIR, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    for (const file of readdirSync(`${PAGES_DIR}${folder.name}`)) {
      if (file.endsWith('.md')) pages[`${folder.name}/${file.slice(0, -3)}`] = readFileSync(`${PAGES_DIR}${folder.name}/${file}`, 'utf8');
    }
  }
  return pages;
}
