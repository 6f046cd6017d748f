// Joins a live diagnosis with the setup's own files: each live result that is not a pass points at
// the config line that explains it, preferring a lint finding that names the cause.
import type { CheckResult } from '../engine/types.js';
import { isTls, isWebsockets, last, type Block, type ConfigModel, type ListenerModel } from './model.js';

export interface JoinContext {
  /** The cloud broker's config (--config), if given. */
  cloud?: ConfigModel;
  /** The lamp's config with the bridge (--bridge-config), if given. */
  lamp?: ConfigModel;
  /** Config findings that are not passes. */
  findings: CheckResult[];
  port: number;
  wssPort: number;
  plainPort: number;
}

type Place = { file: string; line: number; why?: string };

const place = (block: Block | undefined, key?: string): Place | undefined => {
  const entry = key ? last(block, key) : undefined;
  if (entry) return { file: entry.file, line: entry.line };
  return block ? { file: block.file, line: block.line } : undefined;
};

function listenerOn(model: ConfigModel | undefined, port: number, test: (l: ListenerModel) => boolean): ListenerModel | undefined {
  return model?.listeners.find((l) => l.port === port && test(l)) ?? model?.listeners.find(test);
}

/** The first config finding (not a pass) in the given file, to name the cause. */
function findingIn(ctx: JoinContext, model: ConfigModel | undefined, ids?: string[]): Place | undefined {
  if (!model) return undefined;
  const finding = ctx.findings.find((f) => f.file && model.files.includes(f.file) && (!ids || ids.includes(f.id)) && f.status !== 'warn');
  return finding && { file: finding.file!, line: finding.line!, why: finding.summary };
}

/** The remote prefix a bridge flow tested (devices/<id>/), from its evidence. */
const devicesOf = (result: CheckResult) => /devices\/[^/\s]+\//.exec(`${result.evidence?.from ?? ''} ${result.evidence?.to ?? ''}`)?.[0];

/** The acl_file the TLS listener uses: its own (per_listener_settings true), else the global one. */
function aclFile(model: ConfigModel | undefined, tls: ListenerModel | undefined) {
  return last(tls, 'acl_file') ?? model?.global.filter((entry) => entry.key === 'acl_file').at(-1);
}

function explain(result: CheckResult, ctx: JoinContext): Place | undefined {
  const tls = listenerOn(ctx.cloud, ctx.port, (l) => isTls(l) && !isWebsockets(l));
  const bridge = ctx.lamp?.bridges[0];
  switch (result.id) {
    case 'tcp.connect':
    case 'tls.handshake':
      return findingIn(ctx, ctx.cloud, ['config.files', 'config.keypair', 'config.option']) ?? place(tls);
    case 'tls.hostname':
      return bridge ? place(bridge, 'address') : place(tls, 'certfile');
    case 'tls.chain':
    case 'tls.validity':
    case 'tls.key':
      return findingIn(ctx, ctx.cloud, ['config.chain', 'config.certificates']) ?? place(tls, 'certfile');
    case 'tls.version':
      // A TLS 1.2 refusal with no shared cipher comes from the `ciphers` line (the listener, when it
      // has none); one from the certificate's keyUsage from `certfile`; only the rest from `tls_version`.
      if (result.code === 'tls.version/tls12-no-shared-cipher') return place(tls, 'ciphers');
      if (result.code === 'tls.version/leaf-key-usage') return place(tls, 'certfile');
      return place(tls, 'tls_version');
    case 'tls.client-auth':
      return place(tls, 'require_certificate');
    case 'mqtt.connect':
    case 'mqtt.roundtrip':
      return place(tls, 'use_identity_as_username');
    case 'bridge.inbound':
    case 'bridge.outbound': {
      // Nothing crossed a bridge that maps the probes: the cloud's acl_file is the first suspect.
      const acl = result.evidence?.mappingInConfig && /\/(mapping-blocked|bridge-state-unknown|bridge-disconnected)$/.test(result.code ?? '') ? aclFile(ctx.cloud, tls) : undefined;
      if (acl) return { file: acl.file, line: acl.line, why: `the cloud's acl_file ${acl.args[0] ?? ''} must let the bridge's user read and write ${devicesOf(result) ?? 'devices/<id>/'}#`.replace('  ', ' ') };
    }
    // falls through
    case 'bridge.status': {
      // No $SYS and no state where the cloud has an acl_file: the ACL hides them from this client.
      const hidden = result.code === 'bridge.status/not-mosquitto' ? aclFile(ctx.cloud, tls) : undefined;
      if (hidden) return { file: hidden.file, line: hidden.line, why: `the cloud's acl_file ${hidden.args[0] ?? ''} may hide $SYS and the bridge's state from this client: grant its user \`topic read $SYS/#\`, \`topic read lamp/connection/#\` and \`topic read devices/+/lamp/connection/#\``.replace('  ', ' ') };
      return (
        findingIn(ctx, ctx.lamp, ['config.keypair', 'config.files', 'config.bridge-tls', 'config.bridge-address', 'config.chain', 'config.certificates', 'config.bridge-identity']) ??
        (result.status === 'skip' || /prefix/.test(result.summary) ? place(bridge, 'topic') : place(bridge))
      );
    }
    case 'wss.handshake':
    case 'wss.connect':
      return place(listenerOn(ctx.cloud, ctx.wssPort, isWebsockets));
    case 'plain.exposure':
      return place(listenerOn(ctx.cloud, ctx.plainPort, (l) => !isTls(l) && !isWebsockets(l)));
    default:
      return undefined;
  }
}

export function citeConfig(results: CheckResult[], ctx: JoinContext): CheckResult[] {
  return results.map((result) => {
    if (result.status === 'pass' || (result.status === 'skip' && !result.hint)) return result;
    const cited = explain(result, ctx);
    if (!cited) return result;
    const because = cited.why ? ` Config: ${cited.why} (${cited.file}:${cited.line}).` : '';
    return { ...result, file: cited.file, line: cited.line, hint: `${result.hint ?? ''}${because}`.trim() || undefined };
  });
}
