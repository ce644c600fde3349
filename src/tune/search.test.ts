import { describe, expect, it } from 'vitest';
import { type Objective, type Tried, better, best, neighbours, search } from './search.js';
import { type Dimension, type Point, pointKey } from './space.js';

/** A toy space: a target (cost falls, shortfall rises as it goes up) and a window. */
const space: readonly Dimension[] = [
  { path: ['target'], values: [50, 60, 70, 80, 90] },
  { path: ['window'], values: [0, 60, 300] },
  { path: ['mode'], values: ['off', 'on'] },
  { path: ['extra'], values: [1, 2, 3], when: { path: ['mode'], value: 'on' } },
];

/** Cost and shortfall of a point: higher targets are cheaper and shorter more often. */
function figures(p: Point): Objective {
  const [t = 0, w = 0, m = 0, e = 0] = p;
  return {
    tauU: t * 1.0 + (m === 1 ? -0.5 + 0.1 * e : 0) - w * 0.2,
    replicaHours: 100 - 10 * t + 3 * w + e,
  };
}

const evaluate = (points: readonly Point[]): Promise<Objective[]> =>
  Promise.resolve(points.map(figures));

describe('better and best', () => {
  it.each([
    { a: { tauU: 1, replicaHours: 10 }, b: { tauU: 3, replicaHours: 5 }, limit: 2, want: true },
    { a: { tauU: 1, replicaHours: 10 }, b: { tauU: 2, replicaHours: 9 }, limit: 2, want: false },
    { a: { tauU: 1, replicaHours: 9 }, b: { tauU: 2, replicaHours: 9 }, limit: 2, want: true },
    // Neither meets the limit: the lower τU is closer.
    { a: { tauU: 4, replicaHours: 10 }, b: { tauU: 5, replicaHours: 1 }, limit: 2, want: true },
  ])('$a against $b at τU ≤ $limit: $want', ({ a, b, limit, want }) => {
    expect(better(a, b, limit)).toBe(want);
  });

  it('picks the cheapest that meets the limit', () => {
    const tried: Tried<Objective>[] = [
      { point: [0], figures: { tauU: 0.5, replicaHours: 30 } },
      { point: [1], figures: { tauU: 0.9, replicaHours: 20 } },
      { point: [2], figures: { tauU: 1.5, replicaHours: 10 } },
    ];
    expect(best(tried, 1)?.point).toEqual([1]);
    expect(best(tried, 0.1)?.point).toEqual([0]);
  });
});

describe('neighbours', () => {
  it('moves one active dimension one value, inactive ones held at 0', () => {
    const near = neighbours(space, [2, 0, 0, 0]).map(pointKey).sort();
    expect(near).toEqual(['1.0.0.0', '2.0.1.0', '2.1.0.0', '3.0.0.0']);
    const on = neighbours(space, [2, 0, 1, 1]).map(pointKey).sort();
    expect(on).toEqual(['1.0.1.1', '2.0.0.0', '2.0.1.0', '2.0.1.2', '2.1.1.1', '3.0.1.1']);
  });
});

describe('search', () => {
  const options = {
    space,
    budget: 20,
    seed: 7,
    batchSize: 4,
    limit: 2,
    seeds: [[2, 2, 0, 0]] as Point[],
    valid: () => true,
    evaluate,
  };

  it('evaluates at most the budget, the seeds first, never a point twice', async () => {
    const tried = await search(options);
    expect(tried).toHaveLength(20);
    expect(tried[0]?.point).toEqual([2, 2, 0, 0]);
    expect(new Set(tried.map((t) => pointKey(t.point))).size).toBe(20);
  });

  it('is deterministic: the same seed tries the same points; another seed others', async () => {
    const a = await search(options);
    const b = await search(options);
    const c = await search({ ...options, seed: 8 });
    expect(b.map((t) => t.point)).toEqual(a.map((t) => t.point));
    expect(c.map((t) => t.point)).not.toEqual(a.map((t) => t.point));
  });

  it('finds the cheapest point that meets the limit when the budget covers the space', async () => {
    const tried = await search({ ...options, budget: 1000 });
    // 5 × 3 × (1 + 3) = 60 distinct policies.
    expect(tried).toHaveLength(60);
    const all: Tried<Objective>[] = [];
    for (let t = 0; t < 5; t++)
      for (let w = 0; w < 3; w++) {
        all.push({ point: [t, w, 0, 0], figures: figures([t, w, 0, 0]) });
        for (let e = 0; e < 3; e++)
          all.push({ point: [t, w, 1, e], figures: figures([t, w, 1, e]) });
      }
    expect(best(tried, 2)?.point).toEqual(best(all, 2)?.point);
  });

  it('climbs from the seed to a better point on a small budget', async () => {
    const tried = await search({ ...options, budget: 12 });
    const seed = tried[0]?.figures as Objective;
    const found = best(tried, 2)?.figures as Objective;
    expect(found.tauU).toBeLessThanOrEqual(2);
    expect(found.replicaHours).toBeLessThan(seed.replicaHours);
  });

  it('never evaluates a point the schema rejects', async () => {
    const seen: string[] = [];
    await search({
      ...options,
      budget: 1000,
      valid: (p) => p[0] !== 4,
      evaluate: (points) => {
        seen.push(...points.map(pointKey));
        return Promise.resolve(points.map(figures));
      },
    });
    expect(seen.some((k) => k.startsWith('4.'))).toBe(false);
    expect(seen).toHaveLength(48);
  });

  it('returns the closest when no point meets the limit', async () => {
    const tried = await search({ ...options, limit: -10, budget: 1000 });
    const closest = best(tried, -10);
    expect(closest?.figures.tauU).toBe(Math.min(...tried.map((t) => t.figures.tauU)));
  });
});
