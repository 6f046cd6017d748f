// `lampi-doctor explain [CODE]`: what a finding code means, how to confirm it by hand, and the fix.
// Without a code: every code. A check id lists that check's codes. An unknown code is a usage error.
import type { Argv } from 'yargs';
import { UsageError } from '../engine/types.js';

export const EXPLAIN_USAGE = 'explain [code]';

export function explainOptions(y: Argv) {
  return y.positional('code', { type: 'string', describe: 'A finding code from a report (tls.chain/missing-intermediate), or a check id to list its codes' });
}

export async function runExplainCommand(args: { code?: string }): Promise<number> {
  // The catalog pulls in every check and the pages: loaded only when explain runs.
  const { explain, listing } = await import('../findings/explain.js');
  if (!args.code) {
    process.stdout.write(listing());
    return 0;
  }
  const found = await explain(args.code);
  if (found.kind === 'page') process.stdout.write(found.text.endsWith('\n') ? found.text : `${found.text}\n`);
  else if (found.kind === 'check') process.stdout.write(listing(found.entries));
  else throw new UsageError(`explain: no finding code ${found.input}. Nearest: ${found.nearest.join(', ')} (\`lampi-doctor explain\` lists them all)`);
  return 0;
}
