// Validates input documents against the JSON Schemas shipped in schema/, with messages a user can
// act on ("students[3].line: must be integer"). Ajv compiles lazily: only commands that read such
// inputs pay for it.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import gradeSchema from '../schema/grade.schema.json';
import reportSchema from '../schema/report.schema.json';
import rubricSchema from '../schema/rubric.schema.json';

export type InputSchema = 'grade.schema.json' | 'rubric.schema.json';

let ajv: Ajv | undefined;
const compiled = new Map<InputSchema, ValidateFunction>();

function validator(name: InputSchema): ValidateFunction {
  if (!ajv) {
    // allErrors off: the first problem is enough to report, and stops early on a hostile document.
    ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
    addFormats(ajv);
    ajv.addSchema(reportSchema, 'report.schema.json');
    ajv.addSchema(gradeSchema, 'grade.schema.json');
    ajv.addSchema(rubricSchema, 'rubric.schema.json');
  }
  let validate = compiled.get(name);
  if (!validate) {
    validate = ajv.getSchema(name)!;
    compiled.set(name, validate);
  }
  return validate;
}

/** "/students/3/line" -> "students[3].line". */
function location(pointer: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  let text = '';
  for (const part of parts) text += /^\d+$/.test(part) ? `[${part}]` : /^[A-Za-z_$][\w$]*$/.test(part) ? `${text ? '.' : ''}${part}` : `[${JSON.stringify(part)}]`;
  return text || 'the top level';
}

function describe(error: ErrorObject): string {
  const where = location(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `${where}: unknown field ${JSON.stringify(params.additionalProperty)}`;
    case 'required':
      return `${where}: missing field ${JSON.stringify(params.missingProperty)}`;
    case 'propertyNames':
      return `${where}: ${JSON.stringify(params.propertyName)} is not an allowed name`;
    case 'type':
      return `${where}: must be ${params.type === 'integer' ? 'a whole number' : `of type ${params.type}`}`;
    case 'minimum':
      return `${where}: must be at least ${params.limit}`;
    case 'maximum':
      return `${where}: must be at most ${params.limit}`;
    default:
      return `${where}: ${error.message ?? 'is not valid'}`;
  }
}

/** Undefined when `document` conforms, else the first problem in words. */
export function schemaProblem(name: InputSchema, document: unknown): string | undefined {
  const validate = validator(name);
  if (validate(document)) return undefined;
  const errors = validate.errors ?? [];
  // propertyNames reports the name's own failure first and then itself; the outer one names the key.
  const error = errors.find((e) => e.keyword === 'propertyNames') ?? errors[0];
  return error ? describe(error) : 'does not match its schema';
}
