import { describe, expect, it } from 'vitest';
import { parseTraceCsv, traceSpanSeconds } from './trace.js';

const parse = (text: string): ReturnType<typeof parseTraceCsv> =>
  parseTraceCsv(text, { name: 'test.csv' });

describe('parseTraceCsv', () => {
  it('reads seconds with a header, infers the interval and the span', () => {
    const trace = parse('timestamp,value\n100,6\n160,12\n220,0\n');
    expect(Array.from(trace.timestamps)).toEqual([0, 60, 120]);
    expect(Array.from(trace.values)).toEqual([6, 12, 0]);
    expect(trace.intervalSeconds).toBe(60);
    expect(traceSpanSeconds(trace)).toBe(180);
    expect(trace.startEpochMs).toBeNull();
    expect(trace.gaps).toEqual([]);
  });

  it('reads ISO-8601 timestamps and keeps the absolute start', () => {
    const trace = parse('2024-01-01T00:00:00Z,1\n2024-01-01T00:00:15Z,2.5\n');
    expect(Array.from(trace.timestamps)).toEqual([0, 15]);
    expect(trace.startEpochMs).toBe(Date.UTC(2024, 0, 1));
    expect(trace.intervalSeconds).toBe(15);
  });

  it('bridges a gap (documented repair) and lists it with its line', () => {
    const trace = parse('timestamp,value\n0,1\n60,1\n120,1\n300,1\n360,1\n');
    expect(trace.intervalSeconds).toBe(60);
    expect(trace.gaps).toEqual([{ line: 5, fromSeconds: 120, toSeconds: 300 }]);
  });

  it.each([
    ['an empty file', '', 'test.csv: no data rows (expected "timestamp,value")'],
    ['only a header', 'timestamp,value\n', 'test.csv: no data rows (expected "timestamp,value")'],
    [
      'a non-numeric value',
      'timestamp,value\n0,1\n60,abc\n',
      'test.csv line 3: value = "abc", must be a number',
    ],
    ['a negative value', '0,1\n60,-2\n', 'test.csv line 2: value = -2, must be at least 0'],
    [
      'a bad timestamp',
      '0,1\nnoon,2\n',
      'test.csv line 2: timestamp = "noon", must be seconds or an ISO-8601 date-time',
    ],
    [
      'unsorted timestamps',
      'timestamp,value\n0,1\n120,1\n60,1\n',
      "test.csv line 4: timestamp is before line 3's; timestamps must strictly increase",
    ],
    [
      'a duplicate timestamp',
      '0,1\n60,1\n60,2\n',
      "test.csv line 3: timestamp duplicates line 2's; timestamps must strictly increase",
    ],
    ['three fields', '0,1,2\n', 'test.csv line 1: "0,1,2" has 3 fields, must be "timestamp,value"'],
    [
      'mixed timestamp forms',
      '0,1\n2024-01-01T00:00:00Z,1\n',
      'test.csv line 2: timestamp = 2024-01-01T00:00:00Z, must use the same form (seconds or ISO-8601) as the first row',
    ],
    [
      'one row without an interval',
      '0,1\n',
      'test.csv: cannot infer the interval from a single row; pass the interval explicitly',
    ],
  ])('rejects %s', (_what, text, message) => {
    expect(() => parse(text)).toThrow(message);
  });
});
