// Bundles the CLI: one entry plus lazily loaded chunks, so `--version` loads almost nothing and a
// diagnosis loads one pre-linked bundle instead of hundreds of node_modules files.
import { build } from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';
import { findingPages } from './finding-pages-plugin.mjs';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { 'lampi-doctor': 'src/cli/main.ts' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  splitting: true,
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS dependencies call require(); give the ESM bundle a real one.
  banner: { js: "import { createRequire as __lampiCreateRequire } from 'node:module'; const require = __lampiCreateRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [findingPages],
});
chmodSync('dist/lampi-doctor.js', 0o755);
