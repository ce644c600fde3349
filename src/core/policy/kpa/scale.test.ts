import { describe, expect, it } from 'vitest';
import { createDecider } from './create.js';
import { scale } from './scale.js';
import type { DeciderSpec, DeciderState, Observed, ReadyPods } from './types.js';

const t0 = Date.UTC(2024, 0, 1);
const at = (seconds: number): number => t0 + seconds * 1000;

/** Upstream's test helper spec: TotalValue = TargetValue / 0.75, rates 10, threshold 200 %. */
const spec = (overrides: Partial<DeciderSpec> = {}): DeciderSpec => ({
  scalingMetric: 'concurrency',
  targetValue: 10,
  totalValue: 10 / 0.75,
  targetBurstCapacity: 0,
  panicThreshold: 2,
  maxScaleUpRate: 10,
  maxScaleDownRate: 10,
  stableWindowSeconds: 60,
  scaleDownDelaySeconds: 0,
  reachable: true,
  activationScale: 0,
  initialScale: 0,
  ...overrides,
});

const stable: DeciderState = { panicTime: null, maxPanicPods: 0, delayWindow: null };

function once(
  s: DeciderSpec,
  readyPods: ReadyPods,
  observed: Observed | null,
  state: DeciderState = stable,
): ReturnType<typeof scale> {
  return scale({ spec: s, state, now: t0, readyPods, observed });
}

describe('scale: one step', () => {
  it.each([
    ['stable: ceil(stable / target)', spec(), 1, 50, 50, 5],
    ['rate limit up: ceil(10 × ready)', spec(), 1, 1000, 10, 10],
    ['rate limit down: floor(ready / 10)', spec(), 100, 1, 1, 10],
    [
      'small down rate still moves: floor(100 / 1.1)',
      spec({ maxScaleDownRate: 1.1 }),
      100,
      1,
      1,
      90,
    ],
    ['unreachable: no scale-down limit', spec({ reachable: false }), 100, 0, 0, 0],
    ['0 ready pods: limits computed for one pod', spec(), 0, 1000, 888, 10],
    ['not found counts as 0 ready pods', spec(), 'not-found', 20, 20, 2],
    ['activation scale lifts a non-zero desire', spec({ activationScale: 3 }), 1, 1, 1, 3],
    ['activation scale keeps zero at zero', spec({ activationScale: 3 }), 1, 0, 0, 0],
  ] as const)('%s', (...[, s, ready, st, pa, desired]) => {
    const out = once(s, ready, { stable: st, panic: pa });
    expect(out.result).toMatchObject({ scaleValid: true, desiredPodCount: desired });
  });

  it('panic: the panic desire wins and panic starts now', () => {
    const out = once(spec(), 1, { stable: 50, panic: 100 });
    expect(out.result.desiredPodCount).toBe(10);
    expect(out.state.panicTime).toBe(t0);
    expect(out.state.maxPanicPods).toBe(10);
  });

  it('panic detection uses the unclamped panic desire', () => {
    // dppc = 30 over 1 pod ≥ 2, although the clamped desire is only 10.
    const out = once(spec(), 1, { stable: 10, panic: 300 });
    expect(out.state.panicTime).toBe(t0);
  });

  it.each([
    ['a pod-count error', 'error', { stable: 10, panic: 10 }, 'ready-pods-error'],
    ['no metrics', 1, null, 'no-metrics'],
  ] as const)('invalid on %s, state untouched', (...[, ready, observed, reason]) => {
    const state: DeciderState = { panicTime: t0 - 1000, maxPanicPods: 7, delayWindow: null };
    const out = once(spec(), ready, observed, state);
    expect(out.result).toEqual({ desiredPodCount: 0, excessBurstCapacity: 0, scaleValid: false });
    expect(out.state).toBe(state);
    expect('invalid' in out && out.invalid).toBe(reason);
  });

  it('EBC uses the real ready count and the panic value', () => {
    const out = once(spec({ targetBurstCapacity: 100 }), 1, { stable: 50, panic: 50 });
    expect(out.result.excessBurstCapacity).toBe(-137);
  });
});

describe('scale: sequences', () => {
  it('panic never scales down, and ends a stable window after the last over-threshold tick', () => {
    const s = spec({ targetValue: 1, totalValue: 4 / 3 });
    const steps: [number, number, number, number][] = [
      // [t s, ready, stable, panic]
      [0, 10, 11, 25], // 25 / 10 ≥ 2 ⇒ panic, 25
      [10, 25, 12, 10], // below, still panicking: hold 25
      [60, 25, 12, 10], // last over-threshold tick 60 s ago: not strictly more, hold
      [61, 25, 12, 10], // panic over: stable desire 12 (limited to floor(25/10) = 2 below)
    ];
    let state = createDecider({ spec: s, readyPods: 1, now: at(0) });
    const got = steps.map(([t, ready, st, pa]) => {
      const out = scale({
        spec: s,
        state,
        now: at(t),
        readyPods: ready,
        observed: { stable: st, panic: pa },
      });
      state = out.state;
      return [out.result.desiredPodCount, out.state.panicTime === null];
    });
    expect(got).toEqual([
      [25, false],
      [25, false],
      [25, false],
      [12, true],
    ]);
  });

  it('a restarted decider with several ready pods starts in panic and holds them', () => {
    const s = spec();
    const state = createDecider({ spec: s, readyPods: 8, now: at(0) });
    const out = scale({
      spec: s,
      state,
      now: at(2),
      readyPods: 8,
      observed: { stable: 0, panic: 0 },
    });
    expect(out.result.desiredPodCount).toBe(8);
  });

  it('the scale-down delay holds the peak for the delay, only when reachable', () => {
    const s = spec({ scaleDownDelaySeconds: 10, stableWindowSeconds: 0, panicThreshold: 100 });
    let state = createDecider({ spec: s, readyPods: 0, now: at(0) });
    const run = (t: number, v: number, sp = s): number => {
      const out = scale({
        spec: sp,
        state,
        now: at(t),
        readyPods: 0,
        observed: { stable: v, panic: v },
      });
      state = out.state;
      return out.result.desiredPodCount;
    };
    expect([run(2, 40), run(10, 0), run(12, 0)]).toEqual([4, 4, 0]);
    expect(run(14, 40)).toBe(4);
    expect(run(16, 0, { ...s, reachable: false })).toBe(0);
  });
});
