import { describe, expect, it } from 'vitest';
import { makePod, makePods } from '../../fixtures.js';
import {
  getPerReplicaReplicas,
  getValueReplicas,
  MAX_INT32,
  MAX_INT64,
  saturatingSum,
  type TotalInput,
} from './object-external.js';

const t0 = Date.UTC(2024, 0, 1);
const tolerance = { scaleDown: 0.1, scaleUp: 0.1 };

describe('saturatingSum', () => {
  it.each<[bigint[], bigint]>([
    [[], 0n],
    [[100n, 300n, 500n], 900n],
    [[2n ** 62n, 2n ** 62n], MAX_INT64],
    [[MAX_INT64, 1n], MAX_INT64],
  ])('sum case %#', (values, sum) => {
    expect(saturatingSum(values)).toBe(sum);
  });
});

describe('getValueReplicas', () => {
  const base: TotalInput = {
    currentReplicas: 3,
    pods: makePods(3, t0),
    usageMilli: 20_000n,
    targetMilli: 15_000n,
    tolerance,
  };

  it.each<[string, Partial<TotalInput>, number]>([
    ['ceil(ratio × ready pods)', {}, 4],
    ['within tolerance keeps current', { usageMilli: 16_000n }, 3],
    [
      'only Running and Ready pods count',
      {
        pods: [
          ...makePods(1, t0),
          makePod('x', t0, { ready: { status: false, lastTransitionTime: t0 } }),
        ],
      },
      2,
    ],
    ['from zero: ceil(ratio), no tolerance', { currentReplicas: 0, usageMilli: 15_000n }, 1],
    ['from zero with nothing to do: 0', { currentReplicas: 0, usageMilli: 0n }, 0],
    ['a zero value scales to zero', { usageMilli: 0n }, 0],
    ['saturates at 2^31 − 1', { usageMilli: MAX_INT64, targetMilli: 1n }, MAX_INT32],
  ])('%s', (_name, extra, replicas) => {
    expect(getValueReplicas({ ...base, ...extra })).toMatchObject({ ok: true, replicas });
  });

  it('fails without pods (outside tolerance)', () => {
    expect(getValueReplicas({ ...base, pods: [] })).toMatchObject({ ok: false });
  });
});

describe('getPerReplicaReplicas', () => {
  it.each<[string, number, bigint, bigint, number, bigint]>([
    ['outside tolerance: ceil(value / target)', 3, 8_600n, 2_150n, 4, 2_867n],
    ['within tolerance: status replicas', 4, 8_600n, 2_200n, 4, 2_150n],
    ['from zero replicas: still ceil(value / target)', 0, 8_600n, 2_150n, 4, MAX_INT64],
    ['saturating', 1, MAX_INT64, 1n, MAX_INT32, MAX_INT64],
  ])('%s', (...row) => {
    const [, statusReplicas, usageMilli, targetMilli, replicas, average] = row;
    expect(getPerReplicaReplicas({ statusReplicas, usageMilli, targetMilli, tolerance })).toEqual({
      ok: true,
      replicas,
      usageMilli: average,
    });
  });
});
