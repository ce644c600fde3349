/**
 * KEDA's `spec` cases (FORMAT-KEDA.md §13: ScaledObject validation, defaults and annotations) run
 * against `tide import`: each case's ScaledObject is imported, and the answer is read from the
 * import (an `invalid` error where KEDA rejects, the spec it writes where KEDA accepts). Trigger
 * types a case leaves opaque (`couchdb`, `kubernetes-workload`: "valid and not part of the case")
 * become a prometheus trigger with the same name and metricType, so that an accepted object must
 * import completely, not only pass validation.
 *
 * @module
 */
import { parseSpec, type ScalerSpec } from '../core/spec.js';
import { hpaMinReplicas } from '../core/steps/event-gate.js';
import { importDocuments, type ImportResult } from '../migrate/import.js';

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment,
   @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument --
   case inputs are untyped JSON whose shapes FORMAT-KEDA.md §13 defines per function. */
type Json = any;

const opaqueTrigger = (name: string | null, metricType: string | null): Json => ({
  type: 'prometheus',
  ...(name === null ? {} : { name }),
  ...(metricType === null ? {} : { metricType }),
  metadata: {
    serverAddress: 'http://prometheus:9090',
    query: 'sum(up)',
    threshold: '10',
    ignoreNullValues: 'false',
  },
});

function caseTrigger(t: Json): Json {
  const named = t.name === null || t.name === undefined ? {} : { name: t.name };
  if (t.type === 'cpu' || t.type === 'memory') {
    return {
      type: t.type,
      ...named,
      metricType: t.metric_type ?? 'Utilization',
      metadata: { value: '50' },
    };
  }
  if (t.type === 'cron') {
    return {
      type: 'cron',
      ...named,
      metadata: { timezone: 'UTC', start: '0 8 * * *', end: '0 18 * * *', desiredReplicas: '3' },
    };
  }
  return opaqueTrigger(t.name ?? null, t.metric_type ?? null);
}

function modifiers(sm: Json): Json {
  if (sm === null || sm === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const [from, to] of [
    ['formula', 'formula'],
    ['target', 'target'],
    ['activation_target', 'activationTarget'],
    ['metric_type', 'metricType'],
  ]) {
    if (sm[from as string] !== null && sm[from as string] !== undefined)
      out[to as string] = sm[from as string];
  }
  return out;
}

function fallback(f: Json): Json {
  if (f === null || f === undefined) return undefined;
  return {
    failureThreshold: f.failure_threshold,
    replicas: f.replicas,
    ...(f.behavior === null ? {} : { behavior: f.behavior }),
  };
}

const drop = (o: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));

/** `hpa_name` / `hpa_behavior` (keda-spec-webhook.json): advanced.horizontalPodAutoscalerConfig. */
function hpaConfig(input: Json): Json {
  const config = drop({ name: input.hpa_name, behavior: input.hpa_behavior });
  return Object.keys(config).length === 0 ? undefined : config;
}

const opaque = { type: 'opaque', name: null, metric_type: null };

/** The case's ScaledObject, as a user would write it. */
export function caseScaledObject(input: Json): Json {
  const sm = modifiers(input.scaling_modifiers);
  const advancedPresent = input.advanced_present ?? sm !== undefined;
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: drop({
      name: input.name ?? 'case',
      namespace: 'default',
      annotations: input.annotations,
    }),
    spec: drop({
      scaleTargetRef: { name: 'app' },
      minReplicaCount: input.min_replica_count,
      maxReplicaCount: input.max_replica_count,
      idleReplicaCount: input.idle_replica_count,
      fallback: fallback(input.fallback),
      advanced:
        advancedPresent || input.hpa_name !== undefined || input.hpa_behavior !== undefined
          ? drop({ scalingModifiers: sm, horizontalPodAutoscalerConfig: hpaConfig(input) })
          : undefined,
      triggers: ((input.triggers as Json[] | undefined) ?? [opaque]).map(caseTrigger),
    }),
  };
}

const importCase = (input: Json): ImportResult =>
  importDocuments([caseScaledObject(input)], {
    local: false,
    secretDir: '/secrets',
    clusterAuthNamespace: 'keda',
  });

function importedSpec(r: ImportResult): ScalerSpec | null {
  const first = r.objects[0];
  if (first === undefined) return null;
  const parsed = parseSpec(first.spec);
  return parsed.ok ? parsed.value : null;
}

const rejected = (r: ImportResult): boolean => r.issues.some((i) => i.kind === 'invalid');

/**
 * `error` as the one KEDA check a unit case exercises answers it (its issues are on `fields`); an
 * object KEDA accepts as a whole must also import without any issue.
 */
function validity(
  r: ImportResult,
  expected: Json,
  fields: readonly string[],
): Record<string, unknown> {
  const own = r.issues.filter(
    (i) => i.kind === 'invalid' && fields.some((f) => i.field.startsWith(f)),
  );
  const messages = own.map((i) => i.message);
  const wanted = expected.error_contains as string | undefined;
  const complete = rejected(r) || r.objects.length === 1;
  const all = r.issues.map((i) => i.message).join('; ');
  return {
    error: own.length > 0 ? true : complete ? false : `imported with issues: ${all}`,
    ...(wanted === undefined
      ? {}
      : { error_contains: messages.some((m) => m.includes(wanted)) ? wanted : all }),
  };
}

type SpecHandler = (r: ImportResult, c: { input: Json; expected: Json }) => Record<string, unknown>;

const specHandlers: Readonly<Record<string, SpecHandler>> = {
  CheckFallbackValid: (r, c) => validity(r, c.expected, ['spec.fallback']),
  CheckReplicaCountBoundsAreValid: (r, c) =>
    validity(r, c.expected, ['spec.minReplicaCount', 'spec.idleReplicaCount']),
  'GetHPAMinReplicas/GetHPAMaxReplicas': (r) => {
    const spec = importedSpec(r);
    return spec === null
      ? { issues: r.issues }
      : { hpa_min_replicas: hpaMinReplicas(spec), hpa_max_replicas: spec.maxReplicas };
  },
  HasPausedAnnotation: (r) => ({ result: importedSpec(r)?.event.paused != null }),
  NeedToBePausedByAnnotation: (r) => ({ result: importedSpec(r)?.event.paused != null }),
  GetPausedReplicaCount: (r) => ({
    error: rejected(r),
    value: importedSpec(r)?.event.paused?.replicas ?? null,
  }),
  IsUsingModifiers: (r) => ({
    result:
      importedSpec(r)?.event.scalingModifiers != null ||
      r.issues.some((i) => i.field.startsWith('spec.advanced.scalingModifiers')),
  }),
  'ValidateScaledObject (admission)': (r) => ({
    admitted: rejected(r)
      ? false
      : r.objects.length === 1
        ? true
        : `imported with issues: ${r.issues.map((i) => i.message).join('; ')}`,
  }),
};

/** The actual answer to one `spec` case, in the shape of its `expected`. */
export function runSpecCase(c: {
  function: string;
  input: Json;
  expected: Json;
}): Record<string, unknown> {
  const handler = specHandlers[c.function];
  if (handler === undefined) throw new Error(`unknown spec function ${c.function}`);
  return handler(importCase(c.input), c);
}
