/**
 * A backtest: one trace, the oracle and any number of policies (baselines or the user's own
 * ScalerSpecs), each replayed through the same service model and scored.
 *
 * @module
 */
import type { ScalerSpec } from '../core/spec.js';
import { baselineSpec, isBaselineName } from './baselines.js';
import { type ServiceModel, serviceModel } from './demand.js';
import { type DecideFn, policyController } from './observe.js';
import { oracleController, oracleSchedule } from './oracle.js';
import type { SimParams } from './params.js';
import { type ReplayRecord, type StepReasons, replay } from './replay.js';
import { type Scores, score } from './scores.js';
import type { Trace } from './trace.js';

/** A policy to backtest: a name and its spec (null = the oracle). */
export interface PolicyChoice {
  readonly name: string;
  readonly spec: ScalerSpec | null;
}

export type PolicyResult =
  | {
      readonly name: string;
      readonly ok: true;
      readonly scores: Scores;
      readonly record: ReplayRecord;
      /** 1 at the steps where prediction set the count; null for a policy without prediction. */
      readonly predicted: Uint8Array | null;
      /** The reason that set each step's count; null for the oracle. */
      readonly reasons: StepReasons | null;
    }
  | { readonly name: string; readonly ok: false; readonly error: string };

export interface TraceResult {
  readonly trace: Trace;
  readonly model: ServiceModel;
  readonly params: SimParams;
  readonly startMs: number;
  readonly oracleReplicaHours: number;
  /** In the order asked for. */
  readonly policies: readonly PolicyResult[];
}

export interface BacktestOptions {
  readonly trace: Trace;
  readonly params: SimParams;
  readonly policies: readonly PolicyChoice[];
  readonly decide: DecideFn;
  /** Epoch ms of step 0 when the trace has no absolute start (default 2024-01-01T00:00Z). */
  readonly startMs?: number;
  /** Called with the steps simulated so far (across this trace's policies). */
  readonly onProgress?: (steps: number) => void;
}

export const ORACLE = 'oracle';
const defaultStartMs = Date.UTC(2024, 0, 1);

/** Resolves policy names (baselines, `oracle`) against the model's parameters. */
export function resolvePolicies(names: readonly string[], params: SimParams): PolicyChoice[] {
  return names.map((name) => {
    if (name === ORACLE) return { name, spec: null };
    if (!isBaselineName(name)) {
      throw new Error(
        `policy = ${JSON.stringify(name)}: not a baseline; use --spec FILE for your own ScalerSpec`,
      );
    }
    return { name, spec: baselineSpec(name, { params }) };
  });
}

/** Initial replicas: the parameter, or the required count at t = 0, within the spec's bounds. */
function initialReplicas(spec: ScalerSpec, model: ServiceModel, params: SimParams): number {
  const wanted = params.initialReplicas ?? (model.required[0] as number);
  return Math.min(spec.maxReplicas, Math.max(spec.minReplicas, wanted));
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A trace under the model, with the oracle replayed: what every policy is scored against. */
export interface PreparedTrace {
  readonly trace: Trace;
  readonly params: SimParams;
  readonly model: ServiceModel;
  readonly startMs: number;
  readonly oracleRecord: ReplayRecord;
  readonly oracleScores: Scores;
}

export function prepareTrace(trace: Trace, params: SimParams, startMs?: number): PreparedTrace {
  const model = serviceModel(trace, params);
  const start = trace.startEpochMs ?? startMs ?? defaultStartMs;
  const controller = oracleController(oracleSchedule(model.required, params));
  const oracleRecord = replay({ model, params, controller, startMs: start });
  const oracleScores = score(model, oracleRecord, { stepSeconds: params.stepSeconds });
  return { trace, params, model, startMs: start, oracleRecord, oracleScores };
}

/**
 * One policy's replay: its record and where prediction set the count (null without prediction),
 * or why it could not be scored.
 */
export type PolicyRun =
  | {
      readonly record: ReplayRecord;
      readonly predicted: Uint8Array | null;
      readonly reasons: StepReasons | null;
    }
  | { readonly error: string };

/** Replays one spec through `decide` on a prepared trace. */
export function replayPolicy(options: {
  readonly prepared: Pick<PreparedTrace, 'model' | 'params' | 'startMs'>;
  readonly choice: { readonly name: string; readonly spec: ScalerSpec };
  readonly decide: DecideFn;
  readonly onProgress?: (steps: number) => void;
}): PolicyRun {
  const { prepared, choice } = options;
  const { model, params, startMs } = prepared;
  try {
    const controller = policyController({
      spec: choice.spec,
      decide: options.decide,
      model,
      stepSeconds: params.stepSeconds,
      initialReplicas: initialReplicas(choice.spec, model, params),
    });
    const record = replay({
      model,
      params,
      controller,
      startMs,
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    const problem = controller.problem?.() ?? null;
    if (problem !== null) return { error: `backtesting ${choice.name}: ${problem}` };
    return {
      record,
      predicted: controller.predicted?.() ?? null,
      reasons: controller.reasons?.() ?? null,
    };
  } catch (error) {
    return { error: `backtesting ${choice.name}: ${errorText(error)}` };
  }
}

/** Scores the runs (in the order of `policies`; the oracle's entries need none). */
export function scoreTrace(
  prepared: PreparedTrace,
  policies: readonly PolicyChoice[],
  runs: readonly (PolicyRun | null)[],
): TraceResult {
  const { model, params, oracleScores, oracleRecord } = prepared;
  const oracleReplicaHours = oracleScores.replicaHours;
  const results = policies.map((choice, i): PolicyResult => {
    const run = runs[i];
    if (choice.spec === null || run === null || run === undefined) {
      return {
        name: choice.name,
        ok: true,
        scores: { ...oracleScores, oracleRatio: 1 },
        record: oracleRecord,
        predicted: null,
        reasons: null,
      };
    }
    if ('error' in run) return { name: choice.name, ok: false, error: run.error };
    const scores = score(model, run.record, {
      stepSeconds: params.stepSeconds,
      oracleReplicaHours,
    });
    return {
      name: choice.name,
      ok: true,
      scores,
      record: run.record,
      predicted: run.predicted,
      reasons: run.reasons,
    };
  });
  const { trace, startMs } = prepared;
  return { trace, model, params, startMs, oracleReplicaHours, policies: results };
}

/** Replays the trace under every policy, one after another, and scores each. */
export function backtest(options: BacktestOptions): TraceResult {
  const prepared = prepareTrace(options.trace, options.params, options.startMs);
  const steps = prepared.model.steps;
  let done = steps;
  options.onProgress?.(done);
  const runs = options.policies.map((choice): PolicyRun | null => {
    const spec = choice.spec;
    if (spec === null) return null;
    const base = done;
    const run = replayPolicy({
      prepared,
      choice: { name: choice.name, spec },
      decide: options.decide,
      onProgress: (n) => options.onProgress?.(base + n),
    });
    done += steps;
    options.onProgress?.(done);
    return run;
  });
  return scoreTrace(prepared, options.policies, runs);
}
