import { describe, expect, it } from 'vitest';
import { initialState, type Decision } from '../core/model.js';
import { explainDecision } from './explain.js';

const t0 = Date.UTC(2024, 0, 1);

const decision: Decision = {
  desiredReplicas: 6,
  valid: true,
  reasons: [
    {
      step: 'proposal',
      code: 'MetricProposal',
      message: 'cpu at 120 % of a 70 % target',
      replicas: 7,
    },
    {
      step: 'stabilize',
      code: 'ScaleUpStabilized',
      message: 'lowest recommendation in the last 60 s was 6',
      replicas: 6,
    },
  ],
  conditions: [{ type: 'AbleToScale', status: 'True', reason: 'ScaleUpStabilized', message: 'x' }],
  triggers: [
    { name: 'cpu', type: 'resource', replicas: 7, value: 120, active: true, error: null },
    {
      name: 'queue',
      type: 'rabbitmq',
      replicas: null,
      value: null,
      active: false,
      error: {
        code: 'Unreachable',
        message: 'connect ECONNREFUSED 127.0.0.1:5672',
        retryable: true,
      },
    },
  ],
  state: initialState(),
};

describe('explainDecision', () => {
  it('prints the verdict, every trigger and every step in order', () => {
    expect(explainDecision({ decision, currentReplicas: 4, now: t0 })).toBe(
      [
        '2024-01-01T00:00:00.000Z  scale up 4 → 6 replicas',
        '',
        'Triggers:',
        '  cpu (resource): proposes 7 from value 120, active',
        '  queue (rabbitmq): failed: connect ECONNREFUSED 127.0.0.1:5672 (retryable)',
        '',
        'Steps:',
        '  1. [proposal] MetricProposal → 7: cpu at 120 % of a 70 % target',
        '  2. [stabilize] ScaleUpStabilized → 6: lowest recommendation in the last 60 s was 6',
        '',
        'Conditions:',
        '  AbleToScale=True (ScaleUpStabilized): x',
        '',
      ].join('\n'),
    );
  });

  it.each([
    [3, 4, true, 'scale down 4 → 3 replicas'],
    [4, 4, true, 'stay at 4 replicas'],
    [4, 4, false, 'hold at 4 replicas: the engine could not decide (see steps)'],
  ])('verdict for desired %i from %i (valid %s)', (desired, current, valid, text) => {
    const out = explainDecision({
      decision: { ...decision, desiredReplicas: desired, valid },
      currentReplicas: current,
      now: t0,
    });
    expect(out.split('\n')[0]).toBe(`2024-01-01T00:00:00.000Z  ${text}`);
  });
});
