/**
 * The headroom planner (pure): how much spare capacity this workload needs, learned from the
 * workload itself rather than fixed by a buffered target.
 *
 * A reactive target such as CPU 70 % keeps a fixed buffer (70 % → a 90 % limit is 29 % spare)
 * for whatever the load does before new replicas are ready: wasted while the load is calm, too
 * little in a burst. The planner measures instead, at every reading, how far the load actually
 * rose within the horizon that follows — the start-up time, one sync period and the metric's
 * own age (45 s; more for samples averaged over a longer window, `metricAgeOf`) — and keeps the
 * last two hours of those rises. A plan is
 *   ceil((load + max(q_τ(rises), rise into this reading over the last horizon)) / ceiling)
 * replicas, where `ceiling` is the per-replica load a replica carries within its SLO (e.g. 90 %
 * CPU), not the buffered target: calm periods get a small headroom, volatile ones a large one,
 * measured in the load's own units (a rise of 3 req/s is 3 req/s at any level, so near zero load
 * nothing explodes the way a relative error does).
 *
 * Which quantile τ is learned too. The planner keeps a plan for each candidate τ in TAUS and
 * checks every one against the buffered target before any is trusted: each plan, and what the
 * buffered target alone asked for, is scored once its horizon has passed against the highest
 * load seen in it (in replicas at the ceiling), each side as its stabilization window holds it
 * (the plan's: one horizon; the target's: its scale-down window). A candidate qualifies when,
 * over the recent past (2-hour half-life), it fell short at most half as often as the buffered
 * target (the candidate in use: + 0.2 points, a hysteresis) while asking for at least
 * COST_MARGIN (3 %) fewer replicas (`costRatio` × that, when the user allows a plan to cost
 * more); the planner uses the cheapest qualifying candidate, and is confident while there is one.
 * The margin of one half is there because this record is kept on the metric as seen (averaged,
 * late), which understates the peaks a real shortfall is made of; the 3 % because the buffered
 * side's record leaves out the HPA's tolerance, which makes the real HPA up to ≈ 5 % cheaper than
 * its record on noisy loads, so a smaller saving may be none (ADR 7). Only a
 * confident planner acts; otherwise the caller keeps its reactive answer, so on a workload where
 * the fixed buffer is the better bet nothing changes.
 *
 * Worked example: ceiling 90 (CPU %), load 630 (7 replicas at 90 %), rises over the last two
 * hours with a 0.9-quantile of 45 (τ = 0.9 in use) → ceil(675 / 90) = 8 replicas, where the 70 %
 * target asks for ceil(630 / 70) = 9.
 *
 * @module
 */
import { quantileOfSorted, sortedReplace } from '../forecast/loss.js';
import { isObject } from '../guards.js';
import type { Reason } from '../model.js';

/**
 * The age of the newest information in a metric reading, beyond the horizon: a scrape interval
 * (15 s) plus half of a 60 s averaging window. A rise within this long after a reading is one
 * the reading could not show yet. The least age assumed; `metricAgeOf` gives a longer one where
 * the samples say they average over a longer window.
 */
export const METRIC_AGE_SECONDS = 45;

/** The scrape interval the metric age assumes besides half the averaging window. */
const SCRAPE_SECONDS = 15;

/**
 * The metric age for samples averaged over `windowSeconds` (null or not a positive number:
 * unknown): a scrape interval plus half the window, never less than METRIC_AGE_SECONDS. A
 * reading averaged over 2 minutes shows a rise 75 s late, not 45.
 */
export function metricAgeOf(windowSeconds: number | null): number {
  if (windowSeconds === null || !(windowSeconds > 0) || !Number.isFinite(windowSeconds)) {
    return METRIC_AGE_SECONDS;
  }
  return Math.max(METRIC_AGE_SECONDS, Math.round(SCRAPE_SECONDS + windowSeconds / 2));
}

/** A plan waiting for its horizon to pass. */
export interface PendingPlan {
  readonly time: number;
  readonly load: number;
  /**
   * What each candidate τ (TAUS order) and the buffered target held at `time`; plans null while
   * no headroom was learned yet.
   */
  readonly plans: readonly number[] | null;
  readonly reactive: number;
  /** The highest load seen after `time` within the horizon; null before any. */
  readonly peak: number | null;
  /** The rise a forecast expected over the horizon (0 without one); absent = 0. */
  readonly expected?: number;
}

/** A raw ask (per candidate τ, and the buffered target's), kept while inside a window. */
export interface RecentAsk {
  readonly time: number;
  readonly plans: readonly number[] | null;
  readonly reactive: number;
}

export interface HeadroomState {
  readonly version: 3;
  readonly pending: readonly PendingPlan[];
  /** Raw asks of the last `reactiveWindowSeconds` (what each side's stabilization holds). */
  readonly asks: readonly RecentAsk[];
  /** Each candidate's headroom at the newest reading (load units); null while still learning. */
  readonly headrooms: readonly number[] | null;
  /** Recent rises (peak − load over a horizon), newest last. */
  readonly rises: readonly number[];
  /** The same rises in ascending order (the quantile without a sort per reading). */
  readonly sortedRises: readonly number[];
  /** Per candidate: exponentially weighted counts of short plans and sums of asks. */
  readonly shortPlan: readonly number[];
  readonly costPlan: readonly number[];
  /** The same for the buffered target, and the weight of the record. */
  readonly shortReactive: number;
  readonly costReactive: number;
  readonly weight: number;
  readonly resolved: number;
  /** The candidate in use (index into TAUS); null = not confident. */
  readonly chosen: number | null;
}

export interface HeadroomInput {
  /** Epoch ms. */
  readonly now: number;
  readonly startupSeconds: number;
  readonly syncPeriodSeconds: number;
  /** How late a reading shows the load (`metricAgeOf`); default METRIC_AGE_SECONDS. */
  readonly metricAgeSeconds?: number;
  /** The buffered (reactive) per-replica target and the SLO ceiling, in the load's units. */
  readonly target: number;
  readonly ceiling: number;
  /**
   * The scale-down stabilization window the reactive answer runs with (the HPA's 300 s by
   * default): it holds the highest ask of that window, so that is what it is scored by. The
   * plan runs with a window of one horizon. Default 0.
   */
  readonly reactiveWindowSeconds?: number;
  /** The rise over the coming horizon a forecast expects (load units, ≥ 0). Default 0. */
  readonly expectedRise?: number;
  /**
   * How many times the buffered target's scored replicas a candidate may cost and still be used
   * (`prediction.costRatio`), less COST_MARGIN. Default 1: at least 3 % under the buffer.
   * Non-finite or below 1 counts as 1.
   */
  readonly costRatio?: number;
}

export interface HeadroomPlan {
  /** What to act on; null unless confident. */
  readonly replicas: number | null;
  /** The plan, confident or not (null before it has learned a headroom). */
  readonly planReplicas: number | null;
  readonly headroom: number | null;
  readonly confident: boolean;
  readonly reason: Reason;
}

/**
 * The candidate quantiles of the rises. The last, 1, is the largest rise of the window: the most
 * cautious plan. Where the buffered target is never short, a candidate must never be short
 * either, and with hundreds of replicas (one replica a small share of the load) every lower
 * quantile falls short now and then; the largest rise often does not, at a fraction of the
 * buffer's cost (ADR 7).
 */
export const TAUS: readonly number[] = [0.8, 0.9, 0.95, 0.98, 0.995, 1];
const HALF_LIFE_SECONDS = 2 * 3600;
const RISE_WINDOW_SECONDS = 2 * 3600;
const MIN_RISES = 20;
const MIN_EVIDENCE = 120;
const STAY_SLACK = 0.002;
const SHORT_RATIO = 0.5;
/** The least saving, as a share of the buffered side's recorded replicas, that counts as one. */
const COST_MARGIN = 0.03;
const MAX_PENDING = 256;
/** Plans scored per horizon at most (one per reading while readings are sparser). */
const SLOTS = 48;
const MAX_RISES = 960;
const STEP = 'headroom';

export function initialHeadroomState(): HeadroomState {
  return {
    version: 3,
    pending: [],
    asks: [],
    headrooms: null,
    rises: [],
    sortedRises: [],
    shortPlan: TAUS.map(() => 0),
    costPlan: TAUS.map(() => 0),
    shortReactive: 0,
    costReactive: 0,
    weight: 0,
    resolved: 0,
    chosen: null,
  };
}

/** A restored value is a HeadroomState of this version, in shape. */
export function isHeadroomState(x: unknown): x is HeadroomState {
  return (
    isObject(x) &&
    x.version === 3 &&
    [x.pending, x.asks, x.rises, x.sortedRises].every(Array.isArray) &&
    (x.sortedRises as unknown[]).length === (x.rises as unknown[]).length &&
    [x.shortPlan, x.costPlan].every(perCandidate) &&
    validChoice(x.chosen) &&
    [x.shortReactive, x.costReactive, x.weight, x.resolved].every(finite)
  );
}

/**
 * A saved state as this version's: itself when valid; a version 2 state (five candidates, before
 * the largest rise was one) keeps the rises it learned and starts its record afresh (the planner
 * is then the buffered target again until MIN_EVIDENCE plans are scored); anything else starts
 * afresh.
 */
export function restoreHeadroomState(x: unknown): HeadroomState {
  if (isHeadroomState(x)) return x;
  if (!isObject(x) || x.version !== 2) return initialHeadroomState();
  const rises = x.rises;
  if (!Array.isArray(rises) || !rises.every(finite)) return initialHeadroomState();
  const kept = (rises as number[]).slice(-MAX_RISES);
  return { ...initialHeadroomState(), rises: kept, sortedRises: [...kept].sort((a, b) => a - b) };
}

const validChoice = (v: unknown): boolean =>
  v === null || (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < TAUS.length);

const finite = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const perCandidate = (v: unknown): boolean =>
  Array.isArray(v) && v.length === TAUS.length && v.every(finite);

/** The horizon after a reading within which its rise is measured, in ms. */
export const horizonMs = (
  i: Pick<HeadroomInput, 'startupSeconds' | 'syncPeriodSeconds' | 'metricAgeSeconds'>,
): number =>
  (i.startupSeconds + i.syncPeriodSeconds + (i.metricAgeSeconds ?? METRIC_AGE_SECONDS)) * 1000;

/** Replicas for a load, the ceiling guarded against floating-point noise (2.0000000001 → 2). */
const replicasFor = (load: number, perReplica: number): number =>
  Math.max(1, Math.ceil(load / perReplica - 1e-9));

/** A headroom to add to the load: the τ-quantile of recent rises, never negative. */
export function headroomOf(rises: readonly number[], tau: number): number | null {
  return (
    headroomsOf(
      [...rises].sort((a, b) => a - b),
      [tau],
    )?.[0] ?? null
  );
}

/** Each τ's headroom from rises sorted ascending; null with fewer than MIN_RISES. */
function headroomsOf(sorted: readonly number[], taus: readonly number[]): number[] | null {
  if (sorted.length < MIN_RISES) return null;
  return taus.map((tau) => Math.max(0, quantileOfSorted(sorted, tau)));
}

/** Adds a rise, dropping the oldest beyond `maxRises`, in both orders. */
function rememberRise(
  s: HeadroomState,
  rise: number,
  maxRises: number,
): Pick<HeadroomState, 'rises' | 'sortedRises'> {
  const drop = Math.max(0, s.rises.length - maxRises + 1);
  const rises = [...s.rises.slice(drop), rise];
  // One in, at most one out: an O(n) update. More out (the window shrank): sort afresh.
  if (drop > 1) return { rises, sortedRises: [...rises].sort((a, b) => a - b) };
  return {
    rises,
    sortedRises: sortedReplace(s.sortedRises, rise, drop === 1 ? s.rises[0] : undefined),
  };
}

interface Scoring {
  readonly decay: number;
  readonly ceiling: number;
  readonly maxRises: number;
}

/** Scores one plan whose horizon has passed. */
function resolve(s: HeadroomState, p: PendingPlan, k: Scoring): HeadroomState {
  if (p.peak === null) return s;
  // Four significant digits are plenty for a quantile, and halve the state's JSON.
  const rise = Number((p.peak - p.load - (p.expected ?? 0)).toPrecision(4));
  const remembered = rememberRise(s, rise, k.maxRises);
  const plans = p.plans;
  if (plans === null) return { ...s, ...remembered };
  const need = replicasFor(p.peak, k.ceiling);
  return {
    ...s,
    ...remembered,
    shortPlan: s.shortPlan.map((x, i) => x * k.decay + ((plans[i] ?? 0) < need ? 1 : 0)),
    costPlan: s.costPlan.map((x, i) => x * k.decay + (plans[i] ?? 0)),
    shortReactive: s.shortReactive * k.decay + (p.reactive < need ? 1 : 0),
    costReactive: s.costReactive * k.decay + p.reactive,
    weight: s.weight * k.decay + 1,
    resolved: s.resolved + 1,
  };
}

/**
 * The most a candidate may cost, as a multiple of the buffered side's recorded replicas: the
 * input's cost ratio (1 unless a finite number above 1) less COST_MARGIN.
 */
const costBoundOf = (i: Pick<HeadroomInput, 'costRatio'>): number =>
  (Number.isFinite(i.costRatio) ? Math.max(1, i.costRatio ?? 1) : 1) * (1 - COST_MARGIN);

/**
 * The cheapest candidate short at most half as often as the buffered target (the one in use: +
 * slack) at no more than `bound` × its replicas; null when none is.
 */
function judge(s: HeadroomState, bound: number): HeadroomState {
  if (s.resolved < MIN_EVIDENCE || !(s.weight > 0)) return s;
  let chosen: number | null = null;
  let cheapest = s.costReactive * bound;
  for (let i = 0; i < TAUS.length; i++) {
    const cost = s.costPlan[i] ?? Infinity;
    if (qualifies(s, i) && (cost < cheapest || (chosen === null && cost <= cheapest))) {
      chosen = i;
      cheapest = cost;
    }
  }
  return chosen === s.chosen ? s : { ...s, chosen };
}

/** Candidate i is short at most half as often as the buffered target (in use: + slack). */
function qualifies(s: HeadroomState, i: number): boolean {
  const slack = (i === s.chosen ? STAY_SLACK : 0) * s.weight;
  return (s.shortPlan[i] ?? Infinity) <= SHORT_RATIO * s.shortReactive + slack;
}

const usable = (i: HeadroomInput & { readonly load: number }): boolean =>
  Number.isFinite(i.load) && i.load >= 0 && i.target > 0 && i.ceiling > 0;

/** Adds the reading to open horizons and scores the plans whose horizon it closes. */
function settle(
  state: HeadroomState,
  reading: { readonly now: number; readonly load: number; readonly h: number },
  scoring: Scoring,
): { next: HeadroomState; pending: PendingPlan[] } {
  const { now, load, h } = reading;
  let next: HeadroomState = { ...state, pending: [] };
  const pending: PendingPlan[] = [];
  for (const p of state.pending) {
    const seen = now > p.time && now <= p.time + h ? Math.max(p.peak ?? -Infinity, load) : p.peak;
    const updated = { ...p, peak: seen };
    if (now >= p.time + h) next = resolve(next, updated, scoring);
    else pending.push(updated);
  }
  return { next, pending };
}

/**
 * Absorbs one reading of the load (in the target's units) at `input.now`: open horizons see it,
 * horizons it closes are scored, and the plan made now is recorded. Non-finite or negative
 * readings, and a target or ceiling that is not positive, change nothing.
 */
export function observeHeadroom(
  state: HeadroomState,
  input: HeadroomInput & { readonly load: number },
): HeadroomState {
  const { now, load, ceiling } = input;
  if (!usable(input)) return state;
  const h = horizonMs(input);
  const decay = 0.5 ** (input.syncPeriodSeconds / HALF_LIFE_SECONDS);
  const maxRises = Math.min(
    MAX_RISES,
    Math.max(MIN_RISES, Math.round(RISE_WINDOW_SECONDS / input.syncPeriodSeconds)),
  );
  const { next, pending } = settle(state, { now, load, h }, { decay, ceiling, maxRises });
  const expected = Math.max(0, input.expectedRise ?? 0);
  const learned = headroomsOf(next.sortedRises, TAUS)?.map((x) => x + expected) ?? null;
  const headrooms = withMomentum(learned, load, pending);
  const raw: RecentAsk = {
    time: now,
    plans: headrooms === null ? null : headrooms.map((h) => replicasFor(load + h, ceiling)),
    reactive: replicasFor(load, input.target),
  };
  const windowMs = Math.max(h, (input.reactiveWindowSeconds ?? 0) * 1000);
  const spacing = h / SLOTS;
  const asks = rememberAsk(
    state.asks.filter((a) => a.time > now - windowMs),
    raw,
    spacing,
  );
  const newest = pending.at(-1);
  const due = newest === undefined || newest.time <= now - spacing;
  const plan: PendingPlan = {
    time: now,
    load,
    ...held(asks, raw, { now, planMs: h, input }),
    peak: null,
    ...(expected > 0 ? { expected } : {}),
  };
  const kept = due ? [...pending, plan] : pending;
  return judge({ ...next, pending: kept.slice(-MAX_PENDING), asks, headrooms }, costBoundOf(input));
}

/**
 * Appends an ask, or folds it into the newest one (the higher of each side) when that one is
 * less than `spacing` old: with long horizons the state keeps about SLOTS entries per horizon
 * instead of one per reading (a folded ask expires with its oldest part, up to `spacing` early).
 */
/** Element-wise max; `b` alone when either is missing (a fresh plan replaces none). */
function maxEach(a: readonly number[] | null, b: readonly number[] | null): number[] | null {
  if (a === null || b === null) return b === null ? null : [...b];
  return b.map((x, i) => Math.max(x, a[i] ?? x));
}

function rememberAsk(asks: readonly RecentAsk[], raw: RecentAsk, spacing: number): RecentAsk[] {
  const newest = asks.at(-1);
  if (newest === undefined || newest.time <= raw.time - spacing) {
    return [...asks, raw].slice(-MAX_PENDING);
  }
  const plans = maxEach(newest.plans, raw.plans);
  const folded = { time: newest.time, plans, reactive: Math.max(newest.reactive, raw.reactive) };
  return [...asks.slice(0, -1), folded];
}

/**
 * The learned headroom, at least the rise into this reading over the last horizon (load − the
 * lowest reading still pending): a ramp under way is expected to go on for another horizon, even
 * before the rises of a calmer past have caught up with it.
 */
function withMomentum(
  learned: number[] | null,
  load: number,
  pending: readonly PendingPlan[],
): number[] | null {
  if (learned === null) return null;
  let low = load;
  for (const p of pending) low = Math.min(low, p.load);
  return learned.map((h) => Math.max(h, load - low));
}

/**
 * What each side holds at `now`: the highest of its asks over its stabilization window (the
 * plan's: one horizon; the reactive answer's: `reactiveWindowSeconds`).
 */
function held(
  asks: readonly RecentAsk[],
  raw: RecentAsk,
  at: { readonly now: number; readonly planMs: number; readonly input: HeadroomInput },
): { plans: number[] | null; reactive: number } {
  const reactiveMs = (at.input.reactiveWindowSeconds ?? 0) * 1000;
  let plans = raw.plans === null ? null : [...raw.plans];
  let reactive = raw.reactive;
  for (const a of asks) {
    const age = at.now - a.time;
    if (plans !== null && a.plans !== null && age < at.planMs) plans = maxEach(a.plans, plans);
    if (age < reactiveMs) reactive = Math.max(reactive, a.reactive);
  }
  return { plans, reactive };
}

const fmt = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));

function record(s: HeadroomState, i: number, bound: number): string {
  if (s.resolved < MIN_EVIDENCE) return `${s.resolved} of ${MIN_EVIDENCE} plans scored so far`;
  const pct = (x: number): string => `${fmt((100 * x) / s.weight)} %`;
  const plan = s.costPlan[i] ?? 0;
  const cost = s.costReactive > 0 ? fmt(plan / s.costReactive) : '–';
  return `at τ ${TAUS[i]} short ${pct(s.shortPlan[i] ?? 0)} of the time vs ${pct(s.shortReactive)} for the buffered target, at ${cost}× its replicas (at most ${fmt(bound)}× allowed)`;
}

/**
 * The candidate to show while none is in use: the cheapest short rarely enough (so refused for
 * its cost), else the one short least often (so refused for its shortfalls).
 */
function bestEffort(s: HeadroomState): number {
  const index = TAUS.map((_, i) => i);
  const by = (xs: readonly number[], pool: readonly number[]): number | undefined =>
    pool.reduce<number | undefined>(
      (a, i) => (a === undefined || (xs[i] ?? Infinity) < (xs[a] ?? Infinity) ? i : a),
      undefined,
    );
  const cheapest = by(
    s.costPlan,
    index.filter((i) => qualifies(s, i)),
  );
  return cheapest ?? by(s.shortPlan, [...index].reverse()) ?? TAUS.length - 1;
}

/**
 * The plan for the load read at `input.now` (the last reading given to `observeHeadroom`).
 * Reason codes: `LearningHeadroom` (fewer than 20 rises measured), `HeadroomNotConfident` (its
 * record is not better than the buffered target's), `HeadroomConfident`.
 */
export function planHeadroom(
  state: HeadroomState,
  input: HeadroomInput & { readonly load: number },
): HeadroomPlan {
  const i = state.chosen ?? bestEffort(state);
  const headroom = state.headrooms?.[i] ?? null;
  if (headroom === null || !usable(input)) {
    const message = `${state.rises.length} of ${MIN_RISES} rises measured; keeping the buffered target`;
    const reason = { step: STEP, code: 'LearningHeadroom', message };
    return { replicas: null, planReplicas: null, headroom, confident: false, reason };
  }
  const planReplicas = replicasFor(input.load + headroom, input.ceiling);
  const how = `load ${fmt(input.load)} + headroom ${fmt(headroom)} at ceiling ${fmt(input.ceiling)} → ${planReplicas}`;
  if (state.chosen === null) {
    const message = `${how}, not used: ${record(state, i, costBoundOf(input))}`;
    const reason = { step: STEP, code: 'HeadroomNotConfident', message };
    return { replicas: null, planReplicas, headroom, confident: false, reason };
  }
  const message = `${how}; ${record(state, i, costBoundOf(input))}`;
  const reason = { step: STEP, code: 'HeadroomConfident', message, replicas: planReplicas };
  return { replicas: planReplicas, planReplicas, headroom, confident: true, reason };
}
