/**
 * `kubernetes-resource` (alias `resource`): per-pod CPU or memory usage from the resource metrics
 * API (`metrics.k8s.io/v1beta1`, served by metrics-server), with the pods themselves (phase,
 * readiness, start time, container requests) from the core API, so the engine can compute
 * Utilization and AverageValue exactly as the HPA does. The trigger's `resource` and `container`
 * keys are read too.
 *
 * @module
 */
import { z } from 'zod';
import type {
  ContainerInfo,
  InitContainerInfo,
  PodInfo,
  PodPhase,
  PodSample,
  ResourceQuantities,
} from '../core/model.js';
import { kubeClient, kubeShape, labelSelector, quantityMilli, type KubeDeps } from './kube.js';
import { SourceError, commonSourceKeys, withTimeout, type Source } from './source.js';

export const kubernetesResourceSchema = z
  .object({
    ...kubeShape,
    /**
     * Selects the target's pods, e.g. `app=checkout`. Optional in a spec: the controller fills
     * it from the target's `/scale` selector; a read without one fails with a `Config` error.
     */
    labelSelector: labelSelector.optional(),
    resource: z.enum(['cpu', 'memory']),
    /** ContainerResource metrics: only this container counts. */
    container: z.string().min(1).optional(),
    ...commonSourceKeys,
  })
  .strict();
export type KubernetesResourceConfig = z.output<typeof kubernetesResourceSchema>;

/** A Go duration as metrics-server writes its window: "15s", "1m0s", "30.015s", "500ms". */
export function durationSeconds(text: string): number {
  const units: Readonly<Record<string, number>> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  let total = 0;
  let rest = text;
  while (rest.length > 0) {
    const match = /^(\d+(?:\.\d+)?)(ms|h|m|s)/.exec(rest);
    if (match === null) throw new Error(`duration ${JSON.stringify(text)} is not a Go duration`);
    total += Number(match[1]) * (units[match[2] ?? 's'] ?? 1);
    rest = rest.slice(match[0].length);
  }
  return total;
}

const quantities = z.record(z.string(), z.string()).optional();

const podMetricsListSchema = z.object({
  items: z.array(
    z.object({
      metadata: z.object({ name: z.string() }),
      timestamp: z.string(),
      window: z.string(),
      containers: z.array(z.object({ name: z.string(), usage: quantities })),
    }),
  ),
});

/** Decodes a PodMetricsList into per-pod samples of `resource`. */
export function decodePodMetrics(body: unknown, resource: 'cpu' | 'memory'): PodSample[] {
  const list = podMetricsListSchema.parse(body);
  return list.items.map((item) => ({
    pod: item.metadata.name,
    timestamp: Date.parse(item.timestamp),
    windowSeconds: durationSeconds(item.window),
    containers: item.containers.map((c) => {
      const usage = c.usage?.[resource];
      return { name: c.name, usageMilli: usage === undefined ? null : quantityMilli(usage) };
    }),
  }));
}

const containerSchema = z.object({
  name: z.string(),
  restartPolicy: z.string().optional(),
  resources: z.object({ requests: quantities }).optional(),
});

const podListSchema = z.object({
  items: z.array(
    z.object({
      metadata: z.object({ name: z.string(), deletionTimestamp: z.string().nullish() }),
      spec: z.object({
        containers: z.array(containerSchema),
        initContainers: z.array(containerSchema).nullish(),
        resources: z.object({ requests: quantities }).nullish(),
      }),
      status: z
        .object({
          phase: z.string().optional(),
          startTime: z.string().nullish(),
          conditions: z
            .array(
              z.object({
                type: z.string(),
                status: z.string(),
                lastTransitionTime: z.string().nullish(),
              }),
            )
            .nullish(),
        })
        .optional(),
    }),
  ),
});

function requests(values: Record<string, string> | undefined): ResourceQuantities {
  const cpu = values?.cpu;
  const memory = values?.memory;
  return {
    cpu: cpu === undefined ? null : quantityMilli(cpu),
    memory: memory === undefined ? null : quantityMilli(memory),
  };
}

const phases: readonly PodPhase[] = ['Running', 'Pending', 'Failed', 'Succeeded', 'Unknown'];

type RawPod = z.infer<typeof podListSchema>['items'][number];

const time = (iso: string | null | undefined): number | null =>
  iso === undefined || iso === null ? null : Date.parse(iso);

function readiness(item: RawPod): PodInfo['ready'] {
  const ready = item.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready === undefined) return null;
  return {
    status: ready.status === 'True',
    lastTransitionTime: time(ready.lastTransitionTime) ?? 0,
  };
}

function toPodInfo(item: RawPod): PodInfo {
  const containers: ContainerInfo[] = item.spec.containers.map((c) => ({
    name: c.name,
    requests: requests(c.resources?.requests),
  }));
  const initContainers: InitContainerInfo[] = (item.spec.initContainers ?? []).map((c) => ({
    name: c.name,
    requests: requests(c.resources?.requests),
    restartAlways: c.restartPolicy === 'Always',
  }));
  const podRequests = item.spec.resources?.requests;
  return {
    name: item.metadata.name,
    phase: phases.find((p) => p === item.status?.phase) ?? 'Unknown',
    deleted: time(item.metadata.deletionTimestamp) !== null,
    startTime: time(item.status?.startTime),
    ready: readiness(item),
    containers,
    ...(initContainers.length === 0 ? {} : { initContainers }),
    ...(podRequests === undefined ? {} : { podRequests: requests(podRequests) }),
  };
}

const podSchema = podListSchema.shape.items.element;

/** Decodes one Pod, as a list or a watch delivers it; throws on a malformed one. */
export function decodePod(raw: unknown): PodInfo {
  return toPodInfo(podSchema.parse(raw));
}

/** Decodes a PodList into the engine's PodInfo (requests in milli-units). */
export function decodePods(body: unknown): PodInfo[] {
  return podListSchema.parse(body).items.map(toPodInfo);
}

function decodeOrFail<T>(decode: () => T, doing: string): T {
  try {
    return decode();
  } catch (e) {
    throw new SourceError(
      'BadValue',
      `${doing}: unexpected response: ${e instanceof Error ? e.message.slice(0, 300) : String(e)}`,
    );
  }
}

export function createKubernetesResourceSource(
  config: KubernetesResourceConfig,
  deps: KubeDeps,
): Source {
  const client = kubeClient(config, deps);
  const ns = encodeURIComponent(config.namespace);
  const selector = config.labelSelector ?? '';
  const query = `labelSelector=${encodeURIComponent(selector)}`;
  const doing = `reading ${config.resource} of pods ${JSON.stringify(selector)} in namespace ${config.namespace}`;
  return {
    read: (signal) =>
      withTimeout(signal, { timeoutMs: config.timeoutMs, doing }, async (inner) => {
        if (config.labelSelector === undefined) {
          throw new SourceError(
            'Config',
            `reading ${config.resource} of pods: labelSelector is not set and the target gave none`,
          );
        }
        const api = client.api();
        const [metrics, pods] = await Promise.all([
          api.get(
            `/apis/metrics.k8s.io/v1beta1/namespaces/${ns}/pods?${query}`,
            inner,
            `${doing} (metrics.k8s.io)`,
          ),
          api.get(`/api/v1/namespaces/${ns}/pods?${query}`, inner, `${doing} (pods)`),
        ]);
        const podSamples = decodeOrFail(() => decodePodMetrics(metrics, config.resource), doing);
        if (podSamples.length === 0) {
          throw new SourceError('NoData', `${doing}: metrics.k8s.io returned no pod metrics`);
        }
        const timestamp = Math.max(...podSamples.map((s) => s.timestamp));
        return { timestamp, podSamples, pods: decodeOrFail(() => decodePods(pods), doing) };
      }),
    close: () => {
      client.close();
      return Promise.resolve();
    },
  };
}
