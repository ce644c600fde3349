/**
 * `kubernetes-custom`: a metric from the custom metrics API (`custom.metrics.k8s.io/v1beta2`,
 * served by an adapter such as prometheus-adapter). Two forms, as the HPA's:
 *  - Pods metric (`labelSelector` set): one sample per pod of the target, for AverageValue;
 *  - Object metric (`object` set): the value of one object, e.g. an Ingress's request rate.
 *
 * @module
 */
import { z } from 'zod';
import type { PodSample } from '../core/model.js';
import { kubeClient, kubeShape, labelSelector, quantityMilli, type KubeDeps } from './kube.js';
import { SourceError, commonSourceKeys, withTimeout, type Reading, type Source } from './source.js';

export const kubernetesCustomSchema = z
  .object({
    ...kubeShape,
    metricName: z.string().min(1),
    /** Pods metric: the target's pods. */
    labelSelector: labelSelector.optional(),
    /** Object metric: the object's resource (plural, with group if any) and name. */
    object: z
      .object({
        resource: z
          .string()
          .regex(
            /^[a-z0-9.-]+$/,
            'must be a lowercase plural resource such as ingresses.networking.k8s.io',
          ),
        name: z.string().min(1),
      })
      .strict()
      .optional(),
    /** Narrows the metric's series by their labels. */
    metricSelector: labelSelector.optional(),
    ...commonSourceKeys,
  })
  .strict()
  .superRefine((c, ctx) => {
    if ((c.labelSelector === undefined) === (c.object === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['labelSelector'],
        message: 'set exactly one of labelSelector (a Pods metric) and object (an Object metric)',
      });
    }
  });
export type KubernetesCustomConfig = z.output<typeof kubernetesCustomSchema>;

const metricValueListSchema = z.object({
  items: z.array(
    z.object({
      describedObject: z.object({ kind: z.string(), name: z.string() }),
      timestamp: z.string(),
      windowSeconds: z.number().nullish(),
      value: z.string(),
    }),
  ),
});

/** Decodes a MetricValueList: per-pod samples (Pods) or the values (Object). */
export function decodeMetricValues(body: unknown, form: 'pods' | 'object', doing: string): Reading {
  const parsed = metricValueListSchema.safeParse(body);
  if (!parsed.success) throw new SourceError('BadValue', `${doing}: unexpected response shape`);
  const items = parsed.data.items;
  if (items.length === 0) throw new SourceError('NoData', `${doing}: the API returned no values`);
  const timestamp = Math.max(...items.map((i) => Date.parse(i.timestamp)));
  if (form === 'object')
    return { timestamp, valuesMilli: items.map((i) => quantityMilli(i.value)) };
  const podSamples: PodSample[] = items.map((i) => ({
    pod: i.describedObject.name,
    timestamp: Date.parse(i.timestamp),
    windowSeconds: i.windowSeconds ?? 0,
    valueMilli: quantityMilli(i.value),
  }));
  return { timestamp, podSamples };
}

export function createKubernetesCustomSource(
  config: KubernetesCustomConfig,
  deps: KubeDeps,
): Source {
  const client = kubeClient(config, deps);
  const ns = encodeURIComponent(config.namespace);
  const metric = encodeURIComponent(config.metricName);
  const params = new URLSearchParams();
  if (config.labelSelector !== undefined) params.set('labelSelector', config.labelSelector);
  if (config.metricSelector !== undefined) params.set('metricLabelSelector', config.metricSelector);
  const query = params.size === 0 ? '' : `?${params.toString()}`;
  const object = config.object;
  const base = `/apis/custom.metrics.k8s.io/v1beta2/namespaces/${ns}`;
  const path =
    object === undefined
      ? `${base}/pods/*/${metric}${query}`
      : `${base}/${encodeURIComponent(object.resource)}/${encodeURIComponent(object.name)}/${metric}${query}`;
  const of =
    object === undefined
      ? `pods ${JSON.stringify(config.labelSelector)}`
      : `${object.resource}/${object.name}`;
  const doing = `reading custom metric ${JSON.stringify(config.metricName)} of ${of} in namespace ${config.namespace}`;
  return {
    read: (signal) =>
      withTimeout(signal, { timeoutMs: config.timeoutMs, doing }, async (inner) => {
        const body = await client.api().get(path, inner, doing);
        return decodeMetricValues(body, object === undefined ? 'pods' : 'object', doing);
      }),
    close: () => {
      client.close();
      return Promise.resolve();
    },
  };
}
