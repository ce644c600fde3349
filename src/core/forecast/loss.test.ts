import { describe, expect, it } from 'vitest';
import {
  calibratedPinball,
  mape,
  pinball,
  quantile,
  quantileOfSorted,
  sortedReplace,
  sortedReplaceInPlace,
} from './loss.js';
import { seededRandom as prng } from './fixtures.js';

describe('quantile', () => {
  it.each([
    [[1, 2, 3, 4, 5], 0.9, 4.6],
    [[5, 1, 4, 2, 3], 0.5, 3],
    [[7], 0.9, 7],
    [[1, 2], 0, 1],
    [[1, 2], 1, 2],
  ])('quantile(%j, %f) = %f', (values, tau, want) => {
    expect(quantile(values, tau)).toBeCloseTo(want, 12);
  });

  it('is NaN on an empty sample', () => {
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe('pinball', () => {
  it.each([
    [10, 0.9, 9],
    [-10, 0.9, 1],
    [0, 0.9, 0],
    [4, 0.5, 2],
  ])('pinball(%f, %f) = %f', (u, tau, want) => {
    expect(pinball(u, tau)).toBeCloseTo(want, 12);
  });

  it('scores a shifted forecaster by its spread, not its bias', () => {
    const residuals = [-2, -1, 0, 1, 2];
    expect(
      calibratedPinball(
        residuals.map((r) => r + 100),
        0.9,
      ),
    ).toBeCloseTo(calibratedPinball(residuals, 0.9), 12);
    expect(calibratedPinball([0, 0, 0], 0.9)).toBe(0);
    expect(calibratedPinball(residuals, 0.9)).toBeGreaterThan(0);
  });
});

describe('mape', () => {
  it('skips zero actuals', () => {
    expect(mape([100, 0, 200], [90, 5, 220])).toBeCloseTo(10, 12);
  });
});

describe('sortedReplace', () => {
  it.each([
    { sorted: [], added: 3, removed: undefined, expected: [3] },
    { sorted: [1, 2, 4], added: 3, removed: undefined, expected: [1, 2, 3, 4] },
    { sorted: [1, 2, 4], added: 3, removed: 1, expected: [2, 3, 4] },
    { sorted: [1, 2, 2, 4], added: 0, removed: 2, expected: [0, 1, 2, 4] },
    { sorted: [1, 2, 4], added: 5, removed: 9, expected: [1, 2, 4, 5] },
  ])('$sorted + $added − $removed → $expected', ({ sorted, added, removed, expected }) => {
    const before = [...sorted];
    expect(sortedReplace(sorted, added, removed)).toEqual(expected);
    expect(sorted).toEqual(before);
    const own = [...sorted];
    sortedReplaceInPlace(own, added, removed);
    expect(own).toEqual(expected);
  });

  it('keeps a rolling window equal to sorting it afresh', () => {
    let seed = 7;
    const next = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const window: number[] = [];
    let sorted: number[] = [];
    for (let i = 0; i < 500; i++) {
      const x = Math.round(next() * 100) - 50;
      const removed = window.length === 40 ? window.shift() : undefined;
      window.push(x);
      sorted = sortedReplace(sorted, x, removed);
      expect(sorted).toEqual([...window].sort((a, b) => a - b));
      expect(quantileOfSorted(sorted, 0.9)).toBe(quantile(window, 0.9));
    }
  });
});

describe('quantile by selection', () => {
  /** The definition: sort ascending, interpolate between the order statistics around pos. */
  const bySort = (values: readonly number[], tau: number): number =>
    quantileOfSorted(
      [...values].sort((a, b) => a - b),
      tau,
    );

  it.each([1, 2, 3, 12, 97, 288, 961])(
    'is the sorted definition to the last bit (n = %i, ties, every τ)',
    (n) => {
      const rand = prng(n);
      for (let trial = 0; trial < 20; trial++) {
        // Coarse values make ties common; some trials are all one value.
        const spread = trial % 5 === 0 ? 0 : 50;
        const values = Array.from({ length: n }, () => Math.round((rand() - 0.3) * spread) / 4);
        for (const tau of [0, 0.1, 0.5, 0.8, 0.9, 0.95, 0.98, 0.995, 1]) {
          expect(Object.is(quantile(values, tau), bySort(values, tau))).toBe(true);
        }
      }
    },
  );

  it.each([
    ['NaN', [3, Number.NaN, 1, 2]],
    ['−0', [0, -0, -0, 0, 1]],
    ['infinities', [Infinity, -Infinity, 1, 2, 3]],
  ])('falls back to the sort where %s makes the order the comparator’s', (_name, values) => {
    for (const tau of [0, 0.25, 0.5, 0.9, 1]) {
      expect(Object.is(quantile(values, tau), bySort(values, tau))).toBe(true);
    }
  });

  it('leaves its input alone', () => {
    const values = [5, 1, 4, 2, 3];
    quantile(values, 0.9);
    expect(values).toEqual([5, 1, 4, 2, 3]);
  });
});
