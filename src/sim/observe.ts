/**
 * A policy as a replay controller: each step builds the Observation production would build and
 * calls the engine's `decide` with it.
 *
 * The Observation: one pod per replica (phase Running, start time = when it was asked for, Ready
 * False from its start and True from start + startupSeconds, with that transition time), each
 * with one container requesting 1000 m CPU. Per-trigger readings, from the metric pipeline:
 * - `resource` cpu triggers: per-pod CPU samples stamped with the newest visible scrape's time
 *   and the averaging window; ready pods use u × 1000 m (u = λ / (ready × capacity)), starting
 *   pods 0 m. The HPA's own integer math then yields utilization u exactly (to its 1 % rounding),
 *   and its unready-pod and CPU-initialization rules apply as upstream.
 * - External and Object triggers: the request rate as one series; Pods triggers: the rate per
 *   ready pod as each ready pod's value. The engine sees the rate scaled so that one replica
 *   serves REPLICA_CAPACITY_RPS (100) req/s at full capacity ("the trace is scaled", DESIGN.md),
 *   whatever the trace's own units (CPU-core traces would otherwise round to a few milli-units).
 * - `trace` triggers are the simulator's own source (a trigger whose source is the trace):
 *   `series: request-rate` (default) or `concurrency` (the same number: Little's law with 1 s per
 *   request, 100 in flight per replica at full capacity), and `series: required-replicas` with
 *   `lookbackSeconds`/`leadSeconds` (used by `naive-predictive`): the required replicas at
 *   t + lead − lookback, from the trace's past, known in advance so not lagged (0 before the
 *   trace starts: nothing was required then).
 * Nothing is visible at t = 0, so metric triggers report a retryable `NoMetrics` error then.
 *
 * @module
 */
import type {
  MetricReading,
  Observation,
  PodInfo,
  PodSample,
  ScalerState,
  TriggerSpec,
} from '../core/model.js';
import { initialState } from '../core/model.js';
import type { ScalerSpec } from '../core/spec.js';
import type { ServiceModel } from './demand.js';
import type { Controller, StepContext, StepReasons } from './replay.js';

/** The engine's entry point as the simulator needs it (production's `decide` fits). */
export type DecideFn = (
  spec: ScalerSpec,
  observation: Observation,
  state: ScalerState,
  now: number,
) => DecideResult;

export interface DecideResult {
  readonly desiredReplicas: number;
  readonly state: ScalerState;
  /** False when the engine could not decide and held the count. */
  readonly valid?: boolean;
  readonly reasons?: readonly { readonly code: string; readonly message: string }[];
}

export const CPU_REQUEST_MILLI = 1000;
/** The engine sees request rates in units where one replica serves this many req/s at 100 %. */
export const REPLICA_CAPACITY_RPS = 100;
const containerName = 'app';
const requests = [{ name: containerName, requests: { cpu: CPU_REQUEST_MILLI } }] as const;

interface PodPair {
  readonly starting: PodInfo;
  readonly ready: PodInfo;
}

/**
 * A pod as it starts and once ready. Both are built with every PodInfo field the core reads, in
 * the order `core/fixtures.ts` uses (`deleted: false` is the same as leaving it out): pods of one
 * shape keep the engine's property accesses monomorphic, in production-like runs mixing sources.
 */
function pod(name: string, startMs: number, ready: PodInfo['ready']): PodInfo {
  return {
    name,
    phase: 'Running',
    deleted: false,
    startTime: startMs,
    ready,
    containers: requests,
  };
}

function podPair(id: number, startMs: number, readyAtMs: number): PodPair {
  const name = `pod-${id}`;
  return {
    starting: pod(name, startMs, { status: false, lastTransitionTime: startMs }),
    ready: pod(name, startMs, { status: true, lastTransitionTime: readyAtMs }),
  };
}

const noMetrics = (what: string): MetricReading => ({
  status: 'error',
  error: { code: 'NoMetrics', message: `no ${what} scrape visible yet`, retryable: true },
});

interface ReadingInput {
  readonly context: StepContext;
  readonly pods: readonly PodInfo[];
  readonly model: ServiceModel;
  readonly stepSeconds: number;
  /** Multiplies a trace rate into the engine's units (REPLICA_CAPACITY_RPS / capacity). */
  readonly rateScale: number;
}

function cpuReading(input: ReadingInput): MetricReading {
  const { metrics, cluster } = input.context;
  if (metrics.utilization === null) return noMetrics('CPU');
  const busy = [
    { name: containerName, usageMilli: Math.round(metrics.utilization * CPU_REQUEST_MILLI) },
  ];
  const idle = [{ name: containerName, usageMilli: 0 }];
  const samples: PodSample[] = input.pods.map((pod, i) => ({
    pod: pod.name,
    timestamp: metrics.timestampMs,
    windowSeconds: metrics.windowSeconds,
    containers: i < cluster.ready ? busy : idle,
  }));
  return { status: 'ok', timestamp: metrics.timestampMs, podSamples: samples };
}

function rateReading(input: ReadingInput, perPod: boolean): MetricReading {
  const { metrics, cluster } = input.context;
  if (metrics.requestRate === null) return noMetrics('request-rate');
  const rate = metrics.requestRate * input.rateScale;
  if (!perPod) {
    return { status: 'ok', timestamp: metrics.timestampMs, valuesMilli: [Math.round(rate * 1000)] };
  }
  const each = cluster.ready > 0 ? Math.round((rate / cluster.ready) * 1000) : 0;
  const samples: PodSample[] = input.pods.slice(0, cluster.ready).map((pod) => ({
    pod: pod.name,
    timestamp: metrics.timestampMs,
    windowSeconds: metrics.windowSeconds,
    valueMilli: each,
  }));
  return { status: 'ok', timestamp: metrics.timestampMs, podSamples: samples };
}

function numberConfig(trigger: TriggerSpec, key: string, fallback: number): number {
  const value = trigger.config[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function historyReading(trigger: TriggerSpec, input: ReadingInput): MetricReading {
  const lookback = numberConfig(trigger, 'lookbackSeconds', 86_400);
  const lead = numberConfig(trigger, 'leadSeconds', 0);
  const index = input.context.step + Math.round((lead - lookback) / input.stepSeconds);
  const replicas = index >= 0 ? (input.model.required[index] ?? 0) : 0;
  return { status: 'ok', timestamp: input.context.nowMs, valuesMilli: [replicas * 1000] };
}

function traceReading(trigger: TriggerSpec, input: ReadingInput): MetricReading {
  const series = trigger.config.series ?? 'request-rate';
  if (series === 'required-replicas') return historyReading(trigger, input);
  if (series === 'request-rate' || series === 'concurrency') return rateReading(input, false);
  return {
    status: 'error',
    error: {
      code: 'Unsupported',
      message: `triggers "${trigger.name}": series = ${JSON.stringify(series)}, must be request-rate, concurrency or required-replicas`,
      retryable: false,
    },
  };
}

function readingFor(trigger: TriggerSpec, input: ReadingInput): MetricReading {
  if (trigger.type === 'trace') return traceReading(trigger, input);
  switch (trigger.metricType) {
    case 'Resource':
    case 'ContainerResource':
      if (trigger.resource === 'cpu') return cpuReading(input);
      return {
        status: 'error',
        error: {
          code: 'Unsupported',
          message: `triggers "${trigger.name}": resource = ${String(trigger.resource)}, the backtest models cpu only`,
          retryable: false,
        },
      };
    case 'Pods':
      return rateReading(input, true);
    default:
      return rateReading(input, false);
  }
}

function invalidReason(reasons: DecideResult['reasons']): string {
  const failed = (reasons ?? []).filter((r) => r.code !== 'NoChange' && r.code !== 'HistorySeeded');
  return failed.map((r) => r.message).join('; ') || 'invalid decision';
}

export interface PolicyControllerOptions {
  readonly spec: ScalerSpec;
  readonly decide: DecideFn;
  readonly model: ServiceModel;
  readonly stepSeconds: number;
  readonly initialReplicas: number;
}

/** Reason codes by which the prediction step set a tick's proposal (prediction/step.ts). */
const PREDICTION_ACTED: ReadonlySet<string> = new Set(['HeadroomPlan', 'PredictionRaised']);

const predictionActed = (reasons: DecideResult['reasons']): boolean =>
  (reasons ?? []).some((r) => PREDICTION_ACTED.has(r.code));

/** Codes past this many (never seen: the engine has a few dozen) are recorded as `Other`. */
const MAX_CODES = 255;

/**
 * The reason of the step that set the count: the last step of the chain (before the decision
 * itself) that changed the count, or the proposal when none did; the first reason when no step
 * gave a count; null without reasons.
 */
export function decidingReason<R extends { readonly code: string; readonly replicas?: number }>(
  reasons: readonly R[] | undefined,
): R | null {
  if (reasons === undefined) return null;
  let found: R | null = null;
  let count: number | undefined;
  for (const r of reasons) {
    if (r.replicas === undefined || (r as { step?: string }).step === 'decision') continue;
    if (count === undefined || r.replicas !== count) found = r;
    count = r.replicas;
  }
  return found ?? reasons[0] ?? null;
}

/** The code of `decidingReason` (see `StepReasons`). */
export const decidingCode = (reasons: DecideResult['reasons']): string | null =>
  decidingReason(
    reasons as readonly { code: string; message: string; replicas?: number }[] | undefined,
  )?.code ?? null;

/** Records each step's deciding code as an index into a table of codes. */
function reasonRecorder(steps: number): {
  record(step: number, reasons: DecideResult['reasons']): void;
  result(): StepReasons;
} {
  const codes: string[] = [];
  const ids = new Map<string, number>();
  const index = new Uint8Array(steps);
  const idOf = (code: string): number => {
    const known = ids.get(code);
    if (known !== undefined) return known;
    // Indices 0..MAX_CODES − 1 name codes; MAX_CODES (the last a Uint8Array holds) is `Other`.
    const id = Math.min(codes.length, MAX_CODES);
    if (id === codes.length) codes.push(id < MAX_CODES ? code : 'Other');
    ids.set(code, id);
    return id;
  };
  return {
    record(step, reasons) {
      index[step] = idOf(decidingCode(reasons) ?? 'None');
    },
    result: () => ({ codes, index }),
  };
}

/**
 * Runs a ScalerSpec through `decide` with the Observation production would see. A policy whose
 * every decision was invalid (the engine never could decide: an unavailable policy, a metric it
 * cannot read) reports that as its `problem` instead of passing a held count off as scores.
 */
export function policyController(options: PolicyControllerOptions): Controller {
  const { spec, decide, model, stepSeconds } = options;
  const rateScale = REPLICA_CAPACITY_RPS / model.capacity;
  const pairs = new Map<number, PodPair>();
  let state = initialState();
  // Where prediction set the proposal, step by step (none to keep with prediction off).
  const predicted = spec.prediction.mode === 'off' ? null : new Uint8Array(model.steps);
  const reasons = reasonRecorder(model.steps);
  let anyValid = false;
  let firstProblem: string | null = null;
  let last: { readonly pods: PodInfo[]; readonly lastId: number; readonly ready: number } | null =
    null;
  const podsOf = (context: StepContext): PodInfo[] => {
    const { ids, ready } = context.cluster;
    // Most steps hold the same replicas as the step before. Replica ids are fresh serials
    // appended at the end and removal cuts the end, so the same count ending in the same id is
    // the same list: with the same ready count, the same pods (the array is never mutated).
    const lastId = ids[ids.length - 1] ?? -1;
    if (last?.pods.length === ids.length && last.lastId === lastId && last.ready === ready) {
      return last.pods;
    }
    const pods = buildPods(context);
    last = { pods, lastId, ready };
    return pods;
  };
  const buildPods = (context: StepContext): PodInfo[] => {
    const { ids, startMs, readyAtMs, ready } = context.cluster;
    const pods: PodInfo[] = new Array<PodInfo>(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      let pair = pairs.get(id);
      if (pair === undefined) {
        pair = podPair(id, startMs[i] as number, readyAtMs[i] as number);
        pairs.set(id, pair);
      }
      pods[i] = i < ready ? pair.ready : pair.starting;
    }
    if (pairs.size > 4 * ids.length + 64) {
      const live = new Set(ids);
      for (const id of pairs.keys()) if (!live.has(id)) pairs.delete(id);
    }
    return pods;
  };
  return {
    initialReplicas: options.initialReplicas,
    ask(context: StepContext): number {
      const pods = podsOf(context);
      const input: ReadingInput = { context, pods, model, stepSeconds, rateScale };
      const metrics: Record<string, MetricReading> = {};
      for (const trigger of spec.triggers) metrics[trigger.name] = readingFor(trigger, input);
      const observation: Observation = {
        currentReplicas: pods.length,
        statusReplicas: pods.length,
        readyReplicas: context.cluster.ready,
        pods,
        metrics,
      };
      const decision = decide(spec, observation, state, context.nowMs);
      state = decision.state;
      if (predicted !== null && predictionActed(decision.reasons)) predicted[context.step] = 1;
      reasons.record(context.step, decision.reasons);
      if (decision.valid === false) {
        firstProblem ??= invalidReason(decision.reasons);
      } else anyValid = true;
      return decision.desiredReplicas;
    },
    problem: () =>
      anyValid
        ? null
        : `the engine never reached a valid decision: ${firstProblem ?? 'no reason given'}`,
    predicted: () => predicted,
    reasons: () => reasons.result(),
  };
}
