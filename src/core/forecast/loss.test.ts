import { describe, expect, it } from 'vitest';
import { calibratedPinball, mape, pinball, quantile } from './loss.js';

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
