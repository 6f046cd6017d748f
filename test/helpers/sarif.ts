// Validates SARIF logs against the OASIS SARIF 2.1.0 JSON Schema kept in schema/ (see SOURCES.md).
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';

// The schema is draft-04: Ajv 8 reads it once its draft-04 `id` is named `$id` and the meta-schema
// reference is dropped (it uses no other draft-04-only keyword: no boolean exclusiveMinimum).
const schema = JSON.parse(readFileSync('schema/sarif-2.1.0.json', 'utf8'));
const { $schema: _draft04, id, ...rest } = schema;
// unicodeRegExp off: one of its patterns (a language tag) is not a valid regular expression in /u mode.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile({ $id: id, ...rest });

export function sarifErrors(log: unknown): string[] {
  return validate(log) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}
