// One rule for every command's output: with --output, the file gets the chosen format (plain) and
// the terminal the human report; without it, stdout gets the chosen format.
import { writeFileSync } from 'node:fs';
import { UsageError } from '../engine/types.js';
import { describeFsError } from '../fs-errors.js';

export function deliver<F extends string>(render: (format: F | 'human', color: boolean) => string, format: F, output: string | undefined, color: boolean): void {
  if (!output) {
    process.stdout.write(render(format, color));
    return;
  }
  try {
    writeFileSync(output, render(format, false));
  } catch (error) {
    throw new UsageError(`cannot write --output ${output}: ${describeFsError(error)}`);
  }
  process.stdout.write(render('human', color));
}
