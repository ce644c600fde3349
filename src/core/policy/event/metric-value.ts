/**
 * How KEDA turns scaler readings and trigger targets into quantities. Every value it produces is
 * stored with milli precision (integer milli-units): a reading is rounded to three decimals, and a
 * negative, NaN or infinite reading becomes 0 (so it can never activate a trigger). Synthetic
 * values (fallback, composite formula) are truncated toward zero instead.
 *
 * In Tide's decide a NaN or negative reading is a FAILED reading first (bad data never scales);
 * this conversion is kept for KEDA conformance and for values that passed that check.
 *
 * @module
 */

/** A scaler reading in milli-units: NaN, ±Inf and negatives → 0; else rounded to 1/1000. */
export function readingToMilli(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return Math.round(value * 1000);
}

/** A synthetic value (fallback, formula) in milli-units, truncated toward zero as KEDA does. */
export function syntheticToMilli(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.trunc(value * 1000);
}

export type KedaMetricTargetType = 'AverageValue' | 'Value';

/**
 * A trigger's `metricType`: unset → AverageValue; `Utilization` is only for cpu/memory triggers.
 */
export function metricTargetType(
  metricType: string | null,
): { ok: true; type: KedaMetricTargetType } | { ok: false; error: string } {
  if (metricType === null || metricType === '') return { ok: true, type: 'AverageValue' };
  if (metricType === 'AverageValue' || metricType === 'Value')
    return { ok: true, type: metricType };
  return {
    ok: false,
    error: `metricType = ${JSON.stringify(metricType)}: must be AverageValue or Value (Utilization is only for cpu and memory triggers)`,
  };
}

/** An HPA metric target: AverageValue targets fill `averageValue` only; Value targets `value` only. */
export function metricTarget(
  type: KedaMetricTargetType,
  value: number,
): { type: KedaMetricTargetType; averageValue: number | null; value: number | null } {
  return type === 'AverageValue'
    ? { type, averageValue: value, value: null }
    : { type, averageValue: null, value };
}
