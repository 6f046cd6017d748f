// The file-kind readers never throw, whatever the bytes (fixed seed, so a failure reproduces).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseContent, type FileKind } from '../../src/config/file-kinds.js';
import { canonicalName } from '../../src/config/x509-name.js';
import { DerError } from '../../src/config/der.js';

const KINDS: FileKind[] = ['password', 'acl', 'psk', 'dhparam', 'crl'];
const pemAround = (label: string) => fc.uint8Array({ maxLength: 400 }).map((bytes) => `-----BEGIN ${label}-----\n${Buffer.from(bytes).toString('base64')}\n-----END ${label}-----\n`);
const text = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), pemAround('X509 CRL'), pemAround('DH PARAMETERS'), fc.constantFrom('user\n', 'topic\n', 'topic read a/#/b\n', ':\n', 'a:$7$\n', 'x:$6$$\n'));

describe('file-kind readers on arbitrary input', () => {
  it('return facts (entries, line problems) and never throw', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), text, (kind, input) => {
        const facts = parseContent(kind, input)!;
        expect(facts.kind).toBe(kind);
        for (const problem of facts.problems) expect(problem.line).toBeGreaterThanOrEqual(0);
      }),
      { seed: 20261123, numRuns: 3000 },
    );
  });

  it('the X.509 name reader throws only DerError on bad DER', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          canonicalName(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(DerError);
        }
      }),
      { seed: 20261123, numRuns: 3000 },
    );
  });
});
