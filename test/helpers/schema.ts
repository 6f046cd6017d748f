// Validates documents against the JSON Schemas shipped in schema/.
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const load = (name: string) => JSON.parse(readFileSync(`schema/${name}`, 'utf8'));
ajv.addSchema(load('report.schema.json'), 'report.schema.json');
ajv.addSchema(load('grade.schema.json'), 'grade.schema.json');
ajv.addSchema(load('lint.schema.json'), 'lint.schema.json');
ajv.addSchema(load('gradescope-results.schema.json'), 'gradescope-results.schema.json');

export function schemaErrors(schema: 'report.schema.json' | 'grade.schema.json' | 'lint.schema.json' | 'gradescope-results.schema.json', document: unknown): string[] {
  const validate = ajv.getSchema(schema)!;
  return validate(document) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}
