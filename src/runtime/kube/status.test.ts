import { describe, expect, it } from 'vitest';
import {
  initialState,
  type Condition,
  type Decision,
  type TriggerOutcome,
} from '../../core/model.js';
import { decisionConditions } from './status.js';

const decision = (conditions: readonly Condition[]): Decision => ({
  desiredReplicas: 6,
  valid: false,
  reasons: [],
  conditions,
  triggers: [],
  state: initialState(),
});

describe('decisionConditions', () => {
  it('lets an engine condition replace the controller’s of the same type: each type once (the API server refuses duplicates)', () => {
    const engine: Condition[] = [
      { type: 'Active', status: 'True', reason: 'ScalerActive', message: 'KEDA: active' },
      { type: 'Fallback', status: 'True', reason: 'FallbackExists', message: 'falling back' },
      { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: '' },
    ];
    const list = decisionConditions(decision(engine), { fallbackThreshold: 3, failures: 4 });
    expect(list.map((c) => c.type)).toEqual(['Ready', 'Active', 'Fallback', 'ScalingActive']);
    expect(list.find((c) => c.type === 'Fallback')?.message).toBe('falling back');
    expect(list.find((c) => c.type === 'Active')?.message).toBe('KEDA: active');
  });

  it.each([
    [3, 'False'],
    [4, 'True'],
  ])(
    'without an engine Fallback: %i failures against a threshold of 3 → Fallback %s (strictly more, as KEDA)',
    (failures, status) => {
      const list = decisionConditions(decision([]), { fallbackThreshold: 3, failures });
      expect(list.find((c) => c.type === 'Fallback')?.status).toBe(status);
    },
  );
});

describe('the Ready condition', () => {
  const failingTrigger: TriggerOutcome = {
    name: 'load',
    type: 'prometheus',
    replicas: null,
    value: null,
    active: false,
    error: { code: 'Unavailable', message: 'connect ECONNREFUSED 127.0.0.1:9090', retryable: true },
  };

  it.each([
    [true, 'True', 'the scaler decides, but a trigger fails: load: connect ECONNREFUSED'],
    [false, 'False', 'load: connect ECONNREFUSED'],
  ])('valid %s with a failing trigger → Ready %s naming the failure', (valid, status, text) => {
    const d = { ...decision([]), valid, triggers: [failingTrigger] };
    const ready = decisionConditions(d, { fallbackThreshold: 3, failures: 4 })[0];
    expect(ready?.status).toBe(status);
    expect(ready?.message).toContain(text);
  });

  it('a read served by the fallback (no error left in the decision) is named from the observation', () => {
    const ready = decisionConditions(
      { ...decision([]), valid: true },
      {
        fallbackThreshold: 3,
        failures: 4,
        readErrors: ['load: connect ECONNREFUSED 127.0.0.1:9090'],
      },
    )[0];
    expect(ready?.status).toBe('True');
    expect(ready?.message).toBe(
      'the scaler decides, but a trigger fails: load: connect ECONNREFUSED 127.0.0.1:9090',
    );
  });
});
