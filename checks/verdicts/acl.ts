// What Mosquitto 2.0.11's acl_file (the default ACL check) lets a client do on one topic: the
// `topic` lines under its username's `user` line (those before any `user` line are for anonymous
// clients), and every `pattern` line with %u (username) and %c (client id) filled in. A matching
// `deny` wins; otherwise a matching line with the access grants it. Verified on the lab: with
// use_identity_as_username the username is the certificate's CN, so `user <remote_clientid>` does not
// apply to a bridge whose CN differs ("Denied PUBLISH from <remote_clientid>"), `user <CN>` does.
import type { AclRule } from '../../src/config/file-kinds.js';

/** MQTT topic matching of a concrete topic against a filter (+ one level, # the rest). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i += 1) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

export interface AclVerdict {
  allowed: boolean;
  /** The line that decided: the granting one, or a matching deny. */
  line?: number;
}

export function aclAllows(rules: readonly AclRule[], who: { username?: string; clientId: string }, topic: string, access: 'read' | 'write'): AclVerdict {
  const applicable = rules.flatMap((rule): { rule: AclRule; filter: string }[] => {
    if (rule.kind === 'topic') return rule.user === (who.username ?? null) ? [{ rule, filter: rule.topic }] : [];
    if (rule.topic.includes('%u') && who.username === undefined) return [];
    return [{ rule, filter: rule.topic.replaceAll('%u', who.username ?? '').replaceAll('%c', who.clientId) }];
  });
  const matching = applicable.filter(({ filter }) => topicMatches(filter, topic));
  const deny = matching.find(({ rule }) => rule.access === 'deny');
  if (deny) return { allowed: false, line: deny.rule.line };
  const grant = matching.find(({ rule }) => rule.access === 'readwrite' || rule.access === access);
  return grant ? { allowed: true, line: grant.rule.line } : { allowed: false };
}
