import { describe, expect, it } from 'vitest';
import { hpaEarlyExit } from './bounds.js';

describe('hpaEarlyExit', () => {
  it.each<[number, number, number, string | null, number | null]>([
    [0, 1, 5, 'ScalingDisabled', 0],
    [0, 0, 5, null, null],
    [10, 3, 5, 'TooManyReplicas', 5],
    [1, 2, 6, 'TooFewReplicas', 2],
    [3, 2, 6, null, null],
    [2, 2, 2, null, null],
  ])('current %d in [%d, %d] → %s', (...row) => {
    const [current, min, max, code, replicas] = row;
    const exit = hpaEarlyExit(current, min, max);
    expect(exit?.reason.code ?? null).toBe(code);
    expect(exit?.replicas ?? null).toBe(replicas);
  });
});
