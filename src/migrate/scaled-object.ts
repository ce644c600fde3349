/**
 * KEDA ScaledObject (keda.sh/v1alpha1) → ScalerSpec with the same meaning. KEDA's defaults are
 * written out (minReplicaCount 0, maxReplicaCount 100, cooldownPeriod 300 s, pollingInterval 30 s);
 * the HPA KEDA generates gets `advanced.horizontalPodAutoscalerConfig.behavior` (unset = the HPA's
 * legacy path, `behavior: null`); KEDA's activation, cooldown, idle replicas, fallback and
 * scalingModifiers map to Tide's `event`, `idleReplicas` and `fallback`, which follow KEDA's
 * executor (`tide conformance` checks them against KEDA's own tests).
 *
 * @module
 */
import { annotationNames, annotationFlag } from '../core/policy/event/annotations.js';
import { authParams, type AuthObjects, type SecretUse } from './keda-auth.js';
import { reportUnused, type TriggerCtx } from './keda-params.js';
import { kedaConverters, type Mapped } from './keda-triggers.js';
import {
  pausedReplicaCount,
  usesModifiers,
  validateScaledObject,
  type KedaObjectView,
  type KedaTrigger,
} from './keda-validate.js';
import { asRecord, describeField, invalid, note, unsupported, type Sink } from './issues.js';
import {
  annotationsOf,
  scaleTarget,
  wholeNumber,
  type Converted,
  type ObjectRef,
} from './object.js';
import { parseQuantity } from '../core/quantity.js';

export interface KedaContext {
  readonly auth: AuthObjects;
  readonly secretDir: string;
  readonly secrets: SecretUse[];
}

/** Tide's trigger names: a formula variable must be one. */
const tideName = /^[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/;

/** The HPA's own sync period: Tide never decides less often than the HPA KEDA generates. */
const hpaSyncSeconds = 15;

type Rec = Record<string, unknown>;

function kedaTriggers(raw: unknown): KedaTrigger[] {
  return (Array.isArray(raw) ? raw : []).map((t): KedaTrigger => {
    const r = asRecord(t) ?? {};
    return {
      type: String(r.type),
      name: typeof r.name === 'string' ? r.name : '',
      useCachedMetrics: r.useCachedMetrics === true,
    };
  });
}

function hpaNameOf(advanced: Rec | undefined, objectName: string): string {
  const name = asRecord(advanced?.horizontalPodAutoscalerConfig)?.name;
  return typeof name === 'string' && name !== '' ? name : `keda-hpa-${objectName}`;
}

function view(doc: Rec, ref: ObjectRef, sink: Sink): KedaObjectView {
  const spec = asRecord(doc.spec) ?? {};
  const advanced = asRecord(spec.advanced);
  const count = (key: string): number | undefined =>
    wholeNumber(sink, `spec.${key}`, spec[key]) ?? undefined;
  return {
    name: ref.name,
    hpaName: hpaNameOf(advanced, ref.name),
    minReplicaCount: count('minReplicaCount'),
    maxReplicaCount: count('maxReplicaCount'),
    idleReplicaCount: count('idleReplicaCount'),
    triggers: kedaTriggers(spec.triggers),
    fallback: asRecord(spec.fallback),
    advancedPresent: advanced !== undefined,
    scalingModifiers: asRecord(advanced?.scalingModifiers) ?? {},
    behavior: asRecord(asRecord(advanced?.horizontalPodAutoscalerConfig)?.behavior),
  };
}

/** Validates (as KEDA does) and converts one ScaledObject; null when anything failed. */
export function convertScaledObject(
  doc: Rec,
  ref: ObjectRef,
  sink: Sink,
  ctx: KedaContext,
): Converted | null {
  const so = view(doc, ref, sink);
  validateScaledObject(so, sink);
  const spec = asRecord(doc.spec) ?? {};
  const annotations = annotationsOf(doc);
  const target = scaleTarget(sink, spec.scaleTargetRef, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
  });
  checkTargetExtras(spec.scaleTargetRef, sink);
  const paused = pause(annotations, sink);
  const triggers = convertTriggers(spec.triggers, { sink, namespace: ref.namespace, ctx });
  const advanced = advancedSettings(spec.advanced, so, sink);
  if (sink.issues.length > 0 || target === null) return null;
  return {
    from: ref,
    spec: {
      target,
      minReplicas: so.minReplicaCount ?? 0,
      maxReplicas: so.maxReplicaCount ?? 100,
      ...idle(so),
      syncPeriodSeconds: syncPeriod(spec.pollingInterval, sink),
      triggers,
      behavior: advanced.behavior,
      event: {
        cooldownSeconds: wholeNumber(sink, 'spec.cooldownPeriod', spec.cooldownPeriod) ?? 300,
        initialCooldownSeconds:
          wholeNumber(sink, 'spec.initialCooldownPeriod', spec.initialCooldownPeriod) ?? 0,
        scalingModifiers: advanced.modifiers,
        paused,
      },
      fallback: fallbackOf(so.fallback),
      // KEDA has no prediction: the imported spec decides as KEDA and its HPA do.
      prediction: { mode: 'off' },
    },
    annotations:
      advanced.hpaName === undefined ? {} : { 'tide.dev/keda-hpa-name': advanced.hpaName },
  };
}

/** idleReplicaCount 0 with minReplicaCount 0 is plain scale to zero (Tide needs idle < min). */
function idle(so: KedaObjectView): Rec {
  const value = so.idleReplicaCount;
  if (value === undefined || (value === 0 && (so.minReplicaCount ?? 0) === 0)) return {};
  return { idleReplicas: value };
}

function syncPeriod(pollingInterval: unknown, sink: Sink): number {
  const seconds = wholeNumber(sink, 'spec.pollingInterval', pollingInterval, 1) ?? 30;
  const sync = Math.min(seconds, hpaSyncSeconds);
  if (sync !== seconds) {
    note(
      sink,
      'spec.pollingInterval',
      `spec.pollingInterval = ${seconds}: Tide reads the triggers and decides every ${sync} s (the HPA's sync period, which KEDA's HPA keeps for 1 <-> N), so activation from 0 is checked more often than every ${seconds} s; the cooldown is unchanged`,
    );
  }
  return sync;
}

function checkTargetExtras(ref: unknown, sink: Sink): void {
  const container = asRecord(ref)?.envSourceContainerName;
  if (container !== undefined) {
    unsupported(
      sink,
      'spec.scaleTargetRef.envSourceContainerName',
      describeField(
        'spec.scaleTargetRef.envSourceContainerName',
        container,
        "Tide reads secrets from its own environment or files, not from the target's containers",
      ),
    );
  }
}

/** KEDA's pause annotations as `event.paused`; paused-scale-in/-out and force-activation are not yet expressible. */
function pause(annotations: Record<string, string>, sink: Sink): Rec | null {
  for (const name of [
    annotationNames.pausedScaleIn,
    annotationNames.pausedScaleOut,
    annotationNames.forceActivation,
  ]) {
    if (annotationFlag(annotations, name)) {
      const field = `metadata.annotations["${name}"]`;
      unsupported(
        sink,
        field,
        describeField(
          field,
          annotations[name],
          'Tide pauses a whole scaler (autoscaling.keda.sh/paused, paused-replicas), not one direction',
        ),
      );
    }
  }
  const replicas = pausedReplicaCount(annotations[annotationNames.pausedReplicas], sink);
  if (replicas !== undefined && replicas !== null) return { replicas };
  return annotationFlag(annotations, annotationNames.paused) ? { replicas: null } : null;
}

function fallbackOf(f: Rec | undefined): Rec | null {
  if (f === undefined) return null;
  return {
    failureThreshold: f.failureThreshold,
    replicas: f.replicas,
    ...(typeof f.behavior === 'string' && f.behavior !== '' ? { behavior: f.behavior } : {}),
  };
}

interface Advanced {
  readonly behavior: unknown;
  readonly modifiers: Rec | null;
  readonly hpaName: string | undefined;
}

function advancedSettings(raw: unknown, so: KedaObjectView, sink: Sink): Advanced {
  const advanced = asRecord(raw) ?? {};
  const hpa = asRecord(advanced.horizontalPodAutoscalerConfig) ?? {};
  if (advanced.restoreToOriginalReplicaCount === true) {
    unsupported(
      sink,
      'spec.advanced.restoreToOriginalReplicaCount',
      describeField(
        'spec.advanced.restoreToOriginalReplicaCount',
        true,
        'Tide leaves the target as it is when its scaler is deleted',
      ),
    );
  }
  const hpaName = typeof hpa.name === 'string' && hpa.name !== '' ? hpa.name : undefined;
  if (hpaName !== undefined) {
    note(
      sink,
      'spec.advanced.horizontalPodAutoscalerConfig.name',
      `Tide creates no HPA; the name ${hpaName} is kept as the annotation tide.dev/keda-hpa-name`,
    );
  }
  return { behavior: hpa.behavior ?? null, modifiers: modifiersOf(so), hpaName };
}

function modifiersOf(so: KedaObjectView): Rec | null {
  if (!usesModifiers(so)) return null;
  const sm = so.scalingModifiers;
  return {
    formula: sm.formula,
    target: Number(sm.target),
    ...(sm.activationTarget === undefined || sm.activationTarget === ''
      ? {}
      : { activationTarget: Number(sm.activationTarget) }),
    ...(sm.metricType === undefined || sm.metricType === '' ? {} : { metricType: sm.metricType }),
  };
}

interface TriggersCtx {
  readonly sink: Sink;
  readonly namespace: string;
  readonly ctx: KedaContext;
}

function convertTriggers(raw: unknown, tc: TriggersCtx): Rec[] {
  return (Array.isArray(raw) ? raw : []).flatMap((t, i) => {
    const converted = convertTrigger(asRecord(t) ?? {}, `spec.triggers[${i}]`, tc);
    return converted === null ? [] : [converted];
  });
}

function triggerName(t: Rec, field: string, sink: Sink): string | undefined {
  const name = typeof t.name === 'string' && t.name !== '' ? t.name : undefined;
  if (name !== undefined && !tideName.test(name)) {
    unsupported(
      sink,
      `${field}.name`,
      describeField(
        `${field}.name`,
        name,
        'Tide trigger names are lowercase (a-z, 0-9, - and _, starting and ending with a letter or digit)',
      ),
    );
  }
  return name;
}

function convertTrigger(t: Rec, field: string, tc: TriggersCtx): Rec | null {
  const type = String(t.type);
  const name = triggerName(t, field, tc.sink);
  if (type === 'cpu' || type === 'memory')
    return resourceTrigger(t, { field, sink: tc.sink, name });
  const convert = kedaConverters[type];
  if (convert === undefined) {
    const known = `cpu, memory, ${Object.keys(kedaConverters).join(', ')}`;
    unsupported(
      tc.sink,
      `${field}.type`,
      describeField(
        `${field}.type`,
        type,
        `Tide has no source for this KEDA trigger type (it converts ${known})`,
      ),
    );
    return null;
  }
  const params = authParams(t.authenticationRef, {
    sink: tc.sink,
    field,
    namespace: tc.namespace,
    auth: tc.ctx.auth,
  });
  if (params === null) return null;
  const ctx: TriggerCtx = {
    sink: tc.sink,
    field,
    type,
    namespace: tc.namespace,
    metadata: stringMap(t.metadata),
    params,
    used: new Set(),
    secretDir: tc.ctx.secretDir,
    secrets: tc.ctx.secrets,
  };
  const mapped = convert(ctx);
  noteMetricName(ctx);
  reportUnused(ctx);
  return tideTrigger(mapped, {
    name,
    metricType: t.metricType === 'Value' ? 'Value' : 'AverageValue',
  });
}

/**
 * `metadata.metricName`: KEDA names a trigger's metric itself (`s<index>-<type>-...`); the scalers
 * Tide converts either ignore the key (prometheus, postgresql, ...: KEDA dropped it in 2.12) or
 * only name the metric with it (mysql). It never changes a decision, so it is a note, not an error.
 */
function noteMetricName(ctx: TriggerCtx): void {
  const value = ctx.metadata.metricName;
  if (value === undefined || ctx.used.has('metadata.metricName')) return;
  ctx.used.add('metadata.metricName');
  note(
    ctx.sink,
    `${ctx.field}.metadata.metricName`,
    `${ctx.field}.metadata.metricName = ${JSON.stringify(value)}: KEDA names the metric itself and this key does not change how it scales; Tide names the metric after the trigger`,
  );
}

function tideTrigger(mapped: Mapped, at: { name: string | undefined; metricType: string }): Rec {
  const activation = mapped.activation ?? 0;
  return {
    ...(at.name === undefined ? {} : { name: at.name }),
    type: mapped.type,
    ...(mapped.target === undefined
      ? {}
      : { target: { type: at.metricType, value: mapped.target } }),
    ...(activation === 0 ? {} : { activation }),
    ...mapped.config,
  };
}

function stringMap(raw: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(asRecord(raw) ?? {}).map(([k, v]) => [k, String(v)]));
}

/** cpu/memory: `metricType` Utilization or AverageValue (or the older `metadata.type`), `value`, `containerName`. */
function resourceTrigger(
  t: Rec,
  at: { field: string; sink: Sink; name: string | undefined },
): Rec | null {
  const metadata = stringMap(t.metadata);
  const metricType =
    typeof t.metricType === 'string' && t.metricType !== '' ? t.metricType : metadata.type;
  reportUnknownResourceKeys(metadata, at, String(t.type));
  if (metricType !== 'Utilization' && metricType !== 'AverageValue') {
    const field = `${at.field}.metricType`;
    invalid(
      at.sink,
      field,
      describeField(
        field,
        metricType,
        `must be Utilization or AverageValue for a ${String(t.type)} trigger`,
      ),
    );
    return null;
  }
  const value =
    metricType === 'Utilization' ? Number(metadata.value) : parseQuantity(metadata.value);
  if (value === null || !(value > 0)) {
    const field = `${at.field}.metadata.value`;
    invalid(at.sink, field, describeField(field, metadata.value, 'must be a positive number'));
    return null;
  }
  return {
    ...(at.name === undefined ? {} : { name: at.name }),
    type: 'resource',
    resource: t.type,
    ...(metadata.containerName === undefined ? {} : { container: metadata.containerName }),
    target: { type: metricType, value },
  };
}

function reportUnknownResourceKeys(
  metadata: Record<string, string>,
  at: { field: string; sink: Sink },
  type: string,
): void {
  const known = new Set(['type', 'value', 'containerName']);
  for (const key of Object.keys(metadata).filter((k) => !known.has(k))) {
    const field = `${at.field}.metadata.${key}`;
    unsupported(
      at.sink,
      field,
      describeField(field, metadata[key], `not a setting of KEDA's ${type} scaler that Tide knows`),
    );
  }
}
