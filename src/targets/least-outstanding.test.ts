import { describe, expect, it } from 'vitest';
import { leastOutstanding } from './least-outstanding.js';

describe('leastOutstanding', () => {
  it.each([
    { counts: [], cursor: 0, want: -1 },
    { counts: [3], cursor: 5, want: 0 },
    { counts: [2, 0, 1], cursor: 0, want: 1 },
    { counts: [2, 0, 1, 0], cursor: 2, want: 3 },
    { counts: [2, 0, 1, 0], cursor: 0, want: 1 },
    { counts: [0, 0, 0], cursor: 7, want: 1 },
    { counts: [1, 1, 1], cursor: -1, want: 2 },
  ])('$counts from cursor $cursor → $want', ({ counts, cursor, want }) => {
    expect(leastOutstanding(counts, cursor)).toBe(want);
  });

  it('spreads requests evenly over idle replicas when the cursor advances', () => {
    const inFlight = [0, 0, 0];
    const picks: number[] = [];
    for (let cursor = 0; cursor < 6; cursor++) {
      const i = leastOutstanding(inFlight, cursor);
      picks.push(i);
      inFlight[i] = (inFlight[i] ?? 0) + 1;
    }
    expect(picks).toEqual([0, 1, 2, 0, 1, 2]);
  });
});
