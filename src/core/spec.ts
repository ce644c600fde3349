/**
 * The ScalerSpec schema: what a user declares, in one place with its defaults. The CRD's OpenAPI
 * schema is generated from it, `tide validate` reports its issues, and `docs/examples/defaults.yaml`
 * must parse to exactly `defaultSpec()`.
 *
 * Upstream defaults are cited where they come from: the HPA (autoscaling/v2 and
 * kube-controller-manager flags), Knative's `config-autoscaler`, and KEDA's ScaledObject.
 *
 * @module
 */
import { z } from 'zod';
import { checkFormula, formulaVariables, parseFormula } from './policy/event/formula.js';
import { cronTriggerConfigSchema } from './policy/schedule.js';

const MAX_INT32 = 2_147_483_647;
const rangeRule = (min: number, max: number): string =>
  max === MAX_INT32
    ? `must be a whole number of at least ${min}`
    : `must be a whole number between ${min} and ${max}`;
const int = (min: number, max = MAX_INT32): z.ZodInt =>
  z.int(rangeRule(min, max)).min(min, rangeRule(min, max)).max(max, rangeRule(min, max));
const seconds = (max: number): z.ZodInt => int(0, max);

/**
 * Keeps the CRD's CEL rules within the API server's cost budget: the trigger-name rule compares
 * every pair of triggers (kube-apiserver 1.34 accepts up to 256; without a bound it refuses the
 * CRD). Far above what a scaler needs.
 */
export const MAX_TRIGGERS = 32;

export const metricSourceTypes = [
  'Resource',
  'ContainerResource',
  'Pods',
  'Object',
  'External',
] as const;
export const metricTargetTypes = ['Utilization', 'AverageValue', 'Value'] as const;

export const metricTargetSchema = z
  .object({
    type: z.enum(metricTargetTypes),
    /** Utilization: percent of the request; AverageValue/Value: in the metric's unit. */
    value: z.number().positive().finite(),
  })
  .strict();
export type MetricTarget = z.infer<typeof metricTargetSchema>;

/** Keys every trigger has; everything else is the source's own config (validated by the source). */
const triggerCommonKeys = [
  'name',
  'type',
  'metricType',
  'target',
  'activation',
  'resource',
  'container',
] as const;

const triggerCommonSchema = z.object({
  name: z
    .string()
    // `_` is allowed so that a name can be a scalingModifiers formula variable (KEDA: `kw_trig`).
    .regex(
      /^[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/,
      'must be a lowercase name (a-z, 0-9, - and _; starting and ending with a letter or digit)',
    )
    .max(63)
    .optional(),
  /** The source type: `resource`, `prometheus`, `redis`, `rabbitmq`, `cron`, ... */
  type: z.string().regex(/^[a-z][-a-z0-9]*$/, 'must be a lowercase source type such as prometheus'),
  /** How the HPA math reads the value; defaulted from the type (resource → Resource, else External). */
  metricType: z.enum(metricSourceTypes).optional(),
  /** Required, except for `cron` triggers (KEDA: 1 per replica, AverageValue). */
  target: metricTargetSchema.optional(),
  /** KEDA activation threshold: the trigger is active only when its value is strictly above it. */
  activation: z.number().min(0).finite().default(0),
  resource: z.enum(['cpu', 'memory']).optional(),
  container: z.string().min(1).optional(),
});

export const triggerSchema = z
  .looseObject(triggerCommonSchema.shape)
  .superRefine((raw, ctx) => checkTrigger(raw, ctx))
  .transform((raw) => {
    const config: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
      if (!(triggerCommonKeys as readonly string[]).includes(key)) config[key] = value;
    }
    return {
      name: raw.name,
      type: raw.type,
      metricType: raw.metricType ?? defaultMetricType(raw.type, raw.container),
      target: raw.target ?? cronTarget,
      activation: raw.activation,
      ...(raw.resource === undefined ? {} : { resource: raw.resource }),
      ...(raw.container === undefined ? {} : { container: raw.container }),
      config,
    };
  });

/** A cron trigger's metric is `desiredReplicas` inside its window, 0 outside: 1 per replica. */
const cronTarget: MetricTarget = { type: 'AverageValue', value: 1 };

function defaultMetricType(
  type: string,
  container: string | undefined,
): (typeof metricSourceTypes)[number] {
  if (type === 'resource') return container === undefined ? 'Resource' : 'ContainerResource';
  return 'External';
}

export interface TriggerSpec {
  readonly name: string;
  readonly type: string;
  readonly metricType: (typeof metricSourceTypes)[number];
  readonly target: MetricTarget;
  readonly activation: number;
  readonly resource?: 'cpu' | 'memory';
  readonly container?: string;
  /** The source's own settings (query, queue, host, ...), checked by the source's schema. */
  readonly config: Readonly<Record<string, unknown>>;
}

export const scalingPolicySchema = z
  .object({
    type: z.enum(['Pods', 'Percent']),
    value: int(1),
    periodSeconds: int(1, 1800),
  })
  .strict();
export type ScalingPolicy = z.infer<typeof scalingPolicySchema>;

const scalingRulesSchema = z
  .object({
    /** null = the controller default (0 s up; `hpa.downscaleStabilizationSeconds` down). */
    stabilizationWindowSeconds: seconds(3600).nullable().default(null),
    selectPolicy: z.enum(['Max', 'Min', 'Disabled']).default('Max'),
    /** null = upstream's default list; a list replaces the defaults entirely (no merge). */
    policies: z.array(scalingPolicySchema).min(1).nullable().default(null),
    /** Per-direction tolerance (HPAConfigurableTolerance); null = `hpa.tolerance`. */
    tolerance: z.number().min(0).finite().nullable().default(null),
  })
  .strict();
export type ScalingRules = z.infer<typeof scalingRulesSchema>;

const defaultRules = (): ScalingRules => ({
  stabilizationWindowSeconds: null,
  selectPolicy: 'Max',
  policies: null,
  tolerance: null,
});

export const behaviorSchema = z
  .object({
    scaleUp: scalingRulesSchema.default(defaultRules),
    scaleDown: scalingRulesSchema.default(defaultRules),
  })
  .strict();
/** The HPA's autoscaling/v2 behavior. A null behavior in a parsed spec selects the legacy path. */
export type Behavior = z.infer<typeof behaviorSchema>;

/** Upstream's defaults for the behavior policies (autoscaling/v2 defaults). */
export const defaultScaleUpPolicies: readonly ScalingPolicy[] = [
  { type: 'Pods', value: 4, periodSeconds: 15 },
  { type: 'Percent', value: 100, periodSeconds: 15 },
];
export const defaultScaleDownPolicies: readonly ScalingPolicy[] = [
  { type: 'Percent', value: 100, periodSeconds: 15 },
];

/** kube-controller-manager's HPA flags. */
export const hpaTuningSchema = z
  .object({
    tolerance: z.number().min(0).max(1).default(0.1),
    cpuInitializationPeriodSeconds: seconds(3600).default(300),
    initialReadinessDelaySeconds: seconds(3600).default(30),
    downscaleStabilizationSeconds: seconds(3600).default(300),
    /** Legacy path (no behavior): scale-up at most max(factor × current, minimum) per sync. */
    legacyScaleUpLimitFactor: z.number().min(1).default(2),
    legacyScaleUpLimitMinimum: int(1).default(4),
  })
  .strict();
export type HpaTuning = z.infer<typeof hpaTuningSchema>;

/** Knative's `config-autoscaler` defaults (used when `policy: kpa`). */
export const kpaSpecSchema = z
  .object({
    stableWindowSeconds: int(6, 3600).default(60),
    panicWindowPercentage: z.number().min(1).max(100).default(10),
    panicThresholdPercentage: z.number().min(110).max(1000).default(200),
    maxScaleUpRate: z.number().gt(1).default(1000),
    maxScaleDownRate: z.number().gt(1).default(2),
    targetUtilizationPercentage: z.number().gt(0).max(100).default(70),
    /** -1 = unlimited (activator always in path). */
    targetBurstCapacity: z.number().min(-1).default(211),
    activationScale: int(1).default(1),
    scaleToZeroGracePeriodSeconds: int(1, 3600).default(30),
    scaleToZeroPodRetentionSeconds: seconds(3600).default(0),
    scaleDownDelaySeconds: seconds(3600).default(0),
    initialScale: int(0).default(1),
  })
  .strict();
export type KpaSpec = z.infer<typeof kpaSpecSchema>;

/**
 * KEDA's `scalingModifiers`: a formula over trigger names (expr-lang subset, see
 * policy/event/formula.ts) whose value is one composite metric with its own target.
 */
export const scalingModifiersSchema = z
  .object({
    formula: z.string().superRefine((formula, ctx) => {
      const parsed = parseFormula(formula);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
    }),
    target: z.number().positive().finite(),
    activationTarget: z.number().min(0).finite().default(0),
    metricType: z.enum(['AverageValue', 'Value']).default('AverageValue'),
  })
  .strict();
export type ScalingModifiersSpec = z.infer<typeof scalingModifiersSchema>;

/** KEDA's ScaledObject timing defaults. */
export const eventSpecSchema = z
  .object({
    cooldownSeconds: seconds(86_400).default(300),
    initialCooldownSeconds: seconds(86_400).default(0),
    /** null = each trigger is its own HPA metric. */
    scalingModifiers: scalingModifiersSchema.nullable().default(null),
    /**
     * Who moves the target to and from 0 (or idle) when minReplicas is 0 or idleReplicas is set:
     * `keda` = KEDA's activation threshold and cooldown (the HPA math never goes below 1);
     * `hpa` = the HPA's own HPAScaleToZero behaviour (the metrics alone decide).
     */
    zeroTransitions: z.enum(['keda', 'hpa']).default('keda'),
    /**
     * KEDA's pause annotations (`autoscaling.keda.sh/paused`, `.../paused-replicas`): while set,
     * nothing is decided; `replicas: null` holds the current count, a number scales to it and
     * holds it (not bounded by min/max, as in KEDA). null = not paused.
     */
    paused: z
      .object({ replicas: int(0).nullable().default(null) })
      .strict()
      .nullable()
      .default(null),
  })
  .strict();
export type EventSpec = z.infer<typeof eventSpecSchema>;

export const fallbackSpecSchema = z
  .object({
    /** Use the fallback once consecutive failures exceed this count (KEDA: strictly more). */
    failureThreshold: int(0).default(3),
    replicas: int(0),
    behavior: z
      .enum([
        'static',
        'currentReplicas',
        'currentReplicasIfHigher',
        'currentReplicasIfLower',
        'scalingModifiers',
      ])
      .default('static'),
  })
  .strict();
export type FallbackSpec = z.infer<typeof fallbackSpecSchema>;

export const predictionSpecSchema = z
  .object({
    mode: z.enum(['off', 'forecastOnly', 'on']).default('on'),
    /**
     * The per-replica load, in the first trigger's target units, that a replica carries within
     * its SLO (e.g. 90 for CPU Utilization). While the headroom planner is confident, Tide plans
     * for the load at this ceiling plus a headroom learned from the workload, instead of the
     * trigger's buffered target. null = target × 9 / 7 (the customary 70 % target for a 90 %
     * limit: 70 → 90).
     */
    ceiling: z.number().positive().finite().nullable().default(null),
    /**
     * Let the seasonal forecast's upper bound (after a day of history, while its self-check says
     * it helps) raise the count directly ahead of recurring peaks. It only adds replicas: fewer
     * shortfalls for more replica-hours (measured in adr/0003-prediction-default.md), so it is
     * opt-in. Without it the forecast still informs the headroom planner's expected climb.
     */
    seasonal: z.boolean().default(false),
    /**
     * `learned`: once its self-check is confident, the headroom planner (prediction/planner.ts)
     * replaces the first trigger's buffered target with the load at `ceiling` plus a headroom
     * learned from the workload. `target`: always keep the trigger's buffered target.
     */
    headroom: z.enum(['learned', 'target']).default('learned'),
    /**
     * How many times the buffered target's replicas the learned plan may cost, in the planner's
     * own record, and still be used (it must also be short at most half as often), less a 3 %
     * margin for the record's error. 1: at least 3 % under the buffer, so the plan acts only on a
     * clear saving. Above 1 trades replica-hours for fewer shortfalls, for services whose SLO
     * matters more than their bill; measure the trade on your own traffic with
     * `tide backtest --spec` before choosing (README, "Prediction").
     */
    costRatio: z.number().finite().min(1).max(3).default(1),
  })
  .strict();
export type PredictionSpec = z.infer<typeof predictionSpecSchema>;

export const targetRefSchema = z.union([
  z
    .object({
      apiVersion: z.string().min(1),
      kind: z.string().min(1),
      name: z.string().min(1),
      namespace: z.string().min(1).optional(),
    })
    .strict(),
  z
    .object({
      process: z
        .object({
          command: z.string().min(1),
          args: z.array(z.string()).default([]),
          basePort: int(1, 65_535).default(8081),
          listenPort: int(1, 65_535).default(8080),
        })
        .strict(),
    })
    .strict(),
]);

const cpuDefaultTrigger = {
  type: 'resource',
  resource: 'cpu',
  target: { type: 'Utilization', value: 70 },
};

export const scalerSpecSchema = z
  .object({
    name: z.string().min(1).optional(),
    target: targetRefSchema.optional(),
    /**
     * `hpa`: the HPA's replica calculator per trigger; `kpa`: Knative's decider on one trigger;
     * `target-tracking`: the cloud providers' alarm-based target tracking on the CPU trigger.
     */
    policy: z.enum(['hpa', 'kpa', 'target-tracking']).default('hpa'),
    minReplicas: int(0).default(1),
    maxReplicas: int(1).default(100),
    /** KEDA idleReplicaCount: the count when every trigger is inactive (below minReplicas). */
    idleReplicas: int(0).nullable().default(null),
    startupSeconds: seconds(3600).default(60),
    syncPeriodSeconds: int(1, 3600).default(15),
    triggers: z
      .array(triggerSchema)
      .max(MAX_TRIGGERS, `must have at most ${MAX_TRIGGERS} triggers`)
      .default(() => [triggerSchema.parse(cpuDefaultTrigger)]),
    /** null = the HPA's legacy path (no behavior block). Omitted = upstream behavior defaults. */
    behavior: behaviorSchema.nullable().prefault({}),
    hpa: hpaTuningSchema.prefault({}),
    kpa: kpaSpecSchema.prefault({}),
    event: eventSpecSchema.prefault({}),
    fallback: fallbackSpecSchema.nullable().default(null),
    prediction: predictionSpecSchema.prefault({}),
    dryRun: z.boolean().default(false),
  })
  .strict()
  .transform((spec) => ({
    ...spec,
    triggers: spec.triggers.map((t, i): TriggerSpec => ({
      ...t,
      name: t.name ?? `${t.type}-${i}`,
    })),
  }))
  .superRefine((spec, ctx) => {
    if (spec.minReplicas > spec.maxReplicas) {
      ctx.addIssue({
        code: 'custom',
        path: ['minReplicas'],
        message: `must be at most maxReplicas (${spec.maxReplicas})`,
      });
    }
    if (spec.idleReplicas !== null && spec.idleReplicas >= spec.minReplicas) {
      ctx.addIssue({
        code: 'custom',
        path: ['idleReplicas'],
        message: `must be less than minReplicas (${spec.minReplicas})`,
      });
    }
    checkTriggers(spec.triggers, ctx);
    checkFormulaNames(spec, ctx);
    checkCeiling(spec, ctx);
  });

/** The SLO ceiling is a load a replica carries, so at least the first trigger's target. */
function checkCeiling(
  spec: { readonly prediction: PredictionSpec; readonly triggers: readonly TriggerSpec[] },
  ctx: z.RefinementCtx,
): void {
  const ceiling = spec.prediction.ceiling;
  const target = spec.triggers[0]?.target.value;
  if (ceiling === null || target === undefined || ceiling >= target) return;
  ctx.addIssue({
    code: 'custom',
    path: ['prediction', 'ceiling'],
    message: `must be at least the first trigger's target (${target}): it is the load one replica carries within its SLO, the target keeps a buffer below it`,
  });
}

function checkTriggers(triggers: readonly TriggerSpec[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  triggers.forEach((t, i) => {
    if (seen.has(t.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['triggers', i, 'name'],
        message: 'must be unique among triggers',
      });
    }
    seen.add(t.name);
  });
}

/** Cross-field rules of one trigger; paths are relative to the trigger (zod prefixes them). */
function checkTrigger(
  raw: {
    type: string;
    metricType?: string | undefined;
    target?: { type: string } | undefined;
    resource?: string | undefined;
    container?: string | undefined;
  },
  ctx: z.RefinementCtx,
): void {
  const metricType = raw.metricType ?? defaultMetricType(raw.type, raw.container);
  const isResource = metricType === 'Resource' || metricType === 'ContainerResource';
  checkTargetOrCron(raw, ctx);
  if (raw.target?.type === 'Utilization' && !isResource) {
    ctx.addIssue({
      code: 'custom',
      path: ['target', 'type'],
      message: `allowed only for Resource and ContainerResource metrics (this trigger's metricType is ${metricType})`,
    });
  }
  if (isResource && raw.resource === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['resource'],
      message: `required for ${metricType} metrics (cpu or memory)`,
    });
  }
}

/** A cron trigger needs no target but a valid config; every other trigger needs a target. */
function checkTargetOrCron(
  raw: { type: string; target?: { type: string } | undefined },
  ctx: z.RefinementCtx,
): void {
  if (raw.type === 'cron') {
    checkCronConfig(raw, ctx);
  } else if (raw.target === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['target'],
      message: 'required (except for cron triggers)',
    });
  }
}

/** A cron trigger's own keys (timezone, start, end, desiredReplicas), strictly. */
function checkCronConfig(raw: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const config = Object.fromEntries(
    Object.entries(raw).filter(([key]) => !(triggerCommonKeys as readonly string[]).includes(key)),
  );
  const result = cronTriggerConfigSchema.safeParse(config);
  if (result.success) return;
  for (const issue of result.error.issues) {
    ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  }
}

/** Every name a scalingModifiers formula reads must be a trigger's name. */
function checkFormulaNames(
  spec: { event: EventSpec; triggers: readonly TriggerSpec[] },
  ctx: z.RefinementCtx,
): void {
  const modifiers = spec.event.scalingModifiers;
  if (modifiers === null) return;
  const parsed = parseFormula(modifiers.formula);
  if (!parsed.ok) return;
  const names = new Set(spec.triggers.map((t) => t.name));
  const path = ['event', 'scalingModifiers', 'formula'];
  const unknown = formulaVariables(parsed.value).filter((name) => !names.has(name));
  for (const name of unknown) {
    ctx.addIssue({
      code: 'custom',
      path,
      message: `reads ${name}, which is not a trigger name (${[...names].join(', ')})`,
    });
  }
  if (unknown.length > 0) return;
  const checked = checkFormula(modifiers.formula, [...names]);
  if (!checked.ok) ctx.addIssue({ code: 'custom', path, message: checked.error });
}

export type ScalerSpec = z.output<typeof scalerSpecSchema>;
export type ScalerSpecInput = z.input<typeof scalerSpecSchema>;

/** One problem with a spec: where, what was there, and the rule it broke. */
export interface SpecIssue {
  readonly path: string;
  readonly message: string;
}

export type ParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: readonly SpecIssue[] };

/** Formats a zod path the way a user writes it: `behavior.scaleDown.policies[0].value`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/** A value as the user wrote it: JSON, but NaN and ±Infinity by name (JSON would say null). */
const showValue = (v: unknown): string =>
  typeof v === 'number' && !Number.isFinite(v) ? String(v) : JSON.stringify(v);

/** Parses a spec; every issue names its path, the value found and the rule. */
export function parseSpec(input: unknown): ParseResult<ScalerSpec> {
  const result = scalerSpecSchema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => {
      const path = formatPath(issue.path);
      const found = valueAt(input, issue.path);
      const shown = found === undefined ? 'missing' : showValue(found);
      return { path, message: `${path} = ${shown}: ${issue.message}` };
    }),
  };
}

/** The spec a user gets when they declare nothing but an empty object. */
export function defaultSpec(): ScalerSpec {
  return scalerSpecSchema.parse({});
}
