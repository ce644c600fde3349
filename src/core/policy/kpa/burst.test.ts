import { describe, expect, it } from 'vitest';
import { excessBurstCapacity, initialExcessBurstCapacity } from './burst.js';

describe('excessBurstCapacity', () => {
  it.each([
    ['TBC 0 ⇒ 0', 0, 5, 10, 40, 0],
    ['TBC −1 ⇒ −1', -1, 5, 10, 40, -1],
    ['any other negative TBC ⇒ −1', -3, 5, 10, 40, -1],
    ['floor of capacity − TBC − panic', 100, 1, 40 / 3, 50, -137],
    ['positive spare capacity', 101, 1296, 4 / 3, 1296, 331],
    ['0 ready pods use the real count', 81, 0, 40 / 3, 888, -969],
  ])('%s', (...[, tbc, ready, total, panic, want]) => {
    expect(
      excessBurstCapacity({
        targetBurstCapacity: tbc,
        readyPods: ready,
        totalValue: total,
        observedPanic: panic,
      }),
    ).toBe(want);
  });

  it.each([
    [0, 0],
    [-1, -1],
    [200, 1 * 100 - 200],
  ])('initial EBC with TBC %d is %d', (tbc, want) => {
    expect(
      initialExcessBurstCapacity({ targetBurstCapacity: tbc, totalValue: 100, initialScale: 1 }),
    ).toBe(want);
  });
});
