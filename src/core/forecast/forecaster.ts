/**
 * The forecaster a scaler keeps: observations are averaged into fixed buckets (5 minutes by
 * default), the last 14 days of bucket means are kept (rounded to four significant digits), the
 * model chosen by `selectForecaster` absorbs each closed bucket with its cheap update, and the
 * whole choice is redone on a schedule (every 6 hours) from the kept buckets. Prediction
 * intervals come from the empirical quantile of recent residuals, measured per bucket as
 * (highest observation in the bucket − the one-step point forecast), so the upper bound covers
 * the peaks inside a bucket, not only its mean.
 *
 * Everything is plain JSON, at most ~45 KiB for 14 days. After a restart the caller may rebuild
 * it from the metric source with `fitFromHistory(samples)`.
 *
 * Worked example (bucketSeconds 300): observations at 10:00:15 and 10:04:45 fall in the bucket
 * of 10:00; the first observation at or after 10:05 closes it: its mean joins the history, its
 * maximum minus the forecast made for it joins the residuals, and the model takes one step.
 *
 * @module
 */
import { memoQuantile } from './loss.js';
import {
  flatForecast,
  forecastModel,
  selectForecaster,
  updateModel,
  type CandidateName,
  type CandidateScore,
  type Model,
  type Selection,
} from './select.js';
import { roundTo, unitFor, type Past } from './series.js';

export interface ForecasterConfig {
  readonly bucketSeconds: number;
  /** Days of bucket means kept for refits (14: two weeks, enough to confirm a weekly cycle). */
  readonly historyDays: number;
  /** Redo the choice after this many new buckets (72 five-minute buckets = 6 hours). */
  readonly refitEveryBuckets: number;
  /** Residuals kept for the intervals (288 buckets = one day). */
  readonly residualBuckets: number;
  /** The no-pattern baseline's window (24 buckets = two hours). */
  readonly flatBuckets: number;
  /** The quantile of the upper bound and of the selection loss. */
  readonly tau: number;
}

export const defaultForecasterConfig: ForecasterConfig = {
  bucketSeconds: 300,
  historyDays: 14,
  refitEveryBuckets: 72,
  residualBuckets: 288,
  flatBuckets: 24,
  tau: 0.9,
};

/** The bucket being filled. */
export interface OpenBucket {
  /** floor(epoch seconds / bucketSeconds). */
  readonly bucket: number;
  readonly sum: number;
  readonly count: number;
  readonly max: number;
}

/** What the last refit chose, and why. */
export interface Choice {
  readonly name: CandidateName;
  readonly period: number | null;
  readonly scores: readonly CandidateScore[];
  /** 1 − loss / loss of the no-pattern baseline; null when not yet evaluated. */
  readonly skill: number | null;
  /** The bucket number of the refit. */
  readonly bucket: number;
  /** Backtest residual quantiles, the interval's fallback before enough live residuals. */
  readonly residualQuantile: number;
  readonly flatResidualQuantile: number;
}

export interface ForecasterState {
  readonly version: 1;
  readonly config: ForecasterConfig;
  /** Bucket number of history[0]; null before the first observation. */
  readonly firstBucket: number | null;
  /** Bucket means, oldest first, rounded to `unit`. */
  readonly history: readonly number[];
  readonly unit: number;
  readonly open: OpenBucket | null;
  readonly model: Model | null;
  readonly choice: Choice | null;
  /** Per closed bucket: its highest observation − the model's one-step forecast. */
  readonly residuals: readonly number[];
  /** The same for the no-pattern baseline. */
  readonly flatResiduals: readonly number[];
}

export interface Sample {
  /** Epoch ms. */
  readonly time: number;
  readonly value: number;
}

export function initialForecasterState(config: Partial<ForecasterConfig> = {}): ForecasterState {
  return {
    version: 1,
    config: { ...defaultForecasterConfig, ...config },
    firstBucket: null,
    history: [],
    unit: 1e-3,
    open: null,
    model: null,
    choice: null,
    residuals: [],
    flatResiduals: [],
  };
}

const bucketsPerDay = (c: ForecasterConfig): number => Math.round(86_400 / c.bucketSeconds);
const historyCap = (c: ForecasterConfig): number => c.historyDays * bucketsPerDay(c);
const bucketOf = (c: ForecasterConfig, time: number): number =>
  Math.floor(time / 1000 / c.bucketSeconds);

/** Complete buckets held (the history's length). */
export const historyLength = (s: ForecasterState): number => s.history.length;

/** Whether one day of buckets has been seen (the forecaster can predict from then on). */
export const hasOneDay = (s: ForecasterState): boolean =>
  s.history.length >= bucketsPerDay(s.config);

const pastOfState = (s: ForecasterState): Past => ({ values: s.history, end: s.history.length });

const pushCapped = (list: readonly number[], v: number, cap: number): number[] => {
  const out = list.length >= cap ? list.slice(list.length - cap + 1) : list.slice();
  out.push(v);
  return out;
};

/** Redoes the choice on the kept history; keeps the old model when nothing fits. */
function refit(s: ForecasterState): ForecasterState {
  return refitWith(s).state;
}

function refitWith(s: ForecasterState): { state: ForecasterState; sel: Selection | null } {
  const unit = unitFor(s.history);
  const history = s.history.map((v) => roundTo(v, unit));
  const c = s.config;
  const sel = selectForecaster(
    { values: history, end: history.length },
    { bucketsPerDay: bucketsPerDay(c), tau: c.tau, flatBuckets: c.flatBuckets },
  );
  if (sel === null) return { state: { ...s, history, unit }, sel };
  const choice: Choice = {
    name: sel.name,
    period: sel.period,
    scores: sel.scores,
    skill: sel.skill,
    bucket: (s.firstBucket ?? 0) + history.length,
    residualQuantile: sel.residualQuantile,
    flatResidualQuantile: sel.flatResidualQuantile,
  };
  return { state: { ...s, history, unit, model: sel.model, choice }, sel };
}

function refitDue(s: ForecasterState): boolean {
  if (!hasOneDay(s)) return false;
  if (s.model === null || s.choice === null) return true;
  return (s.firstBucket ?? 0) + s.history.length - s.choice.bucket >= s.config.refitEveryBuckets;
}

interface Closed {
  readonly mean: number;
  /** The highest observation; null for a bucket filled in for missing data. */
  readonly max: number | null;
}

/** Appends one closed bucket: residuals first (forecast made before seeing it), then the step. */
function append(s: ForecasterState, b: Closed): ForecasterState {
  const c = s.config;
  const past = pastOfState(s);
  let { residuals, flatResiduals, model } = s;
  if (model !== null && b.max !== null) {
    const f = forecastModel(model, past, 1);
    const r = b.max - f;
    if (Number.isFinite(r))
      residuals = pushCapped(residuals, roundTo(r, s.unit), c.residualBuckets);
    const flat = roundTo(b.max - flatForecast(past, c.flatBuckets), s.unit);
    if (Number.isFinite(flat)) flatResiduals = pushCapped(flatResiduals, flat, c.residualBuckets);
  }
  if (model !== null) model = updateModel(model, b.mean);
  const cap = historyCap(c);
  const dropped = s.history.length >= cap ? s.history.length - cap + 1 : 0;
  const next: ForecasterState = {
    ...s,
    firstBucket: (s.firstBucket ?? 0) + dropped,
    history: pushCapped(s.history, roundTo(b.mean, s.unit), cap),
    model,
    residuals,
    flatResiduals,
  };
  return refitDue(next) ? refit(next) : next;
}

/** Closes the open bucket and fills any buckets with no observation up to (not including) `to`. */
function closeUpTo(s: ForecasterState, to: number): ForecasterState {
  const open = s.open!;
  let next = append(
    { ...s, firstBucket: s.firstBucket ?? open.bucket },
    { mean: open.sum / open.count, max: open.max },
  );
  for (let b = open.bucket + 1; b < to; b++) {
    const f =
      next.model === null ? next.history.at(-1)! : forecastModel(next.model, pastOfState(next), 1);
    next = append(next, { mean: Number.isFinite(f) ? f : next.history.at(-1)!, max: null });
  }
  return next;
}

/** The keys of a ForecasterState as `initialForecasterState` writes them, in order. */
const STATE_KEYS: readonly string[] = Object.keys(initialForecasterState());

/**
 * `{ ...s, open }`, written out when `s` has exactly STATE_KEYS in that order (every state this
 * module builds, and its JSON), spread otherwise: V8 copies an object holding a double (`unit`)
 * on a slow generic path, and this runs every tick.
 */
function withOpen(s: ForecasterState, open: OpenBucket): ForecasterState {
  const keys = Object.keys(s);
  if (keys.length !== STATE_KEYS.length || keys.some((k, i) => k !== STATE_KEYS[i])) {
    return { ...s, open };
  }
  return {
    version: s.version,
    config: s.config,
    firstBucket: s.firstBucket,
    history: s.history,
    unit: s.unit,
    open,
    model: s.model,
    choice: s.choice,
    residuals: s.residuals,
    flatResiduals: s.flatResiduals,
  };
}

/**
 * Absorbs one observation. Cheap except when it closes a bucket (one model step, and a refit
 * when one is due). Non-finite values and observations older than the open bucket are ignored;
 * a gap longer than a day restarts the history (the caller can refit from its metric source).
 */
export function observe(s: ForecasterState, sample: Sample): ForecasterState {
  if (!Number.isFinite(sample.value) || !Number.isFinite(sample.time)) return s;
  const value = sample.value + 0; // −0 → 0: JSON would not round-trip −0
  const b = bucketOf(s.config, sample.time);
  const fresh: OpenBucket = { bucket: b, sum: value, count: 1, max: value };
  if (s.open === null) return withOpen(s, fresh);
  if (b < s.open.bucket) return s;
  if (b === s.open.bucket) {
    const o = s.open;
    const open = { bucket: b, sum: o.sum + value, count: o.count + 1, max: Math.max(o.max, value) };
    return withOpen(s, open);
  }
  if (b - s.open.bucket > bucketsPerDay(s.config)) {
    return { ...initialForecasterState(s.config), open: fresh };
  }
  return withOpen(closeUpTo(s, b), fresh);
}

export interface WindowForecast {
  /** The highest point forecast over the buckets the window touches. */
  readonly point: number;
  /** point + the τ-quantile of recent residuals: the load to provision for. */
  readonly upper: number;
  /** The no-pattern baseline's upper bound (mean of the last two hours + its residual quantile). */
  readonly flatUpper: number;
  readonly model: CandidateName;
  readonly period: number | null;
  readonly skill: number | null;
}

const MIN_LIVE_RESIDUALS = 12;

function residualQuantile(live: readonly number[], fallback: number, tau: number): number {
  return live.length >= MIN_LIVE_RESIDUALS ? memoQuantile(live, tau) : fallback;
}

/**
 * The forecast over the window (from, to] (epoch ms): null before one day of history. Buckets
 * already closed are not forecast again; the open bucket is one step ahead of the history.
 */
export function forecastWindow(
  s: ForecasterState,
  window: { readonly from: number; readonly to: number },
): WindowForecast | null {
  if (s.model === null || s.choice === null || s.firstBucket === null) return null;
  const c = s.config;
  const last = s.firstBucket + s.history.length - 1;
  const first = Math.max(last + 1, bucketOf(c, window.from + 1));
  const end = Math.max(first, bucketOf(c, window.to));
  const past = pastOfState(s);
  let point = -Infinity;
  for (let b = first; b <= end; b++)
    point = Math.max(point, forecastModel(s.model, past, b - last));
  if (!Number.isFinite(point)) return null;
  const q = residualQuantile(s.residuals, s.choice.residualQuantile, c.tau);
  const flatQ = residualQuantile(s.flatResiduals, s.choice.flatResidualQuantile, c.tau);
  return {
    point,
    upper: point + q,
    flatUpper: flatForecast(past, c.flatBuckets) + flatQ,
    model: s.choice.name,
    period: s.choice.period,
    skill: s.choice.skill,
  };
}

interface Aggregated {
  readonly first: number;
  readonly means: number[];
  readonly maxima: (number | null)[];
  readonly open: OpenBucket;
}

/** Bucket means and maxima of sorted samples; missing buckets interpolated linearly. */
function aggregate(samples: readonly Sample[], c: ForecasterConfig): Aggregated | null {
  const good = samples.filter((x) => Number.isFinite(x.value) && Number.isFinite(x.time));
  if (good.length === 0) return null;
  const sorted = [...good].sort((a, b) => a.time - b.time);
  const first = bucketOf(c, sorted[0]!.time);
  const lastBucket = bucketOf(c, sorted.at(-1)!.time);
  const sums = new Float64Array(lastBucket - first + 1);
  const counts = new Float64Array(sums.length);
  const maxima = new Float64Array(sums.length).fill(-Infinity);
  for (const x of sorted) {
    const i = bucketOf(c, x.time) - first;
    sums[i] = sums[i]! + x.value;
    counts[i] = counts[i]! + 1;
    maxima[i] = Math.max(maxima[i]!, x.value);
  }
  const n = sums.length - 1;
  const open: OpenBucket = {
    bucket: lastBucket,
    sum: sums[n]!,
    count: counts[n]!,
    max: maxima[n]!,
  };
  const means = Array.from(sums.subarray(0, n), (v, i) =>
    counts[i]! > 0 ? v / counts[i]! : Number.NaN,
  );
  return {
    first,
    means: interpolate(means),
    maxima: Array.from(maxima.subarray(0, n), (m) => (Number.isFinite(m) ? m : null)),
    open,
  };
}

/** Fills NaN runs linearly between their neighbours (flat at the ends). */
function interpolate(values: number[]): number[] {
  const out = values.slice();
  let prev = -1;
  for (let i = 0; i <= out.length; i++) {
    if (i < out.length && Number.isNaN(out[i])) continue;
    const lo = prev >= 0 ? out[prev]! : (out[i] ?? 0);
    const hi = i < out.length ? out[i]! : lo;
    for (let j = prev + 1; j < i; j++) out[j] = lo + ((hi - lo) * (j - prev)) / (i - prev);
    prev = i;
  }
  return out;
}

/**
 * Builds the state from a block of history (e.g. a Prometheus range query after a restart): the
 * samples' buckets become the history (the newest, possibly partial, bucket stays open), the
 * choice is made once, and the residuals are seeded from its rolling-origin backtest.
 */
export function fitFromHistory(
  samples: readonly Sample[],
  config: Partial<ForecasterConfig> = {},
): ForecasterState {
  const s0 = initialForecasterState(config);
  const c = s0.config;
  const agg = aggregate(samples, c);
  if (agg === null) return s0;
  const drop = Math.max(0, agg.means.length - historyCap(c));
  const unit = unitFor(agg.means);
  const { state, sel } = refitWith({
    ...s0,
    firstBucket: agg.first + drop,
    history: agg.means.slice(drop),
    unit,
    open: agg.open,
  });
  return sel === null ? state : seedResiduals(state, sel, agg.maxima.slice(drop));
}

/** Residuals of the backtest's one-step forecasts against the buckets' maxima. */
function seedResiduals(
  s: ForecasterState,
  sel: Selection,
  maxima: readonly (number | null)[],
): ForecasterState {
  const from = maxima.length - sel.oneStep.length;
  const pick = (forecasts: readonly number[]): number[] =>
    forecasts.flatMap((f, i) => {
      const m = maxima[from + i];
      return m === null || m === undefined ? [] : [roundTo(m - f, s.unit)];
    });
  const keep = s.config.residualBuckets;
  return {
    ...s,
    residuals: pick(sel.oneStep).slice(-keep),
    flatResiduals: pick(sel.flatOneStep).slice(-keep),
  };
}
