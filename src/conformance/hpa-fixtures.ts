/**
 * Mapping `hpa-cases.json` fixtures (FORMAT.md §2–3) to Tide's model: pods, metric samples,
 * scaling rules and events. Times are seconds relative to the evaluation instant; they map to
 * epoch ms around a fixed `t0`.
 *
 * @module
 */
import type {
  InitContainerInfo,
  PodInfo,
  PodPhase,
  PodSample,
  Recommendation,
  ScaleEvent,
  ScalingRules,
} from '../core/model.js';

export const t0 = Date.UTC(2024, 0, 1);
export const at = (seconds: number): number => t0 + seconds * 1000;
export const relativeSeconds = (ms: number): number => (ms - t0) / 1000;

export interface CasePod {
  name: string;
  phase: PodPhase;
  deleted?: boolean;
  start_time_s?: number | null;
  ready_condition?: { status: 'True' | 'False'; last_transition_time_s: number } | null;
  containers?: { name: string; request_milli: number | null }[];
  init_containers?: { name: string; request_milli: number | null; restart_always: boolean }[];
  pod_level_request_milli?: number | null;
}

export interface CaseResourceMetric {
  pod: string;
  timestamp_s: number;
  window_s: number;
  containers: { name: string; usage_milli: number | null }[];
}

export interface CaseCustomMetric {
  pod: string;
  value_milli: number;
  timestamp_s: number;
  window_s: number;
}

export interface CaseRules {
  stabilization_window_s: number | null;
  select_policy: 'Max' | 'Min' | 'Disabled';
  policies: { type: 'Pods' | 'Percent'; value: number; period_s: number }[] | null;
}

export interface CaseEvent {
  replica_change: number;
  timestamp_s: number;
  outdated?: boolean;
}

type Resource = 'cpu' | 'memory';

function initContainer(
  c: NonNullable<CasePod['init_containers']>[number],
  resource: Resource,
): InitContainerInfo {
  return {
    name: c.name,
    requests: { [resource]: c.request_milli },
    restartAlways: c.restart_always,
  };
}

function readyCondition(p: CasePod): PodInfo['ready'] {
  const ready = p.ready_condition ?? null;
  if (ready === null) return null;
  return { status: ready.status === 'True', lastTransitionTime: at(ready.last_transition_time_s) };
}

export function toPod(p: CasePod, resource: Resource = 'cpu'): PodInfo {
  const podLevel = p.pod_level_request_milli ?? null;
  const start = p.start_time_s ?? null;
  return {
    name: p.name,
    phase: p.phase,
    deleted: p.deleted ?? false,
    startTime: start === null ? null : at(start),
    ready: readyCondition(p),
    containers: (p.containers ?? []).map((c) => ({
      name: c.name,
      requests: { [resource]: c.request_milli },
    })),
    initContainers: (p.init_containers ?? []).map((c) => initContainer(c, resource)),
    ...(podLevel === null ? {} : { podRequests: { [resource]: podLevel } }),
  };
}

export function toResourceSample(m: CaseResourceMetric): PodSample {
  return {
    pod: m.pod,
    timestamp: at(m.timestamp_s),
    windowSeconds: m.window_s,
    containers: m.containers.map((c) => ({ name: c.name, usageMilli: c.usage_milli })),
  };
}

export function toCustomSample(m: CaseCustomMetric): PodSample {
  return {
    pod: m.pod,
    timestamp: at(m.timestamp_s),
    windowSeconds: m.window_s,
    valueMilli: m.value_milli,
  };
}

/** Case rules → the spec's ScalingRules (null rules = every field unset). */
export function toRules(r: CaseRules | null): ScalingRules {
  return {
    stabilizationWindowSeconds: r?.stabilization_window_s ?? null,
    selectPolicy: r?.select_policy ?? 'Max',
    policies:
      r?.policies?.map((p) => ({ type: p.type, value: p.value, periodSeconds: p.period_s })) ??
      null,
    tolerance: null,
  };
}

export function toEvents(events: readonly CaseEvent[]): ScaleEvent[] {
  return events.map((e) => ({
    change: e.replica_change,
    timestamp: at(e.timestamp_s),
    outdated: e.outdated ?? false,
  }));
}

export function toRecommendations(
  recs: readonly { replicas: number; timestamp_s: number }[],
): Recommendation[] {
  return recs.map((r) => ({ replicas: r.replicas, timestamp: at(r.timestamp_s) }));
}

/** An int64 as JSON: a number when exact, else a decimal string (as the case files write it). */
export function int64Json(value: bigint): number | string {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

/** What an `error_contains` expectation sees: the expected text when contained, else the error. */
export function errorContains(error: string, expected: unknown): string {
  return typeof expected === 'string' && error.includes(expected) ? expected : error;
}
