/**
 * HorizontalPodAutoscaler (autoscaling/v2, v2beta2 and v1) → ScalerSpec with the same meaning:
 * each metric becomes a trigger read from the same metrics API, the behavior is copied field for
 * field, and an HPA without a behavior keeps the HPA's legacy path (`behavior: null`), as the HPA
 * controller does when `spec.behavior` is unset. minReplicas 0 (HPAScaleToZero) keeps the HPA's
 * own zero transitions (`event.zeroTransitions: hpa`), not KEDA's.
 *
 * @module
 */
import { asRecord, describeField, invalid, note, unsupported, type Sink } from './issues.js';
import { pluralResource, selectorString } from './kube-refs.js';
import {
  annotationsOf,
  scaleTarget,
  wholeNumber,
  type Converted,
  type ObjectRef,
} from './object.js';
import { parseQuantity } from '../core/quantity.js';

export const hpaVersions = ['autoscaling/v2', 'autoscaling/v2beta2', 'autoscaling/v1'];

/** autoscaling/v1 objects read from a v2 HPA carry these (the API server's round-trip). */
const v1BehaviorAnnotation = 'autoscaling.alpha.kubernetes.io/behavior';
const v1MetricsAnnotations = ['autoscaling.alpha.kubernetes.io/metrics'];

type Trigger = Record<string, unknown>;

interface MetricCtx {
  readonly sink: Sink;
  readonly field: string;
  readonly namespace: string;
  /** The scale target's pod selector, when the target is among the imported documents. */
  readonly podSelector: string | undefined;
}

/** The pod selector of a workload among the imported documents (`spec.selector`). */
export type SelectorLookup = (
  target: Record<string, string>,
  namespace: string,
) => string | undefined;

export function convertHpa(
  doc: Record<string, unknown>,
  ref: ObjectRef,
  sink: Sink,
  selectorOf: SelectorLookup,
): Converted | null {
  const spec = asRecord(doc.spec) ?? {};
  const target = scaleTarget(sink, spec.scaleTargetRef, {});
  const podSelector = target === null ? undefined : selectorOf(target, ref.namespace);
  const bounds = replicaBounds(spec, sink);
  const v1 = ref.apiVersion === 'autoscaling/v1';
  const triggers = v1
    ? v1Triggers(spec, doc, sink)
    : v2Triggers(spec, { sink, field: 'spec.metrics', namespace: ref.namespace, podSelector });
  const behavior = v1 ? v1Behavior(doc, sink) : hpaBehavior(spec.behavior);
  if (target === null || bounds === null || triggers === null) return null;
  return {
    from: ref,
    spec: {
      target,
      ...bounds,
      triggers,
      behavior,
      ...(bounds.minReplicas === 0 ? { event: { zeroTransitions: 'hpa' } } : {}),
      // The HPA has no prediction: the imported spec decides as the HPA does.
      prediction: { mode: 'off' },
    },
    annotations: {},
  };
}

/** minReplicas (default 1; 0 with HPAScaleToZero) and maxReplicas (required). */
function replicaBounds(
  spec: Record<string, unknown>,
  sink: Sink,
): { minReplicas: number; maxReplicas: number } | null {
  const minReplicas = wholeNumber(sink, 'spec.minReplicas', spec.minReplicas) ?? 1;
  const maxReplicas = wholeNumber(sink, 'spec.maxReplicas', spec.maxReplicas, 1);
  if (maxReplicas === undefined) {
    invalid(sink, 'spec.maxReplicas', describeField('spec.maxReplicas', undefined, 'required'));
  }
  if (minReplicas === null || maxReplicas === null || maxReplicas === undefined) return null;
  return { minReplicas, maxReplicas };
}

/** A v2 behavior as it is (the schema checks it); unset = the legacy path. */
function hpaBehavior(behavior: unknown): unknown {
  return behavior === undefined ? null : behavior;
}

function v1Behavior(doc: Record<string, unknown>, sink: Sink): unknown {
  const raw = annotationsOf(doc)[v1BehaviorAnnotation];
  if (raw === undefined) return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    const field = `metadata.annotations["${v1BehaviorAnnotation}"]`;
    invalid(sink, field, describeField(field, raw, 'must be a JSON behavior'));
    return null;
  }
}

function v1Triggers(
  spec: Record<string, unknown>,
  doc: Record<string, unknown>,
  sink: Sink,
): Trigger[] | null {
  const metricsAnnotation = v1MetricsAnnotations[0] ?? '';
  if (annotationsOf(doc)[metricsAnnotation] !== undefined) {
    const field = `metadata.annotations["${metricsAnnotation}"]`;
    unsupported(
      sink,
      field,
      `${field}: this HPA has metrics beyond CPU that autoscaling/v1 cannot show; export it as autoscaling/v2 (kubectl get hpa.v2.autoscaling) and import that`,
    );
    return null;
  }
  const utilization = wholeNumber(
    sink,
    'spec.targetCPUUtilizationPercentage',
    spec.targetCPUUtilizationPercentage,
    1,
  );
  if (utilization === null) return null;
  // Unset: the HPA controller's default, 80 % CPU.
  return [cpuTrigger(utilization ?? 80)];
}

const cpuTrigger = (utilization: number): Trigger => ({
  type: 'resource',
  resource: 'cpu',
  target: { type: 'Utilization', value: utilization },
});

function v2Triggers(spec: Record<string, unknown>, ctx: MetricCtx): Trigger[] | null {
  const metrics = spec.metrics;
  // Unset or empty: the API server's default, 80 % CPU.
  if (metrics === undefined || (Array.isArray(metrics) && metrics.length === 0))
    return [cpuTrigger(80)];
  if (!Array.isArray(metrics)) {
    invalid(ctx.sink, ctx.field, describeField(ctx.field, metrics, 'must be a list'));
    return null;
  }
  const triggers = metrics.map((m, i) =>
    metricTrigger(asRecord(m) ?? {}, { ...ctx, field: `${ctx.field}[${i}]` }),
  );
  return triggers.includes(null) ? null : (triggers as Trigger[]);
}

const metricConverters: Readonly<
  Record<string, (m: Record<string, unknown>, ctx: MetricCtx) => Trigger | null>
> = {
  Resource: (m, ctx) =>
    resourceTrigger(asRecord(m.resource) ?? {}, undefined, {
      ...ctx,
      field: `${ctx.field}.resource`,
    }),
  ContainerResource: (m, ctx) => {
    const r = asRecord(m.containerResource) ?? {};
    return resourceTrigger(r, r.container, { ...ctx, field: `${ctx.field}.containerResource` });
  },
  Pods: (m, ctx) => podsTrigger(asRecord(m.pods) ?? {}, { ...ctx, field: `${ctx.field}.pods` }),
  Object: (m, ctx) =>
    objectTrigger(asRecord(m.object) ?? {}, { ...ctx, field: `${ctx.field}.object` }),
  External: (m, ctx) =>
    externalTrigger(asRecord(m.external) ?? {}, { ...ctx, field: `${ctx.field}.external` }),
};

function metricTrigger(m: Record<string, unknown>, ctx: MetricCtx): Trigger | null {
  const convert = typeof m.type === 'string' ? metricConverters[m.type] : undefined;
  if (convert === undefined) {
    const field = `${ctx.field}.type`;
    invalid(
      ctx.sink,
      field,
      describeField(field, m.type, `must be one of ${Object.keys(metricConverters).join(', ')}`),
    );
    return null;
  }
  return convert(m, ctx);
}

/** A MetricTarget as Tide's `{type, value}`: Utilization in percent, quantities in base units. */
function metricTarget(raw: unknown, allowed: readonly string[], ctx: MetricCtx): Trigger | null {
  const t = asRecord(raw) ?? {};
  const field = `${ctx.field}.target`;
  const keys: Readonly<Record<string, string>> = {
    Utilization: 'averageUtilization',
    AverageValue: 'averageValue',
    Value: 'value',
  };
  const type = typeof t.type === 'string' && allowed.includes(t.type) ? t.type : null;
  if (type === null) {
    invalid(
      ctx.sink,
      `${field}.type`,
      describeField(`${field}.type`, t.type, `must be one of ${allowed.join(', ')}`),
    );
    return null;
  }
  const key = keys[type] ?? 'value';
  const value = parseQuantity(t[key]);
  if (value === null || value <= 0) {
    invalid(
      ctx.sink,
      `${field}.${key}`,
      describeField(`${field}.${key}`, t[key], 'must be a positive quantity'),
    );
    return null;
  }
  return { type, value };
}

function resourceTrigger(
  r: Record<string, unknown>,
  container: unknown,
  ctx: MetricCtx,
): Trigger | null {
  if (r.name !== 'cpu' && r.name !== 'memory') {
    unsupported(
      ctx.sink,
      `${ctx.field}.name`,
      describeField(`${ctx.field}.name`, r.name, 'Tide reads the cpu and memory resources'),
    );
    return null;
  }
  const target = metricTarget(r.target, ['Utilization', 'AverageValue'], ctx);
  if (target === null) return null;
  return {
    type: 'resource',
    resource: r.name,
    ...(typeof container === 'string' ? { container } : {}),
    target,
  };
}

/** The metric identifier: its name and its selector as a string. */
function metricId(m: Record<string, unknown>, ctx: MetricCtx): Trigger | null {
  const id = asRecord(m.metric) ?? {};
  const field = `${ctx.field}.metric`;
  if (typeof id.name !== 'string' || id.name === '') {
    invalid(ctx.sink, `${field}.name`, describeField(`${field}.name`, id.name, 'required'));
    return null;
  }
  const selector = selectorString(id.selector);
  if (selector === null) {
    invalid(
      ctx.sink,
      `${field}.selector`,
      describeField(
        `${field}.selector`,
        id.selector,
        'must be a LabelSelector (matchLabels, matchExpressions with In, NotIn, Exists, DoesNotExist)',
      ),
    );
    return null;
  }
  return {
    metricName: id.name,
    ...(selector === undefined ? {} : { metricSelector: selector }),
    namespace: ctx.namespace,
  };
}

function podsTrigger(m: Record<string, unknown>, ctx: MetricCtx): Trigger | null {
  const id = metricId(m, ctx);
  const target = metricTarget(m.target, ['AverageValue'], ctx);
  if (id === null || target === null) return null;
  if (ctx.podSelector === undefined) {
    unsupported(
      ctx.sink,
      ctx.field,
      `${ctx.field}: a Pods metric is read for the target's pods, whose selector Tide's kubernetes-custom source needs in the spec: pass the target workload's manifest to tide import too (its spec.selector is used)`,
    );
    return null;
  }
  return {
    type: 'kubernetes-custom',
    metricType: 'Pods',
    ...id,
    labelSelector: ctx.podSelector,
    target,
  };
}

function objectTrigger(m: Record<string, unknown>, ctx: MetricCtx): Trigger | null {
  const id = metricId(m, ctx);
  const target = metricTarget(m.target, ['Value', 'AverageValue'], ctx);
  const described = asRecord(m.describedObject) ?? {};
  const field = `${ctx.field}.describedObject`;
  if (typeof described.kind !== 'string' || typeof described.name !== 'string') {
    invalid(ctx.sink, field, describeField(field, m.describedObject, 'kind and name are required'));
    return null;
  }
  if (id === null || target === null) return null;
  const plural = pluralResource(
    described.kind,
    typeof described.apiVersion === 'string' ? described.apiVersion : 'v1',
  );
  if (plural.guessed) {
    note(
      ctx.sink,
      `${field}.kind`,
      `${field}.kind = ${described.kind}: read as the resource ${plural.resource}; correct object.resource in the spec if its plural differs`,
    );
  }
  return {
    type: 'kubernetes-custom',
    metricType: 'Object',
    ...id,
    object: { resource: plural.resource, name: described.name },
    target,
  };
}

function externalTrigger(m: Record<string, unknown>, ctx: MetricCtx): Trigger | null {
  const id = metricId(m, ctx);
  const target = metricTarget(m.target, ['Value', 'AverageValue'], ctx);
  if (id === null || target === null) return null;
  return { type: 'kubernetes-external', metricType: 'External', ...id, target };
}
