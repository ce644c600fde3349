/**
 * The spectral forecaster: detect the dominant period (periodicity.ts: periodogram candidates, a
 * permutation significance test, autocorrelation confirmation), describe one cycle by its
 * strongest Fourier harmonics, and forecast level + slope·h + Σ harmonics. Only the harmonics are
 * stored (≤ 64 triples), so a weekly cycle costs as little state as a daily one.
 *
 * The harmonics come from the exact DFT of the last whole cycles of the detrended series: with
 * c cycles of P buckets, bin c·m is exactly the m-th harmonic (frequency m / P). The level then
 * follows the data by simple exponential smoothing of the residual; that is the cheap update.
 * Without a confirmed period the model is a smoothed level with a linear trend.
 *
 * @module
 */
import { realDft } from './fft.js';
import { detectPeriod, type PeriodDetection, type PeriodOptions } from './periodicity.js';
import { linearFit, meanOf, roundTo, unitFor, type Past } from './series.js';

/** One harmonic: a·cos(2π·m·phase / P) + b·sin(2π·m·phase / P). */
export type Harmonic = readonly [m: number, a: number, b: number];

export interface SpectralModel {
  readonly kind: 'spectral';
  /** The cycle in buckets; 1 when no period was confirmed (no harmonics). */
  readonly period: number;
  readonly harmonics: readonly Harmonic[];
  readonly level: number;
  readonly slope: number;
  readonly alpha: number;
  /** Phase of the next bucket within the cycle. */
  readonly phase: number;
  /** Autocorrelation at the detected period (0 without one): how clean the cycle is. */
  readonly strength: number;
}

export interface SpectralFit extends PeriodOptions {
  /** Harmonics kept, strongest first (default 64). */
  readonly maxHarmonics?: number;
  /** A harmonic is kept only above this share of the strongest one's amplitude (default 0.03). */
  readonly minRelativeAmplitude?: number;
  /** A detection already run on the same past (saves running it twice). */
  readonly detection?: PeriodDetection;
}

const ALPHAS = [0.02, 0.1, 0.3, 0.6];

function seasonal(harmonics: readonly Harmonic[], period: number, phase: number): number {
  let s = 0;
  for (const [m, a, b] of harmonics) {
    const angle = (2 * Math.PI * m * phase) / period;
    s += a * Math.cos(angle) + b * Math.sin(angle);
  }
  return s;
}

/** One cycle of `seasonal`, phase by phase. */
const cycleOf = (harmonics: readonly Harmonic[], period: number): Float64Array =>
  Float64Array.from({ length: period }, (_, phase) => seasonal(harmonics, period, phase));

/**
 * The cycle of each model's harmonics, computed once: a model step keeps its harmonics array
 * (only the level and the phase change), so every forecast of one fit reads the same cycle
 * instead of summing up to 64 cosines and sines per bucket. Keyed weakly by the array: a cycle
 * lives as long as a model holding its harmonics.
 */
const cycleCache = new WeakMap<
  readonly Harmonic[],
  { readonly period: number; readonly cycle: Float64Array }
>();

function cycleFor(harmonics: readonly Harmonic[], period: number): Float64Array {
  const known = cycleCache.get(harmonics);
  if (known !== undefined && known.period === period) return known.cycle;
  const cycle = cycleOf(harmonics, period);
  cycleCache.set(harmonics, { period, cycle });
  return cycle;
}

/** `seasonal(harmonics, period, phase)`, read off the cached cycle (the same number). */
function seasonalAt(harmonics: readonly Harmonic[], period: number, phase: number): number {
  // A phase that is not a whole number in [0, period) (a hand-made state) has no entry.
  return cycleFor(harmonics, period)[phase] ?? seasonal(harmonics, period, phase);
}

interface HarmonicInput {
  readonly detrended: readonly number[];
  readonly period: number;
  readonly o: SpectralFit;
  readonly unit: number;
}

/** The strongest harmonics of the last whole cycles of the detrended series. */
function harmonicsOf({ detrended, period, o, unit }: HarmonicInput): Harmonic[] {
  const cycles = Math.floor(detrended.length / period);
  const n = cycles * period;
  const X = realDft(detrended.slice(detrended.length - n));
  // Each harmonic with its amplitude, worked out once (the sort compares each many times).
  const all: { readonly h: Harmonic; readonly amp: number }[] = [];
  for (let m = 1; m <= Math.floor(period / 2); m++) {
    const k = cycles * m;
    const scale = 2 * m === period ? 1 / n : 2 / n;
    const h: Harmonic = [m, X.re[k]! * scale, -X.im[k]! * scale];
    all.push({ h, amp: Math.hypot(h[1], h[2]) });
  }
  all.sort((x, y) => y.amp - x.amp);
  const floor = (o.minRelativeAmplitude ?? 0.03) * (all[0] === undefined ? 0 : all[0].amp);
  return all
    .slice(0, o.maxHarmonics ?? 64)
    .filter((x) => x.amp > floor)
    .map(({ h: [m, a, b] }): Harmonic => [m, roundTo(a, unit), roundTo(b, unit)]);
}

/**
 * The linear trend. With two or more whole cycles it comes from the cycle means, which the cycle
 * itself does not bias (a least-squares line through three days of a pure sine has a slope; the
 * means of the three days do not).
 */
function trendOf(values: readonly number[], period: number): { intercept: number; slope: number } {
  const cycles = Math.floor(values.length / period);
  if (period === 1 || cycles < 2) return linearFit(values);
  const start = values.length - cycles * period;
  const means = Array.from({ length: cycles }, (_, c) =>
    meanOf(values, start + c * period, start + (c + 1) * period),
  );
  const slope = linearFit(means).slope / period;
  const mean = meanOf(values, start, values.length);
  const center = (start + values.length - 1) / 2;
  return { intercept: mean - slope * center, slope };
}

interface Replay {
  readonly values: readonly number[];
  readonly profile: Float64Array;
  /** Phase of values[0]. */
  readonly phase0: number;
  readonly start: number;
  readonly slope: number;
}

/** Runs the level smoothing over the past; returns the final level and the one-step SSE. */
function replay(r: Replay, alpha: number): { level: number; sse: number } {
  const p = r.profile.length;
  const { values, profile, slope } = r;
  let level = r.start;
  let sse = 0;
  for (let i = 0; i < values.length; i++) {
    const e = values[i]! - (level + slope + profile[(r.phase0 + i) % p]!);
    sse += e * e;
    level += slope + alpha * e;
  }
  return { level, sse };
}

/** Fits on the past; null when there is less than two buckets of it. */
export function fitSpectral(past: Past, o: SpectralFit): SpectralModel | null {
  const values = past.values.slice(0, past.end);
  if (values.length < 2) return null;
  const detection = o.detection ?? detectPeriod(values, o);
  const period = detection.period ?? 1;
  const { intercept, slope } = trendOf(values, period);
  const detrended = values.map((v, i) => v - intercept - slope * i);
  const harmonics = period > 1 ? harmonicsOf({ detrended, period, o, unit: unitFor(values) }) : [];
  const profile = cycleFor(harmonics, period);
  // The harmonics were measured on the last whole cycles, which end at the last bucket: the
  // next bucket has phase 0, so values[0] has phase (−length) mod period.
  const phase0 = ((-values.length % period) + period) % period;
  const r: Replay = { values, profile, phase0, start: intercept - slope, slope };
  let best = { alpha: ALPHAS[0]!, ...replay(r, ALPHAS[0]!) };
  for (const alpha of ALPHAS.slice(1)) {
    const run = replay(r, alpha);
    if (run.sse < best.sse) best = { alpha, ...run };
  }
  return {
    kind: 'spectral',
    period,
    harmonics,
    level: best.level,
    slope,
    alpha: best.alpha,
    phase: 0,
    strength: detection.autocorrelation,
  };
}

/** One step: the level absorbs a share α of the newest residual; the phase advances. */
export function updateSpectral(model: SpectralModel, y: number): SpectralModel {
  const e = y - forecastSpectral(model, { values: [], end: 0 }, 1);
  return {
    ...model,
    level: model.level + model.slope + model.alpha * e,
    phase: (model.phase + 1) % model.period,
  };
}

/** level + slope·h + the cycle's value at the phase h buckets ahead. */
export function forecastSpectral(model: SpectralModel, _past: Past, h: number): number {
  const phase = (model.phase + h - 1) % model.period;
  return model.level + model.slope * h + seasonalAt(model.harmonics, model.period, phase);
}
