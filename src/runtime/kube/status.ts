/**
 * What the controller writes into an ElasticScaler's status, built from a decision, and when.
 *
 * - Conditions follow `metav1.Condition`: `lastTransitionTime` changes only when `status` does
 *   (`meta.SetStatusCondition`); every condition is set from the first visit on, even as Unknown.
 *   The controller's own (Ready, Active, Fallback, AbleToScale) come first, then the engine's
 *   (Predicting, ScalingActive, ScalingLimited); an engine condition of a type the controller
 *   also sets (Active, Fallback) replaces the controller's, so that no type appears twice (the
 *   API server refuses a status with a duplicate type).
 * - `engineState` is what a restarted controller needs to keep its windows: the recommendation
 *   history (compacted to the entries that can still decide a stabilized max or min), scale
 *   events, trigger failure counters, KEDA's activity time, the KPA's windows. The forecaster is
 *   left out: it is rebuilt from the metric's history on start. Its size is bounded.
 * - Status is written at once when a count, a condition's status or reason, or the decision's
 *   reason codes change; the engine state and the messages (which carry the readings, so they
 *   move on almost every tick) at most every `stateWriteSeconds` otherwise (the engine state at
 *   once when scale events or failure counters change), so a steady scaler does not write on
 *   every tick. A leader that
 *   stops of its own accord writes what was held back before it releases the Lease
 *   (`Reconciler.flush`), so a graceful restart keeps its windows exactly; after a crash they may
 *   be up to `stateWriteSeconds` older.
 *
 * @module
 */
import type { Condition, Decision, Recommendation, ScalerState } from '../../core/model.js';
import { initialState } from '../../core/model.js';

export interface StatusCondition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
  /** RFC 3339, whole seconds. */
  readonly lastTransitionTime: string;
  readonly observedGeneration: number;
}

export interface ScalerStatus {
  readonly observedGeneration: number;
  readonly currentReplicas?: number;
  readonly desiredReplicas?: number;
  readonly predictedReplicas?: number;
  readonly lastScaleTime?: string;
  /** The prediction mode in effect, or DryRun. */
  readonly mode?: string;
  /** The controller replica that wrote this status. */
  readonly leader?: string;
  readonly selector?: string;
  readonly reasons: readonly { readonly code: string; readonly message: string }[];
  readonly conditions: readonly StatusCondition[];
  readonly engineState?: PersistedState;
}

/** The part of ScalerState that survives a restart (JSON; no forecaster). */
export type PersistedState = Omit<ScalerState, 'forecast'>;

/** At most this many recommendations are kept in the status (compacted first). */
export const MAX_PERSISTED_RECOMMENDATIONS = 256;
const MAX_PERSISTED_EVENTS = 128;
const MAX_REASONS = 12;
const MAX_MESSAGE = 1024;

const rfc3339 = (ms: number): string =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/**
 * Keeps the recommendations that can still be a window's max or min: an entry with a later one
 * at least as high never decides a max again (the later one is in every window that holds it),
 * and likewise for min. Order kept. [5, 3, 4, 4, 2] (oldest first) → max staircase 5, 4(last),
 * min staircase 2 → [5, 4, 2].
 */
export function compactRecommendations(list: readonly Recommendation[]): Recommendation[] {
  const keep = new Array<boolean>(list.length).fill(false);
  let max = -Infinity;
  let min = Infinity;
  for (let i = list.length - 1; i >= 0; i--) {
    const r = (list[i] as Recommendation).replicas;
    if (r > max) {
      keep[i] = true;
      max = r;
    }
    if (r < min) {
      keep[i] = true;
      min = r;
    }
  }
  const kept = list.filter((_, i) => keep[i]);
  return kept.slice(-MAX_PERSISTED_RECOMMENDATIONS);
}

/** The state to store in the status. */
export function persistState(state: ScalerState): PersistedState {
  const { forecast, ...rest } = state;
  void forecast; // rebuilt from the metric's history on start, never stored
  return {
    ...rest,
    recommendations:
      state.recommendations === null ? null : compactRecommendations(state.recommendations),
    scaleUpEvents: state.scaleUpEvents.slice(-MAX_PERSISTED_EVENTS),
    scaleDownEvents: state.scaleDownEvents.slice(-MAX_PERSISTED_EVENTS),
  };
}

const isArray = (v: unknown): v is unknown[] => Array.isArray(v);
const isTimed = (v: unknown): boolean =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { timestamp?: unknown }).timestamp === 'number';

/**
 * The state stored in a status, back as a ScalerState with `forecast` from `base` (the seeded
 * state); null when there is none or it is malformed (then the scaler starts afresh, and says so).
 */
export function restoreState(
  stored: unknown,
  base: ScalerState = initialState(),
): ScalerState | null {
  if (!looksPersisted(stored)) return null;
  // The API server may drop nulls from a stored object: a missing history is no history.
  return {
    ...base,
    ...stored,
    recommendations: stored.recommendations ?? null,
    forecast: base.forecast,
  };
}

const timedList = (v: unknown): boolean => isArray(v) && v.every(isTimed);

function looksPersisted(stored: unknown): stored is PersistedState {
  if (typeof stored !== 'object' || stored === null) return false;
  const s = stored as Partial<Record<keyof ScalerState, unknown>>;
  return (
    s.version === 1 &&
    (s.recommendations == null || timedList(s.recommendations)) &&
    timedList(s.scaleUpEvents) &&
    timedList(s.scaleDownEvents) &&
    typeof s.triggerHealth === 'object' &&
    s.triggerHealth !== null
  );
}

/** A condition as the controller means it, before its transition time is known. */
export type Wanted = Omit<Condition, 'status'> & { readonly status: Condition['status'] };

/** Applies `meta.SetStatusCondition`'s rule: the transition time moves only with the status. */
export function mergeConditions(
  previous: readonly StatusCondition[],
  wanted: readonly Wanted[],
  context: { readonly now: number; readonly generation: number },
): StatusCondition[] {
  return wanted.map((w) => {
    const before = previous.find((p) => p.type === w.type);
    const changed = before === undefined || before.status !== w.status;
    return {
      type: w.type,
      status: w.status,
      reason: w.reason === '' ? 'Unknown' : w.reason,
      message: w.message.slice(0, MAX_MESSAGE),
      lastTransitionTime: changed ? rfc3339(context.now) : before.lastTransitionTime,
      observedGeneration: context.generation,
    };
  });
}

/** The controller's conditions for a decision that was made (the target was read). */
export function decisionConditions(
  decision: Decision,
  extra: {
    readonly fallbackThreshold: number | null;
    readonly failures: number;
    /** The reads that failed at this tick (`trigger: message`), which a fallback hides. */
    readonly readErrors?: readonly string[];
  },
): Wanted[] {
  const active = decision.triggers.some((t) => t.active);
  const inFallback = extra.fallbackThreshold !== null && extra.failures > extra.fallbackThreshold;
  const failed = decision.triggers
    .filter((t) => t.error !== null)
    .map((t) => `${t.name}: ${t.error?.message ?? ''}`);
  const failing = [...new Set([...failed, ...(extra.readErrors ?? [])])].join('; ');
  // Still deciding with a trigger failing (a fallback, or another trigger that may only scale
  // up): Ready, and the message names the failure.
  const ready: Wanted = decision.valid
    ? {
        type: 'Ready',
        status: 'True',
        reason: 'ScalerReady',
        message:
          failing === ''
            ? 'the scaler reads its triggers and decides'
            : `the scaler decides, but a trigger fails: ${failing}`,
      }
    : {
        type: 'Ready',
        status: 'False',
        reason: 'CannotDecide',
        message: failing || 'no valid metric',
      };
  const list: Wanted[] = [
    ready,
    active
      ? { type: 'Active', status: 'True', reason: 'ScalerActive', message: 'a trigger is active' }
      : {
          type: 'Active',
          status: 'False',
          reason: 'ScalerNotActive',
          message: 'no trigger is active',
        },
    inFallback
      ? {
          type: 'Fallback',
          status: 'True',
          reason: 'FallbackExists',
          message: `triggers failing ${extra.failures} times in a row: fallback replicas apply`,
        }
      : {
          type: 'Fallback',
          status: 'False',
          reason: 'NoFallbackFound',
          message: 'no trigger is past its failure threshold',
        },
  ];
  // The engine's own condition of a type replaces the controller's (its Fallback says whether the
  // fallback is applied, its Active follows KEDA's transitions): a type twice is a 422.
  return decision.conditions.reduce<Wanted[]>((out, c) => overrideCondition(out, c), list);
}

/** Conditions when the scaler could not get as far as a decision (invalid spec, no target, ...). */
export function blockedConditions(
  reason: string,
  message: string,
  keep: readonly StatusCondition[],
): Wanted[] {
  const list: Wanted[] = [
    { type: 'Ready', status: 'False', reason, message },
    { type: 'AbleToScale', status: 'False', reason, message },
  ];
  for (const type of ['Active', 'Fallback', 'Predicting']) {
    const before = keep.find((c) => c.type === type);
    list.push(
      before ?? {
        type,
        status: 'Unknown',
        reason: 'NotEvaluated',
        message: 'the scaler has not decided yet',
      },
    );
  }
  return list;
}

/** Replaces the condition of the same type (or appends). */
export function overrideCondition(list: readonly Wanted[], c: Wanted): Wanted[] {
  const i = list.findIndex((x) => x.type === c.type);
  if (i < 0) return [...list, c];
  const next = list.slice();
  next[i] = c;
  return next;
}

export function reasonsOf(decision: Decision): ScalerStatus['reasons'] {
  return decision.reasons
    .slice(-MAX_REASONS)
    .map((r) => ({ code: r.code, message: r.message.slice(0, MAX_MESSAGE) }));
}

/**
 * What a change of is written at once: every field but the engine state and the messages (of
 * reasons and conditions), which carry the readings (`load 10.3 / 10 per replica`) and so move
 * on almost every tick; a new count, reason code, or condition status or reason is written at once.
 */
function visible(s: ScalerStatus | undefined): string {
  if (s === undefined) return '';
  return JSON.stringify({
    ...s,
    engineState: undefined,
    reasons: s.reasons.map((r) => r.code),
    conditions: s.conditions.map((c) => ({ ...c, message: undefined })),
  });
}

/** What is written at most every `stateWriteSeconds`: the engine state and the messages. */
const details = (s: ScalerStatus): string =>
  JSON.stringify([
    s.engineState,
    s.reasons.map((r) => r.message),
    s.conditions.map((c) => c.message),
  ]);

/**
 * Scale events and failure counters: a restart must not lose them, so they are written at once.
 * Not `lastActiveTime`: it moves on every tick while a trigger is active (it would write the status
 * on every tick), and it only decides once the triggers go inactive, a tick whose Active condition
 * changes and is written at once, carrying the last active time.
 */
function critical(s: PersistedState | undefined): string {
  if (s === undefined) return '';
  return JSON.stringify([s.scaleUpEvents, s.scaleDownEvents, s.triggerHealth, s.lastScaleTime]);
}

/** Whether `next` must be written, given what was last written and when. */
export function shouldWrite(input: {
  readonly previous: ScalerStatus | undefined;
  readonly next: ScalerStatus;
  readonly lastWriteMs: number | null;
  readonly now: number;
  readonly stateWriteSeconds: number;
}): boolean {
  const { previous, next } = input;
  if (previous === undefined || input.lastWriteMs === null) return true;
  if (visible(previous) !== visible(next)) return true;
  if (critical(previous.engineState) !== critical(next.engineState)) return true;
  const changed = details(previous) !== details(next);
  return changed && input.now - input.lastWriteMs >= input.stateWriteSeconds * 1000;
}
