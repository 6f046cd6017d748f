// Joins a live diagnosis with the setup's own files: each live result that is not a pass points at
// the config line that explains it, preferring a lint finding that names the cause.
import type { CheckResult } from '../engine/types.js';
import { isTls, isWebsockets, last, securityOption, type Block, type ConfigModel, type ListenerModel } from './model.js';

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

/** `hint`: replaces the result's hint, when the config names the one cause of several it listed. */
type Place = { file: string; line: number; why?: string; hint?: string };

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

const ACL_NEVER = 'An `acl_file` is not the cause: in Mosquitto 2 ACLs filter topics and never refuse a CONNECT.';

/**
 * CONNACK 5 ("not authorised") has several causes the broker does not tell apart; the config names
 * the one in force: `clientid_prefixes` the client id misses, else the `password_file` a login (-u/-P)
 * was refused by. Undefined when neither applies (the check's hint lists the candidates).
 */
function notAuthorised(result: CheckResult, ctx: JoinContext, listener: ListenerModel | undefined): Place | undefined {
  const evidence = result.evidence as { outcome?: string; returnCode?: number; clientId?: string; withUsername?: boolean } | undefined;
  if (!ctx.cloud || evidence?.outcome !== 'refused' || ![5, 0x87].includes(evidence.returnCode ?? -1)) return undefined;
  const prefixes = ctx.cloud.global.filter((entry) => entry.key === 'clientid_prefixes').at(-1);
  const prefix = prefixes?.args[0];
  if (prefixes && prefix && evidence.clientId && !evidence.clientId.startsWith(prefix)) {
    return {
      file: prefixes.file,
      line: prefixes.line,
      hint: `\`clientid_prefixes ${prefix}\` refuses every client whose id does not start with ${prefix}, and ${evidence.clientId} does not: remove the line and restart mosquitto (the lamp's bridge is refused too unless its remote_clientid starts with ${prefix}), or pass --client-id ${prefix}doctor (each session adds its own suffix). ${ACL_NEVER}`,
    };
  }
  const passwords = evidence.withUsername && listener ? securityOption(ctx.cloud, listener, 'password_file') : undefined;
  if (passwords) {
    return {
      file: passwords.file,
      line: passwords.line,
      hint: `The broker refused the username and password sent with -u/-P: the password does not match the username's entry in \`password_file ${passwords.args[0]}\`, or the username has none. Set it with \`sudo mosquitto_passwd ${passwords.args[0]} <username>\` (or log in with the password it holds), and restart mosquitto. ${ACL_NEVER}`,
    };
  }
  return undefined;
}

/**
 * A PUBLISH acknowledged and never delivered: Mosquitto does that for a `message_size_limit` below
 * the payload (its log: "Dropped too large PUBLISH") and for an ACL that denies the topic. The config
 * names which: the limit when the probe's payload is over it, else the acl_file in force.
 */
function droppedPublish(result: CheckResult, ctx: JoinContext, listener: ListenerModel | undefined): Place | undefined {
  if (!ctx.cloud || !['mqtt.roundtrip/acknowledged-not-delivered', 'mqtt.roundtrip/nothing-came-back'].includes(result.code)) return undefined;
  const payloadBytes = (result.evidence as { payloadBytes?: number } | undefined)?.payloadBytes;
  const limit = ctx.cloud.global.filter((entry) => entry.key === 'message_size_limit').at(-1);
  const bytes = Number(limit?.args[0]);
  if (limit && payloadBytes !== undefined && bytes > 0 && bytes < payloadBytes) {
    return {
      file: limit.file,
      line: limit.line,
      hint: `\`message_size_limit ${bytes}\` drops every PUBLISH whose payload is over ${bytes} bytes, and the probe's are ${payloadBytes}: Mosquitto still acknowledges them (QoS 1) and logs "Dropped too large PUBLISH". Raise it above the largest message your clients send (lamp state and config messages too), or remove it, and restart mosquitto.`,
    };
  }
  const acl = listener ? securityOption(ctx.cloud, listener, 'acl_file') : undefined;
  if (acl) {
    const topic = (result.evidence as { topic?: string } | undefined)?.topic?.replace(/roundtrip\/.*$/, '#') ?? 'lampi-doctor/#';
    const size = payloadBytes !== undefined ? `; no \`message_size_limit\` is below the probe's ${payloadBytes}-byte payload` : '';
    return {
      file: acl.file,
      line: acl.line,
      hint: `\`acl_file ${acl.args[0]}\` is in force for this listener${size}: grant the client's username there (under use_identity_as_username, its certificate's CN), e.g. \`user <CN>\` then \`topic readwrite ${topic}\`, and restart mosquitto. Mosquitto logs the denial ("Denied PUBLISH") with log_type all.`,
    };
  }
  return undefined;
}

/**
 * A bridge that never connected (or lost its connection) where the cloud's `clientid_prefixes` refuses
 * its client id: Mosquitto answers its CONNECT with CONNACK 5, as for any other client. The id is the
 * lamp config's remote_clientid, else the one the run assumed (the seed's <device id>_broker).
 */
function bridgePrefixRefused(result: CheckResult, ctx: JoinContext, bridge: Block | undefined): Place | undefined {
  if (!/^bridge\.status\/(unknown|never-connected-certificate|disconnected)$/.test(result.code ?? '')) return undefined;
  const prefixes = ctx.cloud?.global.filter((entry) => entry.key === 'clientid_prefixes').at(-1);
  const prefix = prefixes?.args[0];
  const idEntry = last(bridge, 'remote_clientid') ?? last(bridge, 'clientid');
  const clientId = idEntry?.args[0] ?? (result.evidence as { bridgeClientId?: string } | undefined)?.bridgeClientId;
  if (!prefixes || !prefix || !clientId || clientId.startsWith(prefix)) return undefined;
  const named = idEntry ? `its ${idEntry.key} ${clientId}` : `its client id ${clientId} (the seed's remote_clientid; --bridge-config reads the real one)`;
  return {
    file: prefixes.file,
    line: prefixes.line,
    hint: `\`clientid_prefixes ${prefix}\` refuses every client whose id does not start with ${prefix}, the lamp's bridge too: ${named} does not, so the cloud answers its CONNECT with CONNACK 5 (the lamp's log: "Connection Refused: not authorised"). Remove the line (deprecated since Mosquitto 2.0; an acl_file restricts clients instead) and restart mosquitto on the cloud; or give the bridge a remote_clientid that starts with ${prefix}.`,
  };
}

/**
 * A session the broker closed under `use_username_as_clientid true`: every session made with one
 * certificate has one client id, so lampi-doctor's next session took this one over (Mosquitto 2.0.11
 * logs "already connected, closing old connection"), not a fault of the broker's.
 */
function sharedClientId(result: CheckResult, ctx: JoinContext, listener: ListenerModel | undefined): Place | undefined {
  if (!ctx.cloud || !listener || (result.evidence as { errorKind?: string } | undefined)?.errorKind !== 'closed') return undefined;
  const entry = securityOption(ctx.cloud, listener, 'use_username_as_clientid');
  if (!entry || !['true', '1'].includes(entry.args[0] ?? '')) return undefined;
  return {
    file: entry.file,
    line: entry.line,
    hint: `\`use_username_as_clientid true\` gives every session made with one certificate the same client id, so lampi-doctor's next session (it opens several at once) took this one over: the broker's log says "already connected, closing old connection". The broker itself may be fine: run this check alone (\`--only mqtt.roundtrip\`) to test it. Remove the line unless one session per certificate is what you want; while it is there, the lamp's certificate used anywhere else knocks its bridge off.`,
  };
}

/** The remote prefix a bridge flow tested (devices/<id>/), from its evidence. */
const devicesOf = (result: CheckResult) => /devices\/[^/\s]+\//.exec(`${result.evidence?.from ?? ''} ${result.evidence?.to ?? ''}`)?.[0];

/** The acl_file in force for the TLS listener: its own under per_listener_settings true, else the global one. */
function aclFile(model: ConfigModel | undefined, tls: ListenerModel | undefined) {
  return model && tls ? securityOption(model, tls, 'acl_file') : undefined;
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
      return sharedClientId(result, ctx, tls) ?? notAuthorised(result, ctx, tls) ?? droppedPublish(result, ctx, tls) ?? place(tls, 'use_identity_as_username');
    case 'bridge.inbound':
    case 'bridge.outbound': {
      // The diagnostic line is there but does not carry the probes: cite it.
      const line = result.evidence?.mappingInConfig as { file?: string; line?: number } | undefined;
      if (/\/mapping-wrong$/.test(result.code ?? '') && line?.file && line.line) return { file: line.file, line: line.line };
      // Nothing crossed a bridge that maps the probes: the cloud's acl_file is the first suspect.
      const acl = result.evidence?.mappingInConfig && /\/(mapping-blocked|bridge-state-unknown|bridge-disconnected)$/.test(result.code ?? '') ? aclFile(ctx.cloud, tls) : undefined;
      if (acl) return { file: acl.file, line: acl.line, why: `the cloud's acl_file ${acl.args[0] ?? ''} must let the bridge's user read and write ${devicesOf(result) ?? 'devices/<id>/'}#`.replace('  ', ' ') };
    }
    // falls through
    case 'bridge.status': {
      const refused = bridgePrefixRefused(result, ctx, bridge);
      if (refused) return refused;
      // No $SYS and no state where the cloud has an acl_file: the ACL hides them from this client.
      const hidden = result.code === 'bridge.status/not-mosquitto' ? aclFile(ctx.cloud, tls) : undefined;
      if (hidden) return { file: hidden.file, line: hidden.line, why: `the cloud's acl_file ${hidden.args[0] ?? ''} may hide $SYS and the bridge's state from this client: grant its user \`topic read $SYS/#\`, \`topic read lamp/connection/#\` and \`topic read devices/+/lamp/connection/#\``.replace('  ', ' ') };
      return (
        findingIn(ctx, ctx.lamp, ['config.keypair', 'config.files', 'config.bridge-tls', 'config.bridge-address', 'config.chain', 'config.certificates', 'config.bridge-identity']) ??
        (result.status === 'skip' || /prefix/.test(result.summary) ? place(bridge, 'topic') : place(bridge))
      );
    }
    case 'wss.handshake':
      return place(listenerOn(ctx.cloud, ctx.wssPort, isWebsockets));
    case 'wss.connect':
      return notAuthorised(result, ctx, listenerOn(ctx.cloud, ctx.wssPort, isWebsockets)) ?? place(listenerOn(ctx.cloud, ctx.wssPort, isWebsockets));
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
    if (cited.hint) return { ...result, file: cited.file, line: cited.line, hint: cited.hint };
    return { ...result, file: cited.file, line: cited.line, hint: `${result.hint ?? ''}${because}`.trim() || undefined };
  });
}
