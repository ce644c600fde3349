import { describe, expect, it } from 'vitest';
import { decodeHttpValue, httpSchema, parseValuePath, valueAtPath } from './http.js';

describe('parseValuePath', () => {
  it.each([
    ['value', ['value']],
    ['data.items[0].value', ['data', 'items', 0, 'value']],
    ['["queue.depth"]', ['queue.depth']],
    ['[2].count', [2, 'count']],
    ['stats["a \\"b\\""].n', ['stats', 'a "b"', 'n']],
    ['a-b.c_d', ['a-b', 'c_d']],
  ])('%s', (path, segments) => {
    expect(parseValuePath(path)).toEqual(segments);
  });

  it.each([[''], ['.a'], ['a..b'], ['a[x]'], ['a[0'], ['a b']])(
    'rejects %j with a message',
    (path) => {
      expect(typeof parseValuePath(path)).toBe('string');
    },
  );
});

describe('valueAtPath / decodeHttpValue', () => {
  const body = {
    data: {
      items: [{ value: '42.5' }, { value: 7 }, { value: '1k' }, { value: '500m' }],
      'queue.depth': 3,
      flag: true,
      none: null,
      nan: 'NaN',
      word: 'ten',
    },
  };
  it.each([
    ['data.items[0].value', 42_500],
    ['data.items[1].value', 7000],
    ['data.items[2].value', 1_000_000],
    ['data.items[3].value', 500],
    ['data["queue.depth"]', 3000],
  ])('%s → %d milli', (path, milli) => {
    expect(decodeHttpValue(body, path)).toBe(milli);
  });

  it.each([
    ['data.items[4].value', 'BadQuery'],
    ['data.nan', 'BadValue'],
    ['data.word', 'BadValue'],
    ['data.missing', 'BadQuery'],
    ['data.items.value', 'BadQuery'],
    ['data.flag', 'BadValue'],
    ['data.none', 'BadValue'],
    ['data.items', 'BadValue'],
  ])('%s fails with %s, naming the path', (path, code) => {
    expect(() => decodeHttpValue(body, path)).toThrow(
      expect.objectContaining({ code, message: expect.stringContaining(path) }),
    );
  });

  it('does not walk into inherited properties', () => {
    expect(valueAtPath({}, ['constructor'])).toBeUndefined();
  });
});

describe('httpSchema', () => {
  it('reports a bad path with its value', () => {
    const issue = httpSchema.safeParse({ url: 'http://x/m', valuePath: 'a..b' }).error?.issues[0];
    expect(issue?.path).toEqual(['valuePath']);
    expect(issue?.message).toContain('valuePath = "a..b": cannot parse at "..b"');
  });
  it('applies defaults', () => {
    expect(httpSchema.parse({ url: 'https://x/m', valuePath: 'v' })).toEqual({
      url: 'https://x/m',
      valuePath: 'v',
      timeoutMs: 5000,
    });
  });
});
