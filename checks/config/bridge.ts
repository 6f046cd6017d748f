// The lamp's bridge (lampi_bridge.conf): where it dials, how it speaks TLS, who it says it is, and
// how it maps topics. Cross-checked against the cloud's config when that is linted alongside.
import { isIP } from '../../src/ip-address.js';
import { hostMatches } from '../../src/certs/names.js';
import { chainKey } from '../../src/config/lint-facts.js';
import { bridgeRefused, isTls, isWebsockets, last, pathOf, securityOption } from '../../src/config/model.js';
import { tlsVersionIsExact, tlsVersionMeaning } from '../../src/config/mosquitto-versions.js';
import { at, bad, defineRule, doubt, listenerOnPort, mosquittoAddress, ok, remoteListener, tlsMqttListeners, type LintFinding, type LintSettings } from './define.js';
import type { LintFacts } from '../../src/config/lint-facts.js';
import type { BridgeModel, ConfigModel } from '../../src/config/model.js';
import type { ConfEntry, TopicMapping } from '../../src/config/mosquitto-conf.js';
import { aclAllows } from '../verdicts/acl.js';
import { correctedLine, intendedPrefix, joined, quotedPrefix, unslashedPrefix } from '../verdicts/probe-mapping.js';

const VERSION_RANK: Record<string, number> = { tlsv1: 0, 'tlsv1.1': 1, 'tlsv1.2': 2, 'tlsv1.3': 3 };

export const configBridgeAddress = defineRule({
  id: 'config.bridge-address',
  title: 'The bridge dials the broker\'s FQDN on its TLS port',
  codes: {
    ok: 'The bridge dials a TLS port by a name the broker\'s certificate lists',
    'no-address': 'The bridge has no address, or one that is not HOST:PORT',
    'plain-port': 'The bridge dials the plain MQTT port',
    'ip-address': 'The bridge dials an IP address instead of the FQDN',
    'name-mismatch': 'The bridge dials a name the broker\'s certificate does not list',
    'websockets-port': 'The bridge dials the broker\'s websockets listener instead of its TLS MQTT port',
    'comma-in-host': 'The bridge\'s addresses are separated by a comma without a space: Mosquitto cannot resolve the first',
    'comma-separated': 'The bridge\'s addresses are separated by commas (Mosquitto separates them by spaces)',
  },
  run(facts, settings) {
    return facts.configs.flatMap((model) =>
      model.bridges.flatMap((bridge): LintFinding[] => {
        const address = last(bridge, 'address') ?? last(bridge, 'addresses');
        if (!address?.args[0]) return [bad('no-address', at(bridge), `bridge ${bridge.name} has no \`address\``, 'Add `address <cloud FQDN>:8883` under the connection line.')];
        const target = address.args[0];
        // Mosquitto splits the line on spaces only: a comma is part of a word (src/conf.c).
        const words = address.args.map((word) => ({ word, ...mosquittoAddress(word) }));
        const commaHost = words.find((w) => w.host.includes(','));
        const spaced = address.args.flatMap((word) => word.split(',')).filter(Boolean).join(' ');
        if (commaHost && commaHost === words[0]) {
          return [
            bad(
              'comma-in-host',
              at(address),
              `bridge ${bridge.name}'s address \`${address.args.join(' ')}\`: Mosquitto separates addresses with spaces, not commas, so it takes "${commaHost.host}" as one host name (port ${commaHost.port}); it cannot resolve it (its log: "Error resolving bridge address") and the bridge never connects`,
              `Separate the addresses with spaces: \`address ${spaced}\` (or keep only the first), then restart mosquitto on the lamp.`,
              { address: address.args.join(' '), host: commaHost.host, port: commaHost.port },
            ),
          ];
        }
        const commaNote = address.args.some((word) => word.includes(','))
          ? doubt(
              'comma-separated',
              at(address),
              `bridge ${bridge.name}'s address \`${address.args.join(' ')}\` separates addresses with commas: Mosquitto splits it on spaces only and reads ${words.map((w) => (w.host.includes(',') || !w.host ? `"${w.word}" (no address it can resolve)` : `${w.host}:${w.port}`)).join(', ')}${commaHost ? '' : ' (the comma after a port is ignored)'}, so the bridge dials ${words[0].host}:${words[0].port} first`,
              `Separate the addresses with spaces: \`address ${spaced}\`.`,
              { address: address.args.join(' ') },
            )
          : undefined;
        const verdict = judgeAddress(facts, settings, model, bridge, address, target);
        return commaNote && verdict.status === 'pass' ? [commaNote] : commaNote ? [verdict, commaNote] : [verdict];
      }),
    );
  },
});

/** Where the bridge's first address leads: the plain port, websockets, an IP, a name the certificate lacks. */
function judgeAddress(facts: LintFacts, settings: LintSettings, model: ConfigModel, bridge: BridgeModel, address: ConfEntry, target: string): LintFinding {
  const parsed = mosquittoAddress(target);
  const match = /^\[?([^\]]+?)\]?$/.exec(parsed.host);
  // Found by `npm run fuzz`: an address like `]` is no HOST[:PORT] at all.
  if (!match || parsed.port < 1 || parsed.port > 65535) return bad('no-address', at(address), `bridge ${bridge.name}'s address ${target} is not HOST:PORT`, 'Write it as `address <cloud FQDN>:8883` under the connection line.');
  const host = match[1];
  const port = parsed.port;
  const explicitPort = target.lastIndexOf(':') >= 0;
  const remote = remoteListener(facts, model, address);
  // What the port is, from the broker's config linted alongside, else from a live run's ports.
  const dialled = remote ? undefined : listenerOnPort(facts, model, port);
  const tlsListener = remote?.listener ?? tlsMqttListeners(facts, model)[0];
  const tlsPort = tlsListener?.port ?? settings.live?.tls ?? 8883;
  const tlsCertPath = tlsListener && pathOf(last(tlsListener, 'certfile'));
  const liveHost = settings.live?.host && !isIP(settings.live.host) ? settings.live.host : undefined;
  const fixHost = isIP(host) ? (tlsCertPath && facts.files[tlsCertPath]?.certificates[0]?.dnsNames[0]) || liveHost || '<cloud FQDN>' : host;
  const websockets = dialled ? isWebsockets(dialled.listener) : !remote && settings.live?.wss === port && settings.live?.tls !== port;
  if (websockets) {
    const known = dialled ? `${dialled.listener.file}:${dialled.listener.line}` : '--wss-port';
    return bad(
      'websockets-port',
      at(address),
      `the bridge dials ${host}:${port}, the broker's websockets listener (${known}): a bridge speaks MQTT over TLS, not websockets, so the broker drops it (the lamp's log: "disconnected due to protocol error")`,
      `Dial the broker's TLS MQTT port: \`address ${fixHost}:${tlsPort}\`, then restart mosquitto on the lamp.`,
      { host, port, tlsPort },
    );
  }
  if (port === 1883 || !explicitPort || (dialled && !isTls(dialled.listener))) {
    const where = dialled ? ` (${dialled.listener.file}:${dialled.listener.line})` : '';
    return bad('plain-port', at(address), `the bridge dials ${host}:${port}, the plain MQTT port${where}: no TLS there`, `Use the TLS port: \`address ${host}:${tlsPort}\`.`, { host, port });
  }
  const certPath = remote && pathOf(last(remote.listener, 'certfile'));
  const leaf = certPath ? facts.files[certPath]?.certificates[0] : undefined;
  if (isIP(host) && (!leaf || hostMatches(leaf, host))) {
    const fqdn = leaf?.dnsNames[0] ?? liveHost ?? '<fqdn>';
    const why = leaf ? 'it works only because the certificate lists that IP, and breaks when the address changes' : 'certificates name the broker by its FQDN, so verification fails unless the certificate lists this IP';
    return doubt('ip-address', at(address), `the bridge dials the IP address ${host}: ${why}`, `Dial the FQDN the server certificate names: \`address ${fqdn}:${port}\` (the seed's note).`, { host, port });
  }
  if (leaf && !hostMatches(leaf, host)) {
    return bad('name-mismatch', at(address), `the bridge dials ${host}, but the broker's certificate (${certPath}) names ${[...leaf.dnsNames, ...leaf.ipAddresses].join(', ') || `only CN=${leaf.commonName}`}`, `Re-issue the server certificate with subjectAltName=DNS:${host}, or dial a name it lists.`, { host, port, certificate: certPath });
  }
  return ok('ok', at(address), `the bridge dials ${host}:${port}${leaf ? `, which the broker's certificate names` : ''}`, { host, port });
}


export const configBridgeTls = defineRule({
  id: 'config.bridge-tls',
  title: 'The bridge speaks TLS the broker accepts, with a stable session',
  codes: {
    ok: 'The bridge\'s TLS settings and session are sound',
    'no-tls': 'The bridge has no bridge_cafile: it connects without TLS',
    'no-client-certificate': 'The bridge has no client certificate',
    'no-tls-version': 'The bridge sets no bridge_tls_version',
    'tls-version-mismatch': 'bridge_tls_version and the broker\'s tls_version never meet',
    insecure: 'bridge_insecure true: the bridge does not check the broker\'s name',
    'no-client-id': 'The bridge sets no remote_clientid',
    'clean-session': 'The bridge uses a clean session: messages are dropped while the lamp is offline',
    'foreign-certificate': 'The bridge certificate is not issued by the CA the broker trusts',
  },
  run(facts, { mosquitto }) {
    return facts.configs.flatMap((model) =>
      model.bridges.flatMap((bridge): LintFinding[] => {
        // A bridge that never runs on a value Mosquitto refuses (config.option names the line) has no TLS or session to describe.
        if (bridgeRefused(bridge, mosquitto)) return [];
        const findings: LintFinding[] = [];
        const cafile = last(bridge, 'bridge_cafile') ?? last(bridge, 'bridge_capath');
        if (!cafile) {
          findings.push(bad('no-tls', at(bridge), `bridge ${bridge.name} has no bridge_cafile: it connects without TLS`, 'Add `bridge_cafile /etc/mosquitto/ca_certificates/lampi_ca.crt` (with bridge_certfile and bridge_keyfile).'));
        }
        if (cafile && (!last(bridge, 'bridge_certfile') || !last(bridge, 'bridge_keyfile'))) {
          findings.push(bad('no-client-certificate', at(cafile), `bridge ${bridge.name} has no client certificate (bridge_certfile / bridge_keyfile): a broker with require_certificate refuses it`, 'Add `bridge_certfile` and `bridge_keyfile` for the lamp\'s certificate (CN = remote_clientid).'));
        }
        const version = last(bridge, 'bridge_tls_version');
        const remote = remoteListener(facts, model, last(bridge, 'address'));
        const remoteVersion = remote ? last(remote.listener, 'tls_version')?.args[0] : undefined;
        const exact = tlsVersionIsExact(mosquitto);
        const evidence = { mosquittoVersion: mosquitto.text, tlsVersionIs: exact ? 'exact' : 'minimum' };
        if (cafile && !version) {
          findings.push(doubt('no-tls-version', at(cafile), `bridge ${bridge.name} sets no bridge_tls_version`, 'Add `bridge_tls_version tlsv1.2`, as the seed does, so the version is a decision.', evidence));
        } else if (version && remoteVersion && exact && version.args[0] !== remoteVersion) {
          findings.push(bad('tls-version-mismatch', at(version), `bridge_tls_version ${version.args[0]} and the broker's tls_version ${remoteVersion} (${remote!.listener.file}:${remote!.listener.line}) never meet: ${tlsVersionMeaning(mosquitto)}`, `Set the same version on both sides (\`bridge_tls_version ${remoteVersion}\`), or upgrade Mosquitto to 2.0.9 or later, where both are minimums.`, evidence));
        } else if (version && remoteVersion && !exact && VERSION_RANK[version.args[0]] < VERSION_RANK[remoteVersion]) {
          findings.push(ok('ok', at(version), `bridge_tls_version ${version.args[0]} is a minimum (Mosquitto ${mosquitto.text}), so the bridge still offers the broker's ${remoteVersion}`, evidence));
        } else if (version) {
          findings.push(ok('ok', at(version), `bridge_tls_version ${version.args[0]}${remoteVersion ? `, which the broker (tls_version ${remoteVersion}) accepts` : ''} (${exact ? 'exactly that version' : 'or newer'} in Mosquitto ${mosquitto.text})`, evidence));
        }
        const insecure = last(bridge, 'bridge_insecure');
        if (insecure && ['true', '1'].includes(insecure.args[0] ?? '')) {
          findings.push(bad('insecure', at(insecure), `bridge_insecure true: the bridge does not check that the broker's certificate names the host it dials, so anyone with a certificate from the CA can pose as the broker (Mosquitto logs "Bridge ${bridge.name} using insecure mode")`, 'Remove `bridge_insecure true` and dial the name the broker\'s certificate lists (or re-issue it with that subjectAltName).'));
        }
        const clientId = last(bridge, 'remote_clientid') ?? last(bridge, 'clientid');
        const clean = last(bridge, 'cleansession');
        const cleanSession = ['true', '1'].includes(clean?.args[0] ?? '');
        if (!clientId) {
          findings.push(doubt('no-client-id', at(bridge), `bridge ${bridge.name} sets no remote_clientid: Mosquitto makes one from the host name`, `Add \`remote_clientid ${bridge.name}\`, equal to the bridge certificate's CN.`));
        } else if (cleanSession) {
          findings.push(doubt('clean-session', at(clean!), `the bridge uses a clean session: messages for the lamp are dropped while it is offline`, 'Set `cleansession false` (or remove the line: false is Mosquitto\'s default), so the fixed remote_clientid keeps its session.'));
        } else {
          findings.push(ok('ok', clean ? at(clean) : at(clientId), `cleansession ${clean ? clean.args[0] : 'false (Mosquitto\'s default)'} with the fixed client id ${clientId.args[0]}`));
        }
        if (remote && last(bridge, 'bridge_certfile')) {
          const cert = pathOf(last(bridge, 'bridge_certfile'))!;
          const remoteCa = pathOf(last(remote.listener, 'cafile'));
          const chain = remoteCa ? facts.chains[chainKey(cert, remoteCa)] : undefined;
          if (chain && !chain.verified) {
            // Either side may be the wrong one: the lamp's certificate from another CA, or the cloud's cafile not the class CA.
            const issuer = chain.missingIssuer ?? chain.path.at(-1);
            findings.push(
              bad(
                'foreign-certificate',
                at(last(bridge, 'bridge_certfile')!),
                `bridge_certfile ${cert} is not issued by the CA the broker trusts (its cafile ${remoteCa})${issuer ? `: it chains to ${issuer}` : ''}`,
                `Make the two agree: issue the lamp's certificate from the CA in ${remoteCa}, or, if ${issuer ?? 'its issuer'} is the CA your class uses (the one that issued the other client certificates), point the cloud listener's \`cafile\` at that CA and restart mosquitto there. \`openssl verify -purpose sslclient -CAfile ${remoteCa} ${cert}\` prints OK once they agree.`,
              ),
            );
          }
        }
        return findings;
      }),
    );
  },
});

export const configBridgeIdentity = defineRule({
  id: 'config.bridge-identity',
  title: 'The bridge certificate\'s CN is its client id',
  codes: {
    ok: 'The bridge certificate\'s CN is its remote_clientid',
    'cn-differs': 'The bridge certificate\'s CN differs from remote_clientid',
    'cn-differs-convention': 'The bridge certificate\'s CN differs from remote_clientid, but the cloud (no acl_file, or one that grants the CN) does not depend on it',
    'clientid-prefix': 'The cloud\'s clientid_prefixes refuses the bridge\'s client id',
  },
  run(facts) {
    return facts.configs.flatMap((model) =>
      model.bridges.flatMap((bridge): LintFinding[] => {
        const certEntry = last(bridge, 'bridge_certfile');
        const idEntry = last(bridge, 'remote_clientid') ?? last(bridge, 'clientid');
        const clientId = idEntry?.args[0];
        const remote = remoteListener(facts, model, last(bridge, 'address'));
        // Mosquitto refuses a CONNECT whose client id misses the prefix (CONNACK 5), the bridge's too:
        // the lamp logs "Connection Refused: not authorised" and retries for ever.
        const prefixes = remote?.model.global.filter((entry) => entry.key === 'clientid_prefixes').at(-1);
        const prefix = prefixes?.args[0];
        const findings: LintFinding[] = [];
        if (prefixes && prefix && idEntry && clientId && !clientId.startsWith(prefix)) {
          findings.push(
            bad(
              'clientid-prefix',
              at(idEntry),
              `bridge ${bridge.name}: ${idEntry.key} "${clientId}" does not start with "${prefix}", and the cloud's \`clientid_prefixes ${prefix}\` (${prefixes.file}:${prefixes.line}) refuses every other client id: the bridge is refused (CONNACK 5; the lamp logs "Connection Refused: not authorised")`,
              `Remove \`clientid_prefixes ${prefix}\` from the cloud's config (deprecated since Mosquitto 2.0; an acl_file restricts clients instead) and restart mosquitto there; or give the bridge a client id that starts with ${prefix} (\`${idEntry.key} ${prefix}${clientId}\`, and, to keep the seed's convention, a certificate with that CN).`,
            ),
          );
        }
        const leaf = certEntry ? facts.files[pathOf(certEntry)!]?.certificates[0] : undefined;
        if (!certEntry || !leaf || !clientId) return findings;
        const identity = remote && last(remote.listener, 'use_identity_as_username')?.args[0] === 'true';
        if (leaf.commonName === clientId) return [...findings, ok('ok', at(certEntry), `the bridge certificate's CN is ${clientId}, its remote_clientid`)];
        const cn = leaf.commonName ?? '';
        const head = `bridge certificate CN "${cn}" differs from remote_clientid "${clientId}"`;
        // A client id the cloud's clientid_prefixes refuses is no fix.
        const refused = prefix !== undefined && !cn.startsWith(prefix);
        const equalFix = refused
          ? `Make them equal: re-issue the certificate with CN=${clientId} (\`remote_clientid ${cn}\` would not do: the cloud's clientid_prefixes ${prefix} refuses it).`
          : `Make them equal: re-issue the certificate with CN=${clientId}, or set \`remote_clientid ${cn}\`.`;
        if (identity) {
          // Only an acl_file reads the username (the CN): without one, nothing depends on the name
          // (lab, Mosquitto 2.0.11: the bridge connects as "<remote_clientid> … u'<CN>'" and its messages cross).
          const aclEntry = securityOption(remote.model, remote.listener, 'acl_file');
          const aclPath = pathOf(aclEntry);
          const rules = aclPath ? facts.files[aclPath]?.content.acl?.aclRules : undefined;
          if (!aclEntry) {
            return [...findings, doubt('cn-differs-convention', at(certEntry), `${head}: the broker (use_identity_as_username) knows the lamp as "${cn}", but the cloud has no acl_file, so nothing there depends on that name: the bridge connects and its messages cross. The LAMPI convention makes the CN the client id, which an acl_file added later may rely on`, equalFix, { commonName: cn, clientId })];
          }
          if (rules) {
            const denied = bridgeTopics(bridge).map((need) => ({ ...need, verdict: aclAllows(rules, { username: cn, clientId }, need.topic, need.access) })).filter((need) => !need.verdict.allowed)
              // A refused PUBLISH is logged ("Denied PUBLISH from …"); a refused read is silent: name a write first.
              .sort((a, b) => Number(a.access === 'read') - Number(b.access === 'read'));
            const where = `the cloud's acl_file ${aclEntry.args[0]} (${aclEntry.file}:${aclEntry.line})`;
            if (denied.length === 0) {
              return [...findings, doubt('cn-differs-convention', at(certEntry), `${head}: the broker (use_identity_as_username) knows the lamp as "${cn}", and ${where} grants "${cn}" the bridge's topics, so the bridge works; the LAMPI convention makes the CN the client id`, equalFix, { commonName: cn, clientId, aclFile: aclPath })];
            }
            const first = denied[0];
            const asClientId = aclAllows(rules, { username: clientId, clientId }, first.topic, first.access);
            const userLine = asClientId.allowed ? rules.find((rule) => rule.line === asClientId.line)?.userLine : undefined;
            const grantsId = asClientId.allowed ? ` It grants "${clientId}" (line ${userLine ?? asClientId.line}): ACL \`user\` lines match the username, which under use_identity_as_username is the CN, not the client id.` : '';
            const fix = asClientId.allowed
              ? `Re-issue the bridge certificate with CN=${clientId}, or name its CN in the acl_file (\`user ${cn}\`${userLine ? ` at line ${userLine}` : ''}), then restart mosquitto where you changed something.`
              : `Grant the bridge's user in the acl_file: \`user ${cn}\` then \`topic readwrite ${bridgePrefix(bridge)}#\` (and \`topic readwrite lamp/connection/#\` for its state), and restart or signal (kill -HUP) mosquitto on the cloud; or ${equalFix.charAt(0).toLowerCase()}${equalFix.slice(1)}`;
            return [
              ...findings,
              bad(
                'cn-differs',
                at(certEntry),
                `${head}: the broker (use_identity_as_username) knows the lamp as "${cn}", and ${where} denies "${cn}" ${first.access === 'write' ? 'publishing to' : 'reading'} ${first.topic}${denied.length > 1 ? ` (and ${denied.length - 1} more of the bridge's topics)` : ''}: ${first.access === 'write' ? `the cloud logs "Denied PUBLISH from ${clientId}" and those messages do not cross` : 'the cloud never delivers those messages to the bridge'}.${grantsId}`,
                fix,
                { commonName: cn, clientId, aclFile: aclPath, denied: denied.map((d) => `${d.access} ${d.topic}`) },
              ),
            ];
          }
        }
        const why = identity
          ? `the broker (use_identity_as_username) will know the lamp as "${leaf.commonName}", not "${clientId}"`
          : `the LAMPI convention makes the CN the client id and, under use_identity_as_username, the username`;
        // Here: the cloud's acl_file could not be read (under use_identity_as_username), or the cloud is not linted alongside.
        const finding = identity ? bad : doubt;
        return [...findings, finding('cn-differs', at(certEntry), `${head}: ${why}${identity ? ' (its acl_file could not be read to tell whether it relies on that name)' : ''}`, equalFix)];
      }),
    );
  },
});

/** The cloud topics a bridge publishes (out, both) and reads (in, both), wildcards filled in with a sample level. */
function bridgeTopics(bridge: BridgeModel): { topic: string; access: 'read' | 'write' }[] {
  const concrete = (filter: string) => filter.replace(/(^|\/)\+(?=\/|$)/g, '$1x').replace(/(^|\/)#$/, '$1x');
  return bridge.topics.flatMap((t) => {
    const topic = concrete(`${t.remotePrefix}${t.pattern}`);
    return [...(t.direction !== 'in' ? [{ topic, access: 'write' as const }] : []), ...(t.direction !== 'out' ? [{ topic, access: 'read' as const }] : [])];
  });
}

const bridgePrefix = (bridge: BridgeModel) => intendedPrefix(bridge.topics.find((t) => t.remotePrefix.replace(/["']/g, '').startsWith('devices/'))?.remotePrefix ?? '') || 'devices/<id>/';

export const configTopics = defineRule({
  id: 'config.topics',
  title: 'Bridge topic lines are valid and consistent',
  codes: {
    ok: 'The bridge\'s topic lines are valid and carry the diagnostic mapping',
    'bad-direction': 'A topic line\'s direction is not in, out or both',
    'bad-qos': 'A topic line\'s QoS is not 0, 1 or 2',
    'half-prefix': 'A topic line has a local prefix without a remote prefix',
    'mixed-prefixes': 'The bridge\'s topic lines carry different remote prefixes',
    'no-diagnostic-mapping': 'The bridge has no diagnostic mapping for lampi-doctor',
    'quoted-prefix': 'A topic line\'s prefix is quoted: Mosquitto keeps the quotes (only "" is the empty prefix)',
    'prefix-without-slash': 'A topic line\'s prefix has no trailing /: Mosquitto joins it to the topic as it is',
    'diagnostic-one-way': 'The diagnostic mapping carries one direction only (in or out, not both)',
  },
  run({ configs }, { probePrefix }) {
    return configs.flatMap((model) =>
      model.bridges.flatMap((bridge): LintFinding[] => {
        const findings: LintFinding[] = [];
        for (const topic of bridge.topics) {
          const raw = bridge.entries.find((e) => e.line === topic.line && e.file === topic.file)!;
          const direction = raw.args[1];
          if (direction !== undefined && !['in', 'out', 'both'].includes(direction)) {
            findings.push(bad('bad-direction', topic, `topic ${topic.pattern}: direction "${direction}" is not in, out or both`, `Write \`topic ${topic.pattern} both ${raw.args[2] ?? '0'} ...\` (or in / out).`));
          }
          if (raw.args[2] !== undefined && !/^[012]$/.test(raw.args[2])) findings.push(bad('bad-qos', topic, `topic ${topic.pattern}: QoS "${raw.args[2]}" is not 0, 1 or 2`, 'Use QoS 0, 1 or 2.'));
          if (raw.args.length === 4) findings.push(bad('half-prefix', topic, `topic ${topic.pattern}: a local prefix without a remote prefix`, 'Give both prefixes: `topic PATTERN DIRECTION QOS "" devices/<id>/`.'));
        }
        // Mosquitto 2.0.11 keeps quotes other than "" and adds no '/' between prefix and topic (lamp log:
        // "local SUBSCRIBE on topic ''lampi-doctor/#", "sending SUBSCRIBE (… devices/b827eb74663elampi-doctor/#").
        for (const side of ['local', 'remote'] as const) {
          const key = side === 'local' ? 'localPrefix' : 'remotePrefix';
          const quoted = bridge.topics.filter((t) => quotedPrefix(t[key]));
          const unslashed = bridge.topics.filter((t) => unslashedPrefix(t[key]));
          const example = (t: TopicMapping) => (side === 'local' ? `the lamp's ${joined(t.localPrefix, t.pattern)}` : `${joined(t.remotePrefix, t.pattern)} on the cloud`);
          if (quoted.length > 0) {
            const first = quoted[0];
            findings.push(
              bad(
                'quoted-prefix',
                at(first),
                `${lines(quoted)} ${side} prefix ${first[key]}: Mosquitto keeps the quotes (only a bare "" is the empty prefix), so it maps ${example(first)}${probeNote(first)}`,
                `Write the prefix without quotes: \`${rewritten(first, side)}\`${quoted.length > 1 ? ` (and so on each line)` : ''}, then restart mosquitto on the lamp.`,
                { lines: quoted.map((t) => t.line), prefix: first[key] },
              ),
            );
          }
          if (unslashed.length > 0) {
            const first = unslashed[0];
            findings.push(
              bad(
                'prefix-without-slash',
                at(first),
                `${lines(unslashed)} ${side} prefix ${first[key]} without a trailing /: Mosquitto joins prefix and topic as they are, so it maps ${example(first)}${probeNote(first)}`,
                `End the prefix with /: \`${rewritten(first, side)}\`${unslashed.length > 1 ? ` (and so on each line)` : ''}, then restart mosquitto on the lamp.`,
                { lines: unslashed.map((t) => t.line), prefix: first[key] },
              ),
            );
          }
        }
        const prefixes = [...new Set(bridge.topics.map((t) => t.remotePrefix))];
        // A prefix that differs only by its quotes or its slash is named above.
        if (new Set(prefixes.map(intendedPrefix)).size > 1) {
          findings.push(doubt('mixed-prefixes', at(bridge.topics[0]), `bridge ${bridge.name} maps topics under ${prefixes.map((p) => `"${p}"`).join(' and ')}`, 'In the LAMPI setup every topic line carries the same remote prefix devices/<id>/: make them equal.', { prefixes }));
        }
        const probe = bridge.topics.find((t) => `${t.localPrefix}${t.pattern}` === `${probePrefix}#` && t.direction === 'both');
        const prefix = intendedPrefix(prefixes.find((p) => p.replace(/["']/g, '').startsWith('devices/')) ?? prefixes[0] ?? '') || 'devices/<device-id>/';
        // The line meant for the probes (its local prefix read without quotes) carrying one direction only.
        const oneWay = probe ? undefined : bridge.topics.find((t) => `${intendedPrefix(t.localPrefix)}${t.pattern}` === `${probePrefix}#` && ['in', 'out'].includes(rawDirection(bridge, t) ?? ''));
        if (oneWay) {
          const missing = oneWay.direction === 'in' ? 'lamp -> cloud (bridge.outbound)' : 'cloud -> lamp (bridge.inbound)';
          findings.push(
            doubt(
              'diagnostic-one-way',
              at(oneWay),
              `the diagnostic mapping ${oneWay.pattern} carries only \`${oneWay.direction}\`: lampi-doctor's probes cannot cross ${missing}, so that direction fails although the bridge may be fine`,
              `Write \`both\`: \`${correctedLine(probePrefix, intendedPrefix(oneWay.remotePrefix) || prefix, oneWay.qos)}\`, then restart mosquitto on the lamp.`,
            ),
          );
        } else if (!probe && !bridge.topics.some((t) => `${intendedPrefix(t.localPrefix)}${t.pattern}` === `${probePrefix}#`)) {
          findings.push(doubt('no-diagnostic-mapping', at(bridge), `bridge ${bridge.name} has no diagnostic mapping, so lampi-doctor cannot test it end to end`, `Add \`topic ${probePrefix}# both 1 "" ${prefix}\` under the connection line (it carries only lampi-doctor's probes).`));
        }
        if (findings.length === 0) findings.push(ok('ok', at(bridge), `${bridge.topics.length} topic lines under ${prefix}, the diagnostic mapping included`));
        return findings;

        function probeNote(t: TopicMapping): string {
          const meant = `${intendedPrefix(t.localPrefix)}${t.pattern}` === `${probePrefix}#`;
          const probeLine = meant ? t : bridge.topics.find((other) => `${intendedPrefix(other.localPrefix)}${other.pattern}` === `${probePrefix}#`);
          if (!probeLine) return '';
          const sample = `${probePrefix}hello`;
          return ` (lampi-doctor's probes: ${joined(probeLine.localPrefix, sample)} on the lamp, ${joined(probeLine.remotePrefix, sample)} on the cloud)`;
        }
      }),
    );
  },
});

/** The direction word as written (TopicMapping reads a wrong one as out). */
const rawDirection = (bridge: BridgeModel, t: TopicMapping) => bridge.entries.find((e) => e.line === t.line && e.file === t.file)?.args[1];

/** "topic lamp/x (line 12) has the", "4 topic lines (12, 13, 14, 16) have the". */
function lines(topics: TopicMapping[]): string {
  return topics.length === 1 ? `topic ${topics[0].pattern} (line ${topics[0].line}) has the` : `${topics.length} topic lines (${topics.map((t) => t.line).join(', ')}) have the`;
}

/** The topic line with the one prefix corrected. */
function rewritten(t: TopicMapping, side: 'local' | 'remote'): string {
  const local = side === 'local' ? intendedPrefix(t.localPrefix) : t.localPrefix;
  const remote = side === 'remote' ? intendedPrefix(t.remotePrefix) : t.remotePrefix;
  return `topic ${t.pattern} ${t.direction} ${t.qos} ${local || '""'} ${remote || '""'}`;
}

