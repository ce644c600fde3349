import { describe, expect, it } from 'vitest';
import { parseQuantity } from './quantity.js';

describe('parseQuantity', () => {
  it.each([
    ['500m', 0.5],
    ['1', 1],
    [2, 2],
    ['1.5k', 1500],
    ['2Gi', 2 * 2 ** 30],
    ['100Mi', 100 * 2 ** 20],
    ['1e3', 1000],
    ['250u', 0.001], // the HPA reads targets at milli precision, rounded up
    ['0.1k', 100],
    [' 30 ', 30],
    ['abc', null],
    ['1x', null],
    ['', null],
    [null, null],
  ])('%j → %j', (input, expected) => {
    expect(parseQuantity(input)).toBe(expected);
  });
});
