/**
 * `tide tune`: the cheapest ScalerSpec that meets a service's SLO on its own history.
 *
 * The history is split in time: the search (`search.ts`) sees only the scores of the first part
 * (the tuning part, 70 % by default); every spec tried is also scored on the rest (the holdout),
 * which the choice never reads, so the holdout figures say how the choice does on traffic it was
 * not tuned on. Each spec is replayed once over the whole history (the policy is causal: its
 * record up to the split does not depend on what follows) and scored on each part. The service
 * model (the trace scaled so that its peak needs `peakReplicas`) is the backtest's.
 *
 * Beside the search: `hpa` at a few targets (the frontier's other curve) and the oracle.
 *
 * @module
 */
import type { ScalerSpec, ScalerSpecInput } from '../core/spec.js';
import { parseSpec } from '../core/spec.js';
import { type PolicyRun, type PreparedTrace, prepareTrace } from '../sim/backtest.js';
import { baselineSpec, ceilingReplicas } from '../sim/baselines.js';
import type { DecideFn } from '../sim/observe.js';
import { replayMany } from '../sim/parallel.js';
import type { SimParams } from '../sim/params.js';
import { score } from '../sim/scores.js';
import type { Trace } from '../sim/trace.js';
import { type Objective, type Tried, best, search } from './search.js';
import {
  type Dimension,
  type Point,
  baseInput,
  pointOf,
  settings,
  specInput,
  tuneSpace,
} from './space.js';

/** Minutes in the month an SLO in minutes per month refers to (30 days). */
export const MINUTES_PER_MONTH = 30 * 24 * 60;

/** The SLO: the share of time the service may be short of replicas. */
export type Slo =
  | { readonly kind: 'maxShortPercent'; readonly percent: number }
  | { readonly kind: 'minutesPerMonth'; readonly minutes: number }
  /** As often short as `hpa` (CPU 70 %) on the tuning part: the HPA it would replace. */
  | { readonly kind: 'hpa' };

/** A replay's figures on one part of the history. */
export interface Figures {
  readonly tauU: number;
  readonly replicaHours: number;
  /** Replica-hours ÷ the oracle's on the same part. */
  readonly oracleRatio: number | null;
  /** SLO-violating minutes, per 30-day month. */
  readonly minutesPerMonth: number;
  readonly actionsPerHour: number;
}

/** Figures on the tuning part and on the holdout (null with `holdout: 0`). */
export interface SplitFigures {
  readonly tuning: Figures;
  readonly holdout: Figures | null;
}

export interface TriedSpec {
  /** The spec's fields that the search varied, `path: value`. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** The spec as a user writes it. */
  readonly input: Readonly<Record<string, unknown>>;
  readonly figures: SplitFigures | null;
  /** Why the spec could not be scored. */
  readonly error?: string;
}

export interface HpaVariant {
  readonly name: string;
  /** CPU utilization target, percent. */
  readonly target: number;
  readonly figures: SplitFigures | null;
  readonly error?: string;
}

export interface TuneResult {
  readonly trace: string;
  readonly steps: number;
  /** First step of the holdout (= steps when there is none). */
  readonly splitStep: number;
  readonly holdout: number;
  readonly stepSeconds: number;
  /** The highest τU (percent) on the tuning part that meets the SLO. */
  readonly limitPercent: number;
  readonly slo: Slo;
  readonly budget: number;
  readonly seed: number;
  readonly oracle: { readonly tuning: number; readonly holdout: number | null };
  readonly hpa: readonly HpaVariant[];
  /** In the order tried. */
  readonly tried: readonly TriedSpec[];
  /** Index in `tried` of the cheapest spec that meets the SLO, or of the closest when none does. */
  readonly chosen: number;
  /** Whether `tried[chosen]` meets the SLO. */
  readonly feasible: boolean;
}

export interface TuneOptions {
  readonly trace: Trace;
  readonly params: SimParams;
  readonly slo: Slo;
  /** Share of the history (at its end) kept out of the tuning, in [0, 0.9]. */
  readonly holdout: number;
  readonly budget: number;
  readonly seed: number;
  readonly jobs: number;
  readonly decide: DecideFn;
  /** Called with steps newly simulated. */
  readonly onProgress?: (steps: number) => void;
}

/** `hpa` at these CPU targets: the HPA's own frontier. */
export const HPA_TARGETS = [50, 60, 70, 80, 90] as const;

/** τU limit (percent) of an SLO given in minutes per 30-day month. */
export const minutesToPercent = (minutes: number): number => (100 * minutes) / MINUTES_PER_MONTH;

interface Context {
  readonly prepared: PreparedTrace;
  readonly splitStep: number;
  readonly options: TuneOptions;
}

function figuresOf(ctx: Context, run: PolicyRun): SplitFigures | { error: string } {
  if ('error' in run) return { error: run.error };
  const { model, params, oracleRecord } = ctx.prepared;
  const part = (fromStep: number, toStep: number): Figures => {
    const oracle = score(model, oracleRecord, {
      stepSeconds: params.stepSeconds,
      fromStep,
      toStep,
    });
    const s = score(model, run.record, {
      stepSeconds: params.stepSeconds,
      oracleReplicaHours: oracle.replicaHours,
      fromStep,
      toStep,
    });
    return {
      tauU: s.tauU,
      replicaHours: s.replicaHours,
      oracleRatio: s.oracleRatio,
      minutesPerMonth: (s.tauU / 100) * MINUTES_PER_MONTH,
      actionsPerHour: s.actionsPerHour,
    };
  };
  const steps = model.steps;
  return {
    tuning: part(0, ctx.splitStep),
    holdout: ctx.splitStep < steps ? part(ctx.splitStep, steps) : null,
  };
}

async function replayAll(
  ctx: Context,
  specs: readonly { name: string; spec: ScalerSpec }[],
): Promise<(SplitFigures | { error: string })[]> {
  const runs = await replayMany({
    prepared: ctx.prepared,
    choices: specs,
    decide: ctx.options.decide,
    jobs: ctx.options.jobs,
    ...(ctx.options.onProgress === undefined ? {} : { onProgress: ctx.options.onProgress }),
  });
  return runs.map((run) => figuresOf(ctx, run));
}

async function hpaVariants(ctx: Context): Promise<HpaVariant[]> {
  const { params } = ctx.options;
  const specs = HPA_TARGETS.map((target) => {
    const spec = baselineSpec('hpa', { params });
    const trigger = spec.triggers[0];
    const triggers =
      trigger === undefined
        ? []
        : [{ ...trigger, target: { type: 'Utilization' as const, value: target } }];
    return { name: target === 70 ? 'hpa' : `hpa-${target}`, spec: { ...spec, triggers } };
  });
  const figures = await replayAll(ctx, specs);
  return specs.map((s, i) => {
    const f = figures[i] ?? { error: 'no result' };
    const target = HPA_TARGETS[i] as number;
    return 'error' in f
      ? { name: s.name, target, figures: null, error: f.error }
      : { name: s.name, target, figures: f };
  });
}

function limitOf(slo: Slo, hpa: readonly HpaVariant[]): number {
  if (slo.kind === 'maxShortPercent') return slo.percent;
  if (slo.kind === 'minutesPerMonth') return minutesToPercent(slo.minutes);
  const reference = hpa.find((h) => h.target === 70)?.figures;
  if (reference === null || reference === undefined) {
    throw new Error(
      'the SLO defaults to hpa’s τU, but hpa could not be replayed: give --max-short-percent',
    );
  }
  return reference.tuning.tauU;
}

/** The seeds: Tide's default spec and the HPA-like spec (prediction off), written out. */
function seedInputs(): Record<string, unknown>[] {
  const common = {
    triggers: [{ target: { value: 70 } }],
    hpa: { tolerance: 0.1 },
    behavior: {
      scaleDown: { stabilizationWindowSeconds: 300 },
      scaleUp: { stabilizationWindowSeconds: 0 },
    },
  };
  return [
    { ...common, prediction: { mode: 'on', headroom: 'learned', costRatio: 1, seasonal: false } },
    { ...common, prediction: { mode: 'off' } },
  ];
}

function checkOptions(options: TuneOptions): void {
  if (!(options.holdout >= 0 && options.holdout <= 0.9)) {
    throw new Error(`--holdout = ${options.holdout}, must be a share between 0 and 0.9`);
  }
  if (!Number.isInteger(options.budget) || options.budget < 1) {
    throw new Error(`--budget = ${options.budget}, must be a whole number of at least 1`);
  }
}

/** The figures of each spec the search asks for (errors count as never meeting the SLO). */
function evaluator(
  ctx: Context,
  space: readonly Dimension[],
  specOf: (p: Point) => ScalerSpec,
  errors: Map<string, string>,
): (points: readonly Point[]) => Promise<SplitFigures[]> {
  return async (points) => {
    const specs = points.map((p, i) => ({ name: `spec-${i}`, spec: specOf(p) }));
    const figures = await replayAll(ctx, specs);
    return figures.map((f, i) => {
      if (!('error' in f)) return f;
      errors.set((points[i] as Point).join('.'), f.error);
      const never: Figures = {
        tauU: Infinity,
        replicaHours: Infinity,
        oracleRatio: null,
        minutesPerMonth: Infinity,
        actionsPerHour: 0,
      };
      return { tuning: never, holdout: null };
    });
  };
}

/** Tunes a spec on the trace's history; see the module's comment. */
export async function tune(options: TuneOptions): Promise<TuneResult> {
  checkOptions(options);
  const { params } = options;
  const prepared = prepareTrace(options.trace, params);
  const steps = prepared.model.steps;
  const splitStep = Math.round(steps * (1 - options.holdout));
  if (splitStep < 2 || (options.holdout > 0 && steps - splitStep < 2)) {
    throw new Error(
      `${options.trace.name}: ${steps} steps of ${params.stepSeconds} s are too few to split at --holdout ${options.holdout}; give a longer history or --holdout 0`,
    );
  }
  options.onProgress?.(steps);
  const ctx: Context = { prepared, splitStep, options };
  const hpa = await hpaVariants(ctx);
  const limitPercent = limitOf(options.slo, hpa);
  const spaceCtx = {
    startupSeconds: Math.min(3600, Math.round(params.startupSeconds)),
    syncPeriodSeconds: Math.max(1, Math.min(3600, Math.round(params.stepSeconds))),
    maxReplicas: ceilingReplicas({ params }),
    sloPercent: Math.round(100 * params.sloUtilization),
  };
  const space = tuneSpace(spaceCtx);
  const base = baseInput(spaceCtx);
  const specOf = (p: Point): ScalerSpec => {
    const parsed = parseSpec(specInput(space, base, p));
    if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('; '));
    return parsed.value;
  };
  const errors = new Map<string, string>();
  const tried: Tried<Scored>[] = await search({
    space,
    budget: options.budget,
    seed: options.seed,
    limit: limitPercent,
    seeds: seedInputs().map((input) => pointOf(space, input)),
    valid: (p) => parseSpec(specInput(space, base, p)).ok,
    evaluate: async (points) =>
      (await evaluator(ctx, space, specOf, errors)(points)).map((f) => ({
        ...f,
        tauU: f.tuning.tauU,
        replicaHours: f.tuning.replicaHours,
      })),
  });
  const chosenTried = best(tried, limitPercent);
  if (chosenTried === undefined) throw new Error('no spec could be tried');
  return {
    trace: options.trace.name,
    steps,
    splitStep,
    holdout: options.holdout,
    stepSeconds: params.stepSeconds,
    limitPercent,
    slo: options.slo,
    budget: options.budget,
    seed: options.seed,
    oracle: oracleFigures(ctx),
    hpa,
    tried: tried.map((t) => triedSpec(t, { space, base, errors })),
    chosen: tried.indexOf(chosenTried),
    feasible: chosenTried.figures.tuning.tauU <= limitPercent + 1e-9,
  };
}

/** A point's figures, with the tuning part's τU and replica-hours on top for the search. */
type Scored = SplitFigures & Objective;

function triedSpec(
  t: Tried<Scored>,
  ctx: { space: readonly Dimension[]; base: ScalerSpecInput; errors: Map<string, string> },
): TriedSpec {
  const error = ctx.errors.get(t.point.join('.'));
  const input = specInput(ctx.space, ctx.base, t.point) as Record<string, unknown>;
  const shown = settings(ctx.space, t.point);
  if (error !== undefined) return { settings: shown, input, figures: null, error };
  return {
    settings: shown,
    input,
    figures: { tuning: t.figures.tuning, holdout: t.figures.holdout },
  };
}

function oracleFigures(ctx: Context): TuneResult['oracle'] {
  const { model, params, oracleRecord } = ctx.prepared;
  const hours = (fromStep: number, toStep: number): number =>
    score(model, oracleRecord, { stepSeconds: params.stepSeconds, fromStep, toStep }).replicaHours;
  return {
    tuning: hours(0, ctx.splitStep),
    holdout: ctx.splitStep < model.steps ? hours(ctx.splitStep, model.steps) : null,
  };
}
