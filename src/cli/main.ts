// The ESM bundle's entry (dist/cli.mjs), loaded by dist/lampi-doctor.js (src/cli/entry.ts) for every
// command line it cannot answer itself. The heavy parts are imported lazily from here.
export { runCli as main } from './app.js';
