/**
 * History on restart: before its first tick a scaler reads the last two days of its first
 * trigger's metric from the metric source (a Prometheus range query) and seeds the forecaster
 * with them, instead of keeping that history in its state. It never fails: any problem starts
 * the scaler with an empty forecaster, and the returned message says why.
 *
 * Only an External or Object trigger with an `AverageValue` target is read: its source's value
 * (e.g. `sum(rate(x[1m]))`) is exactly the load the engine feeds the forecaster
 * (`predictionLoad` in core/steps/prediction.ts). For other triggers that load is the value times
 * the replica count at the time, which the metric source does not know.
 *
 * @module
 */
import { initialState, type ScalerState } from '../core/model.js';
import { predictiveFromHistory } from '../core/policy/predictive.js';
import type { ScalerSpec } from '../core/spec.js';
import { errorText, type HistoryRange, type Source } from '../sources/source.js';
import type { Clock } from './clock.js';

/** How far back the history is read: two days, so the forecaster can predict from the start. */
export const historyDays = 2;

export interface SeedResult {
  readonly state: ScalerState;
  /** For people: what was read, or why nothing was. */
  readonly message: string;
}

/** The range read: the last `historyDays` days, a point every max(60, syncPeriodSeconds) s. */
export function historyRange(spec: ScalerSpec, now: number): HistoryRange {
  return {
    start: now - historyDays * 86_400_000,
    end: now,
    stepSeconds: Math.max(60, spec.syncPeriodSeconds),
  };
}

/** The first trigger's history reader, with its name for messages; or why none is read. */
type Target =
  | { readonly name: string; readonly history: NonNullable<Source['history']> }
  | { readonly skip: string };

function target(spec: ScalerSpec, sources: ReadonlyMap<string, Source>): Target {
  if (spec.prediction.mode === 'off') return { skip: 'prediction.mode = off: history not read' };
  const trigger = spec.triggers[0];
  if (trigger === undefined) return { skip: 'no trigger: history not read' };
  const name = `trigger "${trigger.name}" (${trigger.type})`;
  const external = trigger.metricType === 'External' || trigger.metricType === 'Object';
  if (!external || trigger.target.type !== 'AverageValue') {
    return {
      skip: `${name}: history not read: only an External or Object trigger with an AverageValue target reports the load the forecaster learns (this one is ${trigger.metricType} with a ${trigger.target.type} target); the forecaster starts empty`,
    };
  }
  const source = sources.get(trigger.name);
  if (source?.history === undefined) {
    return {
      skip: `${name}: history not read: this source cannot answer a range query; the forecaster starts empty`,
    };
  }
  return { name, history: source.history.bind(source) };
}

/**
 * The state a scaler starts with: `initialState()`, with the forecaster fitted to the first
 * trigger's last two days when its source can read them. Never rejects.
 */
export async function seedFromHistory(
  spec: ScalerSpec,
  sources: ReadonlyMap<string, Source>,
  clock: Clock,
  signal: AbortSignal,
): Promise<SeedResult> {
  const t = target(spec, sources);
  if ('skip' in t) return { state: initialState(), message: t.skip };
  const { name, history } = t;
  const range = historyRange(spec, clock.now());
  try {
    const samples = await history(range, signal);
    const first = samples[0];
    const last = samples.at(-1);
    if (first === undefined || last === undefined) {
      return {
        state: initialState(),
        message: `${name}: no history in the last ${historyDays} days; the forecaster starts empty`,
      };
    }
    const forecast = predictiveFromHistory(samples);
    const from = new Date(first.time).toISOString();
    const to = new Date(last.time).toISOString();
    return {
      state: { ...initialState(), forecast },
      message: `${name}: seeded the forecaster with ${samples.length} points of history from ${from} to ${to} (${forecast.forecaster.history.length} buckets)`,
    };
  } catch (e) {
    return {
      state: initialState(),
      message: `${name}: reading history failed, the forecaster starts empty: ${errorText(e, [])}`,
    };
  }
}
