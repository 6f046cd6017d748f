// The ordered registry of config lint rules (ids under config.).
import { configBridgeAddress, configBridgeIdentity, configBridgeTls, configTopics } from './bridge.js';
import { configCapath } from './capath.js';
import { configClientIds } from './client-ids.js';
import { configCrl } from './crl.js';
import { configCertificates, configChain, configFiles, configKeypair } from './files.js';
import { configListenerTls, configPlainListener, configWebsockets } from './listeners.js';
import { configLoad, configOption } from './syntax.js';

export const lintRules = [
  configLoad,
  configOption,
  configFiles,
  configKeypair,
  configChain,
  configCertificates,
  configCrl,
  configCapath,
  configListenerTls,
  configPlainListener,
  configWebsockets,
  configClientIds,
  configBridgeAddress,
  configBridgeTls,
  configBridgeIdentity,
  configTopics,
];

export const lintRuleIds = lintRules.map((rule) => rule.id);
