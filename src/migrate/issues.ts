/**
 * What an import reports besides its specs: errors (the object is not written) and notes (it is
 * written, and this is what the user must know or do). An error is `invalid` when the upstream
 * API itself would reject the object (KEDA's admission webhook, the HPA's validation) and
 * `unsupported` when the object is valid but Tide cannot express it.
 *
 * @module
 */

export type IssueKind = 'invalid' | 'unsupported';

export interface ImportIssue {
  /** `keda.sh/v1alpha1 ScaledObject shop/orders` */
  readonly object: string;
  /** The object's field, as written in it: `spec.triggers[0].metadata.host`. */
  readonly field: string;
  readonly kind: IssueKind;
  /** The field, its value and the rule: `spec.minReplicaCount = 5: ...`. */
  readonly message: string;
}

export interface ImportNote {
  readonly object: string;
  readonly field: string;
  readonly message: string;
}

/** Where one object's issues and notes go while it is converted. */
export interface Sink {
  readonly object: string;
  readonly issues: ImportIssue[];
  readonly notes: ImportNote[];
}

export function newSink(object: string): Sink {
  return { object, issues: [], notes: [] };
}

/** `field = value: rule` (value as JSON; `missing` when absent). */
export function describeField(field: string, value: unknown, rule: string): string {
  return `${field} = ${value === undefined ? 'missing' : JSON.stringify(value)}: ${rule}`;
}

/** Adds an issue once: a parameter read twice (an address, then its host) reports it once. */
function push(sink: Sink, issue: ImportIssue): void {
  const same = (i: ImportIssue): boolean =>
    i.field === issue.field && i.kind === issue.kind && i.message === issue.message;
  if (!sink.issues.some(same)) sink.issues.push(issue);
}

export function invalid(sink: Sink, field: string, message: string): void {
  push(sink, { object: sink.object, field, kind: 'invalid', message });
}

export function unsupported(sink: Sink, field: string, message: string): void {
  push(sink, { object: sink.object, field, kind: 'unsupported', message });
}

export function note(sink: Sink, field: string, message: string): void {
  sink.notes.push({ object: sink.object, field, message });
}

/** A plain object (a YAML mapping), or undefined for anything else. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
