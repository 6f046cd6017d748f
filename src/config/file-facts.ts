// Facts about the files a configuration names: there, readable (by us and by the mosquitto user),
// what they hold. Keys are read only to derive their public half; nothing of them is kept.
import { createHash, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeCertificate, type CertificateInfo } from '../certs/describe.js';
import { certificateBlocks } from '../certs/pem.js';
import { readInputText } from '../read-input.js';
import { describeFsError } from '../fs-errors.js';
import { parseContent, type ContentFacts, type FileKind } from './file-kinds.js';

export interface FileFacts {
  path: string;
  exists: boolean;
  isDirectory: boolean;
  /** Readable by this process. */
  readable: boolean;
  error?: string;
  /** Readable by the user Mosquitto runs as; null when that user does not exist on this machine. */
  brokerReadable: boolean | null;
  brokerUser: string;
  certificates: CertificateInfo[];
  /** sha256 of each certificate's public key (SPKI DER), in file order. */
  certificateKeys: string[];
  parseError?: string;
  /** For a private key: sha256 of its public half; absent when encrypted or not a key. */
  publicKeySha256?: string;
  encryptedKey: boolean;
  isKey: boolean;
  /** What the file holds, read by the rules of each kind of option that names it (password_file, crlfile, ...). */
  content: Partial<Record<FileKind, ContentFacts>>;
}

interface Account {
  uid: number;
  gids: number[];
}

function lookupAccount(user: string): Account | undefined {
  try {
    const passwd = readFileSync('/etc/passwd', 'utf8').split('\n').map((line) => line.split(':'));
    const entry = passwd.find((fields) => fields[0] === user);
    if (!entry) return undefined;
    const gids = [Number(entry[3])];
    for (const group of readFileSync('/etc/group', 'utf8').split('\n').map((line) => line.split(':'))) {
      if ((group[3] ?? '').split(',').includes(user)) gids.push(Number(group[2]));
    }
    return { uid: Number(entry[2]), gids };
  } catch {
    return undefined;
  }
}

function allows(path: string, account: Account, bit: 4 | 1): boolean {
  const stat = statSync(path);
  if (account.uid === 0) return bit === 4 || (stat.mode & 0o111) !== 0 || stat.isDirectory();
  if (stat.uid === account.uid) return ((stat.mode >> 6) & bit) !== 0;
  if (account.gids.includes(stat.gid)) return ((stat.mode >> 3) & bit) !== 0;
  return (stat.mode & bit) !== 0;
}

/** Whether `user` can read `path`: read on the file, search (x) on every folder above it. */
export function userCanRead(path: string, user: string): boolean | null {
  const account = lookupAccount(user);
  if (!account) return null;
  try {
    for (let dir = dirname(path); ; dir = dirname(dir)) {
      if (!allows(dir, account, 1)) return false;
      if (dir === dirname(dir)) break;
    }
    return allows(path, account, 4);
  } catch {
    return false;
  }
}

const spkiSha256 = (key: KeyObject) => createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex');

/** Facts about one file, read as each kind of option naming it expects (certificates and keys by default). */
export function gatherFileFacts(path: string, brokerUser: string, kinds: ReadonlySet<FileKind> = new Set(['certificates'])): FileFacts {
  const facts: FileFacts = {
    path,
    exists: false,
    isDirectory: false,
    readable: false,
    brokerReadable: null,
    brokerUser,
    certificates: [],
    certificateKeys: [],
    encryptedKey: false,
    isKey: false,
    content: {},
  };
  let text: string;
  try {
    const stat = statSync(path);
    facts.exists = true;
    facts.isDirectory = stat.isDirectory();
    facts.brokerReadable = userCanRead(path, brokerUser);
    if (facts.isDirectory) {
      facts.readable = true;
      return facts;
    }
    text = readInputText(path, 'pem', '', 'latin1');
    facts.readable = true;
  } catch (error) {
    facts.error = describeFsError(error);
    return facts;
  }
  for (const kind of kinds) {
    const content = parseContent(kind, text);
    if (content) facts.content[kind] = content;
  }
  if (!kinds.has('certificates') && !kinds.has('key')) return facts;
  facts.isKey = /-----BEGIN (?:RSA |EC |ENCRYPTED |DSA )?PRIVATE KEY-----/.test(text);
  facts.encryptedKey = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(text);
  if (facts.isKey && !facts.encryptedKey) {
    try {
      facts.publicKeySha256 = spkiSha256(createPublicKey(text));
    } catch {
      facts.parseError = 'the private key does not parse';
    }
  }
  const blocks = certificateBlocks(text);
  for (const [index, block] of blocks.entries()) {
    try {
      const cert = new X509Certificate(block);
      facts.certificates.push(describeCertificate(cert));
      facts.certificateKeys.push(spkiSha256(cert.publicKey));
    } catch {
      facts.parseError = `certificate #${index + 1} does not parse`;
    }
  }
  if (!facts.isKey && blocks.length === 0 && !facts.parseError) facts.parseError = 'no PEM certificate or key in it';
  return facts;
}
