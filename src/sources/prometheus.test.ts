import { describe, expect, it } from 'vitest';
import { decodePrometheus, prometheusSchema, reduceValues } from './prometheus.js';

const vector = (...values: string[]) => ({
  status: 'success',
  data: {
    resultType: 'vector',
    result: values.map((v, i) => ({ metric: { pod: `p${i}` }, value: [1_704_067_200 + i, v] })),
  },
});

describe('prometheusSchema', () => {
  it('applies defaults', () => {
    expect(prometheusSchema.parse({ serverAddress: 'http://p:9090', query: 'up' })).toEqual({
      serverAddress: 'http://p:9090',
      query: 'up',
      reduce: 'sum',
      timeoutMs: 5000,
    });
  });

  it.each([
    [{ query: 'up' }, 'serverAddress'],
    [{ serverAddress: 'ftp://p', query: 'up' }, 'serverAddress'],
    [{ serverAddress: 'http://p', query: '' }, 'query'],
    [{ serverAddress: 'http://p', query: 'up', reduce: 'median' }, 'reduce'],
    [{ serverAddress: 'http://p', query: 'up', password: { fromEnv: 'P' } }, 'password'],
    [{ serverAddress: 'http://p', query: 'up', password: 's3cret' }, 'password'],
    [{ serverAddress: 'http://p', query: 'up', timeoutMs: 0 }, 'timeoutMs'],
    [
      { serverAddress: 'http://p', query: 'up', bearerToken: { fromEnv: 'T' }, username: 'u' },
      'bearerToken',
    ],
  ])('rejects %j at %s', (config, path) => {
    const result = prometheusSchema.safeParse(config);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});

describe('decodePrometheus', () => {
  it.each([
    ['sum', ['1', '2.5', '4'], 7500],
    ['max', ['1', '2.5', '4'], 4000],
    ['min', ['1', '2.5', '4'], 1000],
    ['avg', ['1', '2.5', '4'], 2500],
    ['first', ['1', '2.5', '4'], 1000],
    ['sum', ['0'], 0],
  ] as const)('reduces a vector with %s: %j → %d', (reduce, values, milli) => {
    expect(decodePrometheus(vector(...values), { query: 'q', reduce })).toEqual({
      timestamp: (1_704_067_200 + values.length - 1) * 1000,
      valuesMilli: [milli],
    });
  });

  it('reads a scalar', () => {
    const body = {
      status: 'success',
      data: { resultType: 'scalar', result: [1_704_067_200.5, '12'] },
    };
    expect(decodePrometheus(body, { query: 'q', reduce: 'sum' })).toEqual({
      timestamp: 1_704_067_200_500,
      valuesMilli: [12_000],
    });
  });

  it.each([
    [vector(), 'NoData', 'prometheus query "q": returned an empty vector (no matching series)'],
    [vector('NaN'), 'BadValue', 'prometheus query "q": got "NaN", expected a finite number'],
    [vector('+Inf'), 'BadValue', 'prometheus query "q": got "+Inf", expected a finite number'],
    [
      { status: 'success', data: { resultType: 'matrix', result: [] } },
      'BadQuery',
      'prometheus query "q": returned a matrix, must return a scalar or an instant vector',
    ],
    [
      { status: 'error', error: 'boom' },
      'BadValue',
      'prometheus query "q": unexpected response shape',
    ],
  ])('fails on %j with %s', (body, code, message) => {
    expect(() => decodePrometheus(body, { query: 'q', reduce: 'sum' })).toThrow(
      expect.objectContaining({ code, message }),
    );
  });

  it('never reads an empty result as zero', () => {
    expect(() => reduceValues([], 'sum')).toThrow();
  });
});
