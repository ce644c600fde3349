import { describe, expect, it } from 'vitest';
import { decodeScalarRows } from './sql.js';

describe('decodeScalarRows', () => {
  it.each([
    [[[3]], 3000],
    [[['42']], 42_000],
    [[{ count: '2.5' }], 2500],
    [[[12n]], 12_000],
    [[[0]], 0],
  ])('%# → %d milli', (rows, milli) => {
    expect(decodeScalarRows(rows, 'q')).toBe(milli);
  });

  it.each([
    [[], 'NoData', 'q: returned no row'],
    [[[null]], 'NoData', 'q: returned NULL'],
    [[[1], [2]], 'BadQuery', 'q: returned 2 rows, must return one'],
    [[['many']], 'BadValue', 'q: got "many", expected a finite number'],
  ])('%j fails with %s', (rows, code, message) => {
    expect(() => decodeScalarRows(rows, 'q')).toThrow(expect.objectContaining({ code, message }));
  });
});
