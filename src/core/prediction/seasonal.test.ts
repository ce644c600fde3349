import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  MINUTE_MS,
  dailySine,
  gaussian,
  makeSignal,
  seededRandom,
  type Sample,
} from '../forecast/fixtures.js';
import {
  headroomFor,
  initialPredictiveState,
  isPredictiveState,
  observePredictive,
  predictive,
  predictiveFromHistory,
  type PredictiveInput,
  type PredictiveState,
} from './seasonal.js';

const t0 = Date.UTC(2024, 0, 1);
const TARGET = 50;
const base: Omit<PredictiveInput, 'now'> = {
  startupSeconds: 60,
  syncPeriodSeconds: 15,
  target: TARGET,
};

interface Run {
  readonly state: PredictiveState;
  /** Steps where the proposal fell short of the replicas the next window needed. */
  readonly shortPredictive: number;
  /** The same for a reactive proposal from the current reading alone. */
  readonly shortReactive: number;
  readonly steps: number;
}

/** Feeds readings tick by tick; scores each proposal against the highest load in its window. */
function run(state: PredictiveState, samples: readonly Sample[], o = base): Run {
  let s = state;
  let shortPredictive = 0;
  let shortReactive = 0;
  const horizon = (o.startupSeconds + o.syncPeriodSeconds) * 1000;
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i]!;
    s = observePredictive(s, { ...o, now: x.time, value: x.value });
    const p = predictive(s, { ...o, now: x.time });
    let peak = -Infinity;
    for (let j = i + 1; j < samples.length && samples[j]!.time <= x.time + horizon; j++) {
      peak = Math.max(peak, samples[j]!.value);
    }
    if (!Number.isFinite(peak)) continue;
    const needed = Math.ceil(peak / o.target);
    const reactive = Math.ceil(x.value / o.target);
    if (Math.max(reactive, p.replicas ?? 0) < needed) shortPredictive++;
    if (reactive < needed) shortReactive++;
  }
  return { state: s, shortPredictive, shortReactive, steps: samples.length };
}

const every15s = { stepMs: 15_000 };

// Whole-day replays: generous timeouts, the machine is shared.
describe('predictive policy', { timeout: 60_000 }, () => {
  it('says InsufficientHistory before one day and proposes nothing', () => {
    let s = initialPredictiveState();
    for (let i = 0; i < 100; i++) {
      s = observePredictive(s, { ...base, now: t0 + i * MINUTE_MS, value: 500 });
    }
    const p = predictive(s, { ...base, now: t0 + 100 * MINUTE_MS });
    expect(p.replicas).toBeNull();
    expect(p.forecastReplicas).toBeNull();
    expect(p.reason.code).toBe('InsufficientHistory');
    expect(p.reason.message).toMatch(/19 of 288 buckets/);
  });

  it('acts on a clean daily cycle, and under-provisions less than reacting alone', () => {
    const shape = dailySine(500, 300);
    const history = makeSignal({ start: t0, days: 13, shape, noise: 5 });
    const day = makeSignal({
      start: t0 + 13 * DAY_MS,
      days: 1,
      shape,
      noise: 5,
      seed: 5,
      ...every15s,
    });
    const r = run(predictiveFromHistory(history), day);
    const p = predictive(r.state, { ...base, now: day.at(-1)!.time });
    expect(p.reason.code).toBe('PredictionActive');
    expect(p.replicas).toBe(p.forecastReplicas);
    expect(p.skill).toBeGreaterThan(0.3);
    expect(p.gain).toBeGreaterThan(0.05);
    expect(r.state.check.active).toBe(true);
    expect(r.shortPredictive).toBeLessThan(r.shortReactive / 2);
    expect(r.shortPredictive / r.steps).toBeLessThan(0.02);
    const json = JSON.stringify(r.state);
    expect(json.length).toBeLessThanOrEqual(64 * 1024);
    expect(JSON.parse(json)).toEqual(r.state);
    expect(isPredictiveState(JSON.parse(json))).toBe(true);
  });

  it('stops acting on white noise, then resumes when a daily cycle appears', () => {
    const rand = seededRandom(11);
    const noise = (days: number, start: number, stepMs: number): Sample[] =>
      Array.from({ length: (days * DAY_MS) / stepMs }, (_, i) => ({
        time: start + i * stepMs,
        value: 500 + 60 * gaussian(rand),
      }));
    const history = noise(3, t0, MINUTE_MS);
    const noisy = run(predictiveFromHistory(history), noise(1, t0 + 3 * DAY_MS, 15_000));
    const off = predictive(noisy.state, { ...base, now: t0 + 4 * DAY_MS });
    expect(off.reason.code).toBe('PredictionDisabled');
    expect(off.replicas).toBeNull();
    expect(off.forecastReplicas).toBeGreaterThan(0);
    expect(off.skill).toBeLessThan(0.05);
    expect(off.reason.message).toMatch(/not helping/);

    // Three days of a clean daily cycle after the noise (per-minute readings, 60 s sync).
    const perMinute = { ...base, syncPeriodSeconds: 60 };
    const cycle = makeSignal({
      start: t0 + 4 * DAY_MS,
      days: 3,
      shape: dailySine(500, 300),
      noise: 5,
    });
    const back = run(noisy.state, cycle, perMinute);
    const on = predictive(back.state, { ...perMinute, now: t0 + 7 * DAY_MS });
    expect(on.reason.code).toBe('PredictionActive');
    expect(on.skill).toBeGreaterThan(0.1);
  });

  it('stops acting on a load that jumps between two levels at random (wide intervals, little gain)', () => {
    const rand = seededRandom(5);
    let high = false;
    const jumps = (days: number, start: number, stepMs: number): Sample[] =>
      Array.from({ length: (days * DAY_MS) / stepMs }, (_, i) => {
        if (rand() < stepMs / 3_600_000) high = !high; // about one switch an hour
        return { time: start + i * stepMs, value: (high ? 1000 : 50) + 10 * gaussian(rand) };
      });
    const r = run(
      predictiveFromHistory(jumps(3, t0, MINUTE_MS)),
      jumps(1, t0 + 3 * DAY_MS, 15_000),
    );
    const p = predictive(r.state, { ...base, now: t0 + 4 * DAY_MS });
    expect(p.reason.code).toBe('PredictionDisabled');
    expect(p.gain !== null && p.skill !== null && (p.gain < 0.05 || p.skill < 0.1)).toBe(true);
  });

  it('does not act on an idle service (zero load), and keeps the state finite', () => {
    const idle = makeSignal({ start: t0, days: 2, shape: () => 0 });
    const r = run(
      predictiveFromHistory(idle),
      makeSignal({ start: t0 + 2 * DAY_MS, days: 0.1, shape: () => 0, ...every15s }),
    );
    const p = predictive(r.state, { ...base, now: t0 + 2.1 * DAY_MS });
    expect(p.reason.code).toBe('PredictionDisabled');
    expect(p.forecastReplicas).toBe(0);
    expect(JSON.parse(JSON.stringify(r.state))).toEqual(r.state);
  });

  it('answers InvalidTarget for a target that is not a positive number', () => {
    const s = predictiveFromHistory(makeSignal({ start: t0, days: 2, shape: dailySine(500, 300) }));
    const p = predictive(s, { ...base, now: t0 + 2 * DAY_MS, target: 0 });
    expect(p.reason.code).toBe('InvalidTarget');
    expect(p.replicas).toBeNull();
  });

  it.each([
    { name: 'too few errors', errors: [5, 5, 5], base: 10, want: 0 },
    { name: 'errors all ≤ 0', errors: Array(30).fill(-1), base: 10, want: 0 },
    {
      name: 'a 0.9-quantile of 1',
      errors: [...Array(25).fill(0), ...Array(5).fill(1)],
      base: 10,
      want: 1,
    },
    { name: 'bounded by 20 % of base', errors: Array(30).fill(9), base: 20, want: 4 },
    { name: 'at least one replica of bound', errors: Array(30).fill(9), base: 2, want: 1 },
  ])('headroom: $name → $want', ({ errors, base: b, want }) => {
    expect(headroomFor(errors, b)).toBe(want);
  });

  it('rejects foreign values as restored state', () => {
    expect(isPredictiveState(null)).toBe(false);
    expect(isPredictiveState({ version: 2 })).toBe(false);
    const good = initialPredictiveState();
    expect(isPredictiveState({ ...good, forecaster: { ...good.forecaster, history: null } })).toBe(
      false,
    );
    expect(isPredictiveState({ ...good, check: { ...good.check, pending: 'x' } })).toBe(false);
    expect(
      isPredictiveState({
        ...good,
        forecaster: { ...good.forecaster, config: { bucketSeconds: 0 } },
      }),
    ).toBe(false);
    expect(isPredictiveState(initialPredictiveState())).toBe(true);
  });

  it('ignores a non-finite reading', () => {
    const s = initialPredictiveState();
    expect(observePredictive(s, { ...base, now: t0, value: Number.NaN })).toBe(s);
  });
});
