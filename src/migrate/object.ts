/**
 * What HPAs and ScaledObjects share: metadata, the scale target reference, and the converted
 * result (a ScalerSpec input plus the annotations the ElasticScaler keeps).
 *
 * @module
 */
import { asRecord, describeField, invalid, type Sink } from './issues.js';

export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** `default` when the object names none. */
  readonly namespace: string;
}

/** One converted object: the spec (as a user writes it) and what the ElasticScaler carries. */
export interface Converted {
  readonly from: ObjectRef;
  readonly spec: Record<string, unknown>;
  readonly annotations: Readonly<Record<string, string>>;
}

export const objectLabel = (ref: ObjectRef): string =>
  `${ref.apiVersion} ${ref.kind} ${ref.namespace}/${ref.name}`;

/** The object's reference; null when it has no name. */
export function objectRef(doc: Record<string, unknown>): ObjectRef | null {
  const metadata = asRecord(doc.metadata) ?? {};
  if (typeof metadata.name !== 'string' || metadata.name === '') return null;
  return {
    apiVersion: String(doc.apiVersion),
    kind: String(doc.kind),
    name: metadata.name,
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : 'default',
  };
}

export function annotationsOf(doc: Record<string, unknown>): Record<string, string> {
  const raw = asRecord(asRecord(doc.metadata)?.annotations) ?? {};
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
}

/**
 * `spec.scaleTargetRef` as a Tide target (without namespace: an ElasticScaler scales a target in
 * its own namespace). KEDA defaults apiVersion and kind to apps/v1 Deployment.
 */
export function scaleTarget(
  sink: Sink,
  ref: unknown,
  defaults: { readonly apiVersion?: string; readonly kind?: string },
): Record<string, string> | null {
  const r = asRecord(ref);
  const field = 'spec.scaleTargetRef';
  const name = r?.name;
  const apiVersion = r?.apiVersion ?? defaults.apiVersion;
  const kind = r?.kind ?? defaults.kind;
  if (typeof name !== 'string' || name === '') {
    invalid(sink, `${field}.name`, describeField(`${field}.name`, name, 'required'));
    return null;
  }
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    invalid(sink, field, describeField(field, ref, 'apiVersion and kind are required'));
    return null;
  }
  return { apiVersion, kind, name };
}

/** A whole number field; undefined when absent, null (with an issue) when not a whole number. */
export function wholeNumber(
  sink: Sink,
  field: string,
  value: unknown,
  min = 0,
): number | undefined | null {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= min) return value;
  invalid(sink, field, describeField(field, value, `must be a whole number of at least ${min}`));
  return null;
}
