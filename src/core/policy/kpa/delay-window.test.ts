import { describe, expect, it } from 'vitest';
import { delayBucket, delayedMax, newDelayWindow, recordDelay } from './delay-window.js';
import type { KpaDelayWindow } from '../../model.js';

const t0 = Date.UTC(2024, 0, 1);
const at = (seconds: number): number => t0 + seconds * 1000;

function replay(delaySeconds: number, records: readonly (readonly [number, number])[]): number[] {
  let window = newDelayWindow(delaySeconds) as KpaDelayWindow;
  return records.map(([seconds, replicas]) => {
    window = recordDelay(window, at(seconds), replicas);
    return delayedMax(window);
  });
}

describe('delay window', () => {
  it.each([
    [0, null],
    [-1, null],
    [1, 1],
    [2, 1],
    [3, 2],
    [300, 150],
  ])('delay %d s ⇒ %s buckets', (delay, buckets) => {
    expect(newDelayWindow(delay)?.buckets ?? null).toBe(buckets);
  });

  it.each([
    [0, 0],
    [1999, 0],
    [2000, 1],
    [3999, 1],
    [-1000, 0], // Go: int(-1) / 2 truncates toward zero
    [-2000, -1],
    [-2001, -1], // Unix() floors to -3 s; -3 / 2 = -1
  ])('bucket of %d ms is %d', (ms, bucket) => {
    expect(delayBucket(ms)).toBe(bucket);
  });

  it.each([
    [
      'holds the max for the delay, then follows down',
      10,
      [
        [0, 5],
        [4, 2],
        [8, 3],
        [10, 1],
        [12, 1],
      ],
      [5, 5, 5, 3, 3],
    ],
    [
      'two records in one bucket keep the larger',
      10,
      [
        [0, 5],
        [1, 2],
      ],
      [5, 5],
    ],
    [
      'a larger value replaces smaller older ones',
      10,
      [
        [0, 2],
        [2, 4],
        [4, 3],
      ],
      [2, 4, 4],
    ],
    [
      'equal values: the newer one is kept (it expires later)',
      4,
      [
        [0, 3],
        [2, 3],
        [4, 1],
        [6, 1],
      ],
      [3, 3, 3, 1],
    ],
    [
      'scale-ups pass through immediately',
      60,
      [
        [0, 1],
        [2, 10],
      ],
      [1, 10],
    ],
  ] as const)('%s', (...[, delay, records, expected]) => {
    expect(replay(delay, records)).toEqual(expected);
  });

  it('an empty window reports 0', () => {
    expect(delayedMax({ buckets: 5, entries: [] })).toBe(0);
  });
});
