import { describe, expect, it } from 'vitest';
import { initialState, type Decision, type MetricReading, type ScalerState } from '../../model.js';
import { scalerSpecSchema, type ScalerSpecInput } from '../../spec.js';
import { decide } from '../../decide.js';
import { readTotal } from './decide-kpa.js';

const t0 = Date.UTC(2024, 0, 1);
const syncMs = 15_000;

const spec = (over: Partial<ScalerSpecInput> = {}): ReturnType<typeof scalerSpecSchema.parse> =>
  scalerSpecSchema.parse({
    policy: 'kpa',
    minReplicas: 0,
    maxReplicas: 50,
    // Per-pod total 10 at 70 % utilization: Knative's TargetValue 7 per pod.
    triggers: [
      { name: 'concurrency', type: 'prometheus', target: { type: 'AverageValue', value: 10 } },
    ],
    ...over,
  });

const ok = (total: number, at: number): MetricReading => ({
  status: 'ok',
  timestamp: at,
  valuesMilli: [total * 1000],
});
const down: MetricReading = {
  status: 'error',
  error: { code: 'Unavailable', message: 'connection refused', retryable: true },
};

interface Tick {
  readonly t: number;
  readonly decision: Decision;
}

/**
 * Runs the engine's entry point (`decide`, which hands `policy: kpa` to `decideKpa`) once per
 * sync period; replicas become ready at once; state goes through JSON
 * between ticks as it does through a CRD status. `load(i)` is the revision's total concurrency.
 */
function run(
  s: ReturnType<typeof spec>,
  load: (i: number) => number | null,
  ticks: number,
  startReplicas = 1,
): Tick[] {
  let state: ScalerState = initialState();
  let current = startReplicas;
  const out: Tick[] = [];
  for (let i = 0; i < ticks; i++) {
    const now = t0 + i * syncMs;
    const value = load(i);
    const decision = decide(
      s,
      {
        currentReplicas: current,
        readyReplicas: current,
        pods: [],
        metrics: { concurrency: value === null ? down : ok(value, now) },
      },
      state,
      now,
    );
    state = JSON.parse(JSON.stringify(decision.state)) as ScalerState;
    current = decision.desiredReplicas;
    out.push({ t: i * 15, decision });
  }
  return out;
}

const codes = (d: Decision): string[] => d.reasons.map((r) => r.code);
const replicas = (ticks: readonly Tick[]): number[] => ticks.map((x) => x.decision.desiredReplicas);

describe('decide with policy kpa: a scripted burst on a fixed clock', () => {
  // 5 in flight, a burst to 100 at 15 s, 20 from 30 s to 165 s, then nothing.
  const load = (i: number): number => (i === 0 ? 5 : i === 1 ? 100 : i <= 11 ? 20 : 0);
  const ticks = run(spec(), load, 40);

  it('a burst triggers panic and follows the panic window', () => {
    // Panic window (6 s) sees 100 ⇒ ceil(100 / 7) = 15; 15 / 1 ready ≥ 200 % ⇒ panic.
    expect(ticks[1]?.decision.desiredReplicas).toBe(15);
    expect(codes(ticks[1]!.decision)).toContain('KpaPanic');
  });

  it('panic holds the count while load drops, until a stable window after the last burst', () => {
    expect(replicas(ticks.slice(1, 6))).toEqual([15, 15, 15, 15, 15]);
    expect(ticks.slice(1, 6).every((x) => codes(x.decision).includes('KpaPanic'))).toBe(true);
    // Last over-threshold tick at 15 s; 75 s is not strictly later than 15 + 60; 90 s is.
    expect(codes(ticks[6]!.decision)).toContain('KpaStable');
  });

  it('after panic the stable window decays, limited to halving per tick (no HPA stabilization)', () => {
    // Stable average 20 ⇒ ceil(20 / 7) = 3, but max scale-down rate 2 allows only 15 → 7 → 3.
    expect(replicas(ticks.slice(6, 9))).toEqual([7, 3, 3]);
  });

  it('scales to zero only after the stable window has decayed and the grace period passed', () => {
    const zeroAt = ticks.findIndex((x) => x.decision.desiredReplicas === 0);
    const inactiveAt = ticks.findIndex((x) => codes(x.decision).includes('MarkInactive'));
    expect(inactiveAt).toBeGreaterThan(11);
    expect(zeroAt).toBeGreaterThan(inactiveAt);
    // 30 s grace after being marked inactive, at a 15 s sync period.
    expect((zeroAt - inactiveAt) * 15).toBeGreaterThanOrEqual(30);
    expect(replicas(ticks.slice(inactiveAt, zeroAt)).every((r) => r === 1)).toBe(true);
    expect(replicas(ticks.slice(zeroAt))).toEqual(Array(40 - zeroAt).fill(0));
  });

  it('every decision is valid and explains the window averages', () => {
    expect(ticks.every((x) => x.decision.valid)).toBe(true);
    expect(codes(ticks[3]!.decision)).toContain('WindowAverages');
  });
});

describe('decideKpa: safety', () => {
  it('never scales to zero with minReplicas 1', () => {
    const ticks = run(spec({ minReplicas: 1 }), () => 0, 20);
    expect(Math.min(...replicas(ticks))).toBe(1);
  });

  it('missing data for a whole stable window holds the current count, invalid', () => {
    const ticks = run(spec(), (i) => (i < 4 ? 30 : null), 14);
    const before = ticks[3]!.decision.desiredReplicas;
    expect(before).toBeGreaterThan(0);
    // Readings fail from 60 s: the window still holds data until 60 s after the last reading.
    const noData = ticks.filter((x) => !x.decision.valid);
    expect(noData.length).toBeGreaterThan(0);
    expect(noData.every((x) => x.decision.desiredReplicas === before)).toBe(true);
    expect(codes(noData[0]!.decision)).toContain('ErrNoData');
    expect(noData[0]!.decision.triggers[0]?.error?.code).toBe('Unavailable');
  });

  it('does not scale from zero without data, and scales up from zero on traffic', () => {
    const ticks = run(spec(), (i) => (i < 2 ? null : 14), 4, 0);
    expect(replicas(ticks)).toEqual([0, 0, 2, 2]);
    expect(ticks[0]?.decision.valid).toBe(false);
  });

  it('a restarted engine (no state) with several ready pods starts in panic and holds them', () => {
    const ticks = run(spec(), () => 0, 1, 8);
    expect(ticks[0]?.decision.desiredReplicas).toBe(8);
    expect(codes(ticks[0]!.decision)).toContain('KpaPanic');
  });

  it('maxReplicas caps the decider', () => {
    const ticks = run(spec({ maxReplicas: 4 }), () => 1000, 2);
    expect(replicas(ticks)).toEqual([4, 4]);
    expect(codes(ticks[0]!.decision)).toContain('TooManyReplicas');
  });
});

describe('decideKpa: spec edges', () => {
  it('no trigger: hold the current count, invalid', () => {
    const ticks = run(spec({ triggers: [] }), () => 50, 2, 3);
    expect(replicas(ticks)).toEqual([3, 3]);
    expect(ticks.every((x) => !x.decision.valid)).toBe(true);
  });

  it('extra triggers are named as ignored; the first one decides', () => {
    const s = spec({
      triggers: [
        { name: 'concurrency', type: 'prometheus', target: { type: 'AverageValue', value: 10 } },
        { name: 'other', type: 'prometheus', target: { type: 'AverageValue', value: 1 } },
      ],
    });
    const [first] = run(s, () => 14, 1);
    expect(first?.decision.desiredReplicas).toBe(2);
    expect(codes(first!.decision)).toContain('ExtraTriggersIgnored');
  });

  it('initial scale is a floor until the ready pods reach it once', () => {
    const ticks = run(spec({ kpa: { initialScale: 3 } }), () => 0, 3, 1);
    // 1 ready < 3: floor 3; then 3 ready: reached, the floor is gone (idle but active ⇒ 1).
    expect(replicas(ticks)).toEqual([3, 1, 1]);
    expect(codes(ticks[0]!.decision)).toContain('TooFewReplicas');
  });
});

describe('readTotal', () => {
  const trigger = spec().triggers[0]!;
  const perPod = (...values: number[]): MetricReading => ({
    status: 'ok',
    timestamp: t0,
    podSamples: values.map((v, i) => ({
      pod: `p${i}`,
      timestamp: t0,
      windowSeconds: 1,
      valueMilli: v,
    })),
  });
  it.each([
    ['External values are summed', ok(3, t0), 1, 3],
    ['all ready pods sampled: their sum', perPod(1500, 2500), 2, 4],
    ['more samples than ready pods: their sum', perPod(1500, 2500), 0, 4],
    ['a sampled subset: mean per pod times the ready pods', perPod(1000, 3000), 5, 10],
  ] as const)('%s', (...[, reading, ready, value]) => {
    expect(readTotal(trigger, reading, ready)).toEqual({ ok: true, value });
  });

  it.each([
    ['missing', undefined, 'NoReading'],
    ['failed', down, 'Unavailable'],
    ['empty', { status: 'ok', timestamp: t0, valuesMilli: [] }, 'NoValue'],
  ] as const)('%s reading is an error', (...[, reading, code]) => {
    const got = readTotal(trigger, reading, 1);
    expect(got.ok ? null : got.error.code).toBe(code);
  });
});
