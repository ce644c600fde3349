import { describe, expect, it } from 'vitest';
import { seededRandom } from './forecast/fixtures.js';
import { roundSignificant } from './significant.js';

const viaString = (x: number, d: number): number => Number(x.toPrecision(d));

describe('roundSignificant', () => {
  it.each([
    [630.123456, 4, 630.1],
    [0.000123456, 3, 0.000123],
    [999999.7, 6, 1e6],
    [1.00005, 5, 1.0001],
    [2.5, 1, 3],
    [-2.5, 1, -3],
    [123456789, 4, 123500000],
  ])('roundSignificant(%f, %i) = %f', (x, d, want) => {
    expect(roundSignificant(x, d)).toBe(want);
  });

  it.each([0, -0, Number.NaN, Infinity, -Infinity, 1e-300, 5e-324, 1e300, Number.MAX_VALUE])(
    'is Number(x.toPrecision(d)) at the edges: %f',
    (x) => {
      for (const d of [1, 4, 6, 12])
        expect(Object.is(roundSignificant(x, d), viaString(x, d))).toBe(true);
    },
  );

  it('is Number(x.toPrecision(d)) bit for bit on 200 000 numbers of every magnitude (seeded)', () => {
    const rand = seededRandom(16);
    let mismatches = 0;
    for (let i = 0; i < 200_000; i++) {
      const magnitude = 10 ** Math.floor(rand() * 40 - 20);
      // Half of them on a decimal grid, where ties and exact results are common.
      const x =
        i % 2 === 0
          ? (rand() - 0.5) * magnitude
          : (Math.round(rand() * 2e6) / 2e3 - 500) * magnitude;
      const d = 1 + (i % 8);
      if (!Object.is(roundSignificant(x, d), viaString(x, d))) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('takes the string near a tie: x.5 at the last digit rounds up as toPrecision does', () => {
    for (let n = 1000; n < 1100; n++) {
      const x = n + 0.5;
      expect(roundSignificant(x, 4)).toBe(viaString(x, 4));
      expect(roundSignificant(x / 1000, 4)).toBe(viaString(x / 1000, 4));
    }
  });
});
