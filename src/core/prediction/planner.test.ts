import { describe, expect, it } from 'vitest';
import { gaussian, seededRandom } from '../forecast/fixtures.js';
import { deepFreeze } from '../fixtures.js';
import {
  CANDIDATES,
  horizonMs,
  metricAgeOf,
  initialHeadroomState,
  isHeadroomState,
  restoreHeadroomState,
  noiseOf,
  observeHeadroom,
  planHeadroom,
  trendOf,
  type HeadroomInput,
  type HeadroomPlan,
  type HeadroomState,
  type RecentLoad,
} from './planner.js';

const RISE = CANDIDATES.indexOf('rise');

const t0 = Date.UTC(2024, 0, 1);
const SYNC_MS = 15_000;
const HOUR_TICKS = 3600 / 15;
const DAY_TICKS = 24 * HOUR_TICKS;
const TARGET = 70;
const CEILING = 90;
const base: Omit<HeadroomInput, 'now'> = {
  startupSeconds: 60,
  syncPeriodSeconds: 15,
  target: TARGET,
  ceiling: CEILING,
};

type Load = (i: number) => number;

interface Tick {
  readonly load: number;
  readonly state: HeadroomState;
  readonly plan: HeadroomPlan;
}

/** Feeds `load(i)` every 15 s from t0 and returns the state and plan after each reading. */
function feed(load: Load, ticks: number, o: Omit<HeadroomInput, 'now'> = base): Tick[] {
  let state = initialHeadroomState();
  const out: Tick[] = [];
  for (let i = 0; i < ticks; i++) {
    const input = { ...o, now: t0 + i * SYNC_MS, load: load(i) };
    state = observeHeadroom(state, input);
    out.push({ load: input.load, state, plan: planHeadroom(state, input) });
  }
  return out;
}

/** The codes in the order they first appear. */
const firstAppearances = (ticks: readonly Tick[]): string[] => [
  ...new Set(ticks.map((t) => t.plan.reason.code)),
];

const reactive = (load: number): number => Math.ceil(load / TARGET);

/** A slow sine (6-hour period, 630 ± 200) and a constant with a small deterministic ripple. */
const slowSine: Load = (i) => 630 + 200 * Math.sin((2 * Math.PI * i) / (6 * HOUR_TICKS));
const ripple: Load = (i) => 630 + 5 * Math.sin(i);

/** Jumps at random between 100 and 900 at every reading (seeded). */
function randomJumps(seed: number, ticks: number): Load {
  const rand = seededRandom(seed);
  const levels = Array.from({ length: ticks }, () => (rand() < 0.5 ? 100 : 900));
  return (i) => levels[i]!;
}

/** Switches between 100 and 900 with probability 5 % per reading (seeded): random plateaus. */
function randomPlateaus(seed: number, ticks: number): Load {
  const rand = seededRandom(seed);
  let level = 100;
  const levels = Array.from({ length: ticks }, () => {
    if (rand() < 0.05) level = level === 100 ? 900 : 100;
    return level;
  });
  return (i) => levels[i]!;
}

describe('trendOf', () => {
  const readings = (loads: readonly number[]): RecentLoad[] =>
    loads.map((load, i) => ({ time: t0 + i * SYNC_MS, load, high: load }));

  it.each([
    { name: 'no readings', loads: [] },
    { name: 'three readings', loads: [1, 100, 1000] },
    { name: 'flat', loads: Array<number>(40).fill(630) },
    { name: 'falling', loads: Array.from({ length: 40 }, (_, i) => 900 - 3 * i) },
  ])('is 0 for $name', ({ loads }) => {
    expect(trendOf(readings(loads))).toBe(0);
  });

  it('is the slope of a ramp, per second: 3 per 15 s reading → 0.2', () => {
    expect(trendOf(readings(Array.from({ length: 40 }, (_, i) => 400 + 3 * i)))).toBeCloseTo(
      0.2,
      9,
    );
  });

  it('is the least-squares slope through noise (seeded)', () => {
    const rand = seededRandom(8);
    const loads = Array.from({ length: 40 }, (_, i) => 400 + 3 * i + 10 * gaussian(rand));
    expect(trendOf(readings(loads))).toBeGreaterThan(0.15);
    expect(trendOf(readings(loads))).toBeLessThan(0.25);
  });
});

describe('noiseOf: what the averaged readings hide', () => {
  /** Readings that average the last 4 scrapes of `scrape(i)`, as a 60 s window of 15 s scrapes. */
  const averaged =
    (scrape: (i: number) => number): Load =>
    (i) =>
      [0, 1, 2, 3].reduce((sum, k) => sum + scrape(Math.max(0, i - k)), 0) / 4;
  const noiseAfter = (load: Load): number =>
    noiseOf(feed(load, 2 * HOUR_TICKS).at(-1)!.state, base);
  const level = (i: number): number => (i % 160 < 2 ? 2000 : 630);

  it('is 0 on a steady load and on a steady climb', () => {
    expect(noiseAfter(() => 630)).toBe(0);
    expect(noiseAfter((i) => 100 + 2 * i)).toBeCloseTo(0, 6);
  });

  it.each([1, 2, 3])('recovers σ of scrapes scattered around the level (seed %i)', (seed) => {
    const rand = seededRandom(seed);
    const scrapes = Array.from({ length: 2 * HOUR_TICKS }, () => 630 + 40 * gaussian(rand));
    const sigma = noiseAfter(averaged((i) => scrapes[i]!));
    expect(sigma).toBeGreaterThan(0.85 * 40);
    expect(sigma).toBeLessThan(1.15 * 40);
  });

  it('counts a burst little: two readings at 2000 every 40 minutes over a steady 630', () => {
    expect(noiseAfter(level)).toBeLessThan(100);
    // where every change of the change counted in full, σ would be 4 / 2 × 1.25 × ~50 ≈ 125+
    const rand = seededRandom(4);
    const scrapes = Array.from({ length: 2 * HOUR_TICKS }, () => 40 * gaussian(rand));
    const withBursts = noiseAfter(averaged((i) => level(i) + scrapes[i]!));
    expect(withBursts).toBeGreaterThan(0.85 * 40);
    expect(withBursts).toBeLessThan(1.3 * 40);
  });

  it('is 0 before two readings one sync period apart', () => {
    expect(noiseOf(initialHeadroomState(), base)).toBe(0);
  });
});

describe('an expected climb', () => {
  // A sawtooth: the load climbs 2 per reading for 40 readings, then drops back. Every horizon
  // (120 s = 8 readings) holds a rise of about 16 while climbing.
  const saw: Load = (i) => 400 + 2 * (i % 40);
  const run = (expectedRise: (i: number) => number): Tick[] => {
    let state = initialHeadroomState();
    const out: Tick[] = [];
    for (let i = 0; i < 4 * HOUR_TICKS; i++) {
      const input = { ...base, now: t0 + i * SYNC_MS, load: saw(i), expectedRise: expectedRise(i) };
      state = observeHeadroom(state, input);
      out.push({ load: input.load, state, plan: planHeadroom(state, input) });
    }
    return out;
  };

  it('is learned net of what was expected: the rise plan’s residuals shrink when it was right', () => {
    const blind = run(() => 0);
    // A forecast that knew the climb: 16 over the next horizon while climbing, else 0.
    const told = run((i) => (i % 40 < 32 ? 16 : 0));
    const highest = (ticks: readonly Tick[]): number =>
      Math.max(...ticks.at(-1)!.state.residuals[RISE]!);
    expect(highest(told)).toBeLessThan(highest(blind));
  });

  it('ignores a negative expected climb', () => {
    const a = run(() => 0).at(-1)!;
    const b = run(() => -500).at(-1)!;
    expect(b.state).toEqual(a.state);
  });
});

describe('learning on a steady load', () => {
  const ticks = feed(() => 630, 4 * HOUR_TICKS);
  const last = ticks.at(-1)!;

  it('learns margins of 0 and plans ceil(load / ceiling) replicas', () => {
    expect(last.state.margins).toEqual(CANDIDATES.map(() => 0));
    expect(last.state.bases).toEqual(CANDIDATES.map(() => 630));
    expect(last.plan.headroom).toBe(0);
    expect(last.plan.planReplicas).toBe(Math.ceil(630 / CEILING));
  });

  it('goes LearningHeadroom → HeadroomNotConfident → HeadroomConfident, never back to learning', () => {
    expect(firstAppearances(ticks)).toEqual([
      'LearningHeadroom',
      'HeadroomNotConfident',
      'HeadroomConfident',
    ]);
    const firstLearned = ticks.findIndex((t) => t.plan.reason.code !== 'LearningHeadroom');
    const relapses = ticks.slice(firstLearned).filter((t) => t.plan.planReplicas === null);
    expect(relapses).toEqual([]);
  });

  it('acts (replicas non-null) exactly when confident', () => {
    const mismatched = ticks.filter((t) => (t.plan.replicas !== null) !== t.plan.confident);
    expect(mismatched).toEqual([]);
    expect(ticks[0]!.plan).toMatchObject({ replicas: null, planReplicas: null, confident: false });
  });
});

describe('confidence', () => {
  const hours = 8;
  it('slow sine: where the buffered target is never short, margins at the largest residual, a plan cheaper and never short', () => {
    const ticks = feed(slowSine, hours * HOUR_TICKS);
    const { state, plan } = ticks.at(-1)!;
    expect(state.shortReactive).toBe(0);
    // the aim is 0 %: every candidate's miss level stays 0, its margin the largest residual
    expect(state.alphas).toEqual(CANDIDATES.map(() => 0));
    const i = state.chosen!;
    expect(i).not.toBeNull();
    expect(state.margins![i]).toBeGreaterThanOrEqual(Math.max(...state.residuals[i]!) - 1e-9);
    // short within the 0.1 point allowance only
    expect(state.shortPlan[i]! / state.weight).toBeLessThanOrEqual(0.001);
    expect(state.costPlan[i]!).toBeLessThan(0.97 * state.costReactive);
    expect(plan.reason.code).toBe('HeadroomConfident');
    expect(plan.reason.message).toMatch(
      /plan short 0\.0\d+ % of the time vs 0\.00 % for the buffered target/,
    );
  });

  it('bursty load: each miss level stays within [0, 1.6 × the buffered target’s recorded short rate]', () => {
    const ticks = feed(randomPlateaus(5, hours * HOUR_TICKS), hours * HOUR_TICKS);
    const rateOf = (s: HeadroomState): number => (s.weight > 0 ? s.shortReactive / s.weight : 0);
    for (let k = HOUR_TICKS; k < ticks.length; k++) {
      const { state } = ticks[k]!;
      // α moves with the rate recorded before each scored plan
      const rate = Math.max(rateOf(state), rateOf(ticks[k - 1]!.state));
      for (const a of state.alphas) {
        expect(a).toBeGreaterThanOrEqual(0);
        // the aim is 0.8 × the rate; α at most twice the aim (4 significant digits)
        expect(a).toBeLessThanOrEqual(2 * 0.8 * rate * 1.001 + 1e-12);
      }
    }
    expect(Math.max(...ticks.at(-1)!.state.alphas)).toBeGreaterThan(0);
  });

  it.each([{ name: 'constant with ripple', load: ripple }])(
    '$name: becomes confident and plans fewer replicas than the buffered target',
    (c) => {
      const ticks = feed(c.load, hours * HOUR_TICKS);
      const last = ticks.at(-1)!;
      expect(last.plan.confident).toBe(true);
      expect(last.plan.replicas).not.toBeNull();
      expect(last.plan.reason.code).toBe('HeadroomConfident');
      const confident = ticks.filter((t) => t.plan.confident);
      const planned = confident.reduce((sum, t) => sum + t.plan.replicas!, 0);
      const buffered = confident.reduce((sum, t) => sum + reactive(t.load), 0);
      expect(planned).toBeLessThan(buffered);
      // and never more than the buffered target at any single tick
      expect(confident.filter((t) => t.plan.replicas! > reactive(t.load))).toEqual([]);
    },
  );

  it.each([
    { name: 'jumps at every reading, seed 42', load: randomJumps(42, hours * HOUR_TICKS) },
    { name: 'jumps at every reading, seed 7', load: randomJumps(7, hours * HOUR_TICKS) },
    { name: 'random plateaus, seed 7', load: randomPlateaus(7, hours * HOUR_TICKS) },
    { name: 'random plateaus, seed 99', load: randomPlateaus(99, hours * HOUR_TICKS) },
  ])('$name: never becomes confident (the fixed buffer wins)', ({ load }) => {
    const ticks = feed(load, hours * HOUR_TICKS);
    expect(ticks.filter((t) => t.plan.confident || t.plan.replicas !== null)).toEqual([]);
    const last = ticks.at(-1)!;
    expect(last.plan.reason.code).toBe('HeadroomNotConfident');
    expect(last.plan.planReplicas).not.toBeNull();
  });
});

describe('the tail beyond two hours of residuals', () => {
  // 630 with a small ripple, and one reading at 760 at hour 1: the buffered target (9 replicas,
  // 810) covers it, so its record is never short and the aim stays 0; the plans (8 replicas, 720)
  // do not, so their residual of about 130 is the largest for the next two hours, and then only
  // the hourly highs remember it.
  const spikeAt = HOUR_TICKS;
  const load: Load = (i) => (i === spikeAt ? 760 : ripple(i));
  const ticks = feed(load, 9 * HOUR_TICKS);
  const marginAt = (hours: number): number =>
    ticks[spikeAt + hours * HOUR_TICKS]!.state.margins![RISE]!;

  it('keeps the aim at 0: the buffered target is never short', () => {
    expect(ticks.at(-1)!.state.shortReactive).toBe(0);
    expect(ticks.at(-1)!.state.alphas).toEqual(CANDIDATES.map(() => 0));
  });

  it('holds the spike’s residual as the margin for 6 hours, past the 2-hour window', () => {
    expect(marginAt(1)).toBeGreaterThan(100);
    // 3 and 5 hours on, no residual of the window is that large; the hourly highs are
    expect(Math.max(...ticks[spikeAt + 3 * HOUR_TICKS]!.state.residuals[RISE]!)).toBeLessThan(50);
    expect(marginAt(3)).toBeGreaterThan(100);
    expect(marginAt(5)).toBeGreaterThan(100);
    // 7 hours on it has left the last 6 hours: the margin is the ripple's again
    expect(marginAt(7)).toBeLessThan(50);
  });

  it('keeps one high per hour, at most 6 per candidate', () => {
    const highs = ticks.at(-1)!.state.hourHighs!;
    expect(highs).toHaveLength(CANDIDATES.length);
    for (const flat of highs) expect(flat.length).toBeLessThanOrEqual(2 * 6);
  });

  it('restores a state saved before the hourly highs existed, and then keeps them', () => {
    const old: HeadroomState = { ...ticks[3 * HOUR_TICKS]!.state };
    delete (old as { hourHighs?: unknown }).hourHighs;
    const restored = restoreHeadroomState(JSON.parse(JSON.stringify(old)));
    expect(restored).toEqual(old);
    const next = observeHeadroom(restored, {
      ...base,
      now: t0 + (3 * HOUR_TICKS + 1) * SYNC_MS,
      load: 630,
    });
    expect(next.hourHighs).toHaveLength(CANDIDATES.length);
  });
});

describe('metric age', () => {
  it.each([
    { window: null, age: 45 },
    { window: 60, age: 45 },
    { window: 30, age: 45 },
    { window: 120, age: 75 },
    { window: 300, age: 165 },
    { window: Number.NaN, age: 45 },
    { window: -60, age: 45 },
    { window: Infinity, age: 45 },
  ])('samples averaged over $window s show a rise $age s late', ({ window, age }) => {
    expect(metricAgeOf(window)).toBe(age);
  });

  it('lengthens the horizon', () => {
    const timing = { startupSeconds: 60, syncPeriodSeconds: 15 };
    expect(horizonMs(timing)).toBe(120_000);
    expect(horizonMs({ ...timing, metricAgeSeconds: metricAgeOf(120) })).toBe(150_000);
  });

  it('a later metric counts a jump as a rise for more of the readings before it', () => {
    // A flat 630 that jumps to 900 once: each reading within one horizon before the jump sees
    // a rise of 270 — 8 readings 15 s apart over 120 s, 10 over 150 s.
    const jump = (i: number): number => (i >= 120 ? 900 : 630);
    const seen = (age?: number): number => {
      const o = { ...base, ...(age === undefined ? {} : { metricAgeSeconds: age }) };
      return feed(jump, 160, o)
        .at(-1)!
        .state.residuals[RISE]!.filter((r) => r >= 270).length;
    };
    expect(seen()).toBe(8);
    expect(seen(metricAgeOf(120))).toBe(10);
  });
});

describe('costRatio', () => {
  // 300, with a burst to 900 for two readings every 40 minutes: the buffered target is short
  // before each burst; a plan that covers the bursts is short less often but costs more.
  const bursts: Load = (i) => (i % 160 < 2 ? 900 : 300);
  const ticks = (o: Omit<HeadroomInput, 'now'>): Tick[] =>
    feed(bursts, 8 * HOUR_TICKS, { reactiveWindowSeconds: 300, ...o });

  it('1 (the default): a plan that costs more than the buffer is never used, and says so', () => {
    for (const o of [base, { ...base, costRatio: 1 }, { ...base, costRatio: Number.NaN }]) {
      const last = ticks(o).at(-1)!;
      expect(last.state.chosen).toBeNull();
      const m = /at (\d+\.\d+)× its replicas \(at most 0\.970× allowed\)$/.exec(
        last.plan.reason.message,
      );
      expect(m).not.toBeNull();
      expect(Number(m![1])).toBeGreaterThan(1);
      // refused for its cost only: short no more often than the buffer
      const short = /short (\d+\.\d+) % of the time vs (\d+\.\d+) %/.exec(last.plan.reason.message);
      expect(Number(short![1])).toBeLessThanOrEqual(Number(short![2]));
    }
  });

  it('2: the same plan is used once its record shows no more shortfalls at under 2× the replicas', () => {
    const all = ticks({ ...base, costRatio: 2 });
    const last = all.at(-1)!;
    expect(last.plan.confident).toBe(true);
    // 2 × 0.97: the record's 3 % margin applies at any ratio
    expect(last.plan.reason.message).toMatch(/× its replicas \(at most 1\.94× allowed\)$/);
    const i = last.state.chosen!;
    const { shortPlan, shortReactive, weight, costPlan, costReactive } = last.state;
    expect(shortPlan[i]!).toBeLessThanOrEqual(shortReactive + 0.001 * weight);
    expect(costPlan[i]!).toBeGreaterThan(costReactive);
    expect(costPlan[i]!).toBeLessThanOrEqual(2 * costReactive);
    expect(last.plan.replicas).toBeGreaterThanOrEqual(Math.ceil(300 / CEILING));
  });

  it('below 1 counts as 1', () => {
    const last = ticks({ ...base, costRatio: 0.5 }).at(-1)!;
    expect(last.state.chosen).toBeNull();
    expect(last.plan.reason.message).toMatch(/\(at most 0\.970× allowed\)$/);
  });
});

describe('the cost bound', () => {
  // A record with every candidate short far less often than the buffered target, and candidate
  // 0 (the cheapest) at `ratio` × the buffered target's replicas; the others dearer.
  const recorded = (ratio: number): HeadroomState => ({
    ...initialHeadroomState(),
    shortPlan: CANDIDATES.map(() => 0),
    costPlan: CANDIDATES.map((_, i) => 1000 * ratio + i * 500),
    shortReactive: 50,
    costReactive: 1000,
    weight: 1000,
    resolved: 1000,
  });
  const chosenAfter = (ratio: number, costRatio?: number): number | null =>
    observeHeadroom(recorded(ratio), {
      ...base,
      now: t0,
      load: 630,
      ...(costRatio === undefined ? {} : { costRatio }),
    }).chosen;

  it('needs a saving of at least 3 %: 2 % is not used, 4 % is', () => {
    expect(chosenAfter(0.98)).toBeNull();
    expect(chosenAfter(0.96)).toBe(0);
  });

  it('with costRatio 1.3, up to 1.3 × 0.97 = 1.261× the buffered replicas', () => {
    expect(chosenAfter(1.25, 1.3)).toBe(0);
    expect(chosenAfter(1.27, 1.3)).toBeNull();
  });
});

describe('no look-ahead', { timeout: 60_000 }, () => {
  const T = 3 * HOUR_TICKS;
  const n = T + HOUR_TICKS;
  const rand = seededRandom(3);
  const shared = Array.from({ length: T + 1 }, (_, i) => slowSine(i) + 20 * gaussian(rand));
  const after = randomJumps(17, n);

  it.each([
    { name: 'a jump after T', other: (i: number): number => (i <= T ? shared[i]! : 1500) },
    { name: 'noise after T', other: (i: number): number => (i <= T ? shared[i]! : after(i)) },
  ])('$name: identical states and plans at every tick up to T', ({ other }) => {
    const a = feed((i) => (i <= T ? shared[i]! : 630), n);
    const b = feed(other, n);
    expect(b.slice(0, T + 1)).toEqual(a.slice(0, T + 1));
    expect(b.at(-1)!.state).not.toEqual(a.at(-1)!.state);
  });
});

describe('state as JSON', () => {
  const rand = seededRandom(9);
  const state = feed((i) => slowSine(i) + 10 * gaussian(rand), 3 * HOUR_TICKS).at(-1)!.state;

  it('round-trips through JSON and is accepted by isHeadroomState', () => {
    expect(state.resolved).toBeGreaterThan(0);
    const restored: unknown = JSON.parse(JSON.stringify(state));
    expect(restored).toEqual(state);
    expect(isHeadroomState(restored)).toBe(true);
    expect(isHeadroomState(initialHeadroomState())).toBe(true);
  });

  it('is never written by the next reading: each tick from a frozen state equals the tick from its JSON copy', () => {
    const noisy = seededRandom(5);
    let s = initialHeadroomState();
    for (let i = 0; i < 3 * HOUR_TICKS; i++) {
      const input = { ...base, now: t0 + i * SYNC_MS, load: slowSine(i) + 30 * gaussian(noisy) };
      const copy = JSON.parse(JSON.stringify(s)) as HeadroomState;
      const next = observeHeadroom(deepFreeze(s), input);
      expect(JSON.stringify(observeHeadroom(copy, input))).toBe(JSON.stringify(next));
      s = next;
    }
    // Two hours of residuals at a 15 s sync: the window is full and drops its oldest.
    expect(s.residuals[RISE]).toHaveLength(2 * HOUR_TICKS);
    expect(s.sortedResiduals[RISE]).toEqual([...s.residuals[RISE]!].sort((a, b) => a - b));
  });

  it('restores itself as it is, and an older version (its record kept for other plans) or junk afresh', () => {
    expect(restoreHeadroomState(JSON.parse(JSON.stringify(state)))).toEqual(state);
    const v3 = { ...state, version: 3, rises: [1, 2], shortPlan: [0, 0, 0, 0, 0, 0] };
    expect(restoreHeadroomState(JSON.parse(JSON.stringify(v3)))).toEqual(initialHeadroomState());
    expect(restoreHeadroomState({ version: 1 })).toEqual(initialHeadroomState());
    expect(restoreHeadroomState(null)).toEqual(initialHeadroomState());
  });

  it.each<{ name: string; value: unknown }>([
    { name: 'null', value: null },
    { name: 'a number', value: 1 },
    { name: 'an empty object', value: {} },
    { name: 'another version', value: { ...state, version: 3 } },
    { name: 'chosen out of range', value: { ...state, chosen: CANDIDATES.length } },
    { name: 'costPlan of the wrong length', value: { ...state, costPlan: [1] } },
    { name: 'pending not an array', value: { ...state, pending: {} } },
    { name: 'asks missing', value: { ...state, asks: undefined } },
    { name: 'residuals a string', value: { ...state, residuals: '1,2,3' } },
    { name: 'residuals of one candidate', value: { ...state, residuals: [[1]] } },
    { name: 'hourHighs not arrays', value: { ...state, hourHighs: [1, 2] } },
    { name: 'hourHighs with a string', value: { ...state, hourHighs: [[1, 'x'], []] } },
    { name: 'hourHighs of odd length', value: { ...state, hourHighs: [[1], []] } },
    { name: 'alphas missing', value: { ...state, alphas: undefined } },
    { name: 'scatter NaN', value: { ...state, scatter: Number.NaN } },
    { name: 'chosen a string', value: { ...state, chosen: '1' } },
    { name: 'weight NaN', value: { ...state, weight: Number.NaN } },
    { name: 'shortPlan null', value: { ...state, shortPlan: null } },
    { name: 'resolved a string', value: { ...state, resolved: '12' } },
    { name: 'costReactive Infinity', value: { ...state, costReactive: Infinity } },
  ])('isHeadroomState rejects $name', ({ value }) => {
    expect(isHeadroomState(value)).toBe(false);
  });
});

describe('bad input', () => {
  const rand = seededRandom(4);
  const ticks = feed((i) => ripple(i) + 5 * gaussian(rand), 2 * HOUR_TICKS);
  const state = ticks.at(-1)!.state;
  const snapshot = structuredClone(state);
  const now = t0 + 2 * HOUR_TICKS * SYNC_MS;

  it.each<{ name: string; change: Partial<HeadroomInput> & { load?: number } }>([
    { name: 'load NaN', change: { load: Number.NaN } },
    { name: 'load Infinity', change: { load: Infinity } },
    { name: 'load -Infinity', change: { load: -Infinity } },
    { name: 'negative load', change: { load: -1 } },
    { name: 'target 0', change: { target: 0 } },
    { name: 'negative target', change: { target: -70 } },
    { name: 'ceiling 0', change: { ceiling: 0 } },
    { name: 'ceiling NaN', change: { ceiling: Number.NaN } },
  ])('$name leaves the state unchanged', ({ change }) => {
    const next = observeHeadroom(state, { ...base, now, load: 630, ...change });
    expect(next).toBe(state);
    expect(state).toEqual(snapshot);
  });

  it.each([
    { name: 'load NaN', load: Number.NaN },
    { name: 'load Infinity', load: Infinity },
    { name: 'negative load', load: -50 },
  ])('planHeadroom does not act on $name', ({ load }) => {
    expect(state.chosen).not.toBeNull();
    const plan = planHeadroom(state, { ...base, now, load });
    expect(plan.replicas).toBeNull();
    expect(plan.confident).toBe(false);
  });
});

describe('state stays compact', { timeout: 60_000 }, () => {
  it.each([
    {
      name: 'startup 60 s',
      startupSeconds: 60,
      reactiveWindowSeconds: 0,
      minResolved: 3 * DAY_TICKS - 2 * HOUR_TICKS,
    },
    {
      name: 'startup 300 s, 300 s down window',
      startupSeconds: 300,
      reactiveWindowSeconds: 300,
      minResolved: 3 * DAY_TICKS - 2 * HOUR_TICKS,
    },
    // The longest start-up the schema allows: a plan is scored every 3705 s / 48 ≈ 77 s, so
    // 3 days give about 3 300 (less the warm-up), not one per reading.
    {
      name: 'startup 3600 s',
      startupSeconds: 3600,
      reactiveWindowSeconds: 300,
      minResolved: 2500,
    },
  ])('$name: under 32 KiB after 3 days of noisy 15 s readings', ({ minResolved, ...o }) => {
    const rand = seededRandom(21);
    const input = { ...base, ...o };
    let state = initialHeadroomState();
    for (let i = 0; i < 3 * DAY_TICKS; i++) {
      const load = slowSine(i) + 40 * gaussian(rand);
      state = observeHeadroom(state, { ...input, now: t0 + i * SYNC_MS, load });
    }
    expect(state.resolved).toBeGreaterThan(minResolved);
    expect(JSON.stringify(state).length).toBeLessThan(32 * 1024);
  });
});
