/**
 * One ElasticScaler's reconcile, run by the controller once per sync period and on every change
 * of the object:
 *
 *   1. parse the spec (on a new generation): the engine's own validation, with the path and the
 *      rule of every problem in the Ready condition
 *   2. refuse to fight: a target owned by an HPA or an older ElasticScaler is left alone
 *      (a `dryRun` scaler runs beside it as a shadow)
 *   3. read the target's `/scale` (any kind that has one, found through discovery)
 *   4. open the triggers' sources (Kubernetes triggers default to the scaler's namespace and the
 *      scale's pod selector) and, once per controller start, restore the engine state from the
 *      status and refit the forecaster from the metric's history
 *   5. tick: read every trigger, `decide`
 *   6. apply: patch `/scale` only when the count changes (never in a dry run); a change that was
 *      not applied leaves no scale event behind
 *   7. publish: Events on every scale and condition change, status when it changes
 *
 * Nothing here throws past `reconcile`: every failure becomes a condition and a retry.
 *
 * @module
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  initialState,
  type Decision,
  type PodInfo,
  type Observation,
  type ScalerSpec,
  type ScalerState,
  type TriggerSpec,
} from '../../core/model.js';
import { parseSpec } from '../../core/spec.js';
import { recordObservedRescale, withoutRescale } from '../../core/steps/record.js';
import type { KubeDeps } from '../../sources/kube.js';
import { decodePods } from '../../sources/kubernetes-resource.js';
import { validateTriggerConfig } from '../../sources/registry.js';
import type { Source } from '../../sources/source.js';
import {
  isTargetError,
  patchScale,
  readScale,
  type KindResolver,
  type ResolvedKind,
  type ScaleReading,
  type ScaleTargetRef,
} from '../../targets/kubernetes-scale.js';
import {
  kedaFallbackEvent,
  kedaScaleEvent,
  kedaScalerFailedEvent,
  kedaTransition,
  kedaTransitionOfCounts,
} from '../../core/policy/event/keda-events.js';
import type { Clock } from '../clock.js';
import { seedFromHistory } from '../history.js';
import { closeSources, openSources } from '../local/runner.js';
import type { Logger } from '../log.js';
import { tick } from '../tick.js';
import type { EventRecorder, InvolvedObject, ScalerEvent } from './events.js';
import type { KubeRest } from './rest.js';
import {
  blockedConditions,
  decisionConditions,
  mergeConditions,
  overrideCondition,
  persistState,
  reasonsOf,
  restoreState,
  shouldWrite,
  type ScalerStatus,
  type StatusCondition,
  type Wanted,
} from './status.js';

export const GROUP = 'tide.dev';
export const VERSION = 'v1alpha1';
export const PLURAL = 'elasticscalers';
export const KIND = 'ElasticScaler';

export interface ElasticScaler extends KubernetesObject {
  spec?: unknown;
  status?: Partial<ScalerStatus>;
}

export interface ReconcilerDeps {
  readonly rest: KubeRest;
  readonly kinds: KindResolver;
  readonly events: EventRecorder;
  readonly log: Logger;
  readonly clock: Clock;
  readonly sourceDeps: KubeDeps;
  /** Why another autoscaler owns this scaler's target; null when none does. */
  readonly conflict: (scaler: ElasticScaler, target: ScaleTargetRef) => string | null;
  readonly readConcurrency: number;
  readonly readTimeoutMs: number;
  /** Engine-state-only changes are written at most this often (default 60 s). */
  readonly stateWriteSeconds: number;
  /** Read the first trigger's history to refit the forecaster when a scaler is first seen. */
  readonly readHistory: boolean;
  /** This replica (the Lease holder while it acts), written into status.leader. */
  readonly identity: string;
  /** After each decision (metrics, dashboard). */
  readonly onDecision?: (report: DecisionReport) => void;
  /**
   * A target's pods from a watch-fed cache; undefined when it cannot answer (then they are
   * listed from the API server).
   */
  readonly pods?: (namespace: string, selector: string) => PodInfo[] | undefined;
}

export interface DecisionReport {
  readonly key: string;
  readonly decision: Decision;
  readonly currentReplicas: number;
  readonly now: number;
  readonly durationMs: number;
  readonly applied: boolean;
}

interface Entry {
  generation: number | null;
  spec: ScalerSpec | null;
  specError: string | null;
  sources: Map<string, Source> | null;
  selector: string | null;
  state: ScalerState | null;
  /** The count we set, or saw, at the last tick: a different one now was set by someone else. */
  expected: number | null;
  lastWritten: ScalerStatus | undefined;
  lastWriteMs: number | null;
  /** The status last built; flushed on close when it was not written (held back, or failed). */
  unwritten: { object: ElasticScaler; status: ScalerStatus } | null;
  /** The failing reads last reported as KEDAScalerFailed (scalers imported from KEDA). */
  kedaFailing: string;
}

const newEntry = (): Entry => ({
  generation: null,
  spec: null,
  specError: null,
  sources: null,
  selector: null,
  state: null,
  expected: null,
  lastWritten: undefined,
  lastWriteMs: null,
  unwritten: null,
  kedaFailing: '',
});

export const keyOf = (o: KubernetesObject): string =>
  `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/** Trigger types read from the Kubernetes API: they default to the scaler's namespace. */
const kubeTypes = new Set([
  'resource',
  'kubernetes-resource',
  'kubernetes-custom',
  'kubernetes-external',
]);
const podTypes = new Set(['resource', 'kubernetes-resource']);

/** A trigger as the controller runs it: in the scaler's namespace, over the target's pods. */
export function inCluster(
  trigger: TriggerSpec,
  namespace: string,
  selector: string | null,
): TriggerSpec {
  if (!kubeTypes.has(trigger.type)) return trigger;
  const config: Record<string, unknown> = { ...trigger.config };
  config['namespace'] ??= namespace;
  if (podTypes.has(trigger.type) && selector !== null) config['labelSelector'] ??= selector;
  return { ...trigger, config };
}

/** Parses an ElasticScaler's spec with the engine's validation; every issue with its path. */
export function parseScalerSpec(raw: unknown): { spec: ScalerSpec } | { error: string } {
  const parsed = parseSpec(raw);
  if (!parsed.ok) return { error: parsed.issues.map((i) => `spec.${i.message}`).join('; ') };
  const spec = parsed.value;
  if (spec.target === undefined || !('kind' in spec.target)) {
    return {
      error:
        "spec.target: must name a Kubernetes object ({apiVersion, kind, name}) in the scaler's namespace",
    };
  }
  const problems: string[] = [];
  spec.triggers.forEach((t, i) => {
    const checked = validateTriggerConfig(t, `triggers[${i}]`);
    if (!checked.ok) problems.push(...checked.issues.map((x) => `spec.${x.message}`));
  });
  return problems.length > 0 ? { error: problems.join('; ') } : { spec };
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class Reconciler {
  readonly #deps: ReconcilerDeps;
  readonly #entries = new Map<string, Entry>();

  constructor(deps: ReconcilerDeps) {
    this.#deps = deps;
  }

  /** Reconciles one scaler; resolves with when to run it again (ms). Never rejects. */
  async reconcile(object: ElasticScaler, signal: AbortSignal): Promise<number> {
    const key = keyOf(object);
    const entry = this.#entries.get(key) ?? newEntry();
    this.#entries.set(key, entry);
    try {
      return await this.#run(object, entry, signal);
    } catch (e) {
      this.#deps.log.error({ scaler: key, err: errorText(e) }, 'reconcile failed; retrying');
      return 15_000;
    }
  }

  /** A deleted scaler: close its sources, forget its state. */
  async forget(key: string): Promise<void> {
    const entry = this.#entries.get(key);
    this.#entries.delete(key);
    if (entry?.sources) await closeSources(entry.sources);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#entries.keys()].map((k) => this.forget(k)));
  }

  /**
   * Writes the statuses held back by `stateWriteSeconds` (engine state only), so that a graceful
   * restart resumes the windows where they were, not where they were last written. For a leader
   * that stops of its own accord, after its last reconcile and before it releases the Lease.
   */
  async flush(): Promise<void> {
    await Promise.all(
      [...this.#entries.values()].map(async (entry) => {
        const pending = entry.unwritten;
        if (pending === null) return;
        if (JSON.stringify(pending.status) === JSON.stringify(entry.lastWritten)) return;
        await this.#write(pending.object, entry, pending.status, this.#deps.clock.now());
      }),
    );
  }

  async #run(object: ElasticScaler, entry: Entry, signal: AbortSignal): Promise<number> {
    const generation = object.metadata?.generation ?? 0;
    if (entry.generation !== generation) await this.#load(object, entry, generation);
    const spec = entry.spec;
    if (spec === null) {
      await this.#blocked(object, entry, {
        reason: 'InvalidSpec',
        message: entry.specError ?? 'invalid spec',
      });
      return 60_000;
    }
    const period = spec.syncPeriodSeconds * 1000;
    const ref = targetOf(object, spec);
    const conflict = spec.dryRun ? null : this.#deps.conflict(object, ref);
    if (conflict !== null) {
      await this.#blocked(object, entry, { reason: 'ConflictingAutoscaler', message: conflict });
      return period;
    }
    const target = await this.#readTarget(ref, signal);
    // Stopping (the Lease released or lost): an aborted read is not the target's failure.
    if (signal.aborted) return period;
    if ('reason' in target) {
      await this.#blocked(object, entry, target);
      return period;
    }
    await this.#prepare(object, entry, { spec, scale: target.scale }, signal);
    await this.#tick(object, entry, { spec, ref, ...target }, signal);
    return period;
  }

  async #load(object: ElasticScaler, entry: Entry, generation: number): Promise<void> {
    if (entry.sources !== null) await closeSources(entry.sources);
    entry.sources = null;
    entry.selector = null;
    entry.generation = generation;
    const parsed = parseScalerSpec(object.spec);
    entry.spec = 'spec' in parsed ? parsed.spec : null;
    entry.specError = 'error' in parsed ? parsed.error : null;
    if (entry.specError !== null) {
      this.#deps.log.warn(
        { scaler: keyOf(object), err: entry.specError },
        'invalid ElasticScaler spec',
      );
    }
  }

  async #readTarget(
    ref: ScaleTargetRef,
    signal: AbortSignal,
  ): Promise<{ kind: ResolvedKind; scale: ScaleReading } | { reason: string; message: string }> {
    try {
      const kind = await this.#deps.kinds.resolve(ref.apiVersion, ref.kind, signal);
      return { kind, scale: await readScale(this.#deps.rest, kind, ref, signal) };
    } catch (e) {
      if (isTargetError(e))
        return {
          reason: e.reason === 'ApiError' ? 'FailedGetScale' : e.reason,
          message: e.message,
        };
      return { reason: 'FailedGetScale', message: errorText(e) };
    }
  }

  /** Opens the sources (again when the pod selector changed) and restores the state once. */
  async #prepare(
    object: ElasticScaler,
    entry: Entry,
    p: { readonly spec: ScalerSpec; readonly scale: ScaleReading },
    signal: AbortSignal,
  ): Promise<void> {
    if (entry.sources === null || entry.selector !== p.scale.selector) {
      if (entry.sources !== null) await closeSources(entry.sources);
      const namespace = object.metadata?.namespace ?? 'default';
      const triggers = p.spec.triggers.map((t) => inCluster(t, namespace, p.scale.selector));
      entry.sources = openSources({ ...p.spec, triggers }, this.#deps.sourceDeps);
      entry.selector = p.scale.selector;
    }
    if (entry.state === null)
      entry.state = await this.#restore(object, p.spec, entry.sources, signal);
  }

  /** The state stored in the status, with the forecaster refitted from the metric's history. */
  async #restore(
    object: ElasticScaler,
    spec: ScalerSpec,
    sources: ReadonlyMap<string, Source>,
    signal: AbortSignal,
  ): Promise<ScalerState> {
    const seeded = this.#deps.readHistory
      ? await seedFromHistory(spec, sources, this.#deps.clock, signal)
      : null;
    const restored = restoreState(object.status?.engineState, seeded?.state);
    this.#deps.log.info(
      {
        scaler: keyOf(object),
        restored: restored !== null,
        history: seeded?.message ?? 'not read',
      },
      restored !== null
        ? 'resumed the engine state stored in the status'
        : 'starting with a fresh engine state',
    );
    return restored ?? seeded?.state ?? initialState();
  }

  async #tick(
    object: ElasticScaler,
    entry: Entry,
    t: { spec: ScalerSpec; ref: ScaleTargetRef; kind: ResolvedKind; scale: ScaleReading },
    signal: AbortSignal,
  ): Promise<void> {
    const { spec, scale } = t;
    const current = scale.specReplicas;
    let before = entry.state as ScalerState;
    if (spec.dryRun) {
      // A shadow follows the target's real history: a change someone else made counts as theirs.
      before = recordObservedRescale({
        spec,
        state: before,
        previous: entry.expected,
        current,
        now: this.#deps.clock.now(),
      });
    }
    const began = performance.now();
    const pods = await this.#pods(object, spec, scale.selector, signal);
    const result = await tick({
      spec,
      sources: entry.sources ?? new Map(),
      state: before,
      currentReplicas: current,
      ...(pods === undefined ? {} : { pods }),
      clock: this.#deps.clock,
      readConcurrency: this.#deps.readConcurrency,
      readTimeoutMs: this.#deps.readTimeoutMs,
      signal,
    });
    // Stopping mid-tick: reads cut short decide nothing; the next leader ticks afresh.
    if (signal.aborted) return;
    const { decision, now } = result;
    const applied = await this.#apply(object, { ...t, decision, current }, signal);
    entry.state = applied.ok ? decision.state : withoutRescale(before, decision.state);
    entry.expected = applied.ok && applied.changed ? decision.desiredReplicas : current;
    this.#deps.onDecision?.({
      key: keyOf(object),
      decision,
      currentReplicas: current,
      now,
      durationMs: performance.now() - began,
      applied: applied.ok && applied.changed,
    });
    const errors = readErrors(result.observation);
    await this.#kedaScalerFailed(object, entry, errors);
    const wanted = conditionsFor(spec, decision, applied.condition, errors);
    await this.#publish(object, entry, {
      wanted,
      counts: countsOf(decision, current),
      reasons: reasonsOf(decision),
      selector: scale.selector,
    });
  }

  /**
   * The target's pods (readiness, start times) by the scale's selector, for the policies that
   * count ready pods (the KPA, prediction): from the controller's pod cache, else listed. A
   * `resource` trigger lists them itself; undefined then, or when they cannot be listed (logged;
   * the engine decides from what it has).
   */
  async #pods(
    object: ElasticScaler,
    spec: ScalerSpec,
    selector: string | null,
    signal: AbortSignal,
  ): Promise<PodInfo[] | undefined> {
    if (selector === null || spec.triggers.some((t) => podTypes.has(t.type))) return undefined;
    const cached = this.#deps.pods?.(object.metadata?.namespace ?? 'default', selector);
    if (cached !== undefined) return cached;
    const namespace = encodeURIComponent(object.metadata?.namespace ?? 'default');
    const path = `/api/v1/namespaces/${namespace}/pods?labelSelector=${encodeURIComponent(selector)}`;
    try {
      const body = await this.#deps.rest.request('GET', path, {
        signal,
        doing: `listing the pods of ${keyOf(object)}'s target`,
      });
      return decodePods(body);
    } catch (e) {
      this.#deps.log.warn(
        { scaler: keyOf(object), err: errorText(e) },
        "could not list the target's pods",
      );
      return undefined;
    }
  }

  /** Patches `/scale` when the count changes (not in a dry run); the outcome for the state. */
  async #apply(
    object: ElasticScaler,
    a: {
      spec: ScalerSpec;
      ref: ScaleTargetRef;
      kind: ResolvedKind;
      decision: Decision;
      current: number;
    },
    signal: AbortSignal,
  ): Promise<{ ok: boolean; changed: boolean; condition: Wanted | null }> {
    const desired = a.decision.desiredReplicas;
    if (a.spec.dryRun) return { ok: false, changed: false, condition: null };
    if (desired === a.current) return { ok: true, changed: false, condition: null };
    const key = keyOf(object);
    try {
      await patchScale(this.#deps.rest, { kind: a.kind, ref: a.ref, replicas: desired }, signal);
    } catch (e) {
      const message = `failed to rescale ${a.ref.kind} ${a.ref.name} from ${a.current} to ${desired}: ${errorText(e)}`;
      this.#deps.log.warn(
        { scaler: key, from: a.current, to: desired, err: errorText(e) },
        'scale failed',
      );
      void this.#deps.events.emit(
        involved(object),
        kedaScaleWords({ ...a, object, to: desired, failed: true }) ?? {
          type: 'Warning',
          reason: 'FailedRescale',
          action: 'Scale',
          note: message,
        },
      );
      return {
        ok: false,
        changed: false,
        condition: { type: 'AbleToScale', status: 'False', reason: 'FailedUpdateScale', message },
      };
    }
    const why = topReason(a.decision);
    this.#deps.log.info({ scaler: key, from: a.current, to: desired, reason: why.code }, 'scaled');
    await this.#deps.events.emit(
      involved(object),
      scaleEvent({
        object,
        spec: a.spec,
        ref: a.ref,
        from: a.current,
        to: desired,
        why,
        decision: a.decision,
      }),
    );
    return { ok: true, changed: true, condition: null };
  }

  async #blocked(
    object: ElasticScaler,
    entry: Entry,
    why: { reason: string; message: string },
  ): Promise<void> {
    const previous = entry.lastWritten?.conditions ?? object.status?.conditions ?? [];
    await this.#publish(object, entry, {
      wanted: blockedConditions(why.reason, why.message, previous),
      counts: {},
      reasons: [{ code: why.reason, message: why.message }],
      selector: null,
    });
  }

  /** Events for condition changes, then the status when it changed. */
  async #publish(
    object: ElasticScaler,
    entry: Entry,
    p: {
      wanted: readonly Wanted[];
      counts: Pick<ScalerStatus, 'currentReplicas' | 'desiredReplicas' | 'predictedReplicas'>;
      reasons: ScalerStatus['reasons'];
      selector: string | null;
    },
  ): Promise<void> {
    const now = this.#deps.clock.now();
    const generation = object.metadata?.generation ?? 0;
    const previous = entry.lastWritten ?? (object.status as ScalerStatus | undefined);
    const conditions = mergeConditions(previous?.conditions ?? [], p.wanted, { now, generation });
    await this.#conditionEvents(object, previous?.conditions ?? [], conditions);
    const next = buildStatus({
      generation,
      conditions,
      state: entry.state,
      mode: modeOf(entry.spec),
      leader: this.#deps.identity,
      ...p,
    });
    const write = shouldWrite({
      previous: entry.lastWritten,
      next,
      lastWriteMs: entry.lastWriteMs,
      now,
      stateWriteSeconds: this.#deps.stateWriteSeconds,
    });
    entry.unwritten = { object, status: next };
    if (write) await this.#write(object, entry, next, now);
  }

  async #write(
    object: ElasticScaler,
    entry: Entry,
    next: ScalerStatus,
    now: number,
  ): Promise<void> {
    try {
      await this.#deps.rest.request('PATCH', statusPath(object), {
        body: [{ op: 'add', path: '/status', value: next }],
        contentType: 'application/json-patch+json',
        doing: `writing the status of ElasticScaler ${keyOf(object)}`,
      });
      entry.lastWritten = next;
      entry.lastWriteMs = now;
      entry.unwritten = null;
    } catch (e) {
      this.#deps.log.warn(
        { scaler: keyOf(object), err: errorText(e) },
        'could not write the status; retrying next tick',
      );
    }
  }

  async #conditionEvents(
    object: ElasticScaler,
    before: readonly StatusCondition[],
    after: readonly StatusCondition[],
  ): Promise<void> {
    const changed = after.filter((c) => {
      const was = before.find((b) => b.type === c.type);
      // A condition's first setting is news only when it warns (a new, healthy scaler would
      // otherwise send seven Events at once); after that, every change of status or reason is.
      if (was === undefined) return warns(c);
      return was.status !== c.status || was.reason !== c.reason;
    });
    await Promise.all(
      changed.map((c) =>
        this.#deps.events.emit(
          involved(object),
          conditionEvent(
            object,
            before.find((b) => b.type === c.type),
            c,
          ),
        ),
      ),
    );
  }

  /** KEDA's KEDAScalerFailed for a scaler imported from KEDA, once per new set of failing reads. */
  async #kedaScalerFailed(object: ElasticScaler, entry: Entry, errors: string[]): Promise<void> {
    if (!importedFromKeda(object)) return;
    const failing = errors.join('; ');
    const report = failing !== '' && failing !== entry.kedaFailing;
    entry.kedaFailing = failing;
    if (!report) return;
    const e = kedaScalerFailedEvent(failing);
    await this.#deps.events.emit(involved(object), {
      type: e.type,
      reason: e.reason,
      action: 'Decide',
      note: e.message,
    });
  }
}

/** Set by `tide import` on a scaler converted from a KEDA ScaledObject. */
export const IMPORTED_FROM = 'tide.dev/imported-from';

const importedFromKeda = (o: ElasticScaler): boolean =>
  (o.metadata?.annotations?.[IMPORTED_FROM] ?? '').startsWith('keda.sh/');

/**
 * The Event of a scale. A scaler imported from a KEDA ScaledObject speaks KEDA's words when
 * KEDA's executor would have made the move (activation from 0 or idle, deactivation to 0 or
 * idle; core/policy/event/keda-events.ts), so alerts on KEDA's Events keep working:
 * `KEDAScaleTargetActivated` "Scaled apps/v1.Deployment ns/web from 0 to 1, triggered by queue",
 * `KEDAScaleTargetDeactivated` "Deactivated apps/v1.Deployment ns/web from 1 to 0".
 * Every other scale is the HPA's `SuccessfulRescale` "New size: 5; reason: ...".
 */
export function scaleEvent(e: {
  readonly object: ElasticScaler;
  readonly spec: ScalerSpec;
  readonly ref: ScaleTargetRef;
  readonly from: number;
  readonly to: number;
  readonly why: { readonly code: string; readonly message: string };
  readonly decision?: Decision;
}): ScalerEvent {
  return (
    kedaScaleWords({ ...e, current: e.from, failed: false }) ?? {
      type: 'Normal',
      reason: 'SuccessfulRescale',
      action: 'Scale',
      note: `New size: ${e.to}; reason: ${e.why.code}: ${e.why.message}`,
    }
  );
}

/**
 * KEDA's Event for a write of `/scale` (made or failed), or null when the scaler was not imported
 * from KEDA or the move is not one KEDA's executor makes. The move is the decision's `activation`
 * step when there is one, else read from the counts: leaving or reaching the idle count.
 */
function kedaScaleWords(e: {
  readonly object: ElasticScaler;
  readonly spec: ScalerSpec;
  readonly ref: ScaleTargetRef;
  readonly current: number;
  readonly to: number;
  readonly decision?: Decision;
  readonly failed: boolean;
}): ScalerEvent | null {
  if (!importedFromKeda(e.object)) return null;
  const idle = e.spec.idleReplicas ?? 0;
  const step = e.decision?.reasons.find((r) => r.step === 'activation');
  const transition =
    step === undefined ? kedaTransitionOfCounts(e.current, e.to, idle) : kedaTransition(step.code);
  if (transition === null) return null;
  const k = kedaScaleEvent({
    transition,
    target: {
      kind: `${e.ref.apiVersion}.${e.ref.kind}`,
      namespace: e.ref.namespace,
      name: e.ref.name,
    },
    from: e.current,
    to: e.to,
    activeTriggers: (e.decision?.triggers ?? []).filter((t) => t.active).map((t) => t.name),
    forced: false,
    failed: e.failed,
  });
  return { type: k.type, reason: k.reason, action: 'Scale', note: k.message };
}

/** The Event of a condition change; a scaler imported from KEDA words its fallback as KEDA. */
function conditionEvent(
  object: ElasticScaler,
  was: StatusCondition | undefined,
  c: StatusCondition,
): ScalerEvent {
  const keda =
    c.type === 'Fallback' && importedFromKeda(object)
      ? kedaFallbackEvent(was?.status === 'True', c.status === 'True')
      : null;
  return keda === null
    ? {
        type: warns(c) ? 'Warning' : 'Normal',
        reason: c.reason,
        action: 'Update',
        note: `${c.type} is ${c.status}: ${c.message}`,
      }
    : { type: keda.type, reason: keda.reason, action: 'Update', note: keda.message };
}

const warns = (c: StatusCondition): boolean =>
  ((c.type === 'Ready' || c.type === 'AbleToScale') &&
    c.status === 'False' &&
    c.reason !== 'DryRun') ||
  (c.type === 'Fallback' && c.status === 'True');

/** The conditions of a decision, with what applying it (or a dry run) changed. */
function conditionsFor(
  spec: ScalerSpec,
  decision: Decision,
  applied: Wanted | null,
  readErrors: readonly string[],
): Wanted[] {
  let wanted = decisionConditions(decision, {
    fallbackThreshold: spec.fallback?.failureThreshold ?? null,
    failures: maxFailures(decision.state),
    readErrors,
  });
  if (applied !== null) wanted = overrideCondition(wanted, applied);
  if (!spec.dryRun) return wanted;
  return overrideCondition(wanted, {
    type: 'AbleToScale',
    status: 'False',
    reason: 'DryRun',
    message: `dryRun: publishing what Tide would do (${decision.desiredReplicas}) without writing /scale`,
  });
}

function countsOf(
  decision: Decision,
  current: number,
): Pick<ScalerStatus, 'currentReplicas' | 'desiredReplicas' | 'predictedReplicas'> {
  return {
    currentReplicas: current,
    desiredReplicas: decision.desiredReplicas,
    ...(decision.predictedReplicas === undefined
      ? {}
      : { predictedReplicas: decision.predictedReplicas }),
  };
}

const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The Mode column: the prediction mode in effect, or DryRun; none for an invalid spec. */
const modeOf = (spec: ScalerSpec | null): string | null =>
  spec === null ? null : spec.dryRun ? 'DryRun' : spec.prediction.mode;

function buildStatus(b: {
  readonly generation: number;
  readonly mode: string | null;
  readonly leader: string;
  readonly conditions: readonly StatusCondition[];
  readonly state: ScalerState | null;
  readonly counts: Pick<ScalerStatus, 'currentReplicas' | 'desiredReplicas' | 'predictedReplicas'>;
  readonly reasons: ScalerStatus['reasons'];
  readonly selector: string | null;
}): ScalerStatus {
  const last = b.state?.lastScaleTime ?? null;
  return {
    observedGeneration: b.generation,
    ...b.counts,
    ...(b.mode === null ? {} : { mode: b.mode }),
    leader: b.leader,
    ...(last === null ? {} : { lastScaleTime: rfc3339(last) }),
    ...(b.selector === null ? {} : { selector: b.selector }),
    reasons: b.reasons,
    conditions: b.conditions,
    ...(b.state === null ? {} : { engineState: persistState(b.state) }),
  };
}

function targetOf(object: ElasticScaler, spec: ScalerSpec): ScaleTargetRef {
  const t = spec.target as { apiVersion: string; kind: string; name: string };
  return {
    apiVersion: t.apiVersion,
    kind: t.kind,
    name: t.name,
    namespace: object.metadata?.namespace ?? 'default',
  };
}

export function statusPath(object: KubernetesObject): string {
  const ns = encodeURIComponent(object.metadata?.namespace ?? 'default');
  const name = encodeURIComponent(object.metadata?.name ?? '');
  return `/apis/${GROUP}/${VERSION}/namespaces/${ns}/${PLURAL}/${name}/status`;
}

function involved(object: ElasticScaler): InvolvedObject {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: KIND,
    name: object.metadata?.name ?? '',
    namespace: object.metadata?.namespace ?? 'default',
    ...(object.metadata?.uid === undefined ? {} : { uid: object.metadata.uid }),
  };
}

/** The reason that set the count: the last one that carries a count, else the last one. */
function topReason(decision: Decision): { code: string; message: string } {
  const withCount = decision.reasons.filter((r) => r.replicas !== undefined);
  const r = withCount.at(-1) ?? decision.reasons.at(-1);
  return r === undefined ? { code: 'Decided', message: '' } : { code: r.code, message: r.message };
}

/** The reads that failed at this tick, as `trigger: message` (a fallback hides them from the decision). */
function readErrors(observation: Observation): string[] {
  return Object.entries(observation.metrics).flatMap(([name, r]) =>
    r.status === 'error' ? [`${name}: ${r.error.message}`] : [],
  );
}

function maxFailures(state: ScalerState): number {
  return Math.max(0, ...Object.values(state.triggerHealth).map((h) => h.failures));
}
