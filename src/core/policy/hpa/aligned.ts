/**
 * The fast path of the utilization calculator (`getResourceReplicas`) for the common tick: one
 * sample per pod, in pod order, pod names distinct, every pod with a request and a usage, and no
 * correction pass needed. Then the general path's maps (name → metric, name → request) and pod
 * sets hold exactly one entry per pod, in pod order, and the whole computation is one loop over
 * the pods with no allocation besides the result.
 *
 * Why it is the same computation, step by step (calculator.ts):
 * - `resourcePodMetrics` keys sample i by `pods[i].name`: with distinct names, pod i's metric is
 *   its own sample's usage, and no entry is superfluous;
 * - `groupPods` classifies pod i from that metric, in the same order of checks (ignored,
 *   Pending, missing, cpu-unready, ready); the set sizes are the counts, names being distinct;
 * - after dropping ignored and unready pods the map holds the ready pods in pod order, so the
 *   sums of usage and of requests are the same additions in the same order;
 * - `calculateRequests` fails if any pod (ignored ones too) lacks a request: every pod's request
 *   is formed here as well.
 * Anything else (a missing usage, a request error, no ready pod, no requests, unready pods on a
 * scale-up) returns null and the general path runs from scratch, errors and all.
 *
 * calculator.test.ts checks (fast-check) that the two paths agree wherever this one answers.
 *
 * @module
 */
import type { PodInfo, PodSample } from '../../model.js';
import { withinTolerance } from '../../steps/tolerance.js';
import type {
  CalcResult,
  PodMetricInput,
  ResourceScope,
  UtilizationProposal,
} from './calculator.js';
import { cpuSampleUnready, type GroupPodsOptions } from './group-pods.js';
import { containerUsage, podUsage } from './pod-metrics.js';
import { podRequest, type RequestsOptions } from './requests.js';

/**
 * Pod names are distinct. Pods are usually listed with names in increasing (length, text) order
 * (`pod-9` < `pod-10`), which proves it without allocating; otherwise a set decides.
 */
export function distinctNames(pods: readonly PodInfo[]): boolean {
  let ordered = true;
  for (let i = 1; i < pods.length && ordered; i++) {
    const a = (pods[i - 1] as PodInfo).name;
    const b = (pods[i] as PodInfo).name;
    ordered = a.length < b.length || (a.length === b.length && a < b);
  }
  return ordered || new Set(pods.map((p) => p.name)).size === pods.length;
}

/** Sample i is pod i's, for every pod. */
function aligned(pods: readonly PodInfo[], samples: readonly PodSample[]): boolean {
  if (pods.length === 0 || samples.length !== pods.length) return false;
  for (let i = 0; i < pods.length; i++) {
    if ((samples[i] as PodSample).pod !== (pods[i] as PodInfo).name) return false;
  }
  return distinctNames(pods);
}

interface Sums {
  usage: number;
  requested: number;
  ready: number;
  unready: number;
}

/** What stays the same for every pod of one call (built once, not per pod). */
interface Context {
  readonly requests: RequestsOptions;
  readonly container: string | null;
  readonly cpu: boolean;
  readonly timing: Omit<GroupPodsOptions, 'resource'>;
}

/**
 * Σ usage and Σ requests over the ready pods and the number of unready ones, classifying each
 * pod in `groupPods`' order (ignored, Pending, missing, cpu-unready, ready); null = bail out.
 */
function sumPods(input: PodMetricInput, ctx: Context): Sums | null {
  const sums: Sums = { usage: 0, requested: 0, ready: 0, unready: 0 };
  for (let i = 0; i < input.pods.length; i++) {
    const pod = input.pods[i] as PodInfo;
    const request = podRequest(pod, ctx.requests);
    if (typeof request === 'string') return null; // the general path reports it
    if (pod.deleted === true || pod.phase === 'Failed') continue; // ignored
    if (pod.phase === 'Pending') {
      sums.unready++;
      continue;
    }
    const sample = input.samples[i] as PodSample;
    const usage = ctx.container === null ? podUsage(sample) : containerUsage(sample, ctx.container);
    if (usage === null) return null; // a missing pod: the correction pass runs
    if (
      ctx.cpu &&
      cpuSampleUnready(pod, sample.timestamp, sample.windowSeconds * 1000, ctx.timing)
    ) {
      sums.unready++;
      continue;
    }
    sums.usage += usage;
    sums.requested += request;
    sums.ready++;
  }
  return sums;
}

/** `getResourceReplicas` on an aligned tick (see the module comment); null = not applicable. */
export function alignedResourceReplicas(
  input: PodMetricInput,
  scope: ResourceScope & { readonly targetUtilization: number },
): CalcResult<UtilizationProposal> | null {
  if (!aligned(input.pods, input.samples)) return null;
  const sums = sumPods(input, {
    requests: {
      resource: scope.resource,
      container: scope.container,
      podLevelResources: scope.podLevelResources ?? true,
    },
    container: scope.container,
    cpu: scope.resource === 'cpu',
    timing: {
      cpuInitializationPeriodMs: input.cpuInitializationPeriodMs,
      initialReadinessDelayMs: input.initialReadinessDelayMs,
      now: input.now,
    },
  });
  if (sums === null || sums.ready === 0 || sums.requested === 0) return null;
  const utilization = Math.trunc((sums.usage * 100) / sums.requested);
  const ratio = utilization / scope.targetUtilization;
  // proposeDirect: unready pods on a scale-up need the correction pass.
  if (sums.unready > 0 && ratio > 1) return null;
  const replicas = withinTolerance(ratio, input.tolerance)
    ? input.currentReplicas
    : Math.ceil(ratio * sums.ready);
  return {
    ok: true,
    replicas,
    utilization,
    rawAverageMilli: Math.trunc(sums.usage / sums.ready),
    timestamp: (input.samples[0] as PodSample).timestamp,
  };
}
