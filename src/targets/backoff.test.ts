import { describe, expect, it } from 'vitest';
import { restartDelayMs } from './backoff.js';

describe('restartDelayMs', () => {
  it.each([
    [0, 0],
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [6, 32_000],
    [7, 60_000],
    [1000, 60_000],
  ])('after %i failures waits %i ms (1 s doubling, capped at 60 s)', (failures, ms) => {
    expect(restartDelayMs(failures)).toBe(ms);
  });

  it('follows the policy it is given', () => {
    const policy = { initialMs: 100, maxMs: 250 };
    expect([1, 2, 3, 4].map((n) => restartDelayMs(n, policy))).toEqual([100, 200, 250, 250]);
  });
});
