// Writes schema/finding-codes.json from the checks' declared codes (npm run codes).
import { writeFileSync } from 'node:fs';
import { catalogDocument } from '../src/findings/catalog.js';

const path = new URL('../schema/finding-codes.json', import.meta.url);
const document = catalogDocument();
writeFileSync(path, `${JSON.stringify(document, null, 2)}\n`);
process.stdout.write(`schema/finding-codes.json: ${document.codes.length} codes\n`);
