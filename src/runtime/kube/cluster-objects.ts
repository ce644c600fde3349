/**
 * What `tide import --from-cluster` reads through the API server: HPAs (`autoscaling/v2`), KEDA
 * ScaledObjects with the TriggerAuthentications and ClusterTriggerAuthentications they may
 * reference, and the scale targets of HPAs with a `Pods` metric (whose pod selector the import
 * needs). Every list item gets back its `apiVersion` and `kind` (a List's items carry neither),
 * so the result reads exactly as `kubectl get -o yaml` output would.
 *
 * `--selector` filters the HPAs and ScaledObjects; authentications are read whole (a selected
 * ScaledObject may reference any of them). A cluster without KEDA's CRDs (404 on `keda.sh`) has
 * no ScaledObjects: that is a note, not an error. Any other failure (403, network) is an error
 * naming the list that failed.
 *
 * @module
 */
import type { KubeRest } from './rest.js';
import { isNotFound } from './rest.js';

export interface ClusterReadOptions {
  /** null = every namespace. */
  readonly namespace: string | null;
  /** A label selector (`app=web,tier!=db`); null = all. */
  readonly selector: string | null;
  readonly signal?: AbortSignal;
}

export interface ClusterObjects {
  readonly objects: readonly Record<string, unknown>[];
  readonly notes: readonly string[];
}

interface Listed {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  readonly selected: boolean;
}

const lists: readonly Listed[] = [
  {
    group: 'autoscaling',
    version: 'v2',
    kind: 'HorizontalPodAutoscaler',
    plural: 'horizontalpodautoscalers',
    namespaced: true,
    selected: true,
  },
  {
    group: 'keda.sh',
    version: 'v1alpha1',
    kind: 'ScaledObject',
    plural: 'scaledobjects',
    namespaced: true,
    selected: true,
  },
  {
    group: 'keda.sh',
    version: 'v1alpha1',
    kind: 'TriggerAuthentication',
    plural: 'triggerauthentications',
    namespaced: true,
    selected: false,
  },
  {
    group: 'keda.sh',
    version: 'v1alpha1',
    kind: 'ClusterTriggerAuthentication',
    plural: 'clustertriggerauthentications',
    namespaced: false,
    selected: false,
  },
];

/** Workload kinds whose pod selector an HPA `Pods` metric needs (apps/v1). */
const workloads: Readonly<Record<string, string>> = {
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  ReplicaSet: 'replicasets',
};

function listPath(l: Listed, o: ClusterReadOptions): string {
  const base = `/apis/${l.group}/${l.version}`;
  const ns =
    l.namespaced && o.namespace !== null ? `/namespaces/${encodeURIComponent(o.namespace)}` : '';
  const query =
    l.selected && o.selector !== null ? `?labelSelector=${encodeURIComponent(o.selector)}` : '';
  return `${base}${ns}/${l.plural}${query}`;
}

const asRecord = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** The list's items with `apiVersion` and `kind` set, server-side bookkeeping left out. */
function itemsOf(body: unknown, apiVersion: string, kind: string): Record<string, unknown>[] {
  const items = asRecord(body).items;
  if (!Array.isArray(items)) return [];
  return items.map((raw) => {
    const item = asRecord(raw);
    const metadata = { ...asRecord(item.metadata) };
    delete metadata.managedFields;
    return { ...item, apiVersion, kind, metadata };
  });
}

/** Reads the autoscaling objects of a namespace (or of all) through the API server. */
export async function readClusterObjects(
  rest: KubeRest,
  options: ClusterReadOptions,
): Promise<ClusterObjects> {
  const objects: Record<string, unknown>[] = [];
  const notes: string[] = [];
  for (const l of lists) {
    const apiVersion = `${l.group}/${l.version}`;
    const path = listPath(l, options);
    try {
      const body = await rest.request('GET', path, {
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        doing: `listing ${l.plural}.${l.group}`,
      });
      objects.push(...itemsOf(body, apiVersion, l.kind));
    } catch (e) {
      if (!(l.group === 'keda.sh' && isNotFound(e))) throw e;
      if (l.kind === 'ScaledObject') {
        notes.push(
          `${rest.server} serves no ${l.plural}.${l.group} (KEDA's CRDs are not installed): no ScaledObjects read`,
        );
      }
    }
  }
  objects.push(...(await podsMetricTargets(rest, objects, options.signal)));
  return { objects, notes };
}

const hasPodsMetric = (hpa: Record<string, unknown>): boolean => {
  const metrics = asRecord(hpa.spec).metrics;
  return Array.isArray(metrics) && metrics.some((m) => asRecord(m).type === 'Pods');
};

/** The path of an HPA's apps/v1 target when it has a Pods metric (its selector picks the pods). */
function podsMetricTargetPath(hpa: Record<string, unknown>): string | null {
  if (hpa.kind !== 'HorizontalPodAutoscaler' || !hasPodsMetric(hpa)) return null;
  const ref = asRecord(asRecord(hpa.spec).scaleTargetRef);
  const ns = asRecord(hpa.metadata).namespace;
  const namespace = typeof ns === 'string' ? ns : 'default';
  const plural = typeof ref.kind === 'string' ? workloads[ref.kind] : undefined;
  if (ref.apiVersion !== 'apps/v1' || plural === undefined || typeof ref.name !== 'string') {
    return null;
  }
  return `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/${plural}/${encodeURIComponent(ref.name)}`;
}

/** The apps/v1 targets of HPAs with a Pods metric; a missing one is left to the import's message. */
async function podsMetricTargets(
  rest: KubeRest,
  objects: readonly Record<string, unknown>[],
  signal: AbortSignal | undefined,
): Promise<Record<string, unknown>[]> {
  const paths = new Set(objects.map(podsMetricTargetPath).filter((p) => p !== null));
  const out: Record<string, unknown>[] = [];
  for (const path of paths) {
    try {
      const body = await rest.request('GET', path, {
        ...(signal === undefined ? {} : { signal }),
        doing: `reading ${path}`,
      });
      out.push({ apiVersion: 'apps/v1', ...asRecord(body) });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  return out;
}
