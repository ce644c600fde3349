/**
 * KEDA's activation rule: a trigger is active iff its value is STRICTLY greater than its
 * activation threshold (default 0). A value equal to the threshold is idle; a failed read is
 * never active. Activation only decides 0 ↔ 1 (or idle ↔ min); it never changes the HPA target.
 *
 * @module
 */
import { readingToMilli } from './metric-value.js';

/** `value > threshold`, compared in milli-units as KEDA stores both. */
export function isActiveValue(value: number, threshold: number): boolean {
  return readingToMilli(value) > Math.round(threshold * 1000);
}

export interface ScalerReading {
  /** The value read from the source; null when the source failed. */
  readonly value: number | null;
  readonly activationThreshold: number;
  readonly error: string | null;
}

export interface ScalerActivity {
  readonly error: string | null;
  readonly active: boolean;
  /** The metric value in milli-units as KEDA serves it (0 on error). */
  readonly valueMilli: number;
}

/** One scaler's `GetMetricsAndActivity`: the served value and whether the trigger is active. */
export function scalerActivity(reading: ScalerReading): ScalerActivity {
  if (reading.error !== null || reading.value === null) {
    return { error: reading.error ?? 'no value read', active: false, valueMilli: 0 };
  }
  return {
    error: null,
    active: isActiveValue(reading.value, reading.activationThreshold),
    valueMilli: readingToMilli(reading.value),
  };
}
