import { describe, expect, it } from 'vitest';
import { at, errorContains, int64Json, t0, toPod, toRules } from './hpa-fixtures.js';

describe('hpa-fixtures', () => {
  it('maps a case pod, keeping Go zero time as a very old instant', () => {
    const pod = toPod({
      name: 'p',
      phase: 'Running',
      start_time_s: -1e11,
      ready_condition: { status: 'False', last_transition_time_s: -30 },
      containers: [{ name: 'c', request_milli: 500 }],
      init_containers: [{ name: 'sidecar', request_milli: 50, restart_always: true }],
      pod_level_request_milli: 800,
    });
    expect(pod).toEqual({
      name: 'p',
      phase: 'Running',
      deleted: false,
      startTime: t0 - 1e14,
      ready: { status: false, lastTransitionTime: at(-30) },
      containers: [{ name: 'c', requests: { cpu: 500 } }],
      initContainers: [{ name: 'sidecar', requests: { cpu: 50 }, restartAlways: true }],
      podRequests: { cpu: 800 },
    });
  });

  it('maps unset rules to unset fields', () => {
    expect(toRules(null)).toEqual({
      stabilizationWindowSeconds: null,
      selectPolicy: 'Max',
      policies: null,
      tolerance: null,
    });
  });

  it.each<[bigint, number | string]>([
    [5n, 5],
    [9_223_372_036_854_775_807n, '9223372036854775807'],
  ])('int64Json(%s)', (value, json) => {
    expect(int64Json(value)).toBe(json);
  });

  it('matches error_contains by inclusion', () => {
    expect(errorContains('unable to get metrics: boom', 'boom')).toBe('boom');
    expect(errorContains('other', 'boom')).toBe('other');
  });
});
