/**
 * Holt–Winters exponential smoothing with a damped trend, additive or multiplicative seasonality.
 *
 *   additive:        ŷ(t+h) = ℓ + Φₕ·b + s[t+h]          Φₕ = φ + φ² + … + φʰ
 *                    ℓ' = α(y − s) + (1 − α)(ℓ + φb);  b' = β(ℓ' − ℓ) + (1 − β)φb;  s' = γ(y − ℓ') + (1 − γ)s
 *   multiplicative:  ŷ(t+h) = (ℓ + Φₕ·b) · s[t+h]
 *                    ℓ' = α(y / s) + (1 − α)(ℓ + φb);   s' = γ(y / ℓ') + (1 − γ)s
 *
 * The fit initialises level, trend and season from the first one or two seasons, then picks
 * (α, β, γ, φ) from a small grid by the one-step squared error over the rest of the past. The cheap
 * update is one smoothing step (O(1) arithmetic plus a copy of the season array).
 *
 * @module
 */
import { dampedSteps, meanOf, roundTo, unitFor, type Past } from './series.js';

export type Seasonality = 'additive' | 'multiplicative';

export interface HoltWintersParams {
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
  readonly phi: number;
}

export interface HoltWintersModel extends HoltWintersParams {
  readonly kind: 'holtWinters';
  readonly seasonality: Seasonality;
  readonly period: number;
  readonly level: number;
  readonly trend: number;
  /** Seasonal component by phase (index = bucket number mod period). */
  readonly season: readonly number[];
  /** Phase of the next bucket. */
  readonly phase: number;
  /** Rounding unit of stored season values (keeps the JSON state small). */
  readonly unit: number;
}

export interface HoltWintersFit {
  readonly period: number;
  readonly seasonality: Seasonality;
  /** Fix the parameters instead of searching the grid. */
  readonly params?: HoltWintersParams;
}

const EPS = 1e-9;
const ALPHAS = [0.05, 0.2, 0.5];
const BETAS = [0, 0.01, 0.05];
const GAMMAS = [0.05, 0.2, 0.5];
const PHIS = [0.9, 0.98];

export const holtWintersGrid: readonly HoltWintersParams[] = ALPHAS.flatMap((alpha) =>
  BETAS.flatMap((beta) =>
    GAMMAS.flatMap((gamma) =>
      (beta === 0 ? [0.98] : PHIS).map((phi) => ({ alpha, beta, gamma, phi })),
    ),
  ),
);

interface Working {
  level: number;
  trend: number;
  season: Float64Array | number[];
}

/** Level, trend and season from the first one or two whole seasons. */
function initialise(values: readonly number[], period: number, mult: boolean): Working {
  const cycles = Math.min(2, Math.floor(values.length / period));
  const means = Array.from({ length: cycles }, (_, c) =>
    meanOf(values, c * period, (c + 1) * period),
  );
  const trend = cycles === 2 ? (means[1]! - means[0]!) / period : 0;
  const season = new Float64Array(period);
  for (let i = 0; i < period; i++) {
    let s = 0;
    for (let c = 0; c < cycles; c++) {
      const base = means[c]! + trend * (i - (period - 1) / 2);
      const y = values[c * period + i]!;
      s += mult ? y / Math.max(base, EPS) : y - base;
    }
    season[i] = s / cycles;
  }
  return { level: means[0]! + (trend * (period - 1)) / 2, trend, season };
}

interface StepInput {
  readonly w: Working;
  readonly p: HoltWintersParams;
  readonly mult: boolean;
  readonly phase: number;
}

/** One smoothing step with the observation y; returns the one-step forecast it had made. */
function step(input: StepInput, y: number): number {
  const { w, p, mult, phase } = input;
  const s = w.season[phase]!;
  const base = w.level + p.phi * w.trend;
  const forecast = mult ? base * s : base + s;
  const level = mult
    ? p.alpha * (y / Math.max(s, EPS)) + (1 - p.alpha) * base
    : p.alpha * (y - s) + (1 - p.alpha) * base;
  w.trend = p.beta * (level - w.level) + (1 - p.beta) * p.phi * w.trend;
  w.level = mult ? Math.max(level, EPS) : level;
  w.season[phase] = mult
    ? p.gamma * (y / w.level) + (1 - p.gamma) * s
    : p.gamma * (y - w.level) + (1 - p.gamma) * s;
  return forecast;
}

/**
 * `step` over values[period …) from `init`, as a tight loop: the one-step squared error and the
 * final level and trend, the final season left in `season` (overwritten with init's first). Each
 * line is `step`'s arithmetic in `step`'s order, so the result is the same to the last bit; only
 * the per-step object and property traffic is gone (the grid search runs this 45 times over two
 * weeks of buckets at every refit).
 */
function run(
  values: readonly number[],
  o: HoltWintersFit,
  p: HoltWintersParams,
  start: { readonly init: Working; readonly season: Float64Array },
): { level: number; trend: number; sse: number } {
  const mult = o.seasonality === 'multiplicative';
  const period = o.period;
  const { init, season } = start;
  season.set(init.season);
  const { alpha, beta, gamma, phi } = p;
  let level = init.level;
  let trend = init.trend;
  let sse = 0;
  let phase = 0;
  for (let t = period; t < values.length; t++) {
    const y = values[t]!;
    const s = season[phase]!;
    const base = level + phi * trend;
    let next: number;
    if (mult) {
      const raw = alpha * (y / Math.max(s, EPS)) + (1 - alpha) * base;
      trend = beta * (raw - level) + (1 - beta) * phi * trend;
      next = Math.max(raw, EPS);
      season[phase] = gamma * (y / next) + (1 - gamma) * s;
      const e = y - base * s;
      sse += e * e;
    } else {
      next = alpha * (y - s) + (1 - alpha) * base;
      trend = beta * (next - level) + (1 - beta) * phi * trend;
      season[phase] = gamma * (y - next) + (1 - gamma) * s;
      const e = y - (base + s);
      sse += e * e;
    }
    level = next;
    if (++phase === period) phase = 0;
  }
  return { level, trend, sse };
}

/** The grid point (or the fixed parameters) with the least one-step squared error. */
function search(
  values: readonly number[],
  o: HoltWintersFit,
): { w: Working; sse: number; p: HoltWintersParams } | null {
  // The initial state depends on the values and the season only: one for every grid point. The
  // runs share one season array; the best one's is copied out.
  const init = initialise(values, o.period, o.seasonality === 'multiplicative');
  const start = { init, season: new Float64Array(o.period) };
  const bestSeason = new Float64Array(o.period);
  let best: { level: number; trend: number; sse: number; p: HoltWintersParams } | null = null;
  for (const p of o.params === undefined ? holtWintersGrid : [o.params]) {
    const r = run(values, o, p, start);
    if (best === null || r.sse < best.sse) {
      best = { ...r, p };
      bestSeason.set(start.season);
    }
  }
  if (best === null) return null;
  return {
    w: { level: best.level, trend: best.trend, season: bestSeason },
    sse: best.sse,
    p: best.p,
  };
}

/**
 * Fits on the past; null when it is shorter than one season plus one bucket, or when a
 * multiplicative model meets a value ≤ 0.
 */
export function fitHoltWinters(past: Past, o: HoltWintersFit): HoltWintersModel | null {
  const values = past.values.slice(0, past.end);
  if (o.period < 2 || values.length <= o.period) return null;
  if (o.seasonality === 'multiplicative' && values.some((v) => v <= 0)) return null;
  const best = search(values, o);
  if (best === null || !Number.isFinite(best.sse)) return null;
  const unit = o.seasonality === 'multiplicative' ? 1e-4 : unitFor(values);
  return {
    kind: 'holtWinters',
    seasonality: o.seasonality,
    period: o.period,
    ...best.p,
    level: best.w.level,
    trend: best.w.trend,
    season: Array.from(best.w.season, (v) => roundTo(v, unit)),
    phase: values.length % o.period,
    unit,
  };
}

/** One smoothing step with the newest bucket's value. */
export function updateHoltWinters(model: HoltWintersModel, y: number): HoltWintersModel {
  const mult = model.seasonality === 'multiplicative';
  const season = model.season.slice();
  const w: Working = { level: model.level, trend: model.trend, season };
  step({ w, p: model, mult, phase: model.phase }, y);
  season[model.phase] = roundTo(season[model.phase]!, model.unit);
  return {
    ...model,
    level: w.level,
    trend: w.trend,
    season,
    phase: (model.phase + 1) % model.period,
  };
}

/** The point forecast h buckets after the last one the model has seen. */
export function forecastHoltWinters(model: HoltWintersModel, _past: Past, h: number): number {
  const base = model.level + dampedSteps(model.phi, h) * model.trend;
  const s = model.season[(model.phase + h - 1) % model.period]!;
  return model.seasonality === 'multiplicative' ? base * s : base + s;
}

/**
 * The one-step forecasts over values[from …) of `model` (fitted on values[0 … from)), absorbing
 * each actual after forecasting it: `forecastHoltWinters(m, _, 1)` then `updateHoltWinters(m, y)`
 * at every bucket, the same numbers, on one working copy of the season instead of a new model and
 * a new season array per bucket.
 */
export function oneStepHoltWinters(
  model: HoltWintersModel,
  values: readonly number[],
  from: number,
): number[] {
  const mult = model.seasonality === 'multiplicative';
  const w: Working = { level: model.level, trend: model.trend, season: model.season.slice() };
  const ahead = dampedSteps(model.phi, 1);
  const out: number[] = [];
  let phase = model.phase;
  for (let i = from; i < values.length; i++) {
    const base = w.level + ahead * w.trend;
    const s = w.season[phase]!;
    out.push(mult ? base * s : base + s);
    step({ w, p: model, mult, phase }, values[i]!);
    w.season[phase] = roundTo(w.season[phase]!, model.unit);
    phase = (phase + 1) % model.period;
  }
  return out;
}
