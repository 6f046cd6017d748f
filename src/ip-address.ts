// net.isIP without its first-call cost. Node's IPv6 pattern is one huge regular expression that V8
// compiles on first use (~14 ms, measured with --cpu-prof), and net.isIP tries it for every host name
// that is not IPv4. A string without ':' cannot be IPv6 (RFC 4291), so names never reach it. (Node's
// own tls.connect still pays it once per process when given a servername: a live diagnosis does at
// its first TLS attempt; lint, explain and input checks do not.) test/engine/ip-address.test.ts holds
// it to net.isIP.
import { isIPv4, isIPv6 } from 'node:net';

/** 4, 6, or 0 for anything that is not an IP address, as net.isIP answers. */
export function isIP(input: string): 0 | 4 | 6 {
  if (isIPv4(input)) return 4;
  return input.includes(':') && isIPv6(input) ? 6 : 0;
}
