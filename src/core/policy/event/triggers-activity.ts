/**
 * The per-trigger activity map KEDA stores in the status (`getTriggersActivity`): one entry per
 * current external metric name (entries of removed triggers are dropped). After a poll each entry
 * is whether that metric is among the active triggers; after a push scaler's out-of-band update
 * only the pushing metric changes, the others keep their previous value.
 *
 * @module
 */

export function triggersActivity(input: {
  readonly metricNames: readonly string[];
  readonly previous: Readonly<Record<string, boolean>>;
  /** null = not provided (nothing active). */
  readonly activeTriggers: readonly string[] | null;
  /** Set for a push scaler's update: only this metric is re-evaluated. */
  readonly pushMetric: string | null;
}): Record<string, boolean> {
  const active = new Set(input.activeTriggers ?? []);
  const out: Record<string, boolean> = {};
  for (const name of input.metricNames) {
    const keep = input.pushMetric !== null && name !== input.pushMetric;
    out[name] = keep ? (input.previous[name] ?? false) : active.has(name);
  }
  return out;
}
