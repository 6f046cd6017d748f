// Everything the config rules decide on, gathered once: the models, the files they name, and how
// each certificate file chains to the CA file beside it. Reads only.
import { X509Certificate } from 'node:crypto';
import { buildLocalChain } from '../certs/chain.js';
import { certificateBlocks } from '../certs/pem.js';
import { readInputText } from '../read-input.js';
import { gatherFileFacts, type FileFacts } from './file-facts.js';
import { loadConfig } from './load.js';
import { buildModel, last, pathOf, type Block, type ConfigModel } from './model.js';

export interface ChainFacts {
  verified: boolean;
  problem?: string;
  path: string[];
}

export interface LintFacts {
  configs: ConfigModel[];
  files: Record<string, FileFacts>;
  /** `${certfile}|${cafile}` -> how the certfile's leaf chains to the CA file. */
  chains: Record<string, ChainFacts>;
}

export const FILE_OPTIONS = ['cafile', 'certfile', 'keyfile', 'crlfile', 'dhparamfile', 'capath', 'bridge_cafile', 'bridge_certfile', 'bridge_keyfile', 'bridge_capath', 'acl_file', 'password_file', 'psk_file'];

/** The cert/key/CA triples to check: every listener's and every bridge's. */
export function tlsMaterial(model: ConfigModel): { block: Block; kind: 'listener' | 'bridge'; ca?: string; cert?: string; key?: string }[] {
  return [
    ...model.listeners.map((block) => ({ block, kind: 'listener' as const, ca: pathOf(last(block, 'cafile')), cert: pathOf(last(block, 'certfile')), key: pathOf(last(block, 'keyfile')) })),
    ...model.bridges.map((block) => ({ block, kind: 'bridge' as const, ca: pathOf(last(block, 'bridge_cafile')), cert: pathOf(last(block, 'bridge_certfile')), key: pathOf(last(block, 'bridge_keyfile')) })),
  ];
}

function certificatesOf(path: string): X509Certificate[] {
  try {
    return certificateBlocks(readInputText(path, 'pem', '', 'latin1')).map((pem) => new X509Certificate(pem));
  } catch {
    return [];
  }
}

export function chainKey(cert: string, ca: string): string {
  return `${cert}|${ca}`;
}

export function gatherLintFacts(paths: readonly string[]): LintFacts {
  const configs = paths.map((path) => buildModel(path, loadConfig([path])));
  const files: Record<string, FileFacts> = {};
  const chains: Record<string, ChainFacts> = {};
  for (const model of configs) {
    for (const entry of model.entries.filter((e) => FILE_OPTIONS.includes(e.key))) {
      const path = pathOf(entry);
      if (path && !files[path]) files[path] = gatherFileFacts(path, model.user);
    }
  }
  // Certificates chain against their own CA file, and bridges against every remote's too.
  const cas = new Set(configs.flatMap((model) => tlsMaterial(model).map((m) => m.ca).filter((ca): ca is string => Boolean(ca))));
  for (const model of configs) {
    for (const { cert } of tlsMaterial(model)) {
      if (!cert) continue;
      const [leaf, ...intermediates] = certificatesOf(cert);
      if (!leaf) continue;
      for (const ca of cas) {
        const anchors = certificatesOf(ca);
        if (anchors.length === 0) continue;
        const built = buildLocalChain(leaf, intermediates, anchors);
        chains[chainKey(cert, ca)] = { verified: built.ok, problem: built.problem, path: built.path.map((c) => c.subject.split('\n').join(', ')) };
      }
    }
  }
  return { configs, files, chains };
}
