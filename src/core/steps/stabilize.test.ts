import { describe, expect, it } from 'vitest';
import { stabilizeRecommendation, stabilizeRecommendationWithBehaviors } from './stabilize.js';

const t0 = Date.UTC(2024, 0, 1);
const recs = (...pairs: [number, number][]) =>
  pairs.map(([replicas, s]) => ({ replicas, timestamp: t0 + s * 1000 }));

describe('stabilizeRecommendation (legacy)', () => {
  it.each<[string, number, [number, number][], number, number[], string]>([
    ['empty history: desired stands', 5, [], 5, [5], 'ReadyForNewScale'],
    [
      'a higher recent recommendation holds the scale-down',
      3,
      [
        [4, -120],
        [5, -60],
      ],
      5,
      [4, 5, 3],
      'ScaleDownStabilized',
    ],
    [
      'scale-up is immediate',
      6,
      [
        [4, -120],
        [5, -60],
      ],
      6,
      [4, 5, 6],
      'ReadyForNewScale',
    ],
    ['an entry exactly W old is inside (≥)', 3, [[9, -300]], 9, [9, 3], 'ScaleDownStabilized'],
    [
      'the last entry older than W is overwritten',
      3,
      [
        [10, -600],
        [9, -540],
        [4, -60],
      ],
      4,
      [10, 3, 4],
      'ScaleDownStabilized',
    ],
  ])('%s', (...row) => {
    const [, desired, history, replicas, after, code] = row;
    const r = stabilizeRecommendation({
      desired,
      recommendations: recs(...history),
      windowSeconds: 300,
      now: t0,
    });
    expect(r.replicas).toBe(replicas);
    expect(r.recommendations.map((x) => x.replicas)).toEqual(after);
    expect(r.reason.code).toBe(code);
    expect(r.reason.message).toContain(String(desired));
  });
});

describe('stabilizeRecommendationWithBehaviors', () => {
  it.each<[string, number, number, [number, number], [number, number][], number, string]>([
    [
      'no stabilization windows: desired',
      1,
      3,
      [0, 300],
      [
        [4, -120],
        [5, -60],
      ],
      3,
      'ReadyForNewScale',
    ],
    [
      'scale-down held at the highest in the down window',
      100,
      3,
      [0, 180],
      [
        [4, -60],
        [5, -120],
        [9, -540],
      ],
      5,
      'ScaleDownStabilized',
    ],
    [
      'scale-up held at the lowest in the up window',
      1,
      100,
      [300, 0],
      [
        [6, -60],
        [5, -120],
        [9, -180],
      ],
      5,
      'ScaleUpStabilized',
    ],
    ['never moves against desired', 2, 3, [300, 300], [[1, -180]], 2, 'ScaleUpStabilized'],
    ['an entry exactly W old is outside (>)', 10, 3, [0, 300], [[9, -300]], 3, 'ReadyForNewScale'],
  ])('%s', (...row) => {
    const [, current, desired, [up, down], history, replicas, code] = row;
    const r = stabilizeRecommendationWithBehaviors({
      current,
      desired,
      upWindowSeconds: up,
      downWindowSeconds: down,
      recommendations: recs(...history),
      now: t0,
    });
    expect(r.replicas).toBe(replicas);
    expect(r.reason.code).toBe(code);
  });

  it('overwrites the last entry older than both windows, else appends', () => {
    const r = stabilizeRecommendationWithBehaviors({
      current: 100,
      desired: 3,
      upWindowSeconds: 0,
      downWindowSeconds: 180,
      recommendations: recs([10, -600], [4, -60], [5, -120], [9, -540]),
      now: t0,
    });
    expect(r.recommendations.map((x) => x.replicas)).toEqual([10, 4, 5, 3]);
    expect(r.recommendations[3]?.timestamp).toBe(t0);
  });
});
