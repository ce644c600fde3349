import { describe, expect, it } from 'vitest';
import {
  initialState,
  type Condition,
  type Decision,
  type ScalerState,
  type TriggerOutcome,
} from '../../core/model.js';
import { decisionConditions, persistState, shouldWrite, type ScalerStatus } from './status.js';

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

describe('shouldWrite', () => {
  const t0 = Date.UTC(2024, 0, 1);
  const status = (state: Partial<ScalerState>): ScalerStatus => ({
    observedGeneration: 1,
    reasons: [],
    conditions: [],
    engineState: persistState({ ...initialState(), ...state }),
  });
  const written = status({ lastActiveTime: t0 });
  const check = (next: ScalerStatus, afterMs: number): boolean =>
    shouldWrite({
      previous: written,
      next,
      lastWriteMs: t0,
      now: t0 + afterMs,
      stateWriteSeconds: 60,
    });

  it.each([
    ['nothing changed', 5_000, false, status({ lastActiveTime: t0 })],
    [
      'only lastActiveTime moved (every tick while active)',
      5_000,
      false,
      status({ lastActiveTime: t0 + 5_000 }),
    ],
    ['only lastActiveTime moved', 60_000, true, status({ lastActiveTime: t0 + 60_000 })],
    [
      'a scale event',
      5_000,
      true,
      status({
        lastActiveTime: t0,
        scaleUpEvents: [{ change: 1, timestamp: t0 + 5_000, outdated: false }],
      }),
    ],
    [
      'a failure counter',
      5_000,
      true,
      status({ lastActiveTime: t0, triggerHealth: { load: { failures: 1 } } }),
    ],
  ])('%s, %i ms after the last write → write %s', (_what, afterMs, expected, next) => {
    expect(check(next, afterMs)).toBe(expected);
  });
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
