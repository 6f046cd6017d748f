// Builds the CLI in two parts:
// - dist/cli.mjs and dist/chunks/*.mjs: the ESM bundle, one entry plus lazily loaded chunks, so a
//   diagnosis loads a few pre-linked files instead of hundreds of node_modules files;
// - dist/grade-worker.mjs: a grading thread (src/grade/grade-worker.ts), on the same chunks;
// - dist/lampi-doctor.js: the command itself, a tiny CommonJS file (dist/package.json says so) that
//   answers `--version` and `--help` from text captured here by running yargs, without loading
//   anything, and otherwise imports dist/cli.mjs.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { findingPages } from './finding-pages-plugin.mjs';
import { leanMqtt } from './lean-mqtt-plugin.mjs';

rmSync('dist', { recursive: true, force: true });
await build({
  // The grading threads' entry (src/grade/threads.ts finds it beside the chunks) shares their chunks.
  entryPoints: { cli: 'src/cli/main.ts', 'grade-worker': 'src/grade/grade-worker.ts' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  splitting: true,
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS dependencies call require(); give the ESM bundle a real one.
  banner: { js: "import { createRequire as __lampiCreateRequire } from 'node:module'; const require = __lampiCreateRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [findingPages, leanMqtt],
});
writeFileSync('dist/package.json', `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);

// Every command's --help, as yargs prints it from the bundle just built.
const HELP_COMMANDS = ['', 'lab', 'grade', 'lint', 'explain', 'serve', 'merge'];
const capture = `
  const { main } = await import('./dist/cli.mjs');
  const help = {};
  const write = process.stdout.write;
  for (const command of ${JSON.stringify(HELP_COMMANDS)}) {
    let text = '';
    process.stdout.write = (chunk) => { text += chunk; return true; };
    const code = await main(command ? [command, '--help'] : ['--help']);
    process.stdout.write = write;
    if (code !== 0 || !text) throw new Error('--help of "' + command + '" exited ' + code);
    help[command] = text;
  }
  process.stdout.write(JSON.stringify(help));
`;
const help = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', capture], { encoding: 'utf8', maxBuffer: 16 << 20 }));
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

await build({
  entryPoints: { 'lampi-doctor': 'src/cli/entry.ts' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outdir: 'dist',
  define: { __LAMPI_QUICK__: JSON.stringify({ version, help }) },
  legalComments: 'none',
  logLevel: 'warning',
});
chmodSync('dist/lampi-doctor.js', 0o755);
