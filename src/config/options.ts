// Mosquitto 2.0's configuration vocabulary (mosquitto.conf(5)), by where an option belongs; what
// other versions add or drop is in mosquitto-versions.ts.

export const GLOBAL_OPTIONS = [
  'acl_file', 'allow_anonymous', 'allow_duplicate_messages', 'allow_zero_length_clientid', 'auth_plugin',
  'auth_plugin_deny_special_chars', 'auto_id_prefix', 'autosave_interval', 'autosave_on_changes', 'check_retain_source',
  'clientid_prefixes', 'connection_messages', 'include_dir', 'log_dest', 'log_facility', 'log_timestamp',
  'log_timestamp_format', 'log_type', 'max_inflight_bytes', 'max_inflight_messages', 'max_keepalive', 'max_packet_size',
  'max_queued_bytes', 'max_queued_messages', 'memory_limit', 'message_size_limit', 'password_file', 'per_listener_settings',
  'persistence', 'persistence_file', 'persistence_location', 'persistent_client_expiration', 'pid_file', 'plugin',
  'psk_file', 'queue_qos0_messages', 'retain_available', 'set_tcp_nodelay', 'sys_interval', 'upgrade_outgoing_qos', 'user',
  'websockets_log_level', 'websockets_headers_size',
] as const;

export const LISTENER_OPTIONS = [
  'listener', 'port', 'bind_address', 'bind_interface', 'http_dir', 'max_connections', 'max_qos', 'max_topic_alias',
  'mount_point', 'protocol', 'socket_domain', 'use_username_as_clientid', 'cafile', 'capath', 'certfile', 'keyfile',
  'ciphers', 'ciphers_tls1.3', 'crlfile', 'dhparamfile', 'require_certificate', 'tls_engine', 'tls_engine_kpass_sha1',
  'tls_keyform', 'tls_version', 'use_identity_as_username', 'use_subject_as_username', 'psk_hint',
] as const;

export const BRIDGE_OPTIONS = [
  'connection', 'address', 'addresses', 'bridge_alpn', 'bridge_attempt_unsubscribe', 'bridge_bind_address', 'bridge_cafile',
  'bridge_capath', 'bridge_certfile', 'bridge_identity', 'bridge_insecure', 'bridge_keyfile', 'bridge_max_packet_size',
  'bridge_outgoing_retain', 'bridge_protocol_version', 'bridge_psk', 'bridge_require_ocsp', 'bridge_tls_version',
  'cleansession', 'clientid', 'idle_timeout', 'keepalive_interval', 'local_cleansession', 'local_clientid',
  'local_password', 'local_username', 'notifications', 'notifications_local_only', 'notification_topic', 'remote_clientid',
  'remote_password', 'remote_username', 'restart_timeout', 'round_robin', 'start_type', 'threshold', 'topic', 'try_private',
] as const;

/** The bridge's name for a listener TLS option written inside a connection block. */
export const BRIDGE_EQUIVALENT: Record<string, string> = {
  cafile: 'bridge_cafile',
  capath: 'bridge_capath',
  certfile: 'bridge_certfile',
  keyfile: 'bridge_keyfile',
  tls_version: 'bridge_tls_version',
};

/** Edit distance, or Infinity once it must exceed `limit` (long words cost O(limit), not O(length)). */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return Infinity;
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let previous = row[0];
    row[0] = i;
    let best = row[0];
    for (let j = 1; j <= b.length; j += 1) {
      const saved = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = saved;
      best = Math.min(best, row[j]);
    }
    if (best > limit) return Infinity;
  }
  return row[b.length];
}

/** The valid option nearest to a misspelt one, when it is near enough to be what was meant. */
export function nearestOption(option: string, vocabulary: readonly string[]): string | undefined {
  const word = option.toLowerCase();
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: { name: string; d: number } | undefined;
  for (const name of vocabulary) {
    const d = distance(word, name, limit);
    if (d <= limit && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}

/**
 * Options Mosquitto reads with conf__parse_bool (src/conf.c): the value must be `true`, `false`,
 * `1` or `0`, else it refuses to start (exit 3, "Invalid X value"). Measured with 2.0.11's
 * `mosquitto -c`: each with `yes` exits 3; `1` and `0` start.
 */
export const BOOLEAN_OPTIONS: ReadonlySet<string> = new Set([
  'allow_anonymous', 'allow_duplicate_messages', 'allow_zero_length_clientid', 'auth_plugin_deny_special_chars',
  'autosave_on_changes', 'check_retain_source', 'connection_messages', 'log_timestamp', 'per_listener_settings',
  'persistence', 'retained_persistence', 'queue_qos0_messages', 'retain_available', 'set_tcp_nodelay',
  'upgrade_outgoing_qos', 'require_certificate', 'use_identity_as_username', 'use_subject_as_username',
  'use_username_as_clientid', 'bridge_attempt_unsubscribe', 'bridge_insecure', 'bridge_require_ocsp',
  'bridge_outgoing_retain', 'cleansession', 'local_cleansession', 'notifications', 'notifications_local_only',
  'round_robin', 'try_private',
]);

export const BOOLEAN_VALUES: ReadonlySet<string> = new Set(['true', 'false', '1', '0']);

/**
 * Options Mosquitto reads with conf__parse_string (src/conf.c): the value is the whole rest of the
 * line (blanks at both ends trimmed; a `#` and what follows is part of it), and a second value for
 * the same listener, bridge or (global options) configuration refuses the start (exit 3, "Duplicate
 * X value in configuration"). Measured with 2.0.11's `mosquitto -c`, each option twice: all of these
 * exit 3 (`user` too); `tls_keyform` and `auth_plugin` take a second line.
 */
export const SINGLE_VALUE_OPTIONS: ReadonlySet<string> = new Set([
  // listener
  'bind_interface', 'cafile', 'capath', 'certfile', 'ciphers', 'ciphers_tls1.3', 'crlfile', 'dhparamfile', 'http_dir',
  'keyfile', 'mount_point', 'psk_hint', 'tls_engine', 'tls_version',
  // bridge (clientid, username and password are other names for the remote_ ones)
  'bridge_alpn', 'bridge_bind_address', 'bridge_cafile', 'bridge_capath', 'bridge_certfile', 'bridge_identity',
  'bridge_keyfile', 'bridge_psk', 'bridge_tls_version', 'remote_clientid', 'clientid', 'local_clientid',
  'local_password', 'local_username', 'notification_topic', 'remote_password', 'password', 'remote_username', 'username',
  // global (the security ones per listener under per_listener_settings true)
  'acl_file', 'password_file', 'psk_file', 'auto_id_prefix', 'bind_address', 'clientid_prefixes',
  'log_timestamp_format', 'persistence_file', 'persistence_location', 'pid_file', 'user',
]);

/** Options whose value is a path Mosquitto opens (an inline comment makes it a path that is not there). */
export const PATH_VALUE_OPTIONS: ReadonlySet<string> = new Set([
  'cafile', 'capath', 'certfile', 'keyfile', 'crlfile', 'dhparamfile', 'http_dir', 'bridge_cafile', 'bridge_capath',
  'bridge_certfile', 'bridge_keyfile', 'acl_file', 'password_file', 'psk_file', 'persistence_location', 'persistence_file', 'pid_file',
]);

/**
 * The tls_version values a TLS listener of Mosquitto 2.0 starts with (net__tls_server_ctx, case
 * matters): 2.0.11 exits 1 on anything else ("Unsupported tls_version"), `tlsv1` and `TLSv1.2`
 * included; 1.x also took `tlsv1`. A bridge with another bridge_tls_version starts but never
 * connects ("Protocol TLSv1.2 not supported").
 */
export function tlsVersionsOf(version: { major: number }): readonly string[] {
  return version.major < 2 ? ['tlsv1', 'tlsv1.1', 'tlsv1.2', 'tlsv1.3'] : ['tlsv1.1', 'tlsv1.2', 'tlsv1.3'];
}
