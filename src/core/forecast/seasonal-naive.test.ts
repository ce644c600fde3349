import { describe, expect, it } from 'vitest';
import { fitSeasonalNaive, forecastSeasonalNaive } from './seasonal-naive.js';
import { pastOf } from './series.js';

describe('seasonal naive', () => {
  const values = Array.from({ length: 10 }, (_, i) => i * 10);

  it.each([
    [4, 1, 60],
    [4, 4, 90],
    [4, 5, 60],
    [1, 3, 90],
    [10, 1, 0],
  ])('period %i, %i ahead → %f', (period, h, want) => {
    const model = fitSeasonalNaive(pastOf(values), period);
    expect(model).not.toBeNull();
    expect(forecastSeasonalNaive(model!, pastOf(values), h)).toBe(want);
  });

  it('needs one whole season', () => {
    expect(fitSeasonalNaive(pastOf(values), 11)).toBeNull();
  });

  it('reads only the past it is given', () => {
    const model = fitSeasonalNaive(pastOf(values), 3)!;
    expect(forecastSeasonalNaive(model, { values, end: 5 }, 1)).toBe(20);
  });
});
