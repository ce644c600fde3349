/**
 * Resource requests per pod, the denominator of utilization (`calculateRequests`,
 * ALGORITHMS.md §1.5).
 *
 * @module
 */
import type { PodInfo, ResourceQuantities } from '../../model.js';

export type RequestsResult =
  | { readonly ok: true; readonly requests: ReadonlyMap<string, number> }
  | { readonly ok: false; readonly error: string };

export interface RequestsOptions {
  readonly resource: keyof ResourceQuantities;
  /** ContainerResource: only this container's request counts. */
  readonly container: string | null;
  /** The PodLevelResources gate: pod-level requests, when set, replace the container sum. */
  readonly podLevelResources: boolean;
}

function request(q: ResourceQuantities, resource: keyof ResourceQuantities): number | null {
  return q[resource] ?? null;
}

function podRequest(pod: PodInfo, opts: RequestsOptions): number | string {
  const { resource, container } = opts;
  const counted = [...pod.containers, ...(pod.initContainers ?? []).filter((c) => c.restartAlways)];
  if (container !== null) {
    const found = counted.find((c) => c.name === container);
    if (found === undefined) return `container ${container} not present in pod ${pod.name}`;
    return request(found.requests, resource) ?? missingRequest(resource, container, pod.name);
  }
  const podLevel = pod.podRequests === undefined ? null : request(pod.podRequests, resource);
  if (opts.podLevelResources && podLevel !== null) return podLevel;
  let sum = 0;
  for (const c of counted) {
    const value = request(c.requests, resource);
    if (value === null) return missingRequest(resource, c.name, pod.name);
    sum += value;
  }
  return sum;
}

function missingRequest(resource: string, container: string, pod: string): string {
  return `missing request for ${resource} in container ${container} of Pod ${pod}`;
}

/**
 * Requests of every pod (failed and deleted pods included: a pod without a request is an error
 * even when it would be ignored). Sidecars (init containers with restartPolicy Always) count.
 */
export function calculateRequests(pods: readonly PodInfo[], opts: RequestsOptions): RequestsResult {
  const requests = new Map<string, number>();
  for (const pod of pods) {
    const value = podRequest(pod, opts);
    if (typeof value === 'string') return { ok: false, error: value };
    requests.set(pod.name, value);
  }
  return { ok: true, requests };
}
