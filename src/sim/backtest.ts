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
import { type Controller, type ReplayRecord, replay } from './replay.js';
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

/** Replays the trace under every policy and scores each against the oracle. */
export function backtest(options: BacktestOptions): TraceResult {
  const { trace, params, decide } = options;
  const model = serviceModel(trace, params);
  const startMs = trace.startEpochMs ?? options.startMs ?? defaultStartMs;
  let done = 0;
  const run = (controller: Controller): ReplayRecord => {
    const base = done;
    const record = replay({
      model,
      params,
      controller,
      startMs,
      onProgress: (steps) => options.onProgress?.(base + steps),
    });
    done += model.steps;
    options.onProgress?.(done);
    return record;
  };
  const oracleRecord = run(oracleController(oracleSchedule(model.required, params)));
  const oracleScores = score(model, oracleRecord, { stepSeconds: params.stepSeconds });
  const oracleReplicaHours = oracleScores.replicaHours;
  const policies = options.policies.map((choice): PolicyResult => {
    if (choice.spec === null) {
      const scores = { ...oracleScores, oracleRatio: 1 };
      return { name: choice.name, ok: true, scores, record: oracleRecord };
    }
    const spec = choice.spec;
    try {
      const controller = policyController({
        spec,
        decide,
        model,
        stepSeconds: params.stepSeconds,
        initialReplicas: initialReplicas(spec, model, params),
      });
      const record = run(controller);
      const problem = controller.problem?.() ?? null;
      if (problem !== null)
        return { name: choice.name, ok: false, error: `backtesting ${choice.name}: ${problem}` };
      const scores = score(model, record, {
        stepSeconds: params.stepSeconds,
        oracleReplicaHours,
      });
      return { name: choice.name, ok: true, scores, record };
    } catch (error) {
      return {
        name: choice.name,
        ok: false,
        error: `backtesting ${choice.name}: ${errorText(error)}`,
      };
    }
  });
  return { trace, model, params, startMs, oracleReplicaHours, policies };
}
