import { describe, expect, it } from 'vitest';
import { gaussian, seededRandom } from '../forecast/fixtures.js';
import {
  headroomOf,
  horizonMs,
  metricAgeOf,
  initialHeadroomState,
  isHeadroomState,
  restoreHeadroomState,
  observeHeadroom,
  planHeadroom,
  TAUS,
  type HeadroomInput,
  type HeadroomPlan,
  type HeadroomState,
} from './headroom.js';

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

describe('headroomOf', () => {
  const ramp = (n: number, from = 1): number[] => Array.from({ length: n }, (_, i) => from + i);

  it.each([
    { name: 'no rises', rises: [] },
    { name: 'one rise', rises: [5] },
    { name: 'two rises', rises: [5, 500] },
  ])('is null with too few rises: $name', ({ rises }) => {
    expect(headroomOf(rises, 0.9)).toBeNull();
  });

  it.each([
    { name: 'all negative', rises: ramp(400, -500) },
    { name: 'all the same negative', rises: Array<number>(400).fill(-3) },
    { name: 'all zero', rises: Array<number>(400).fill(0) },
  ])('is never negative: $name → 0', ({ rises }) => {
    expect(headroomOf(rises, 0.9)).toBe(0);
  });

  it('constant rises give that rise', () => {
    expect(headroomOf(Array<number>(400).fill(12), 0.9)).toBe(12);
  });

  it.each([1, 2, 3])('lies between the median and the largest rise (seed %i)', (seed) => {
    const rand = seededRandom(seed);
    const rises = Array.from({ length: 400 }, () => 50 + 30 * gaussian(rand));
    const sorted = [...rises].sort((a, b) => a - b);
    const h = headroomOf(rises, 0.9)!;
    expect(h).toBeGreaterThan(sorted[200]!);
    expect(h).toBeLessThanOrEqual(sorted.at(-1)!);
  });

  it('is translation-equivariant: adding c to every (positive) rise adds c', () => {
    const rises = ramp(400);
    const h = headroomOf(rises, 0.9)!;
    expect(h).toBeGreaterThan(200);
    expect(h).toBeLessThanOrEqual(400);
    expect(
      headroomOf(
        rises.map((r) => r + 50),
        0.9,
      ),
    ).toBeCloseTo(h + 50, 9);
  });

  it('does not depend on the order of the rises', () => {
    const rises = ramp(400);
    const rand = seededRandom(11);
    const shuffled = [...rises].sort(() => rand() - 0.5);
    expect(headroomOf(shuffled, 0.9)).toBe(headroomOf(rises, 0.9));
  });

  it('is monotone: raising any rise never lowers the headroom', () => {
    const rand = seededRandom(5);
    const rises = Array.from({ length: 300 }, () => 100 * gaussian(rand));
    let h = headroomOf(rises, 0.9)!;
    for (let k = 0; k < rises.length; k += 7) {
      rises[k] = rises[k]! + 150;
      const next = headroomOf(rises, 0.9)!;
      expect(next).toBeGreaterThanOrEqual(h);
      h = next;
    }
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

  it('is learned net of what was expected, then added back: the same plan when it was right', () => {
    const blind = run(() => 0);
    // A forecast that knew the climb: 16 over the next horizon while climbing, else 0.
    const told = run((i) => (i % 40 < 32 ? 16 : 0));
    const highest = (ticks: readonly Tick[]): number => Math.max(...ticks.at(-1)!.state.rises);
    expect(highest(told)).toBeLessThan(highest(blind));
    const climbing = (ticks: readonly Tick[]): number[] =>
      ticks
        .slice(-40)
        .filter((_, k) => k % 40 < 32)
        .map((t) => t.plan.planReplicas!);
    // Net rises near 0 plus the expected 16 plan about what the blind planner learned to.
    const diff = climbing(told).map((n, k) => Math.abs(n - climbing(blind)[k]!));
    expect(Math.max(...diff)).toBeLessThanOrEqual(1);
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

  it('learns a headroom of 0 and plans ceil(load / ceiling) replicas', () => {
    expect(last.state.headrooms).toEqual(TAUS.map(() => 0));
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
  it('slow sine: uses the largest rise, the one candidate never short where the buffered target never is', () => {
    const ticks = feed(slowSine, hours * HOUR_TICKS);
    const { state, plan } = ticks.at(-1)!;
    expect(state.shortReactive).toBe(0);
    // Lower quantiles land on a replica boundary now and then as the slope steepens: rare, but
    // not never, so where the buffer is never short they stay out.
    const lower = state.shortPlan.slice(0, -1);
    expect(Math.min(...lower)).toBeGreaterThan(0);
    expect(Math.min(...lower) / state.weight).toBeLessThan(0.005);
    expect(state.shortPlan.at(-1)).toBe(0);
    expect(state.chosen).toBe(TAUS.length - 1);
    expect(TAUS[state.chosen!]).toBe(1);
    expect(state.costPlan.at(-1)!).toBeLessThan(0.97 * state.costReactive);
    expect(plan.reason.code).toBe('HeadroomConfident');
    expect(plan.reason.message).toMatch(
      /at τ 1 short 0\.00 % of the time vs 0\.00 % for the buffered target/,
    );
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
        .state.rises.filter((r) => r === 270).length;
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
      // refused for its cost only: its shortfalls are well under half the buffer's
      expect(last.plan.reason.message).toMatch(/short 0\.\d+ % of the time vs [2-9]\.\d+ %/);
    }
  });

  it('2: the same plan is used once its record shows fewer shortfalls at under 2× the replicas', () => {
    const all = ticks({ ...base, costRatio: 2 });
    const last = all.at(-1)!;
    expect(last.plan.confident).toBe(true);
    // 2 × 0.97: the record's 3 % margin applies at any ratio
    expect(last.plan.reason.message).toMatch(/× its replicas \(at most 1\.94× allowed\)$/);
    const i = last.state.chosen!;
    expect(last.state.shortPlan[i]!).toBeLessThanOrEqual(0.5 * last.state.shortReactive);
    expect(last.state.costPlan[i]!).toBeGreaterThan(last.state.costReactive);
    expect(last.state.costPlan[i]!).toBeLessThanOrEqual(2 * last.state.costReactive);
    // and it plans for the bursts: the burst's replicas at the ceiling, between bursts too
    expect(last.plan.replicas).toBeGreaterThanOrEqual(Math.ceil(900 / CEILING));
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
    shortPlan: TAUS.map(() => 0),
    costPlan: TAUS.map((_, i) => 1000 * ratio + i * 500),
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

describe('no look-ahead', () => {
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

  it('restores itself as it is, a version 2 state with its rises and a fresh record, and junk afresh', () => {
    expect(restoreHeadroomState(JSON.parse(JSON.stringify(state)))).toEqual(state);
    const v2 = { ...state, version: 2, shortPlan: [0, 0, 0, 0, 0], costPlan: [1, 2, 3, 4, 5] };
    const migrated = restoreHeadroomState(JSON.parse(JSON.stringify(v2)));
    expect(isHeadroomState(migrated)).toBe(true);
    expect(migrated.rises).toEqual(state.rises);
    expect(migrated.sortedRises).toEqual([...state.rises].sort((a, b) => a - b));
    expect(migrated).toMatchObject({ resolved: 0, weight: 0, chosen: null, pending: [] });
    expect(migrated.shortPlan).toHaveLength(TAUS.length);
    expect(restoreHeadroomState({ ...v2, rises: [1, 'x'] })).toEqual(initialHeadroomState());
    expect(restoreHeadroomState({ version: 1 })).toEqual(initialHeadroomState());
    expect(restoreHeadroomState(null)).toEqual(initialHeadroomState());
  });

  it.each<{ name: string; value: unknown }>([
    { name: 'null', value: null },
    { name: 'a number', value: 1 },
    { name: 'an empty object', value: {} },
    { name: 'another version', value: { ...state, version: 2 } },
    { name: 'chosen out of range', value: { ...state, chosen: TAUS.length } },
    { name: 'costPlan of the wrong length', value: { ...state, costPlan: [1] } },
    { name: 'pending not an array', value: { ...state, pending: {} } },
    { name: 'asks missing', value: { ...state, asks: undefined } },
    { name: 'rises a string', value: { ...state, rises: '1,2,3' } },
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
