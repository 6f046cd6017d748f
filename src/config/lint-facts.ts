// Everything the config rules decide on, gathered once: the models, the files they name, and how
// each certificate file chains to the CA file beside it. Reads only.
import { X509Certificate } from 'node:crypto';
import { buildLocalChain } from '../certs/chain.js';
import { pathLengthViolation } from '../certs/der.js';
import { oneLineName } from '../certs/describe.js';
import { certificateBlocks } from '../certs/pem.js';
import { readInputText } from '../read-input.js';
import { gatherCapath, type CapathFacts } from './capath.js';
import { gatherFileFacts, type FileFacts } from './file-facts.js';
import { KIND_OF_OPTION, type FileKind } from './file-kinds.js';
import { loadConfig } from './load.js';
import { buildModel, last, pathOf, type Block, type ConfigModel } from './model.js';

export interface ChainFacts {
  verified: boolean;
  problem?: string;
  path: string[];
  /**
   * The issuer OpenSSL still looks for above the top of `path`: the missing issuer of a chain that
   * does not verify, or, for one that ends at a CA-file certificate that is not self-signed (an
   * intermediate), the root above it that the CA file lacks (without it OpenSSL fails, error 2).
   */
  missingIssuer?: string;
  /** A CA whose pathLenConstraint the chain exceeds (openssl verify: error 25). */
  pathLengthExceeded?: { depth: number; subject: string; pathLength: number };
}

export interface LintFacts {
  configs: ConfigModel[];
  files: Record<string, FileFacts>;
  /** `${certfile}|${cafile or capath}` -> how the certfile's leaf chains to the CA file or folder. */
  chains: Record<string, ChainFacts>;
  /** capath / bridge_capath folders: their hash links and the CAs OpenSSL finds through them. */
  capaths: Record<string, CapathFacts>;
  /** Client certificates given to lint (--cert), checked against the CRLs. */
  clientCertificates: string[];
  /** The certificates in a PEM file (read once, [] when none or unreadable). */
  certificates(path: string): X509Certificate[];
}

export interface LintInputs {
  clientCertificates?: string[];
}

export const FILE_OPTIONS = ['cafile', 'certfile', 'keyfile', 'crlfile', 'dhparamfile', 'capath', 'bridge_cafile', 'bridge_certfile', 'bridge_keyfile', 'bridge_capath', 'acl_file', 'password_file', 'psk_file'];

/** The cert/key/CA triples to check: every listener's and every bridge's. */
export function tlsMaterial(model: ConfigModel): { block: Block; kind: 'listener' | 'bridge'; ca?: string; capath?: string; cert?: string; key?: string }[] {
  return [
    ...model.listeners.map((block) => ({ block, kind: 'listener' as const, ca: pathOf(last(block, 'cafile')), capath: pathOf(last(block, 'capath')), cert: pathOf(last(block, 'certfile')), key: pathOf(last(block, 'keyfile')) })),
    ...model.bridges.map((block) => ({ block, kind: 'bridge' as const, ca: pathOf(last(block, 'bridge_cafile')), capath: pathOf(last(block, 'bridge_capath')), cert: pathOf(last(block, 'bridge_certfile')), key: pathOf(last(block, 'bridge_keyfile')) })),
  ];
}

function certificatesOf(path: string): X509Certificate[] {
  try {
    return certificateBlocks(readInputText(path, 'pem', '', 'latin1')).map((pem) => new X509Certificate(pem));
  } catch {
    return [];
  }
}

const oneLine = oneLineName;

/** A verified chain continued through the CA file's own certificates up to a self-signed root, as OpenSSL goes on. */
function upToRoot(path: X509Certificate[], anchors: readonly X509Certificate[]): X509Certificate[] {
  const full = [...path];
  for (let current = full.at(-1)!; current.subject !== current.issuer && full.length < 10; ) {
    const above = anchors.find((anchor) => !full.includes(anchor) && buildLocalChain(current, [], [anchor]).ok && anchor.fingerprint256 !== current.fingerprint256);
    if (!above) break;
    full.push(above);
    current = above;
  }
  return full;
}

export function chainKey(cert: string, ca: string): string {
  return `${cert}|${ca}`;
}

export function gatherLintFacts(paths: readonly string[], inputs: LintInputs = {}): LintFacts {
  const cache = new Map<string, X509Certificate[]>();
  const certificates = (path: string) => {
    if (!cache.has(path)) cache.set(path, certificatesOf(path));
    return cache.get(path)!;
  };
  const configs = paths.map((path) => buildModel(path, loadConfig([path])));
  const files: Record<string, FileFacts> = {};
  const chains: Record<string, ChainFacts> = {};
  // Each file once, read by the rules of every option that names it.
  const wanted = new Map<string, { user: string; kinds: Set<FileKind> }>();
  for (const model of configs) {
    for (const entry of model.entries.filter((e) => FILE_OPTIONS.includes(e.key))) {
      const path = pathOf(entry);
      if (!path) continue;
      const want = wanted.get(path) ?? { user: model.user, kinds: new Set<FileKind>() };
      want.kinds.add(KIND_OF_OPTION[entry.key]);
      wanted.set(path, want);
    }
  }
  for (const [path, { user, kinds }] of wanted) files[path] = gatherFileFacts(path, user, kinds);
  const capaths: Record<string, CapathFacts> = {};
  for (const model of configs) {
    for (const { capath } of tlsMaterial(model)) if (capath && files[capath]?.isDirectory && !capaths[capath]) capaths[capath] = gatherCapath(capath);
  }
  // Certificates chain against their own CA file or folder, and bridges against every remote's too.
  const cas = new Set(configs.flatMap((model) => tlsMaterial(model).flatMap((m) => [m.ca, m.capath]).filter((ca): ca is string => Boolean(ca))));
  for (const model of configs) {
    for (const { cert } of tlsMaterial(model)) {
      if (!cert) continue;
      const [leaf, ...intermediates] = certificates(cert);
      if (!leaf) continue;
      for (const ca of cas) {
        const anchors = capaths[ca]?.anchors ?? certificates(ca);
        // An empty capath still decides: nothing there can anchor the chain.
        if (anchors.length === 0 && !capaths[ca]) continue;
        const built = buildLocalChain(leaf, intermediates, anchors);
        const path = built.ok ? upToRoot(built.path, anchors) : built.path;
        const top = path.at(-1)!;
        const missingIssuer = top.subject === top.issuer ? undefined : oneLine(top.issuer);
        chains[chainKey(cert, ca)] = { verified: built.ok, problem: built.problem, path: path.map((c) => oneLine(c.subject)), missingIssuer, pathLengthExceeded: built.ok ? pathLengthViolation(built.path) : undefined };
      }
    }
  }
  return { configs, files, chains, capaths, clientCertificates: inputs.clientCertificates ?? [], certificates };
}
