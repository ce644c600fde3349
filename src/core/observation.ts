/**
 * zod schemas for an Observation and a ScalerState arriving from outside the process
 * (`tide decide`, a state file, a CRD status). Parsed once at the edge; the engine then trusts them.
 *
 * @module
 */
import { z } from 'zod';
import { initialState, type Observation, type ScalerState } from './model.js';
import { formatPath, type ParseResult } from './spec.js';

const instant = z.number().finite();
const milli = z.number().finite();
const quantities = z
  .object({ cpu: milli.nullable().optional(), memory: milli.nullable().optional() })
  .strict();
const container = z.object({ name: z.string(), requests: quantities.prefault({}) }).strict();

const podSchema = z
  .object({
    name: z.string().min(1),
    phase: z.enum(['Running', 'Pending', 'Failed', 'Succeeded', 'Unknown']),
    deleted: z.boolean().optional(),
    startTime: instant.nullable(),
    ready: z.object({ status: z.boolean(), lastTransitionTime: instant }).strict().nullable(),
    containers: z.array(container),
    initContainers: z.array(container.extend({ restartAlways: z.boolean() }).strict()).optional(),
    podRequests: quantities.optional(),
  })
  .strict();

const podSampleSchema = z
  .object({
    pod: z.string(),
    timestamp: instant,
    windowSeconds: z.number().min(0),
    valueMilli: z.number().optional(),
    containers: z
      .array(z.object({ name: z.string(), usageMilli: z.number().nullable() }).strict())
      .optional(),
  })
  .strict();

/** Readings may carry NaN or negative values: the engine treats them as failed, never as zero. */
const readingSchema = z.discriminatedUnion('status', [
  z
    .object({
      status: z.literal('ok'),
      timestamp: instant,
      podSamples: z.array(podSampleSchema).optional(),
      valuesMilli: z.array(z.number()).optional(),
      activationValueMilli: z.number().optional(),
    })
    .strict(),
  z
    .object({
      status: z.literal('error'),
      error: z.object({ code: z.string(), message: z.string(), retryable: z.boolean() }).strict(),
    })
    .strict(),
]);

export const observationSchema = z
  .object({
    currentReplicas: z.int().min(0),
    statusReplicas: z.int().min(0).optional(),
    readyReplicas: z.int().min(0).optional(),
    pods: z.array(podSchema).default([]),
    metrics: z.record(z.string(), readingSchema).default({}),
  })
  .strict();

function toResult<T>(r: z.ZodSafeParseResult<T>, prefix: string): ParseResult<T> {
  if (r.success) return { ok: true, value: r.data };
  return {
    ok: false,
    issues: r.error.issues.map((i) => {
      const path = `${prefix}.${formatPath(i.path)}`.replace(/\.\(root\)$/, '');
      return { path, message: `${path}: ${i.message}` };
    }),
  };
}

export function parseObservation(input: unknown): ParseResult<Observation> {
  // zod types absent optional keys as `T | undefined`; it leaves them absent, as Observation wants.
  return toResult(observationSchema.safeParse(input), 'observation') as ParseResult<Observation>;
}

/** A state must be a version-1 object; null or undefined means "no state yet". */
export function parseState(input: unknown): ParseResult<ScalerState> {
  if (input === null || input === undefined) return { ok: true, value: initialState() };
  const r = z.looseObject({ version: z.literal(1) }).safeParse(input);
  if (!r.success) return toResult(r, 'state') as ParseResult<ScalerState>;
  return { ok: true, value: { ...initialState(), ...(input as Partial<ScalerState>) } };
}
