// The ordered registry: reports list checks in this order, whatever order they finish in.
import { bridgeInbound, bridgeOutbound } from './bridge-flow.js';
import { bridgeStatus } from './bridge-status.js';
import { dnsResolve } from './dns-resolve.js';
import { mqttConnect } from './mqtt-connect.js';
import { mqttRoundtrip } from './mqtt-roundtrip.js';
import { plainExposure } from './plain-exposure.js';
import { wssConnect, wssHandshake } from './wss.js';
import { tcpConnect } from './tcp-connect.js';
import { tlsChain } from './tls-chain.js';
import { tlsClientAuth } from './tls-client-auth.js';
import { tlsHandshake } from './tls-handshake.js';
import { tlsHostname } from './tls-hostname.js';
import { tlsKey } from './tls-key.js';
import { tlsValidity } from './tls-validity.js';
import { tlsVersion } from './tls-version.js';
import type { Check } from '../src/engine/types.js';
import type { DiagnosisFacts, DiagnosisSettings } from '../src/facts.js';

export type DiagnosisCheck = Check<DiagnosisFacts, DiagnosisSettings, keyof DiagnosisFacts>;

export const diagnosisChecks = [
  dnsResolve,
  tcpConnect,
  tlsHandshake,
  tlsVersion,
  tlsChain,
  tlsHostname,
  tlsValidity,
  tlsKey,
  tlsClientAuth,
  mqttConnect,
  mqttRoundtrip,
  bridgeStatus,
  bridgeInbound,
  bridgeOutbound,
  wssHandshake,
  wssConnect,
  plainExposure,
] as unknown as readonly DiagnosisCheck[];

export const checkIds = diagnosisChecks.map((check) => check.id);
