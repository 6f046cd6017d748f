// The lamp's bridge (lampi_bridge.conf): where it dials, how it speaks TLS, who it says it is, and
// how it maps topics. Cross-checked against the cloud's config when that is linted alongside.
import { isIP } from '../../src/ip-address.js';
import { hostMatches } from '../../src/certs/names.js';
import { chainKey } from '../../src/config/lint-facts.js';
import { bridgeRefused, isTls, isWebsockets, last, pathOf } from '../../src/config/model.js';
import { tlsVersionIsExact, tlsVersionMeaning } from '../../src/config/mosquitto-versions.js';
import { at, bad, defineRule, doubt, listenerOnPort, ok, remoteListener, tlsMqttListeners, type LintFinding } from './define.js';

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
  },
  run(facts, settings) {
    return facts.configs.flatMap((model) =>
      model.bridges.map((bridge): LintFinding => {
        const address = last(bridge, 'address') ?? last(bridge, 'addresses');
        if (!address?.args[0]) return bad('no-address', at(bridge), `bridge ${bridge.name} has no \`address\``, 'Add `address <cloud FQDN>:8883` under the connection line.');
        const target = address.args[0];
        const match = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(target);
        // Found by `npm run fuzz`: an address like `]` is no HOST[:PORT] at all.
        if (!match) return bad('no-address', at(address), `bridge ${bridge.name}'s address ${target} is not HOST:PORT`, 'Write it as `address <cloud FQDN>:8883` under the connection line.');
        const host = match[1];
        const port = Number(match[2] ?? 1883);
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
        if (port === 1883 || !match[2] || (dialled && !isTls(dialled.listener))) {
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
      }),
    );
  },
});

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
        const why = identity
          ? `the broker (use_identity_as_username) will know the lamp as "${leaf.commonName}", not "${clientId}"`
          : `the LAMPI convention makes the CN the client id and, under use_identity_as_username, the username`;
        const finding = identity ? bad : doubt;
        // A client id the cloud's clientid_prefixes refuses is no fix.
        const cnRefused = prefix !== undefined && !(leaf.commonName ?? '').startsWith(prefix);
        const fix = cnRefused
          ? `Make them equal: re-issue the certificate with CN=${clientId} (\`remote_clientid ${leaf.commonName}\` would not do: the cloud's clientid_prefixes ${prefix} refuses it).`
          : `Make them equal: re-issue the certificate with CN=${clientId}, or set \`remote_clientid ${leaf.commonName}\`.`;
        return [...findings, finding('cn-differs', at(certEntry), `bridge certificate CN "${leaf.commonName}" differs from remote_clientid "${clientId}": ${why}`, fix)];
      }),
    );
  },
});

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
        const prefixes = [...new Set(bridge.topics.map((t) => t.remotePrefix))];
        if (prefixes.length > 1) {
          findings.push(doubt('mixed-prefixes', at(bridge.topics[0]), `bridge ${bridge.name} maps topics under ${prefixes.map((p) => `"${p}"`).join(' and ')}`, 'In the LAMPI setup every topic line carries the same remote prefix devices/<id>/: make them equal.', { prefixes }));
        }
        const probe = bridge.topics.find((t) => `${t.localPrefix}${t.pattern}` === `${probePrefix}#` && t.direction === 'both');
        const prefix = prefixes.find((p) => p.startsWith('devices/')) ?? prefixes[0] ?? 'devices/<device-id>/';
        if (!probe) {
          findings.push(doubt('no-diagnostic-mapping', at(bridge), `bridge ${bridge.name} has no diagnostic mapping, so lampi-doctor cannot test it end to end`, `Add \`topic ${probePrefix}# both 1 "" ${prefix}\` under the connection line (it carries only lampi-doctor's probes).`));
        }
        if (findings.length === 0) findings.push(ok('ok', at(bridge), `${bridge.topics.length} topic lines under ${prefix}, the diagnostic mapping included`));
        return findings;
      }),
    );
  },
});

