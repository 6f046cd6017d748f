// What is wrong with a bridge `topic` line as Mosquitto 2.0.11 reads it (src/conf.c): prefixes are
// joined to the topic as they are (no '/' added), and only a word that is exactly "" is the empty
// prefix: other quotes are part of the prefix. Shared by config.topics and bridge.inbound/outbound.
import { intendedPrefix } from '../../src/config/mosquitto-conf.js';

/** A prefix with quote characters in it: Mosquitto keeps them (`''`, `"devices/a/"`). */
export const quotedPrefix = (prefix: string): boolean => /["']/.test(prefix);

/** A prefix that does not end with '/': Mosquitto glues it to the topic (devices/aLAMP/...). */
export const unslashedPrefix = (prefix: string): boolean => prefix !== '' && !prefix.endsWith('/') && !quotedPrefix(prefix);

/** The prefix as the user meant it (one reading, shared with the probes' inputs). */
export { intendedPrefix };

/** Where Mosquitto maps a topic under a prefix, spelt as a user sees it. */
export const joined = (prefix: string, topic: string): string => `${prefix}${topic}`;

export interface MappingLine {
  pattern: string;
  direction: string;
  localPrefix: string;
  remotePrefix: string;
}

/**
 * Why a topic line meant for the probes (its pattern, under its intended local prefix, is
 * `<probePrefix>#`) does not carry them in `need` under `remotePrefix`: one phrase per defect, [] when
 * it does. `remotePrefix` is the prefix tested (from --device-id, or the line's own, intended).
 */
export function mappingDefects(line: MappingLine, probePrefix: string, remotePrefix: string, need?: 'in' | 'out'): string[] {
  const defects: string[] = [];
  const sample = `${probePrefix}hello`;
  if (need && line.direction !== 'both' && line.direction !== need) {
    defects.push(`it carries only \`${line.direction}\` (${line.direction === 'in' ? 'cloud -> lamp' : 'lamp -> cloud'}), not \`${need}\`: write \`both\``);
  }
  if (quotedPrefix(line.localPrefix)) {
    defects.push(`its local prefix \`${line.localPrefix}\` keeps its quotes (Mosquitto reads only \`""\` as the empty prefix), so the lamp side is ${joined(line.localPrefix, line.pattern)}, not ${probePrefix}#`);
  } else if (unslashedPrefix(line.localPrefix)) {
    defects.push(`its local prefix ${line.localPrefix} has no trailing /, so the lamp side is ${joined(line.localPrefix, line.pattern)}`);
  }
  if (quotedPrefix(line.remotePrefix)) {
    defects.push(`its remote prefix \`${line.remotePrefix}\` keeps its quotes (Mosquitto takes them literally), so the probes land on ${joined(line.remotePrefix, sample)} on the cloud`);
  } else if (unslashedPrefix(line.remotePrefix)) {
    defects.push(`its remote prefix ${line.remotePrefix} has no trailing /, so the probes land on ${joined(line.remotePrefix, sample)} on the cloud, not ${joined(intendedPrefix(line.remotePrefix), sample)}`);
  } else if (line.remotePrefix !== remotePrefix) {
    defects.push(`it maps the remote prefix ${line.remotePrefix || '""'}, not ${remotePrefix}, the prefix tested (if ${line.remotePrefix || 'that'} is this lamp's, pass its --device-id instead)`);
  }
  return defects;
}

/** The line as it should read. */
export const correctedLine = (probePrefix: string, remotePrefix: string, qos = 1): string => `topic ${probePrefix}# both ${qos} "" ${remotePrefix}`;
