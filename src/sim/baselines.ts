/**
 * The baselines (DESIGN.md, "The simulator"): plain ScalerSpecs run through the same engine as
 * production. Targets that depend on the service (request-rate triggers) are set from the
 * engine's view of the service (one replica serves REPLICA_CAPACITY_RPS = 100 req/s at full
 * capacity) so every policy aims at the same 70 % of a replica.
 *
 * | name | spec |
 * |---|---|
 * | `hpa` | CPU Utilization 70 %, upstream behavior defaults (tolerance 0.1, 300 s scale-down window, up max(+100 %, +4 pods) per 15 s), min 1, max `ceilingReplicas` |
 * | `hpa-fast` | the same with a 0 s scale-down window |
 * | `target-tracking` | `policy: target-tracking` on CPU 70 % (alarm-based, see core/policy/target-tracking.ts) |
 * | `kpa` | `policy: kpa`, Knative defaults on request concurrency (target 100 per replica × 70 %; a replica holds 100 in flight at full capacity), min 0 |
 * | `keda` | a request-rate trigger (AverageValue 70 req/s = 70 % of a replica) with KEDA defaults (min 0, activation 0, cooldown 300 s) but max `ceilingReplicas` (KEDA's default of 100 would cap a trace scaled above it) |
 * | `static-peak` | min = max = peakReplicas |
 * | `naive-predictive` | `hpa` plus a trigger on the required replicas one day earlier at t + startup + one step |
 * | `tide` | the spec a new user gets by default (`{}`), with max `ceilingReplicas` (the default 100 would cap a trace scaled above it) |
 *
 * `ceilingReplicas` = max(1000, 2 × peakReplicas): far above what the simulated service needs, so a
 * comparison is never decided by a cap.
 *
 * @module
 */
import type { ScalerSpec, ScalerSpecInput } from '../core/spec.js';
import { parseSpec } from '../core/spec.js';
import { REPLICA_CAPACITY_RPS } from './observe.js';
import type { SimParams } from './params.js';

export const baselineNames = [
  'hpa',
  'hpa-fast',
  'target-tracking',
  'kpa',
  'keda',
  'static-peak',
  'naive-predictive',
  'tide',
] as const;
export type BaselineName = (typeof baselineNames)[number];

/** Knative's default concurrency target per replica (container-concurrency-target-default). */
const KNATIVE_CONCURRENCY_TARGET = 100;

export interface BaselineContext {
  readonly params: SimParams;
}

const cpu70 = {
  name: 'cpu',
  type: 'resource',
  resource: 'cpu',
  target: { type: 'Utilization', value: 70 },
} as const;

function timing(ctx: BaselineContext): ScalerSpecInput {
  return {
    startupSeconds: Math.min(3600, Math.round(ctx.params.startupSeconds)),
    syncPeriodSeconds: Math.max(1, Math.min(3600, Math.round(ctx.params.stepSeconds))),
  };
}

/** The upper bound of every baseline that scales: one the simulated service never needs. */
export const ceilingReplicas = (ctx: BaselineContext): number =>
  Math.max(1000, 2 * ctx.params.peakReplicas);

/** The other systems' baselines have no prediction. */
const common = (ctx: BaselineContext): ScalerSpecInput => ({
  ...timing(ctx),
  prediction: { mode: 'off' },
});

const inputs: Record<BaselineName, (ctx: BaselineContext) => ScalerSpecInput> = {
  hpa: (ctx) => ({
    ...common(ctx),
    minReplicas: 1,
    maxReplicas: ceilingReplicas(ctx),
    triggers: [cpu70],
  }),
  'hpa-fast': (ctx) => ({
    ...inputs.hpa(ctx),
    behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
  }),
  'target-tracking': (ctx) => ({ ...inputs.hpa(ctx), policy: 'target-tracking' }),
  kpa: (ctx) => ({
    ...common(ctx),
    policy: 'kpa',
    minReplicas: 0,
    maxReplicas: ceilingReplicas(ctx),
    triggers: [
      {
        name: 'concurrency',
        type: 'trace',
        series: 'concurrency',
        target: { type: 'AverageValue', value: KNATIVE_CONCURRENCY_TARGET },
      },
    ],
  }),
  keda: (ctx) => ({
    ...common(ctx),
    minReplicas: 0,
    maxReplicas: ceilingReplicas(ctx),
    triggers: [
      {
        name: 'requests',
        type: 'prometheus',
        query: 'sum(rate(http_requests_total[1m]))',
        target: { type: 'AverageValue', value: 0.7 * REPLICA_CAPACITY_RPS },
        activation: 0,
      },
    ],
  }),
  'static-peak': (ctx) => ({
    ...common(ctx),
    minReplicas: ctx.params.peakReplicas,
    maxReplicas: ctx.params.peakReplicas,
    triggers: [cpu70],
  }),
  'naive-predictive': (ctx) => ({
    ...inputs.hpa(ctx),
    triggers: [
      cpu70,
      {
        name: 'yesterday',
        type: 'trace',
        series: 'required-replicas',
        lookbackSeconds: 86_400,
        leadSeconds: ctx.params.startupSeconds + ctx.params.stepSeconds,
        target: { type: 'AverageValue', value: 1 },
      },
    ],
  }),
  tide: (ctx) => ({ ...timing(ctx), maxReplicas: ceilingReplicas(ctx) }),
};

export function isBaselineName(name: string): name is BaselineName {
  return (baselineNames as readonly string[]).includes(name);
}

/** The baseline's ScalerSpec for this model; throws if the engine's schema rejects it. */
export function baselineSpec(name: BaselineName, ctx: BaselineContext): ScalerSpec {
  const result = parseSpec(inputs[name](ctx));
  if (!result.ok) {
    throw new Error(
      `baseline ${name}: the spec is invalid: ${result.issues.map((i) => i.message).join('; ')}`,
    );
  }
  return result.value;
}
