/**
 * Automatic choice among the forecasters by rolling-origin backtest. Each candidate is fitted on
 * the past minus an evaluation window (the last day by default), then walks through that window
 * one bucket at a time: forecast the next bucket, score it, absorb the actual with the cheap
 * update, move on. The score is the pinball loss at τ = 0.9 of the forecaster's calibrated upper
 * bound (its point plus the 0.9-quantile of its own residuals, see `calibratedPinball`), so an
 * under-forecast costs nine times an over-forecast. The winner is refitted on the whole past.
 *
 * The same walk scores a no-pattern baseline (the mean of the last two hours): `skill` = 1 −
 * loss(winner) / loss(baseline) says how much the pattern is worth; the predictive policy's
 * self-check starts from it.
 *
 * @module
 */
import {
  fitHoltWinters,
  forecastHoltWinters,
  oneStepHoltWinters,
  updateHoltWinters,
  type HoltWintersModel,
} from './holt-winters.js';
import { quantile, shiftedPinball } from './loss.js';
import { detectPeriod, type PeriodDetection } from './periodicity.js';
import {
  fitSeasonalNaive,
  forecastSeasonalNaive,
  type SeasonalNaiveModel,
} from './seasonal-naive.js';
import { meanOf, type Past } from './series.js';
import { fitSpectral, forecastSpectral, updateSpectral, type SpectralModel } from './spectral.js';

export type Model = SeasonalNaiveModel | HoltWintersModel | SpectralModel;

export const candidateNames = [
  'seasonalNaiveDaily',
  'seasonalNaiveWeekly',
  'holtWintersAdditive',
  'holtWintersMultiplicative',
  'spectral',
] as const;
export type CandidateName = (typeof candidateNames)[number];

/** The point forecast h buckets after the last bucket the model has absorbed. */
export function forecastModel(model: Model, past: Past, h: number): number {
  switch (model.kind) {
    case 'seasonalNaive':
      return forecastSeasonalNaive(model, past, h);
    case 'holtWinters':
      return forecastHoltWinters(model, past, h);
    case 'spectral':
      return forecastSpectral(model, past, h);
  }
}

/** Absorbs the newest bucket's value (seasonal naive reads the history instead). */
export function updateModel(model: Model, y: number): Model {
  switch (model.kind) {
    case 'seasonalNaive':
      return model;
    case 'holtWinters':
      return updateHoltWinters(model, y);
    case 'spectral':
      return updateSpectral(model, y);
  }
}

export interface SelectOptions {
  readonly bucketsPerDay: number;
  /** The quantile the loss is taken at (0.9). */
  readonly tau: number;
  /** Buckets in the no-pattern baseline's mean (two hours). */
  readonly flatBuckets: number;
  /** Evaluation window in buckets (default one day). */
  readonly evaluationBuckets?: number;
  /** Restrict the candidates (default: all). */
  readonly candidates?: readonly CandidateName[];
}

interface FitContext {
  readonly past: Past;
  readonly o: SelectOptions;
  readonly detection: PeriodDetection;
}

/** The Holt–Winters season: the detected period when it is a day or a week, else a day. */
function seasonOf(c: FitContext): number {
  const p = c.detection.period;
  const week = 7 * c.o.bucketsPerDay;
  return p !== null && (p === c.o.bucketsPerDay || p === week) ? p : c.o.bucketsPerDay;
}

const fitters: Record<CandidateName, (c: FitContext) => Model | null> = {
  seasonalNaiveDaily: (c) => fitSeasonalNaive(c.past, c.o.bucketsPerDay),
  seasonalNaiveWeekly: (c) => fitSeasonalNaive(c.past, 7 * c.o.bucketsPerDay),
  holtWintersAdditive: (c) =>
    fitHoltWinters(c.past, { period: seasonOf(c), seasonality: 'additive' }),
  holtWintersMultiplicative: (c) =>
    fitHoltWinters(c.past, { period: seasonOf(c), seasonality: 'multiplicative' }),
  spectral: (c) => fitSpectral(c.past, { minPeriod: 12, detection: c.detection }),
};

/** Period detection with the options every caller here uses. */
export function detectBucketPeriod(past: Past, bucketsPerDay: number): PeriodDetection {
  return detectPeriod(past.values.slice(0, past.end), {
    minPeriod: Math.max(2, Math.round(bucketsPerDay / 24)),
    snapTo: [bucketsPerDay, 7 * bucketsPerDay],
  });
}

/** The no-pattern baseline: the mean of the last `buckets` buckets. */
export function flatForecast(past: Past, buckets: number): number {
  return meanOf(past.values, Math.max(0, past.end - buckets), past.end);
}

/** One-step forecasts of `model` (fitted on values[0 … from)) over values[from …), absorbing each
 * actual after forecasting it: the walk of a rolling-origin backtest. */
export function oneStepForecasts(model: Model, values: readonly number[], from: number): number[] {
  if (model.kind === 'holtWinters') return oneStepHoltWinters(model, values, from);
  const out: number[] = [];
  let m: Model = model;
  for (let i = from; i < values.length; i++) {
    out.push(forecastModel(m, { values, end: i }, 1));
    m = updateModel(m, values[i]!);
  }
  return out;
}

export interface CandidateScore {
  readonly name: CandidateName;
  /** Mean calibrated pinball loss over the evaluation window, in the series' units. */
  readonly loss: number;
}

export interface Selection {
  readonly name: CandidateName;
  /** The winner refitted on the whole past. */
  readonly model: Model;
  /** The period detected on the whole past, in buckets (null: none confirmed). */
  readonly period: number | null;
  readonly scores: readonly CandidateScore[];
  readonly flatLoss: number;
  /** 1 − loss / flatLoss; null when there was too little past to evaluate. */
  readonly skill: number | null;
  /** The winner's and the baseline's one-step forecasts over the evaluation window. */
  readonly oneStep: readonly number[];
  readonly flatOneStep: readonly number[];
  /** τ-quantile of the winner's one-step residuals (fallback interval before live residuals). */
  readonly residualQuantile: number;
  readonly flatResidualQuantile: number;
}

const MIN_EVALUATION = 12;

/** Fits the default (seasonal naive, daily) when there is too little past to compare. */
function unevaluated(past: Past, o: SelectOptions, detection: PeriodDetection): Selection | null {
  const model = fitSeasonalNaive(past, o.bucketsPerDay);
  if (model === null) return null;
  return {
    name: 'seasonalNaiveDaily',
    model,
    period: detection.period,
    scores: [],
    flatLoss: Number.NaN,
    skill: null,
    oneStep: [],
    flatOneStep: [],
    residualQuantile: 0,
    flatResidualQuantile: 0,
  };
}

function residuals(
  values: readonly number[],
  from: number,
  forecasts: readonly number[],
): number[] {
  return forecasts.map((f, i) => values[from + i]! - f);
}

interface Scored {
  readonly name: CandidateName;
  readonly loss: number;
  readonly oneStep: number[];
  readonly q: number;
}

interface ScoreInput {
  readonly values: readonly number[];
  readonly from: number;
  readonly o: SelectOptions;
  readonly context: FitContext;
}

/** Fits every candidate on the training past and walks it through the evaluation window. */
function score(input: ScoreInput): { best: Scored | null; scores: CandidateScore[] } {
  const { values, from, o, context } = input;
  let best: Scored | null = null;
  const scores: CandidateScore[] = [];
  for (const name of o.candidates ?? candidateNames) {
    const model = fitters[name](context);
    if (model === null) continue;
    const oneStep = oneStepForecasts(model, values, from);
    const r = residuals(values, from, oneStep);
    // calibratedPinball(r, τ), with the quantile kept for the winner's interval.
    const q = quantile(r, o.tau);
    const loss = shiftedPinball(r, q, o.tau);
    if (!Number.isFinite(loss)) continue;
    scores.push({ name, loss });
    if (best === null || loss < best.loss) best = { name, loss, oneStep, q };
  }
  return { best, scores };
}

/** Picks the forecaster with the lowest calibrated pinball loss; null before one day of past. */
export function selectForecaster(past: Past, o: SelectOptions): Selection | null {
  const values = past.values.slice(0, past.end);
  const n = values.length;
  const full = detectBucketPeriod(past, o.bucketsPerDay);
  const window = Math.min(o.evaluationBuckets ?? o.bucketsPerDay, n - o.bucketsPerDay);
  if (window < MIN_EVALUATION) return unevaluated(past, o, full);
  const from = n - window;
  const train: Past = { values, end: from };
  const trainContext: FitContext = {
    past: train,
    o,
    detection: detectBucketPeriod(train, o.bucketsPerDay),
  };
  const flatOneStep = Array.from({ length: window }, (_, i) =>
    flatForecast({ values, end: from + i }, o.flatBuckets),
  );
  const flatResiduals = residuals(values, from, flatOneStep);
  const flatQ = quantile(flatResiduals, o.tau);
  const flatLoss = shiftedPinball(flatResiduals, flatQ, o.tau);
  const { best, scores } = score({ values, from, o, context: trainContext });
  const model =
    best === null ? null : fitters[best.name]({ past: { values, end: n }, o, detection: full });
  if (best === null || model === null) return unevaluated(past, o, full);
  return {
    name: best.name,
    model,
    period: full.period,
    scores,
    flatLoss,
    skill: flatLoss > 0 ? 1 - best.loss / flatLoss : 0,
    oneStep: best.oneStep,
    flatOneStep,
    residualQuantile: best.q,
    flatResidualQuantile: flatQ,
  };
}
