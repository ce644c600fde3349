import { describe, expect, it } from 'vitest';
import { runKpaCases } from './kpa.js';

const spec = {
  scaling_metric: 'concurrency',
  target_value: 10,
  total_value: 10 / 0.75,
  target_burst_capacity: 100,
  panic_threshold: 2,
  max_scale_up_rate: 10,
  max_scale_down_rate: 10,
  activator_capacity: 150,
  stable_window_s: 60,
  scale_down_delay_s: 0,
  reachable: true,
  activation_scale: 0,
  initial_scale: 0,
};

const autoscalerCase = (expect: Record<string, unknown>): Record<string, unknown> => ({
  id: 'x-1',
  decider_spec: spec,
  creation: { ready_pods: 1, ready_pods_error: false, constructor: 'newAutoscaler' },
  epoch_unix_s_at_t0: null,
  steps: [
    {
      t_s: 0,
      ready_pods: 1,
      ready_pods_error: null,
      observed_stable: 50,
      observed_panic: 50,
      metrics_error: null,
      expect,
    },
  ],
});

const probeCase = (result: unknown): Record<string, unknown> => ({
  id: 'z-1',
  config: {
    enable_scale_to_zero: true,
    scale_to_zero_grace_period_s: 60,
    stable_window_s: 300,
    scale_to_zero_pod_retention_period_s: 0,
    progress_deadline_s: 121,
    activation_timeout_buffer_s: 30,
    initial_scale: 1,
    allow_zero_initial_scale: false,
    min_scale: 0,
    max_scale: 0,
    target_burst_capacity: 200,
  },
  input: {
    current_replicas: 1,
    desired_scale_from_decider: 0,
    pa: {
      annotations: {},
      reachability: '(unset)',
      active_condition: { status: 'False', last_transition_time_s: -60 },
      scale_target_initialized: false,
    },
    sks: { mode: 'Serve', activator_in_path_for_s: null },
    activator_probe: { result, error: null },
  },
  expected: { returned_scale: 0, scale_applied: true },
});

describe('runKpaCases', () => {
  it.each([
    ['exact match passes', { desired_pod_count: 5, excess_burst_capacity: -137 }, 'pass'],
    [
      'EBC off by one passes with tolerance',
      { excess_burst_capacity: -136, excess_burst_capacity_tolerance: 1 },
      'pass',
    ],
    ['EBC off by one fails without tolerance', { excess_burst_capacity: -136 }, 'fail'],
    [
      'EBC off by two fails with tolerance',
      { excess_burst_capacity: -135, excess_burst_capacity_tolerance: 1 },
      'fail',
    ],
    ['a wrong count fails', { desired_pod_count: 6 }, 'fail'],
    ['panic start is compared (50 / 10 over 1 pod panics at 0)', { panic_start_t_s: null }, 'fail'],
  ] as const)('%s', (...[, expect_, status]) => {
    const [result] = runKpaCases({ autoscaler: [autoscalerCase(expect_)] });
    expect(result?.status).toBe(status);
    expect(result?.diff.length === 0).toBe(status === 'pass');
  });

  it('a wrong count names the field, the expected and the actual value', () => {
    const [result] = runKpaCases({ autoscaler: [autoscalerCase({ desired_pod_count: 6 })] });
    expect(result?.diff).toEqual(['steps[0].expect.desired_pod_count: expected 6, got 5']);
  });

  it('a probe that must not be called fails the case when called', () => {
    const [called] = runKpaCases({ scale_to_zero: [probeCase('must_not_be_called')] });
    expect(called?.status).toBe('fail');
    expect(called?.diff.join('\n')).toMatch(/must not be called/);
    const [probed] = runKpaCases({ scale_to_zero: [probeCase(true)] });
    expect(probed?.status).toBe('pass');
  });

  it('a malformed case fails with a message naming the case and the key', () => {
    const [result] = runKpaCases({ target_resolution: [{ id: 'bad', config: {}, input: {} }] });
    expect(result?.status).toBe('fail');
    expect(result?.message).toMatch(/running case bad: container_concurrency = undefined/);
  });

  it('reports upstream-skipped cases apart', () => {
    const c = { ...autoscalerCase({ desired_pod_count: 5 }), upstream_skipped: true };
    expect(runKpaCases({ autoscaler: [c] })[0]?.upstreamSkipped).toBe(true);
  });
});
