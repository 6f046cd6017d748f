// `lampi-doctor serve --config lampi-doctor.yml`: the Prometheus exporter, until SIGINT/SIGTERM.
import { UsageError } from '../engine/types.js';
import { loadServeConfig } from '../serve/config.js';
import { Exporter } from '../serve/server.js';

export interface ServeArgs {
  config: string;
  listen: string;
  maxInFlight: number;
  minInterval: number;
}

export const DEFAULT_LISTEN = '127.0.0.1:9830';
export const DEFAULT_MAX_IN_FLIGHT = 4;
export const DEFAULT_MIN_INTERVAL_S = 15;

export function parseListen(listen: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(listen.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) throw new UsageError(`--listen ${listen}: expected HOST:PORT, e.g. 127.0.0.1:9830 or [::1]:9830 (port 0 picks a free one)`);
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}

export async function runServeCommand(args: ServeArgs): Promise<number> {
  const { host, port } = parseListen(args.listen);
  if (!Number.isInteger(args.maxInFlight) || args.maxInFlight < 1) throw new UsageError(`--max-in-flight must be a whole number of at least 1, not ${args.maxInFlight}`);
  if (!Number.isFinite(args.minInterval) || args.minInterval < 0) throw new UsageError(`--min-interval must be a number of seconds, at least 0, not ${args.minInterval}`);
  const config = loadServeConfig(args.config);
  const exporter = new Exporter({ config, host, port, maxInFlight: args.maxInFlight, minIntervalMs: args.minInterval * 1000 });
  let url: string;
  try {
    url = await exporter.listen();
  } catch (error) {
    throw new UsageError(`--listen ${args.listen}: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.stderr.write(`lampi-doctor serve: listening on ${url} (modules: ${[...config.modules.keys()].join(', ')}; --max-in-flight ${args.maxInFlight}, --min-interval ${args.minInterval} s)\n`);
  await new Promise<void>((done) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => done());
  });
  await exporter.close();
  return 0;
}
