import { describe, expect, it } from 'vitest';
import { panicCount, updatePanic } from './panic.js';

const t0 = Date.UTC(2024, 0, 1);
const at = (seconds: number): number => t0 + seconds * 1000;

describe('updatePanic', () => {
  it.each([
    ['enters panic when over the threshold', null, 3, true, 10, at(10), 3],
    ['extends panic while over', at(0), 7, true, 30, at(30), 7],
    ['holds panic below the threshold within the stable window', at(0), 7, false, 60, at(0), 7],
    ['exactly a stable window later still panics (strict)', at(0), 7, false, 60, at(0), 7],
    ['leaves panic after the stable window and resets the max', at(0), 7, false, 61, null, 0],
    ['not panicking and below: nothing changes', null, 4, false, 500, null, 4],
  ] as const)('%s', (...[, panicTime, maxPanicPods, over, nowS, wantTime, wantMax]) => {
    const got = updatePanic({
      state: { panicTime, maxPanicPods },
      overThreshold: over,
      now: at(nowS),
      stableWindowSeconds: 60,
    });
    expect(got).toEqual({ panicTime: wantTime, maxPanicPods: wantMax });
  });
});

describe('panicCount', () => {
  it.each([
    ['panic desire wins', 5, 10, 0, 10],
    ['stable desire wins when larger', 30, 20, 5, 30],
    ['never below the panic maximum', 2, 3, 8, 8],
  ])('%s', (...[, stable, panic, max, want]) => {
    expect(panicCount(stable, panic, max)).toEqual({ desired: want, maxPanicPods: want });
  });
});
