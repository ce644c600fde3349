import { describe, expect, it } from 'vitest';
import {
  decodePrometheus,
  decodePrometheusRange,
  prometheusSchema,
  reduceValues,
} from './prometheus.js';

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
    ['single', ['2.5'], 2500],
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

  // KEDA's prometheus scaler: "prometheus query ... returned multiple elements" (TestPrometheus-
  // ScalerExecutePromQuery, "multiple results"); `tide import` writes reduce: single.
  it('fails with reduce single on more than one series, naming the count', () => {
    expect(() => decodePrometheus(vector('1', '2'), { query: 'q', reduce: 'single' })).toThrow(
      expect.objectContaining({
        code: 'BadQuery',
        message: expect.stringContaining('prometheus query "q": returned 2 series'),
      }),
    );
  });

  it('never reads an empty result as zero', () => {
    expect(() => reduceValues([], 'sum')).toThrow();
  });
});

describe('decodePrometheusRange', () => {
  const t0 = Date.UTC(2024, 0, 1) / 1000;
  const matrix = (...series: (readonly (readonly [number, string])[])[]) => ({
    status: 'success',
    data: {
      resultType: 'matrix',
      result: series.map((values, i) => ({ metric: { pod: `p${i}` }, values })),
    },
  });
  const a = [
    [t0, '1'],
    [t0 + 60, '2.5'],
    [t0 + 120, '4'],
  ] as const;
  const b = [
    [t0, '3'],
    [t0 + 120, '0.5'],
  ] as const;
  const points = (...pairs: [number, number][]) =>
    pairs.map(([dt, value]) => ({ time: (t0 + dt) * 1000, value }));

  it.each([
    ['sum', [a], points([0, 1], [60, 2.5], [120, 4])],
    ['sum', [a, b], points([0, 4], [60, 2.5], [120, 4.5])],
    ['max', [a, b], points([0, 3], [60, 2.5], [120, 4])],
    ['min', [a, b], points([0, 1], [60, 2.5], [120, 0.5])],
    ['avg', [a, b], points([0, 2], [60, 2.5], [120, 2.25])],
    ['first', [b, a], points([0, 3], [60, 2.5], [120, 0.5])],
    ['single', [a], points([0, 1], [60, 2.5], [120, 4])],
    ['sum', [[[t0 + 0.5, '0.001']]], [{ time: t0 * 1000 + 500, value: 0.001 }]],
    ['sum', [], []],
  ] as const)('reduces per instant with %s: %j', (reduce, series, expected) => {
    expect(decodePrometheusRange(matrix(...series), { query: 'q', reduce })).toEqual(expected);
  });

  it('fails with reduce single on more than one series', () => {
    expect(() => decodePrometheusRange(matrix(a, b), { query: 'q', reduce: 'single' })).toThrow(
      expect.objectContaining({ code: 'BadQuery', message: expect.stringContaining('2 series') }),
    );
  });

  it.each([
    ['NaN', [[t0, 'NaN']]],
    ['+Inf', [[t0, '+Inf']]],
    ['-Inf', [[t0, '-Inf']]],
    ['negative', [[t0, '-2']]],
  ] as const)('skips a %s value (no history, never zero)', (_name, bad) => {
    const good = [[t0 + 60, '7']] as const;
    expect(decodePrometheusRange(matrix([...bad, ...good]), { query: 'q', reduce: 'sum' })).toEqual(
      points([60, 7]),
    );
    expect(decodePrometheusRange(matrix(bad, a), { query: 'q', reduce: 'sum' })[0]).toEqual({
      time: t0 * 1000,
      value: 1,
    });
  });

  it('sorts the instants oldest first', () => {
    const late = [[t0 + 120, '9']] as const;
    const early = [[t0, '8']] as const;
    expect(decodePrometheusRange(matrix(late, early), { query: 'q', reduce: 'sum' })).toEqual(
      points([0, 8], [120, 9]),
    );
  });

  it.each([
    [
      vector('1'),
      'BadQuery',
      'prometheus range query "q": returned a vector, must return a matrix',
    ],
    [
      { status: 'success', data: { resultType: 'scalar', result: [t0, '1'] } },
      'BadQuery',
      'prometheus range query "q": returned a scalar, must return a matrix',
    ],
    [
      {
        status: 'success',
        data: { resultType: 'matrix', result: [{ metric: {}, value: [t0, '1'] }] },
      },
      'BadValue',
      'prometheus range query "q": unexpected matrix shape',
    ],
    [
      { status: 'error', error: 'bad' },
      'BadValue',
      'prometheus range query "q": unexpected response shape',
    ],
  ])('fails on %j with %s', (body, code, message) => {
    expect(() => decodePrometheusRange(body, { query: 'q', reduce: 'sum' })).toThrow(
      expect.objectContaining({ code, message }),
    );
  });
});
