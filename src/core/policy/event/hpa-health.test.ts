import { describe, expect, it } from 'vitest';
import { hpaActiveAfter, hpaHealth, type HpaActiveCondition } from './hpa-health.js';

const previous: HpaActiveCondition = {
  status: 'False',
  reason: 'HPAMetricsUnavailable',
  message: 'metrics not available',
};

const active = [{ type: 'ScalingActive', status: 'True', reason: '', message: '' }];

describe('hpaActiveAfter', () => {
  it.each([
    ['read error keeps the previous condition', { readError: true, conditions: null }, previous],
    ['no ScalingActive yet keeps it', { readError: false, conditions: [] }, previous],
    [
      'an observed healthy HPA replaces it',
      { readError: false, conditions: active },
      { status: 'True', reason: 'HPAActive', message: 'HPA is actively scaling' },
    ],
  ] as const)('%s', (_name, read, want) => {
    const health = hpaHealth({ hpaName: 'my-hpa', ...read });
    expect(hpaActiveAfter(previous, health)).toEqual(want);
  });

  it('stays unset when never observed', () => {
    expect(
      hpaActiveAfter(null, hpaHealth({ hpaName: null, readError: false, conditions: null })),
    ).toBeNull();
  });
});
