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

/** The request of one container (sidecars included), by name; a string when absent. */
function containerRequest(pod: PodInfo, opts: RequestsOptions, container: string): number | string {
  const found =
    pod.containers.find((c) => c.name === container) ??
    pod.initContainers?.find((c) => c.restartAlways && c.name === container);
  if (found === undefined) return `container ${container} not found in Pod ${pod.name}`;
  return (
    request(found.requests, opts.resource) ?? missingRequest(opts.resource, container, pod.name)
  );
}

/** Σ requests of the regular containers plus sidecars; a string names the first one without. */
function sumRequests(pod: PodInfo, resource: keyof ResourceQuantities): number | string {
  let sum = 0;
  for (const c of pod.containers) {
    const value = request(c.requests, resource);
    if (value === null) return missingRequest(resource, c.name, pod.name);
    sum += value;
  }
  const inits = pod.initContainers;
  if (inits === undefined) return sum;
  for (const c of inits) {
    if (!c.restartAlways) continue;
    const value = request(c.requests, resource);
    if (value === null) return missingRequest(resource, c.name, pod.name);
    sum += value;
  }
  return sum;
}

function podRequest(pod: PodInfo, opts: RequestsOptions): number | string {
  if (opts.container !== null) return containerRequest(pod, opts, opts.container);
  const podLevel = pod.podRequests === undefined ? null : request(pod.podRequests, opts.resource);
  if (opts.podLevelResources && podLevel !== null) return podLevel;
  return sumRequests(pod, opts.resource);
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
