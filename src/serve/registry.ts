// A probe's metrics in a registry of their own (prom-client), so each scrape answers only its probe.
// The values are already decided (probe-metrics.ts), so each family is registered as a fixed metric
// and prom-client writes the text or OpenMetrics format.
import { Registry, type Metric, type RegistryContentType } from 'prom-client';
import type { MetricFamily } from './probe-metrics.js';

export const PROMETHEUS_TEXT = Registry.PROMETHEUS_CONTENT_TYPE;
export const OPENMETRICS_TEXT = Registry.OPENMETRICS_CONTENT_TYPE;

/** OpenMetrics only when the scraper asks for it, as Prometheus does with its Accept header. */
export function negotiateContentType(accept: string | undefined): RegistryContentType {
  return accept && /application\/openmetrics-text/i.test(accept) ? OPENMETRICS_TEXT : PROMETHEUS_TEXT;
}

function fixedMetric(family: MetricFamily) {
  const snapshot = {
    name: family.name,
    help: family.help,
    type: family.type,
    aggregator: 'omit',
    values: family.samples.map((sample) => ({ labels: sample.labels, value: sample.value, metricName: sample.suffix ? family.name + sample.suffix : undefined })),
  };
  return { name: family.name, help: family.help, type: family.type, aggregator: 'omit', get: async () => snapshot, reset: () => undefined } as unknown as Metric;
}

export async function renderRegistry(families: readonly MetricFamily[], contentType: RegistryContentType): Promise<string> {
  const registry = new Registry<RegistryContentType>();
  registry.setContentType(contentType);
  for (const family of families) registry.registerMetric(fixedMetric(family));
  return registry.metrics();
}
