/**
 * One trigger's proposal under the HPA policy: picks the calculator for the trigger's metric type
 * and target, and turns failures (missing, failed or invalid readings, calculator errors) into a
 * failed TriggerOutcome with the HPA's condition reason.
 *
 * @module
 */
import type {
  MetricReading,
  Observation,
  PodSample,
  ReadingError,
  TriggerOutcome,
  TriggerSpec,
} from '../../model.js';
import type { Tolerance } from '../../steps/tolerance.js';
import {
  getMetricReplicas,
  getRawResourceReplicas,
  getResourceReplicas,
  type PodMetricInput,
} from './calculator.js';
import { getPerReplicaReplicas, getValueReplicas, saturatingSum } from './object-external.js';

export interface TriggerContext {
  readonly observation: Observation;
  readonly tolerance: Tolerance;
  readonly cpuInitializationPeriodSeconds: number;
  readonly initialReadinessDelaySeconds: number;
  readonly now: number;
}

export interface TriggerEvaluation {
  readonly outcome: TriggerOutcome;
  /** The HPA condition reason when the trigger failed (`FailedGetResourceMetric`, ...). */
  readonly failureReason: string | null;
}

interface Proposal {
  readonly replicas: number;
  readonly value: number;
}

type Computed = Proposal | ReadingError;
type OkReading = Extract<MetricReading, { status: 'ok' }>;

const failureReasons: Readonly<Record<string, string>> = {
  Resource: 'FailedGetResourceMetric',
  ContainerResource: 'FailedGetContainerResourceMetric',
  Pods: 'FailedGetPodsMetric',
  Object: 'FailedGetObjectMetric',
  External: 'FailedGetExternalMetric',
};

function readingError(code: string, message: string, retryable = false): ReadingError {
  return { code, message, retryable };
}

function isBad(v: number | null | undefined): boolean {
  return v !== null && v !== undefined && !(Number.isFinite(v) && v >= 0);
}

function badSample(s: PodSample): boolean {
  if (isBad(s.valueMilli)) return true;
  const containers = s.containers;
  if (containers === undefined) return false;
  for (const c of containers) if (isBad(c.usageMilli)) return true;
  return false;
}

/** NaN, infinite and negative values make the reading unusable (bad data never shrinks a service). */
function badValue(reading: OkReading): boolean {
  if (reading.valuesMilli?.some(isBad) === true) return true;
  return reading.podSamples?.some(badSample) === true;
}

function podInput(trigger: TriggerSpec, ctx: TriggerContext, reading: OkReading): PodMetricInput {
  return {
    currentReplicas: ctx.observation.currentReplicas,
    pods: ctx.observation.pods,
    samples: reading.podSamples ?? [],
    tolerance: ctx.tolerance,
    cpuInitializationPeriodMs: ctx.cpuInitializationPeriodSeconds * 1000,
    initialReadinessDelayMs: ctx.initialReadinessDelaySeconds * 1000,
    now: ctx.now,
  };
}

const toMilli = (units: number): number => Math.round(units * 1000);
const calcError = (error: string): ReadingError => readingError('CalculationFailed', error);

function resourceProposal(trigger: TriggerSpec, ctx: TriggerContext, reading: OkReading): Computed {
  const resource = trigger.resource ?? 'cpu';
  const container = trigger.container ?? null;
  const input = podInput(trigger, ctx, reading);
  const target = trigger.target.value;
  if (trigger.target.type === 'Utilization') {
    const r = getResourceReplicas(input, { resource, container, targetUtilization: target });
    return r.ok ? { replicas: r.replicas, value: r.utilization } : calcError(r.error);
  }
  const targetAverageMilli = toMilli(target);
  const r = getRawResourceReplicas(input, { resource, container, targetAverageMilli });
  return r.ok ? { replicas: r.replicas, value: r.usageMilli / 1000 } : calcError(r.error);
}

function podsProposal(trigger: TriggerSpec, ctx: TriggerContext, reading: OkReading): Computed {
  const r = getMetricReplicas(podInput(trigger, ctx, reading), {
    metricName: trigger.name,
    targetAverageMilli: toMilli(trigger.target.value),
  });
  return r.ok ? { replicas: r.replicas, value: r.usageMilli / 1000 } : calcError(r.error);
}

function valueProposal(trigger: TriggerSpec, ctx: TriggerContext, reading: OkReading): Computed {
  const values = reading.valuesMilli ?? [];
  if (values.length === 0) {
    const api = trigger.metricType === 'Object' ? 'custom' : 'external';
    return calcError(
      `unable to get metric ${trigger.name}: no metrics returned from ${api} metrics API`,
    );
  }
  const ints = values.map((v) => BigInt(Math.round(v)));
  const usageMilli = trigger.metricType === 'Object' ? (ints[0] ?? 0n) : saturatingSum(ints);
  const targetMilli = BigInt(toMilli(trigger.target.value));
  const obs = ctx.observation;
  const r =
    trigger.target.type === 'AverageValue'
      ? getPerReplicaReplicas({
          statusReplicas: obs.statusReplicas ?? obs.currentReplicas,
          usageMilli,
          targetMilli,
          tolerance: ctx.tolerance,
        })
      : getValueReplicas({
          currentReplicas: obs.currentReplicas,
          pods: obs.pods,
          usageMilli,
          targetMilli,
          tolerance: ctx.tolerance,
        });
  return r.ok ? { replicas: r.replicas, value: Number(r.usageMilli) / 1000 } : calcError(r.error);
}

function compute(trigger: TriggerSpec, ctx: TriggerContext, reading: OkReading): Computed {
  switch (trigger.metricType) {
    case 'Resource':
    case 'ContainerResource':
      return resourceProposal(trigger, ctx, reading);
    case 'Pods':
      return podsProposal(trigger, ctx, reading);
    case 'Object':
    case 'External':
      return valueProposal(trigger, ctx, reading);
    default:
      return readingError(
        'InvalidMetricSourceType',
        `invalid metric source type "${String(trigger.metricType)}"`,
      );
  }
}

function failed(trigger: TriggerSpec, error: ReadingError): TriggerEvaluation {
  const reason =
    error.code === 'InvalidMetricSourceType'
      ? error.code
      : (failureReasons[trigger.metricType] ?? 'InvalidMetricSourceType');
  return {
    outcome: {
      name: trigger.name,
      type: trigger.type,
      replicas: null,
      value: null,
      active: false,
      error,
    },
    failureReason: reason,
  };
}

/** Evaluates one trigger against its reading (`observation.metrics[trigger.name]`). */
export function evaluateHpaTrigger(trigger: TriggerSpec, ctx: TriggerContext): TriggerEvaluation {
  const reading = ctx.observation.metrics[trigger.name];
  if (reading === undefined) {
    return failed(
      trigger,
      readingError('MissingReading', `no reading for trigger "${trigger.name}"`, true),
    );
  }
  if (reading.status === 'error') return failed(trigger, reading.error);
  if (badValue(reading)) {
    return failed(
      trigger,
      readingError(
        'InvalidMetricValue',
        `trigger "${trigger.name}" returned a NaN, infinite or negative value`,
      ),
    );
  }
  const result = compute(trigger, ctx, reading);
  if ('code' in result) return failed(trigger, result);
  return {
    outcome: {
      name: trigger.name,
      type: trigger.type,
      replicas: result.replicas,
      value: result.value,
      active: result.value > trigger.activation,
      error: null,
    },
    failureReason: null,
  };
}
