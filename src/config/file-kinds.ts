// The non-certificate files a Mosquitto config names, each read by its own rules as Mosquitto
// 2.0.11 reads them (checked against the broker's start-up log): password_file, acl_file,
// psk_file, dhparamfile, crlfile. Facts only: what each line holds and what is wrong with it.
import { parseCrl, type CrlInfo } from './crl.js';
import { children, DerError, pemBlocks, readNode, TAG } from './der.js';

export type FileKind = 'certificates' | 'key' | 'crl' | 'password' | 'acl' | 'psk' | 'dhparam' | 'directory';

/** Which kind of file an option names. */
export const KIND_OF_OPTION: Record<string, FileKind> = {
  cafile: 'certificates',
  certfile: 'certificates',
  bridge_cafile: 'certificates',
  bridge_certfile: 'certificates',
  keyfile: 'key',
  bridge_keyfile: 'key',
  crlfile: 'crl',
  password_file: 'password',
  acl_file: 'acl',
  psk_file: 'psk',
  dhparamfile: 'dhparam',
  capath: 'directory',
  bridge_capath: 'directory',
};

export interface LineProblem {
  line: number;
  /** fail: Mosquitto refuses to start; warn: it starts, and drops or ignores the line. */
  severity: 'fail' | 'warn';
  problem: string;
  /** A finding slug more precise than the kind's default. */
  code?: string;
}

export interface ContentFacts {
  kind: FileKind;
  /** Users, ACL rules, PSK identities, CRLs or DH groups found. */
  entries: number;
  problems: LineProblem[];
  users?: string[];
  /** acl_file: its rules in order; `user` is the `user` line above a `topic` one (null: none, anonymous clients). */
  aclRules?: AclRule[];
  crls?: CrlInfo[];
  /** Bits of the DH prime. */
  dhBits?: number;
}

function lines(text: string): { line: number; text: string }[] {
  return text.split('\n').map((raw, index) => ({ line: index + 1, text: raw.replace(/\r$/, '') }));
}

const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** mosquitto_passwd's format: `user:$7$iterations$salt$hash` (PBKDF2-SHA512) or `user:$6$salt$hash` (SHA-512). */
export function parsePasswordFile(text: string): ContentFacts {
  const facts: ContentFacts = { kind: 'password', entries: 0, problems: [], users: [] };
  for (const { line, text: raw } of lines(text)) {
    const value = raw.trim();
    if (!value || value.startsWith('#')) continue;
    const colon = value.indexOf(':');
    const user = (colon === -1 ? value : value.slice(0, colon)).trim();
    const hash = colon === -1 ? '' : value.slice(colon + 1).trim();
    if (!user) {
      facts.problems.push({ line, severity: 'warn', problem: 'no user name before the ":" (Mosquitto: "Invalid line in password file")' });
      continue;
    }
    const shown = user.slice(0, 40);
    if (!hash) {
      facts.problems.push({ line, severity: 'warn', problem: `user "${shown}" has no password hash, so cannot log in` });
      continue;
    }
    const parts = hash.split('$');
    const sha512 = parts.length === 4 && parts[0] === '' && parts[1] === '6' && B64.test(parts[2]) && B64.test(parts[3]);
    const pbkdf2 = parts.length === 5 && parts[0] === '' && parts[1] === '7' && /^\d{1,9}$/.test(parts[2]) && Number(parts[2]) > 0 && B64.test(parts[3]) && B64.test(parts[4]);
    if (!sha512 && !pbkdf2) {
      const why = hash.startsWith('$') ? 'an unknown hash format' : 'a plain-text password, not a hash';
      facts.problems.push({ line, severity: 'warn', problem: `user "${shown}": ${why} (Mosquitto: "Invalid password hash type for user ${shown}, removing entry")` });
      continue;
    }
    facts.entries += 1;
    facts.users!.push(shown);
  }
  return facts;
}

const ACCESS = new Set(['read', 'write', 'readwrite', 'deny']);

/** Topic filters as mosquitto_sub_topic_check accepts them: `#` last and alone, `+` alone in its level. */
function validFilter(topic: string): boolean {
  const levels = topic.split('/');
  return levels.every((level, index) => (!level.includes('#') || (level === '#' && index === levels.length - 1)) && (!level.includes('+') || level === '+'));
}

export interface AclRule {
  line: number;
  kind: 'topic' | 'pattern';
  /** The `user` line in force for a `topic` line (null before the first: anonymous clients); patterns apply to all. */
  user: string | null;
  userLine?: number;
  access: 'read' | 'write' | 'readwrite' | 'deny';
  topic: string;
}

/** acl_file: `user NAME`, `topic [ACCESS] TOPIC`, `pattern [ACCESS] TOPIC`, comments. */
export function parseAclFile(text: string): ContentFacts {
  const facts: ContentFacts = { kind: 'acl', entries: 0, problems: [], aclRules: [] };
  let user: { name: string; line: number } | undefined;
  for (const { line, text: raw } of lines(text)) {
    const value = raw.replace(/^\s+/, '');
    if (!value || value.startsWith('#')) continue;
    const [keyword, ...rest] = value.split(/[ \t]+/);
    const restText = value.slice(keyword.length).trim();
    if (keyword === 'user') {
      if (!restText) facts.problems.push({ line, severity: 'fail', problem: '`user` without a name (Mosquitto: "Missing username in acl_file")' });
      else user = { name: restText, line };
      continue;
    }
    if (keyword !== 'topic' && keyword !== 'pattern') {
      facts.problems.push({ line, severity: 'fail', problem: `"${keyword.slice(0, 40)}" is not user, topic or pattern (Mosquitto: "Invalid line in acl_file")` });
      continue;
    }
    let topic = restText;
    if (rest.length > 1) {
      if (!ACCESS.has(rest[0])) {
        facts.problems.push({ line, severity: 'fail', problem: `access "${rest[0].slice(0, 40)}" is not read, write, readwrite or deny (Mosquitto: "Invalid topic access type")` });
        continue;
      }
      topic = restText.slice(rest[0].length).trim();
    }
    if (!topic) {
      facts.problems.push({ line, severity: 'fail', problem: `\`${keyword}\` without a topic (Mosquitto: "Empty topic in acl_file")` });
      continue;
    }
    if (!validFilter(topic)) {
      facts.problems.push({ line, severity: 'fail', problem: `"${topic.slice(0, 60)}" is not a valid topic filter: # must be the last level, + a whole level (Mosquitto: "Invalid ACL topic")` });
      continue;
    }
    if (keyword === 'pattern' && !/%[cu]/.test(topic)) {
      facts.problems.push({ line, severity: 'warn', problem: `pattern "${topic.slice(0, 60)}" contains neither %c nor %u: it applies to every client alike (a \`topic\` line says so plainly)` });
    }
    const access = (rest.length > 1 ? rest[0] : 'readwrite') as AclRule['access'];
    facts.aclRules!.push({ line, kind: keyword, user: keyword === 'topic' ? (user?.name ?? null) : null, ...(keyword === 'topic' && user ? { userLine: user.line } : {}), access, topic });
    facts.entries += 1;
  }
  return facts;
}

/** psk_file: `identity:hexkey`. */
export function parsePskFile(text: string): ContentFacts {
  const facts: ContentFacts = { kind: 'psk', entries: 0, problems: [] };
  for (const { line, text: raw } of lines(text)) {
    const value = raw.trim();
    if (!value || value.startsWith('#')) continue;
    const colon = value.indexOf(':');
    const identity = (colon === -1 ? value : value.slice(0, colon)).trim();
    const key = colon === -1 ? '' : value.slice(colon + 1).trim();
    if (!identity) {
      facts.problems.push({ line, severity: 'warn', problem: 'no identity before the ":" (Mosquitto: "Invalid line in password file" and skips it)' });
      continue;
    }
    if (!key) {
      facts.problems.push({ line, severity: 'warn', problem: `identity "${identity.slice(0, 40)}" has no key: it cannot connect` });
      continue;
    }
    if (!/^[0-9a-fA-F]+$/.test(key)) {
      facts.problems.push({ line, severity: 'fail', problem: `the key of identity "${identity.slice(0, 40)}" is not hexadecimal (Mosquitto: "psk ... contains non-hexadecimal characters" and does not start)` });
      continue;
    }
    facts.entries += 1;
  }
  return facts;
}

/** dhparamfile: PEM "DH PARAMETERS" (PKCS#3: SEQUENCE { prime, generator }). */
export function parseDhParams(text: string): ContentFacts {
  const facts: ContentFacts = { kind: 'dhparam', entries: 0, problems: [] };
  const blocks = pemBlocks(text, 'DH PARAMETERS');
  if (blocks.length === 0) {
    facts.problems.push({ line: 0, severity: 'fail', problem: 'no -----BEGIN DH PARAMETERS----- block in it (Mosquitto refuses to start: "Error loading dhparamfile")' });
    return facts;
  }
  try {
    const der = blocks[0];
    const [prime, generator] = children(der, readNode(der, 0));
    if (prime?.tag !== TAG.INTEGER || generator?.tag !== TAG.INTEGER) throw new DerError('not DH parameters');
    let bytes = der.subarray(prime.contentStart, prime.end);
    while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
    facts.dhBits = bytes.length * 8 - Math.clz32(bytes[0]) + 24;
    facts.entries = 1;
    // Checked with Mosquitto 2.0.11 on OpenSSL 3: "Error loading dhparamfile ... dh key too small".
    if (facts.dhBits < 2048) facts.problems.push({ line: 0, severity: 'fail', code: 'dhparam-weak', problem: `the DH group is only ${facts.dhBits} bits: OpenSSL 3 refuses it ("dh key too small") and Mosquitto does not start` });
  } catch {
    facts.problems.push({ line: 0, severity: 'fail', problem: 'the DH PARAMETERS block does not decode (Mosquitto refuses to start)' });
  }
  return facts;
}

/** crlfile: one or more PEM "X509 CRL" blocks (Mosquitto loads PEM only). */
export function parseCrlFile(text: string): ContentFacts {
  const facts: ContentFacts = { kind: 'crl', entries: 0, problems: [], crls: [] };
  const blocks = pemBlocks(text, 'X509 CRL');
  if (blocks.length === 0) {
    const hint = /-----BEGIN CERTIFICATE-----/.test(text) ? ' but a certificate (is this the CA file?)' : /^\x30/.test(text) ? ' (it looks like DER: convert it with openssl crl -inform DER -in F -out F.pem)' : '';
    facts.problems.push({ line: 0, severity: 'fail', problem: `no -----BEGIN X509 CRL----- block in it${hint} (Mosquitto refuses to start: "Unable to load certificate revocation file")` });
    return facts;
  }
  for (const [index, der] of blocks.entries()) {
    try {
      facts.crls!.push(parseCrl(der));
      facts.entries += 1;
    } catch {
      facts.problems.push({ line: 0, severity: 'fail', problem: `CRL #${index + 1} does not decode: the file is damaged` });
    }
  }
  return facts;
}

export function parseContent(kind: FileKind, text: string): ContentFacts | undefined {
  switch (kind) {
    case 'password':
      return parsePasswordFile(text);
    case 'acl':
      return parseAclFile(text);
    case 'psk':
      return parsePskFile(text);
    case 'dhparam':
      return parseDhParams(text);
    case 'crl':
      return parseCrlFile(text);
    default:
      return undefined;
  }
}
