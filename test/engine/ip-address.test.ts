// src/ip-address.ts answers as net.isIP does, and nothing else calls Node's own (whose IPv6 pattern
// costs ~14 ms to compile on first use).
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isIP } from '../../src/ip-address.js';

const CASES = [
  '', 'cloud.example.com', 'localhost', '127.0.0.1', '127.0.0.02', '256.1.1.1', '1.2.3', '1.2.3.4.5', '203.0.113.7',
  '::', '::1', '2001:db8::1', 'fe80::1%eth0', '::ffff:192.0.2.1', '2001:db8::1::2', ':::', '[::1]', '1::', 'g::1',
  'cloud.example.com:8883', '127.0.0.1:8883', ' 127.0.0.1', '0x7f.1.1.1', '１２７.0.0.1',
];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('isIP', () => {
  it('answers as net.isIP for addresses, names and near-misses', () => {
    for (const input of CASES) expect([input, isIP(input)]).toEqual([input, net.isIP(input)]);
  });

  it('answers as net.isIP for any string, and any IPv4/IPv6 address', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.ipV4(), fc.ipV6(), fc.ipV4Extended(), fc.domain()), (input) => isIP(input) === net.isIP(input)), { numRuns: 2000 });
  });

  it('is the only way src/ and checks/ ask whether a string is an IP address', () => {
    const callers = [...sources('src'), ...sources('checks')].filter((path) => {
      if (path === join('src', 'ip-address.ts')) return false;
      const text = readFileSync(path, 'utf8');
      return /\bnet\.isIP(v6)?\(|import \{[^}]*\bisIP(v6)?\b[^}]*\} from 'node:net'/.test(text);
    });
    expect(callers).toEqual([]);
  });
});
