import { describe, expect, it } from 'vitest';
import { proposeWithCorrection } from './correction.js';
import type { PodMetrics } from './pod-metrics.js';
import { metricUsageRatio } from './usage-ratio.js';

const tolerance = { scaleDown: 0.1, scaleUp: 0.1 };
const target = 100;

interface Scenario {
  current: number;
  ready: Record<string, number>;
  unready?: string[];
  missing?: string[];
}

/** Runs the plain path: ready samples averaged against a per-pod target of 100. */
function propose(s: Scenario): number | string {
  const metrics: PodMetrics = new Map(
    Object.entries(s.ready).map(([pod, value]) => [pod, { value, timestamp: 0, windowMs: 0 }]),
  );
  const ratio = metricUsageRatio(metrics, target).ratio;
  return proposeWithCorrection({
    currentReplicas: s.current,
    ratio,
    groups: {
      readyCount: Object.keys(s.ready).length,
      unready: new Set(s.unready ?? []),
      missing: new Set(s.missing ?? []),
      ignored: new Set(),
    },
    metrics,
    tolerance,
    missingValueOnScaleDown: () => target,
    recompute: (m) => metricUsageRatio(m, target).ratio,
  });
}

describe('proposeWithCorrection', () => {
  it.each<[string, Scenario, number]>([
    ['within tolerance keeps current', { current: 3, ready: { a: 105, b: 95, c: 100 } }, 3],
    ['scale-up by ready pods', { current: 3, ready: { a: 200, b: 200, c: 200 } }, 6],
    ['scale-down by ready pods', { current: 4, ready: { a: 50, b: 50, c: 50, d: 50 } }, 2],
    // ratio 2 over 2 ready + 1 unready counted as 0 → 400/3/100 = 1.33 → ceil(1.33 × 3) = 4.
    [
      'unready pods count as 0 on a scale-up',
      { current: 3, ready: { a: 200, b: 200 }, unready: ['u'] },
      4,
    ],
    // ratio 0.5 → unready stay out: ceil(0.5 × 2) = 1.
    [
      'unready pods stay out on a scale-down',
      { current: 3, ready: { a: 50, b: 50 }, unready: ['u'] },
      1,
    ],
    // missing on scale-down assumed at target: (50 + 100) / 2 = 0.75 → ceil(0.75 × 2) = 2.
    [
      'missing pods assumed at target on a scale-down',
      { current: 2, ready: { a: 50 }, missing: ['m'] },
      2,
    ],
    // missing on scale-up assumed 0: (300 + 0) / 2 = 1.5 → 3.
    [
      'missing pods assumed at 0 on a scale-up',
      { current: 2, ready: { a: 300 }, missing: ['m'] },
      3,
    ],
    // 120 with 1 missing at 0 → 60: the direction flips → current.
    ['a direction flip keeps current', { current: 2, ready: { a: 120 }, missing: ['m'] }, 2],
    // ratio exactly 1 with missing pods: they stay out; new ratio 1 → within.
    [
      'ratio exactly 1 leaves missing pods out',
      { current: 5, ready: { a: 100, b: 100 }, missing: ['m', 'n'] },
      5,
    ],
    // 2 × target over 1 of 4 spec replicas: ceil(2 × 1) = 2 < 4 is a scale *down* (TestMissingReports).
    [
      'a proposal against the new ratio keeps current',
      { current: 6, ready: { a: 150, b: 150 }, missing: ['m'] },
      6,
    ],
  ])('%s', (_name, scenario, expected) => {
    expect(propose(scenario)).toBe(expected);
  });
});
