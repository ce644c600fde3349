/**
 * History on restart: before its first tick a scaler reads the last two days of its first
 * trigger's metric from the metric source (a Prometheus range query) and seeds the forecaster
 * with them, instead of keeping that history in its state. Then it reads the last six hours again
 * at its sync period and feeds them to the forecaster and the headroom planner as ticks would
 * (`warmPrediction`), so a restarted scaler plans at once where it had proved itself before,
 * instead of deciding as the HPA until it has scored its plans anew (about 30 minutes). It never
 * fails: any problem starts the scaler with less (an empty planner, or an empty forecaster), and
 * the returned message says why.
 *
 * Only an External or Object trigger with an `AverageValue` target is read: its source's value
 * (e.g. `sum(rate(x[1m]))`) is exactly the load the engine feeds the forecaster
 * (`predictionLoad` in core/prediction/step.ts). For other triggers that load is the value times
 * the replica count at the time, which the metric source does not know.
 *
 * @module
 */
import { initialState, type ScalerState } from '../core/model.js';
import {
  initialPredictiveState,
  isPredictiveState,
  predictiveFromHistory,
} from '../core/prediction/seasonal.js';
import type { ScalerSpec } from '../core/spec.js';
import { warmPrediction } from '../core/prediction/step.js';
import {
  errorText,
  type HistoryRange,
  type HistorySample,
  type Source,
} from '../sources/source.js';
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

/** How far back the planner is caught up: six hours (its record has a two-hour half-life). */
export const warmHours = 6;

/** Prometheus answers at most 11 000 points per series; stay under it at short sync periods. */
const MAX_WARM_READINGS = 10_000;

/** The recent range read at the sync period for the planner: the last `warmHours` hours. */
export function warmRange(spec: ScalerSpec, now: number): HistoryRange {
  const seconds = Math.min(warmHours * 3600, MAX_WARM_READINGS * spec.syncPeriodSeconds);
  return { start: now - seconds * 1000, end: now, stepSeconds: spec.syncPeriodSeconds };
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

type Reader = NonNullable<Source['history']>;

const within = (samples: readonly HistorySample[], range: HistoryRange): HistorySample[] =>
  samples.filter((p) => p.time >= range.start && p.time <= range.end);

const iso = (ms: number): string => new Date(ms).toISOString();

/** The recent readings for the planner, or why there are none (never rejects). */
async function readRecent(
  history: Reader,
  range: HistoryRange,
  signal: AbortSignal,
): Promise<HistorySample[] | string> {
  try {
    const recent = within(await history(range, signal), range);
    return recent.length > 0 ? recent : `no readings in the last ${warmHours} hours`;
  } catch (e) {
    return `reading the last ${warmHours} hours failed: ${errorText(e, [])}`;
  }
}

/** Fits the forecaster on what precedes the recent readings, then warms both on those. */
function seeded(
  spec: ScalerSpec,
  all: readonly HistorySample[],
  recent: readonly HistorySample[] | string,
): { state: ScalerState; planner: string } {
  if (typeof recent === 'string') {
    const state = { ...initialState(), forecast: predictiveFromHistory(all) };
    return { state, planner: `the headroom planner starts empty: ${recent}` };
  }
  const from = recent[0]?.time ?? Number.POSITIVE_INFINITY;
  const older = all.filter((p) => p.time < from);
  const forecast = older.length > 0 ? predictiveFromHistory(older) : initialPredictiveState();
  const warm = warmPrediction(spec, { ...initialState(), forecast }, recent);
  const to = recent.at(-1)?.time ?? from;
  const verdict = warm.confident ? 'confident' : 'not confident yet';
  return {
    state: warm.state,
    planner: `caught the headroom planner up on ${warm.fed} readings from ${iso(from)} to ${iso(to)}: ${verdict}`,
  };
}

/**
 * The state a scaler starts with: `initialState()`, with the forecaster fitted to the first
 * trigger's last two days and the planner caught up on its last six hours, when its source can
 * read them. Never rejects.
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
  const now = clock.now();
  const range = historyRange(spec, now);
  let samples: HistorySample[];
  try {
    samples = within(await history(range, signal), range);
  } catch (e) {
    return {
      state: initialState(),
      message: `${name}: reading history failed, the forecaster starts empty: ${errorText(e, [])}`,
    };
  }
  const first = samples[0];
  const last = samples.at(-1);
  if (first === undefined || last === undefined) {
    return {
      state: initialState(),
      message: `${name}: no history in the last ${historyDays} days; the forecaster starts empty`,
    };
  }
  const recent = await readRecent(history, warmRange(spec, now), signal);
  const { state, planner } = seeded(spec, samples, recent);
  const buckets = isPredictiveState(state.forecast) ? state.forecast.forecaster.history.length : 0;
  return {
    state,
    message: `${name}: seeded the forecaster with ${samples.length} points of history from ${iso(first.time)} to ${iso(last.time)} (${buckets} buckets); ${planner}`,
  };
}
