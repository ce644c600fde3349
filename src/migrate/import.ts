/**
 * `tide import`'s engine: reads HPA and KEDA objects (with the TriggerAuthentications they
 * reference) and writes ElasticScalers, or local-runner entries, with the same meaning. Every
 * output passes `parseSpec`, and each trigger the `checkTrigger` the caller passes (the sources'
 * own schemas: this layer imports only core); what fails either is an error naming the object.
 *
 * @module
 */
import { parseSpec, type SpecIssue, type TriggerSpec } from '../core/spec.js';
import { convertHpa, hpaVersions, type SelectorLookup } from './hpa.js';
import { selectorString } from './kube-refs.js';
import { authKey, type SecretUse } from './keda-auth.js';
import {
  asRecord,
  newSink,
  note,
  unsupported,
  type ImportIssue,
  type ImportNote,
  type Sink,
} from './issues.js';
import { objectLabel, objectRef, type Converted, type ObjectRef } from './object.js';
import { convertScaledObject, type KedaContext } from './scaled-object.js';

export interface ImportOptions {
  /** Write local-runner entries (`scalers: [...]`) instead of ElasticScaler objects. */
  readonly local: boolean;
  /** Where Secrets are mounted for Tide: a key is read from `<dir>/<namespace>/<secret>/<key>`. */
  readonly secretDir: string;
  /** The namespace of ClusterTriggerAuthentication Secrets (KEDA's, `keda` by default). */
  readonly clusterAuthNamespace: string;
  /** A trigger's source settings against its source's schema (`validateTriggerConfig`). */
  readonly checkTrigger?: (trigger: TriggerSpec, path: string) => readonly SpecIssue[];
}

export interface ImportedObject {
  readonly from: ObjectRef;
  /** The ScalerSpec as written in the output (what `parseSpec` accepted). */
  readonly spec: Record<string, unknown>;
  /** The ElasticScaler, or the local-runner entry (`{name, ...spec}`). */
  readonly document: Record<string, unknown>;
}

export interface ImportResult {
  readonly objects: readonly ImportedObject[];
  readonly issues: readonly ImportIssue[];
  readonly notes: readonly ImportNote[];
  /** Secret keys the specs read: mount each at its path for Tide. */
  readonly secrets: readonly SecretUse[];
}

const authKinds = new Set(['TriggerAuthentication', 'ClusterTriggerAuthentication']);

/** Documents, with `List`s (kubectl get -o yaml) unpacked. */
function flatten(docs: readonly unknown[]): Record<string, unknown>[] {
  return docs.flatMap((d) => {
    const r = asRecord(d);
    if (r === undefined) return [];
    if (Array.isArray(r.items) && typeof r.kind === 'string' && r.kind.endsWith('List'))
      return flatten(r.items);
    return [r];
  });
}

function authIndex(docs: readonly Record<string, unknown>[]): Map<string, Record<string, unknown>> {
  const index = new Map<string, Record<string, unknown>>();
  for (const d of docs) {
    const ref = objectRef(d);
    if (ref !== null && authKinds.has(ref.kind))
      index.set(authKey(ref.kind, ref.namespace, ref.name), d);
  }
  return index;
}

/** Workloads among the documents, by `kind/namespace/name`, with their pod selectors. */
function selectorIndex(docs: readonly Record<string, unknown>[]): SelectorLookup {
  const index = new Map<string, string>();
  for (const d of docs) {
    const ref = objectRef(d);
    const selector = selectorString(asRecord(d.spec)?.selector);
    if (ref !== null && typeof selector === 'string')
      index.set(`${ref.kind}/${ref.namespace}/${ref.name}`, selector);
  }
  return (target, namespace) => index.get(`${target.kind}/${namespace}/${target.name}`);
}

type Kind = 'hpa' | 'scaledObject' | 'auth' | 'other';

function kindOf(d: Record<string, unknown>): Kind {
  if (d.kind === 'HorizontalPodAutoscaler' && hpaVersions.includes(String(d.apiVersion)))
    return 'hpa';
  if (d.kind === 'ScaledObject' && d.apiVersion === 'keda.sh/v1alpha1') return 'scaledObject';
  if (authKinds.has(String(d.kind)) && d.apiVersion === 'keda.sh/v1alpha1') return 'auth';
  return 'other';
}

export function importDocuments(docs: readonly unknown[], options: ImportOptions): ImportResult {
  const all = flatten(docs);
  const secrets: SecretUse[] = [];
  const keda: KedaContext = {
    auth: { byKey: authIndex(all), clusterNamespace: options.clusterAuthNamespace },
    secretDir: options.secretDir,
    secrets,
  };
  const objects: ImportedObject[] = [];
  const issues: ImportIssue[] = [];
  const notes: ImportNote[] = [];
  const selectorOf = selectorIndex(all);
  all.forEach((d, i) => {
    const sink = importOne(d, i, { options, keda, objects, selectorOf });
    issues.push(...sink.issues);
    notes.push(...sink.notes);
  });
  return { objects, issues, notes, secrets };
}

interface OneCtx {
  readonly options: ImportOptions;
  readonly keda: KedaContext;
  readonly objects: ImportedObject[];
  readonly selectorOf: SelectorLookup;
}

function importOne(d: Record<string, unknown>, index: number, ctx: OneCtx): Sink {
  const kind = kindOf(d);
  const ref = objectRef(d);
  const label =
    ref === null
      ? `document ${index + 1} (${String(d.apiVersion)} ${String(d.kind)})`
      : objectLabel(ref);
  const sink = newSink(label);
  if (kind === 'auth') return sink;
  if (kind === 'other' || ref === null) {
    skip(d, sink, ref === null);
    return sink;
  }
  const converted =
    kind === 'hpa'
      ? convertHpa(d, ref, sink, ctx.selectorOf)
      : convertScaledObject(d, ref, sink, ctx.keda);
  if (converted === null || sink.issues.length > 0) return sink;
  if (checkOutput(converted, sink, ctx.options))
    ctx.objects.push(output(converted, ctx.options.local));
  return sink;
}

/** A Deployment, StatefulSet or ReplicaSet: read only for its pod selector, without a note. */
const isWorkload = (d: Record<string, unknown>): boolean =>
  d.apiVersion === 'apps/v1' &&
  ['Deployment', 'StatefulSet', 'ReplicaSet'].includes(String(d.kind));

function skip(d: Record<string, unknown>, sink: Sink, unnamed: boolean): void {
  if (unnamed) {
    unsupported(sink, 'metadata.name', 'metadata.name = missing: required');
  } else if (d.kind === 'ScaledJob') {
    unsupported(sink, 'kind', 'kind = "ScaledJob": Tide scales replicas, not Jobs');
  } else if (d.kind === 'HorizontalPodAutoscaler' || d.kind === 'ScaledObject') {
    unsupported(
      sink,
      'apiVersion',
      `apiVersion = ${JSON.stringify(d.apiVersion)}: Tide reads autoscaling/v2, autoscaling/v2beta2 and autoscaling/v1 HPAs and keda.sh/v1alpha1 ScaledObjects`,
    );
  } else if (!isWorkload(d)) {
    note(
      sink,
      'kind',
      'not an HorizontalPodAutoscaler, ScaledObject or TriggerAuthentication: skipped',
    );
  }
}

/** The spec must parse, and each trigger pass its source's schema; else an error per issue. */
function checkOutput(c: Converted, sink: Sink, options: ImportOptions): boolean {
  const parsed = parseSpec(c.spec);
  const problems = parsed.ok
    ? parsed.value.triggers.flatMap((t, i) => options.checkTrigger?.(t, `triggers[${i}]`) ?? [])
    : parsed.issues;
  for (const p of problems)
    unsupported(
      sink,
      `spec (Tide: ${p.path})`,
      `the converted spec is not valid for Tide: ${p.message}`,
    );
  return problems.length === 0;
}

function output(c: Converted, local: boolean): ImportedObject {
  const { from } = c;
  if (local) {
    const target = { ...(c.spec.target as Record<string, unknown>), namespace: from.namespace };
    return { from, spec: c.spec, document: { name: from.name, ...c.spec, target } };
  }
  return {
    from,
    spec: c.spec,
    document: {
      apiVersion: 'tide.dev/v1alpha1',
      kind: 'ElasticScaler',
      metadata: {
        name: from.name,
        namespace: from.namespace,
        annotations: { 'tide.dev/imported-from': objectLabel(from), ...c.annotations },
      },
      spec: c.spec,
    },
  };
}
