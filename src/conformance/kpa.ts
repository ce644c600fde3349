/**
 * Conformance runner for `knative-kpa` case files (FORMAT.md §4): decider `Scale` sequences,
 * decider creation, the reconciler's scale-to-zero gate, target and window resolution. Only the
 * `expected` / `steps[*].expect` fields are compared; EBC within ±1 where the case says so.
 *
 * @module
 */
import { createDecider } from '../core/policy/kpa/create.js';
import { scale } from '../core/policy/kpa/scale.js';
import { reconcileScale, type Reachability } from '../core/policy/kpa/scale-to-zero.js';
import { resolveMetricTarget } from '../core/policy/kpa/target.js';
import type { DeciderSpec, DeciderState, ReadyPods } from '../core/policy/kpa/types.js';
import { resolveWindows } from '../core/policy/kpa/windows.js';
import { diffExpected, type CaseFileRunner, type CaseResult } from './result.js';

type Json = Record<string, unknown>;

interface KpaCase extends Json {
  readonly id: string;
  readonly upstream_skipped?: boolean;
}

/** t_s = 0 when a case gives no absolute epoch (only delay-window bucketing needs one). */
const defaultEpochSeconds = Date.UTC(2024, 0, 1) / 1000;

const num = (o: Json, key: string): number => {
  const v = o[key];
  if (typeof v !== 'number') throw new Error(`${key} = ${JSON.stringify(v)}, must be a number`);
  return v;
};
const obj = (o: Json, key: string): Json => {
  const v = o[key];
  if (v === null || typeof v !== 'object') {
    throw new Error(`${key} = ${JSON.stringify(v)}, must be an object`);
  }
  return v as Json;
};
const strings = (o: Json, key: string): Record<string, string> =>
  (o[key] ?? {}) as Record<string, string>;

function deciderSpec(j: Json): DeciderSpec {
  return {
    scalingMetric: j.scaling_metric === 'rps' ? 'rps' : 'concurrency',
    targetValue: num(j, 'target_value'),
    totalValue: num(j, 'total_value'),
    targetBurstCapacity: num(j, 'target_burst_capacity'),
    panicThreshold: num(j, 'panic_threshold'),
    maxScaleUpRate: num(j, 'max_scale_up_rate'),
    maxScaleDownRate: num(j, 'max_scale_down_rate'),
    stableWindowSeconds: num(j, 'stable_window_s'),
    scaleDownDelaySeconds: num(j, 'scale_down_delay_s'),
    reachable: j.reachable === true,
    activationScale: num(j, 'activation_scale'),
    initialScale: num(j, 'initial_scale'),
  };
}

function readyPods(step: Json): ReadyPods {
  if (step.ready_pods_error === 'error') return 'error';
  if (step.ready_pods_error === 'not_found') return 'not-found';
  return num(step, 'ready_pods');
}

/** Expected values with EBC tolerance folded into the actual value. */
function withTolerance(expect: Json, actual: Json): { expected: Json; actual: Json } {
  const { excess_burst_capacity_tolerance: tolerance, ...expected } = expect;
  if (typeof tolerance !== 'number') return { expected, actual };
  const want = expected.excess_burst_capacity;
  const got = actual.excess_burst_capacity;
  if (typeof want === 'number' && typeof got === 'number' && Math.abs(want - got) <= tolerance) {
    return { expected, actual: { ...actual, excess_burst_capacity: want } };
  }
  return { expected, actual };
}

interface StepRun {
  readonly spec: DeciderSpec;
  readonly state: DeciderState;
}

function runStep(run: StepRun, step: Json, epochMs: number): StepRun & { actual: Json } {
  const spec = step.spec_update === undefined ? run.spec : deciderSpec(obj(step, 'spec_update'));
  let state = run.state;
  if (step.state_override !== undefined) {
    const o = obj(step, 'state_override');
    state = {
      ...state,
      panicTime: epochMs + num(o, 'panic_time_s') * 1000,
      maxPanicPods: num(o, 'max_panic_pods'),
    };
  }
  const observed =
    step.metrics_error === 'error'
      ? null
      : { stable: num(step, 'observed_stable'), panic: num(step, 'observed_panic') };
  const now = epochMs + num(step, 't_s') * 1000;
  const out = scale({ spec, state, now, readyPods: readyPods(step), observed });
  const panicTime = out.state.panicTime;
  return {
    spec,
    state: out.state,
    actual: {
      scale_valid: out.result.scaleValid,
      desired_pod_count: out.result.desiredPodCount,
      excess_burst_capacity: out.result.excessBurstCapacity,
      panic_start_t_s: panicTime === null ? null : (panicTime - epochMs) / 1000,
    },
  };
}

function autoscalerCase(c: KpaCase): string[] {
  const epochMs =
    (typeof c.epoch_unix_s_at_t0 === 'number' ? c.epoch_unix_s_at_t0 : defaultEpochSeconds) * 1000;
  const creation = obj(c, 'creation');
  const spec = deciderSpec(obj(c, 'decider_spec'));
  let run: StepRun = {
    spec,
    state: createDecider({
      spec,
      readyPods: creation.ready_pods_error === true ? 'error' : num(creation, 'ready_pods'),
      now: epochMs,
      withDelayWindow: !String(creation.constructor).startsWith('newAutoscaler'),
    }),
  };
  const steps = (c.steps ?? []) as Json[];
  return steps.flatMap((step, i) => {
    const next = runStep(run, step, epochMs);
    run = next;
    const { expected, actual } = withTolerance(obj(step, 'expect'), next.actual);
    return diffExpected(expected, actual, `steps[${i}].expect`);
  });
}

function creationCase(c: KpaCase): string[] {
  const input = obj(c, 'input');
  const state = createDecider({
    spec: deciderSpec(obj(c, 'decider_spec')),
    readyPods: input.ready_pods_error === true ? 'error' : num(input, 'ready_pods'),
    now: 0,
  });
  const actual = { starts_in_panic: state.panicTime !== null, max_panic_pods: state.maxPanicPods };
  return diffExpected(c.expected, actual, 'expected');
}

function reachability(value: unknown): Reachability {
  return value === 'Reachable' || value === 'Unreachable' || value === 'Unknown' ? value : '';
}

function scalerConfig(cfg: Json): Parameters<typeof reconcileScale>[0]['config'] {
  return {
    enableScaleToZero: cfg.enable_scale_to_zero === true,
    scaleToZeroGracePeriodSeconds: num(cfg, 'scale_to_zero_grace_period_s'),
    stableWindowSeconds: num(cfg, 'stable_window_s'),
    scaleToZeroPodRetentionSeconds: num(cfg, 'scale_to_zero_pod_retention_period_s'),
    progressDeadlineSeconds: num(cfg, 'progress_deadline_s'),
    activationTimeoutBufferSeconds: num(cfg, 'activation_timeout_buffer_s'),
    initialScale: num(cfg, 'initial_scale'),
    allowZeroInitialScale: cfg.allow_zero_initial_scale === true,
    minScale: num(cfg, 'min_scale'),
    maxScale: num(cfg, 'max_scale'),
    targetBurstCapacity: num(cfg, 'target_burst_capacity'),
  };
}

function scaleToZeroCase(c: KpaCase): string[] {
  const input = obj(c, 'input');
  const pa = obj(input, 'pa');
  const active = obj(pa, 'active_condition');
  const sks = obj(input, 'sks');
  const probe = obj(input, 'activator_probe');
  let probeCalls = 0;
  const result = reconcileScale({
    config: scalerConfig(obj(c, 'config')),
    pa: {
      annotations: strings(pa, 'annotations'),
      reachability: reachability(pa.reachability),
      active: {
        status: active.status as 'True' | 'False' | 'Unknown',
        lastTransitionTime: num(active, 'last_transition_time_s') * 1000,
      },
      scaleTargetInitialized: pa.scale_target_initialized === true,
    },
    desiredScale: num(input, 'desired_scale_from_decider'),
    currentReplicas: num(input, 'current_replicas'),
    now: 0,
    sks: {
      mode: sks.mode === 'Proxy' ? 'Proxy' : 'Serve',
      proxyForSeconds:
        typeof sks.activator_in_path_for_s === 'number' ? sks.activator_in_path_for_s : 0,
    },
    probeActivator: () => {
      probeCalls++;
      return probe.result === true;
    },
  });
  const actual = {
    returned_scale: result.scale,
    scale_applied: result.applied,
    applied_replicas: result.applied ? result.scale : null,
    requeue_callbacks: result.requeueAfterSeconds === null ? 0 : 1,
    async_probes_started: result.startAsyncProbe ? 1 : 0,
  };
  const diff = diffExpected(c.expected, actual, 'expected');
  if (probe.result === 'must_not_be_called' && probeCalls > 0) {
    diff.push(`activator_probe: must not be called, was called ${probeCalls} time(s)`);
  }
  return diff;
}

function targetCase(c: KpaCase): string[] {
  const cfg = obj(c, 'config');
  const input = obj(c, 'input');
  const actual = resolveMetricTarget({
    containerConcurrency: num(input, 'container_concurrency'),
    annotations: strings(input, 'annotations'),
    config: {
      containerConcurrencyTargetFraction: num(cfg, 'container_concurrency_target_percentage'),
      containerConcurrencyTargetDefault: num(cfg, 'container_concurrency_target_default'),
      rpsTargetDefault: num(cfg, 'requests_per_second_target_default'),
      targetUtilization: num(cfg, 'target_utilization'),
    },
  });
  return diffExpected(c.expected, actual, 'expected');
}

function windowsCase(c: KpaCase): string[] {
  const cfg = obj(c, 'config');
  const windows = resolveWindows(strings(obj(c, 'input'), 'annotations'), {
    stableWindowSeconds: num(cfg, 'stable_window_s'),
    panicWindowPercentage: num(cfg, 'panic_window_percentage'),
  });
  // A null expectation means "not asserted by that upstream test".
  const expected = Object.fromEntries(
    Object.entries(obj(c, 'expected')).filter(([, v]) => v !== null),
  );
  const actual = {
    stable_window_s: windows.stableWindowSeconds,
    panic_window_s: windows.panicWindowSeconds,
  };
  return diffExpected(expected, actual, 'expected');
}

const groups: Readonly<Record<string, (c: KpaCase) => string[]>> = {
  autoscaler: autoscalerCase,
  autoscaler_creation: creationCase,
  scale_to_zero: scaleToZeroCase,
  target_resolution: targetCase,
  windows: windowsCase,
};

function runOne(group: string, c: KpaCase, run: (c: KpaCase) => string[]): CaseResult {
  const common = {
    id: c.id,
    group,
    upstreamSkipped: c.upstream_skipped === true,
    conditional: false,
  };
  try {
    const diff = run(c);
    return { ...common, status: diff.length === 0 ? 'pass' : 'fail', diff };
  } catch (e) {
    const message = `running case ${c.id}: ${e instanceof Error ? e.message : String(e)}`;
    return { ...common, status: 'fail', diff: [], message };
  }
}

/** Runs every case of a `knative-kpa` case file. */
export const runKpaCases: CaseFileRunner = (file) => {
  const f = file as Json;
  return Object.entries(groups).flatMap(([group, run]) =>
    ((f[group] ?? []) as KpaCase[]).map((c) => runOne(group, c, run)),
  );
};
