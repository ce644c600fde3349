import { describe, expect, it } from 'vitest';
import { condition, setCondition } from './conditions.js';

describe('setCondition', () => {
  it('replaces a condition of the same type in place and appends new types', () => {
    let list = setCondition([], condition('AbleToScale', true, 'SucceededGetScale', 'read'));
    list = setCondition(list, condition('ScalingActive', false, 'FailedGetResourceMetric', 'x'));
    list = setCondition(list, condition('AbleToScale', true, 'SucceededRescale', 'written'));
    expect(list.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['AbleToScale', 'True', 'SucceededRescale'],
      ['ScalingActive', 'False', 'FailedGetResourceMetric'],
    ]);
  });
});
