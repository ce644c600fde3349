/**
 * Small builders shared by the KEDA step and decide tests: a parsed spec (throwing on issues),
 * a queue trigger, an ok reading and a failed reading.
 *
 * @module
 */
import type { MetricReading } from '../model.js';
import { parseSpec, type ScalerSpec } from '../spec.js';

/** Parses a spec; throws with every issue when it is invalid (tests only pass valid specs). */
export function parsedSpec(input: Record<string, unknown>): ScalerSpec {
  const r = parseSpec(input);
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.value;
}

/** A queue trigger with an AverageValue target and an activation threshold. */
export function queueTrigger(target: number, activation: number): Record<string, unknown> {
  return {
    name: 'queue',
    type: 'rabbitmq',
    target: { type: 'AverageValue', value: target },
    activation,
  };
}

/** A successful reading of `value` (in units) at `timestamp`. */
export function okReading(value: number, timestamp: number): MetricReading {
  return { status: 'ok', timestamp, valuesMilli: [value * 1000] };
}

/** A failed reading (the source refused the connection). */
export const downReading: MetricReading = {
  status: 'error',
  error: { code: 'Down', message: 'connection refused', retryable: true },
};
