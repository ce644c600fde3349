import { describe, expect, it } from 'vitest';
import { stepReason } from './step.js';

describe('stepReason', () => {
  it('records the step, the stable code, the sentence and the count after the step', () => {
    expect(stepReason('clamp', 'TooManyReplicas', '12 is above maxReplicas 10', 10)).toEqual({
      step: 'clamp',
      code: 'TooManyReplicas',
      message: '12 is above maxReplicas 10',
      replicas: 10,
    });
  });
});
