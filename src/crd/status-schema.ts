/**
 * The `status` of an ElasticScaler: what the controller writes (DESIGN.md, "Runtimes"). Only the
 * controller writes it, through the status subresource; `engineState` is the engine's ScalerState
 * (plain JSON, bounded by the engine), kept as written.
 *
 * @module
 */
import type { JsonSchema } from './json-schema.js';

const replicas = (description: string): JsonSchema => ({
  type: 'integer',
  format: 'int32',
  minimum: 0,
  description,
});

const time = (description: string): JsonSchema => ({
  type: 'string',
  format: 'date-time',
  description,
});

/** The modes the Mode column shows: the prediction mode in effect, or DryRun. */
export const statusModes = ['off', 'forecastOnly', 'on', 'DryRun'] as const;

/** One step of the last decision's explanation (core/model.ts, Reason). */
const reasonSchema: JsonSchema = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    step: {
      type: 'string',
      description: 'The step that gave it: tolerance, stabilize, clamp, ...',
    },
    code: { type: 'string', description: 'A stable PascalCase code, e.g. ScaleDownStabilized.' },
    message: { type: 'string', description: 'For people: what the step did and why.' },
    replicas: replicas('The replica count after this step, when the step produces one.'),
  },
};

/** metav1.Condition, with the limits apimachinery declares for it. */
const conditionSchema: JsonSchema = {
  type: 'object',
  required: ['type', 'status', 'reason', 'message', 'lastTransitionTime'],
  properties: {
    type: {
      type: 'string',
      maxLength: 316,
      pattern:
        '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
      description: 'Ready, Active, Fallback or Predicting.',
    },
    status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
    reason: {
      type: 'string',
      minLength: 1,
      maxLength: 1024,
      pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
    },
    message: { type: 'string', maxLength: 32768 },
    lastTransitionTime: time('When status last changed.'),
    observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
  },
};

export function statusSchema(): JsonSchema {
  return {
    type: 'object',
    description: 'Written by the controller: the last decision, its reasons and the conditions.',
    properties: {
      observedGeneration: {
        type: 'integer',
        format: 'int64',
        minimum: 0,
        description: 'The metadata.generation of the spec the last decision was made on.',
      },
      currentReplicas: replicas("The target's replica count at the last decision."),
      desiredReplicas: replicas('The count the last decision asked for.'),
      predictedReplicas: replicas(
        'What prediction mode `on` asks for (published in every mode but off).',
      ),
      lastScaleTime: time("When the controller last changed the target's replica count."),
      mode: {
        type: 'string',
        enum: [...statusModes],
        description:
          'The prediction mode in effect (defaults applied), or DryRun when dryRun is true.',
      },
      selector: {
        type: 'string',
        description: "The target's pod label selector, as its /scale subresource reports it.",
      },
      reasons: {
        type: 'array',
        items: reasonSchema,
        description: 'The last decision, step by step.',
      },
      conditions: {
        type: 'array',
        items: conditionSchema,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
      },
      leader: {
        type: 'string',
        description:
          'The identity of the controller replica (Lease holder) that wrote this status.',
      },
      engineState: {
        type: 'object',
        'x-kubernetes-preserve-unknown-fields': true,
        description:
          "The engine's memory between ticks (stabilization history, scale events, failure counts).",
      },
    },
  };
}
