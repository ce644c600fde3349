/**
 * Seasonal naive: the forecast for a bucket is the value one season earlier (one day, or one
 * week). The baseline every other forecaster must beat; it keeps no state beyond its period and
 * reads the shared bucket history.
 *
 * @module
 */
import type { Past } from './series.js';

export interface SeasonalNaiveModel {
  readonly kind: 'seasonalNaive';
  /** Season length in buckets. */
  readonly period: number;
}

/** Null when the past is shorter than one season. */
export function fitSeasonalNaive(past: Past, period: number): SeasonalNaiveModel | null {
  if (period < 1 || past.end < period) return null;
  return { kind: 'seasonalNaive', period };
}

/**
 * The value of the same phase in the latest complete season. Worked example: period 288 (a day of
 * 5-minute buckets), end = 1000: h = 1 → values[1000 − 288] = values[712]; h = 289 → values[713].
 */
export function forecastSeasonalNaive(model: SeasonalNaiveModel, past: Past, h: number): number {
  const seasonsBack = Math.ceil(h / model.period);
  const i = past.end - 1 + h - seasonsBack * model.period;
  return past.values[Math.max(0, Math.min(i, past.end - 1))] ?? Number.NaN;
}
