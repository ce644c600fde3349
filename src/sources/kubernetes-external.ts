/**
 * `kubernetes-external`: a metric from the external metrics API
 * (`external.metrics.k8s.io/v1beta1`, served by an adapter such as KEDA's metrics server). Every
 * returned series is kept; the engine sums them, as the HPA does.
 *
 * @module
 */
import { z } from 'zod';
import { kubeClient, kubeShape, labelSelector, quantityMilli, type KubeDeps } from './kube.js';
import { SourceError, commonSourceKeys, withTimeout, type Reading, type Source } from './source.js';

export const kubernetesExternalSchema = z
  .object({
    ...kubeShape,
    metricName: z.string().min(1),
    /** Narrows the metric's series by their labels. */
    metricSelector: labelSelector.optional(),
    ...commonSourceKeys,
  })
  .strict();
export type KubernetesExternalConfig = z.output<typeof kubernetesExternalSchema>;

const externalListSchema = z.object({
  items: z.array(z.object({ metricName: z.string(), timestamp: z.string(), value: z.string() })),
});

/** Decodes an ExternalMetricValueList; no series is `NoData`, never zero. */
export function decodeExternalValues(body: unknown, doing: string): Reading {
  const parsed = externalListSchema.safeParse(body);
  if (!parsed.success) throw new SourceError('BadValue', `${doing}: unexpected response shape`);
  const items = parsed.data.items;
  if (items.length === 0) throw new SourceError('NoData', `${doing}: the API returned no series`);
  return {
    timestamp: Math.max(...items.map((i) => Date.parse(i.timestamp))),
    valuesMilli: items.map((i) => quantityMilli(i.value)),
  };
}

export function createKubernetesExternalSource(
  config: KubernetesExternalConfig,
  deps: KubeDeps,
): Source {
  const client = kubeClient(config, deps);
  const params = new URLSearchParams();
  if (config.metricSelector !== undefined) params.set('labelSelector', config.metricSelector);
  const path = `/apis/external.metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(config.namespace)}/${encodeURIComponent(config.metricName)}${params.size === 0 ? '' : `?${params.toString()}`}`;
  const doing = `reading external metric ${JSON.stringify(config.metricName)} in namespace ${config.namespace}`;
  return {
    read: (signal) =>
      withTimeout(signal, { timeoutMs: config.timeoutMs, doing }, async (inner) =>
        decodeExternalValues(await client.api().get(path, inner, doing), doing),
      ),
    close: () => {
      client.close();
      return Promise.resolve();
    },
  };
}
