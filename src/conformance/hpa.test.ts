import { describe, expect, it } from 'vitest';
import { runHpaCaseFile } from './hpa.js';

const clamp = (replicas: number, extra: Record<string, unknown> = {}) => ({
  id: 'clamp',
  function: 'convertDesiredReplicasWithRules',
  input: {
    current_replicas: 3,
    desired_replicas: 1000,
    min_replicas: 1,
    max_replicas: 2000,
    scale_up_limit_factor: 2,
    scale_up_limit_minimum: 4,
  },
  expected: { replicas, limiting_reason: 'ScaleUpLimit' },
  ...extra,
});

const groupCase = {
  id: 'group',
  function: 'groupPods',
  input: {
    resource: 'cpu',
    cpu_initialization_period_s: 120,
    delay_of_initial_readiness_status_s: 10,
    pods: [
      { name: 'gone', phase: 'Failed', deleted: false, start_time_s: null, ready_condition: null },
    ],
    metrics: [],
  },
  expected: { ready_count: 0, unready: [], missing: [], ignored: ['gone'] },
};

const requestCase = {
  id: 'req',
  function: 'calculateRequests',
  input: {
    container: null,
    pod_level_resources_feature_enabled: false,
    resource: 'cpu',
    pods: [{ name: 'p', phase: 'Running', containers: [{ name: 'a', request_milli: null }] }],
  },
  expected: { error_contains: 'missing request for cpu' },
};

const externalCase = {
  id: 'ext',
  function: 'GetExternalMetricReplicas',
  input: {
    current_replicas: 3,
    tolerance: { scale_down: 0.1, scale_up: 0.1 },
    cpu_initialization_period_s: 120,
    delay_of_initial_readiness_status_s: 10,
    target: { type: 'Value', value_milli: '9223372036854775807' },
    pods: [],
    external_metric_values_milli: ['4611686018427387904', '4611686018427387904'],
  },
  expected: { replicas: 3, usage_milli: '9223372036854775807' },
};

const controllerCase = {
  id: 'ctrl',
  function: 'reconcileAutoscaler',
  controller_config: {
    tolerance: { scale_down: 0.1, scale_up: 0.1 },
    downscale_stabilization_s: 300,
    cpu_initialization_period_s: 120,
    delay_of_initial_readiness_status_s: 10,
    legacy_scale_up_limit_factor: 8,
    legacy_scale_up_limit_minimum: 4,
  },
  input: {
    hpa: {
      min_replicas: 3,
      max_replicas: 5,
      metrics: [{ type: 'CheddarCheese' }],
      behavior: null,
    },
    scale: { spec_replicas: 0, status_replicas: 0, target_kind: 'Deployment' },
    pods: [],
    pod_resource_metrics: [],
    pod_custom_metrics: [],
    object_metric_milli: null,
    external_metric_values_milli: [],
    metric_fetch_failures: [],
    controller_state: { recommendations: null, scale_up_events: [], scale_down_events: [] },
  },
  expected: {
    desired_replicas: 0,
    rescaled: false,
    conditions: [
      { type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale' },
      { type: 'ScalingActive', status: 'False', reason: 'ScalingDisabled' },
    ],
  },
};

describe('runHpaCaseFile', () => {
  it('runs controller cases through decide', () => {
    const [r] = runHpaCaseFile({ controller: [controllerCase] });
    expect(r).toMatchObject({ id: 'ctrl', group: 'controller', status: 'pass', diff: [] });
  });

  it('runs every case kind and compares only the expected fields', () => {
    const results = runHpaCaseFile({
      replica_calculator: {
        calculator_cases: [externalCase],
        group_pods_cases: [groupCase],
        request_cases: [requestCase],
      },
      behavior: [clamp(6)],
    });
    expect(results.map((r) => [r.id, r.group, r.status, r.diff])).toEqual([
      ['ext', 'calculator', 'pass', []],
      ['group', 'group_pods', 'pass', []],
      ['req', 'requests', 'pass', []],
      ['clamp', 'behavior', 'pass', []],
    ]);
  });

  it('reports a differing field as a readable diff and keeps upstream_skipped apart', () => {
    const [r] = runHpaCaseFile({ behavior: [clamp(24, { upstream_skipped: true })] });
    expect(r).toMatchObject({
      status: 'fail',
      upstreamSkipped: true,
      diff: ['replicas: expected 24, got 6'],
    });
  });

  it('turns an unknown function into a failure naming the case, not an exception', () => {
    const [r] = runHpaCaseFile({ behavior: [{ ...clamp(6), function: 'frobnicate' }] });
    expect(r?.status).toBe('fail');
    expect(r?.message).toBe(
      'running case clamp: function = "frobnicate", not an HPA behavior function',
    );
  });
});
