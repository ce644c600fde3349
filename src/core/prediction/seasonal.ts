/**
 * The predictive policy (pure). It forecasts the load over (now, now + startupSeconds + one sync
 * period] — the replicas asked for now are ready at the end of that window — takes the forecast's
 * upper quantile, and turns it into replicas with the target the reactive trigger uses:
 * ceil(upper / target), plus a headroom learned from its own errors in replicas. The caller
 * (decide) takes the max with the reactive proposal, so prediction only adds capacity early.
 *
 * Self-check: every prediction is later compared with what happened (the highest load seen in
 * its window, in replicas), with the pinball loss at 0.9 in replicas, averaged with a 6-hour
 * half-life. Two questions, both must say yes:
 *   skill = 1 − loss(forecast) / loss(no pattern): does the pattern carry information? The
 *     no-pattern prediction is the last two hours' mean plus its own residual quantile. A forecast
 *     that adds nothing beyond "keep a buffer above the recent level" does not act: that buffer is
 *     the reactive target's job (white noise ends here).
 *   gain = 1 − loss(max(forecast, reactive)) / loss(reactive): does acting improve the outcome?
 *     The reactive answer is the caller's reactive proposal at that tick (with its tolerance and
 *     lag; decide passes it), else ceil(current load / target). A forecast right on average but
 *     with wide intervals (a load that jumps between two levels) adds many idle replicas for little.
 * Prediction acts while skill ≥ 0.05 and gain ≥ 0; once stopped it resumes only at skill ≥ 0.1
 * and gain ≥ 0.05 (hysteresis). Before 60 resolved predictions the refit's backtest skill stands
 * in for skill and gain is taken as fine.
 *
 * Worked example: target 100 req/s per replica, upper = 1 234 req/s → ceil(12.34) = 13 replicas;
 * recent errors (realized − predicted) with a 0.9-quantile of 1 → headroom 1 → 14 replicas,
 * the headroom bounded by max(1, 20 % of 13) = 3.
 *
 * Errors are measured in replicas, not relative to the load: near zero demand a relative error
 * explodes while one replica is still one replica.
 *
 * Use: call `observePredictive` with every reading of the load (same units as `target`), then
 * `predictive` for the proposal. Modes (off / forecastOnly / on) are the caller's: `replicas` is
 * what to act on; `forecastReplicas` is what prediction would ask for, to publish.
 *
 * @module
 */
import {
  fitFromHistory,
  forecastWindow,
  hasOneDay,
  historyLength,
  initialForecasterState,
  observe,
  type ForecasterConfig,
  type ForecasterState,
  type Sample,
  type WindowForecast,
} from '../forecast/forecaster.js';
import { memoQuantile, pinball } from '../forecast/loss.js';
import { isObject } from '../guards.js';
import type { HeadroomState } from './planner.js';
import type { Reason } from '../model.js';

/** A prediction waiting for its window to pass. */
export interface PendingPrediction {
  /** The window (from, due], epoch ms. */
  readonly from: number;
  readonly due: number;
  /** ceil(upper / target) of the forecast and of the no-pattern baseline. */
  readonly model: number;
  readonly flat: number;
  /** What reacting alone asked for at `from` (the caller's reactive proposal, or ceil(load / target)). */
  readonly reactive: number;
  /** The highest load seen in the window so far; null before any. */
  readonly realized: number | null;
}

export interface SelfCheck {
  readonly pending: readonly PendingPrediction[];
  /** Exponentially weighted sums of the pinball losses (replicas) and of the weights. */
  readonly lossModel: number;
  readonly lossFlat: number;
  /** Losses of max(forecast, reactive) and of reactive alone. */
  readonly lossCombined: number;
  readonly lossReactive: number;
  readonly weight: number;
  readonly resolved: number;
  /** Recent realized − predicted replicas (before headroom), newest last. */
  readonly errors: readonly number[];
  readonly active: boolean;
}

export interface PredictiveState {
  readonly version: 1;
  readonly forecaster: ForecasterState;
  readonly check: SelfCheck;
  /** The headroom planner (policy/headroom.ts); absent in states written before it existed. */
  readonly headroom?: HeadroomState;
}

export interface PredictiveInput {
  /** Epoch ms. */
  readonly now: number;
  readonly startupSeconds: number;
  readonly syncPeriodSeconds: number;
  /** Per-replica capacity in the load's units (the reactive trigger's target). */
  readonly target: number;
}

export interface PredictiveProposal {
  /** What to act on; null when prediction does not act (see reason). */
  readonly replicas: number | null;
  /** What prediction would ask for, acting or not (null without a forecast). */
  readonly forecastReplicas: number | null;
  readonly reason: Reason;
  readonly forecast: WindowForecast | null;
  readonly headroom: number;
  /** The self-check's current skill (null while unknown). */
  readonly skill: number | null;
  /** The self-check's gain over reacting alone (null while unknown). */
  readonly gain: number | null;
}

const TAU = 0.9;
const HALF_LIFE_SECONDS = 6 * 3600;
const MIN_EVIDENCE = 60;
const DISABLE_BELOW = 0.05;
const ENABLE_ABOVE = 0.1;
const MAX_ERRORS = 240;
const MIN_ERRORS = 20;
const MAX_PENDING = 64;
const STEP = 'predictive';

const initialCheck = (): SelfCheck => ({
  pending: [],
  lossModel: 0,
  lossFlat: 0,
  lossCombined: 0,
  lossReactive: 0,
  weight: 0,
  resolved: 0,
  errors: [],
  active: true,
});

export function initialPredictiveState(config: Partial<ForecasterConfig> = {}): PredictiveState {
  return { version: 1, forecaster: initialForecasterState(config), check: initialCheck() };
}

/** The state rebuilt from history re-read from the metric source (e.g. after a restart). */
export function predictiveFromHistory(
  samples: readonly Sample[],
  config: Partial<ForecasterConfig> = {},
): PredictiveState {
  return { version: 1, forecaster: fitFromHistory(samples, config), check: initialCheck() };
}

/**
 * A restored value is a PredictiveState of this version, in shape (else the caller starts afresh:
 * a damaged status must not break a decision).
 */
export function isPredictiveState(x: unknown): x is PredictiveState {
  if (!isObject(x) || x.version !== 1 || !isObject(x.forecaster) || !isObject(x.check))
    return false;
  const f = x.forecaster;
  const c = x.check;
  const config = isObject(f.config) ? f.config : {};
  const positive = typeof config.bucketSeconds === 'number' && config.bucketSeconds > 0;
  const arrays = [f.history, f.residuals, f.flatResiduals, c.pending, c.errors];
  return (
    f.version === 1 && positive && arrays.every(Array.isArray) && typeof c.active === 'boolean'
  );
}

const horizonMs = (i: PredictiveInput): number => (i.startupSeconds + i.syncPeriodSeconds) * 1000;

/** Replicas for a load, guarding the ceiling against floating-point noise (2.0000000001 → 2). */
const replicasFor = (load: number, target: number): number =>
  Math.max(0, Math.ceil(load / target - 1e-9));

const ratioSkill = (loss: number, reference: number): number => {
  if (reference <= 0) return loss <= 0 ? 0 : -1;
  return 1 - loss / reference;
};

const hasEvidence = (c: SelfCheck): boolean => c.resolved >= MIN_EVIDENCE && c.weight > 0;

/** skill from the live record once it has evidence, else from the refit's backtest. */
function skillOf(check: SelfCheck, forecaster: ForecasterState): number | null {
  if (hasEvidence(check)) return ratioSkill(check.lossModel, check.lossFlat);
  return forecaster.choice?.skill ?? null;
}

/** gain from the live record; null before it has evidence. */
function gainOf(check: SelfCheck): number | null {
  return hasEvidence(check) ? ratioSkill(check.lossCombined, check.lossReactive) : null;
}

interface Resolution {
  readonly check: SelfCheck;
  readonly decay: number;
  readonly target: number;
}

/** Scores one prediction whose window has passed. */
function resolve(r: Resolution, p: PendingPrediction): SelfCheck {
  if (p.realized === null) return r.check;
  const actual = replicasFor(p.realized, r.target);
  const c = r.check;
  const errors = [...c.errors.slice(-(MAX_ERRORS - 1)), actual - p.model];
  return {
    ...c,
    lossModel: c.lossModel * r.decay + pinball(actual - p.model, TAU),
    lossFlat: c.lossFlat * r.decay + pinball(actual - p.flat, TAU),
    lossCombined: c.lossCombined * r.decay + pinball(actual - Math.max(p.model, p.reactive), TAU),
    lossReactive: c.lossReactive * r.decay + pinball(actual - p.reactive, TAU),
    weight: c.weight * r.decay + 1,
    resolved: c.resolved + 1,
    errors,
  };
}

/** Adds the reading to open windows and scores the windows it closes. */
function settle(check: SelfCheck, sample: Sample, input: PredictiveInput): SelfCheck {
  const decay = 0.5 ** (input.syncPeriodSeconds / HALF_LIFE_SECONDS);
  let next: SelfCheck = { ...check, pending: [] };
  const pending: PendingPrediction[] = [];
  for (const p of check.pending) {
    const inWindow = sample.time > p.from && sample.time <= p.due;
    const seen = inWindow ? Math.max(p.realized ?? -Infinity, sample.value) : p.realized;
    const updated = { ...p, realized: seen };
    if (sample.time >= p.due) next = resolve({ check: next, decay, target: input.target }, updated);
    else pending.push(updated);
  }
  return { ...next, pending };
}

/**
 * Applies the hysteresis: stop when skill < 0.05 or gain < 0; resume at skill ≥ 0.1 and gain ≥
 * 0.05. Unknown skill keeps the current mode; unknown gain does not block.
 */
function judge(check: SelfCheck, forecaster: ForecasterState): SelfCheck {
  const skill = skillOf(check, forecaster);
  if (skill === null) return check;
  const gain = gainOf(check) ?? Infinity;
  const active = check.active
    ? skill >= DISABLE_BELOW && gain >= 0
    : skill >= ENABLE_ABOVE && gain >= ENABLE_ABOVE / 2;
  return active === check.active ? check : { ...check, active };
}

/**
 * Absorbs one reading of the load (at `input.now`, in the target's units): the forecaster takes
 * it, the self-check scores the predictions whose window it closes, and a new prediction for
 * (now, now + startup + sync] is recorded. Non-finite readings change nothing.
 */
export function observePredictive(
  state: PredictiveState,
  input: PredictiveInput & { readonly value: number; readonly reactiveReplicas?: number },
): PredictiveState {
  if (!Number.isFinite(input.value) || !(input.target > 0)) return state;
  const sample: Sample = { time: input.now, value: input.value };
  const forecaster = observe(state.forecaster, sample);
  let check = judge(settle(state.check, sample, input), forecaster);
  const f = forecastWindow(forecaster, { from: input.now, to: input.now + horizonMs(input) });
  if (f !== null) {
    const p: PendingPrediction = {
      from: input.now,
      due: input.now + horizonMs(input),
      model: replicasFor(f.upper, input.target),
      flat: replicasFor(f.flatUpper, input.target),
      reactive: input.reactiveReplicas ?? replicasFor(input.value, input.target),
      realized: null,
    };
    check = { ...check, pending: [...check.pending.slice(-(MAX_PENDING - 1)), p] };
  }
  return { ...state, forecaster, check };
}

/** The headroom in replicas: the 0.9-quantile of recent errors, within [0, max(1, 20 % of base)]. */
export function headroomFor(errors: readonly number[], base: number): number {
  if (errors.length < MIN_ERRORS) return 0;
  const bound = Math.max(1, Math.ceil(0.2 * base));
  return Math.min(bound, Math.max(0, Math.ceil(memoQuantile(errors, TAU) - 1e-9)));
}

const fmt = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));

function insufficient(state: PredictiveState): PredictiveProposal {
  const needed = Math.round(86_400 / state.forecaster.config.bucketSeconds);
  return {
    replicas: null,
    forecastReplicas: null,
    reason: {
      step: STEP,
      code: 'InsufficientHistory',
      message: `${historyLength(state.forecaster)} of ${needed} buckets of history; prediction starts after one day`,
    },
    forecast: null,
    headroom: 0,
    skill: null,
    gain: null,
  };
}

function describe(f: WindowForecast, check: { skill: number | null; gain: number | null }): string {
  const period = f.period === null ? 'no period' : `period ${f.period} buckets`;
  const s = check.skill === null ? 'skill not yet measured' : `skill ${fmt(check.skill)}`;
  const g = check.gain === null ? '' : `, gain over reacting alone ${fmt(check.gain)}`;
  return `${f.model} (${period}), ${s}${g}`;
}

/**
 * The predictive proposal at `now`. Reason codes: `InsufficientHistory` (less than a day),
 * `InvalidTarget`, `PredictionDisabled` (the self-check says it is not helping; `forecastReplicas`
 * still says what it would ask for), `PredictionActive`.
 */
export function predictive(state: PredictiveState, input: PredictiveInput): PredictiveProposal {
  if (!hasOneDay(state.forecaster)) return insufficient(state);
  const f = forecastWindow(state.forecaster, {
    from: input.now,
    to: input.now + horizonMs(input),
  });
  if (f === null) return insufficient(state);
  const skill = skillOf(state.check, state.forecaster);
  const gain = gainOf(state.check);
  if (!(input.target > 0) || !Number.isFinite(input.target)) {
    const message = `target = ${input.target}, must be a positive per-replica capacity`;
    const reason = { step: STEP, code: 'InvalidTarget', message };
    const none = { replicas: null, forecastReplicas: null, headroom: 0 };
    return { ...none, reason, forecast: f, skill, gain };
  }
  const base = replicasFor(f.upper, input.target);
  const headroom = headroomFor(state.check.errors, base);
  const replicas = base + headroom;
  const window = `next ${input.startupSeconds + input.syncPeriodSeconds} s`;
  const load = `upper ${fmt(f.upper)} / target ${fmt(input.target)} → ${base} + headroom ${headroom}`;
  const why = `${describe(f, { skill, gain })}; ${window}: ${load}`;
  if (!state.check.active) {
    const message = `prediction is not helping (${why}); would ask for ${replicas}`;
    return {
      replicas: null,
      forecastReplicas: replicas,
      reason: { step: STEP, code: 'PredictionDisabled', message },
      forecast: f,
      headroom,
      skill,
      gain,
    };
  }
  return {
    replicas,
    forecastReplicas: replicas,
    reason: { step: STEP, code: 'PredictionActive', message: why, replicas },
    forecast: f,
    headroom,
    skill,
    gain,
  };
}
