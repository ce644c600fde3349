/**
 * The prediction planner (pure): plans that run replicas nearer the SLO line than a buffered
 * target, each with a margin calibrated online on this workload against the buffered target it
 * would replace (ADR 8).
 *
 * A reactive target such as CPU 70 % keeps a fixed buffer (70 % → a 90 % limit is 29 % spare)
 * for whatever the load does before new replicas are ready: wasted while the load is calm, too
 * little in a burst. The planner keeps two candidate plans instead, each a base in the load's
 * units plus a margin, turned into replicas at the `ceiling` (the per-replica load within the
 * SLO, e.g. 90 % CPU):
 *   rise      base = load + the climb the seasonal forecast expects over the horizon; the margin
 *             covers how far the load rose within a horizon after a reading (and at least the
 *             rise into this reading over the last horizon: a ramp under way goes on);
 *   envelope  base = the highest load of the last 5 minutes + the larger of the positive
 *             10-minute trend carried over start-up + metric age, and the forecast's climb.
 * The horizon is start-up + one sync period + the metric's age (45 s; more for samples averaged
 * over a longer window, `metricAgeOf`): a replica asked for now is ready, and the reading shows
 * the load it meets, that much later.
 *
 * Calibration. Every plan is scored once its horizon has passed against the highest load seen
 * in it; so is what the buffered target alone asked for, each side as its stabilization holds it
 * (the rise plan: one horizon; the envelope: one minute; the buffered target: its scale-down
 * window). The record (2-hour half-life) gives the buffered target's short rate s. Each
 * candidate's margin is the (1 − α) quantile of its residuals (peak − base) over the last two
 * hours, and α is adapted after every scored plan as in adaptive conformal inference (Gibbs and
 * Candès, 2021): α ← α + γ (a − short), with γ = 0.005 and the aim a = 0.8 s; a miss lowers α
 * (more margin), a hit raises it. So each candidate's own record is steered to a little under the
 * buffered target's short rate, whatever the workload — a calm one gets a small margin, a bursty
 * one a large one. The 0.8 is there because the record is kept on the metric as seen (averaged,
 * late), which understates the peaks a real shortfall is made of (ADR 7, ADR 8).
 *
 * The tail beyond the window: two hours of residuals (480 at 15 s) cannot tell a quantile beyond
 * 1 − 1/480 — even their largest is exceeded by about one new residual in 480, a 0.2 % short
 * rate, where a buffered target on a calm load is short far less often. So when α is below
 * 1 / (residuals kept), the margin is at least the largest residual of the last TAIL_HOURS (6)
 * hours, kept as one high per hour (ADR 8, "Revision").
 *
 * A candidate qualifies while its record is short at most 0.8 times as often as the buffered
 * target's + 0.1 point (the one in use: + 0.2 points more, a hysteresis) and asks for at least
 * COST_MARGIN (3 %) fewer replicas (`costRatio` × that, when the user allows a plan to cost
 * more). The cheapest qualifying candidate acts; with none the caller keeps its reactive answer,
 * so on a workload where the fixed buffer is the better bet nothing changes.
 *
 * Worked example: ceiling 90 (CPU %), load 630, highest load of the last 5 minutes 660, trend
 * +0.05 per s over 105 s → 5.25, margin 20 → ceil((660 + 5.25 + 20) / 90) = 8 replicas, where
 * the 70 % target asks for ceil(630 / 70) = 9.
 *
 * @module
 */
import { quantileOfSorted, sortedReplaceInPlace } from '../forecast/loss.js';
import { isObject } from '../guards.js';
import type { Reason } from '../model.js';
import { roundSignificant } from '../significant.js';

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

/** The candidate plans, in the order of every per-candidate array of the state. */
export const CANDIDATES = ['rise', 'envelope'] as const;
export type CandidateName = (typeof CANDIDATES)[number];
const RISE = 0;
const ENVELOPE = 1;

/** A plan waiting for its horizon to pass. */
export interface PendingPlan {
  readonly time: number;
  /** Each candidate's base (load units), CANDIDATES order. */
  readonly bases: readonly number[];
  /** What each candidate and the buffered target held at `time`; plans null while learning. */
  readonly plans: readonly number[] | null;
  readonly reactive: number;
  /** The highest load seen after `time` within the horizon; null before any. */
  readonly peak: number | null;
}

/** A raw ask (per candidate, and the buffered target's), kept while inside a window. */
export interface RecentAsk {
  readonly time: number;
  readonly plans: readonly number[] | null;
  readonly reactive: number;
}

/** A reading kept for the envelope and the trend: the newest load and the highest folded in. */
export interface RecentLoad {
  readonly time: number;
  readonly load: number;
  readonly high: number;
}

export interface HeadroomState {
  readonly version: 4;
  readonly pending: readonly PendingPlan[];
  /** Raw asks of the last `reactiveWindowSeconds` (what each side's stabilization holds). */
  readonly asks: readonly RecentAsk[];
  /** Readings of the last 10 minutes (the envelope's and the trend's). */
  readonly loads: readonly RecentLoad[];
  /** Per candidate: residuals (peak − base) of the last two hours, newest last, and sorted. */
  readonly residuals: readonly (readonly number[])[];
  readonly sortedResiduals: readonly (readonly number[])[];
  /**
   * Per candidate: the highest residual of each of the last TAIL_HOURS hours, as flat
   * [hour since the epoch, high] pairs, oldest first. Absent in a state saved before it existed
   * (read as none).
   */
  readonly hourHighs?: readonly (readonly number[])[];
  /** Per candidate: the miss level α its margin is the (1 − α) quantile at. */
  readonly alphas: readonly number[];
  /** Per candidate at the newest reading: base and margin (load units); null while learning. */
  readonly bases: readonly number[] | null;
  readonly margins: readonly number[] | null;
  /** Per candidate: exponentially weighted counts of short plans and sums of asks. */
  readonly shortPlan: readonly number[];
  readonly costPlan: readonly number[];
  /** The same for the buffered target, and the weight of the record. */
  readonly shortReactive: number;
  readonly costReactive: number;
  readonly weight: number;
  readonly resolved: number;
  /**
   * Exponentially weighted sum of the readings' absolute changes of the change, and its weight:
   * what the averaging of the readings hides (`noiseOf`).
   */
  readonly scatter: number;
  readonly scatterWeight: number;
  /** The candidate in use (index into CANDIDATES); null = not confident. */
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
   * default): it holds the highest ask of that window, so that is what it is scored by. Default 0.
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
  /** The plan shown (the candidate in use, else the closest), confident or not; null while learning. */
  readonly planReplicas: number | null;
  /** Its margin over its base (load units); null while learning. */
  readonly headroom: number | null;
  readonly confident: boolean;
  /** The candidate shown; null while learning. */
  readonly candidate: CandidateName | null;
  /** How long the engine holds the plan before scaling down (the candidate's hold), seconds. */
  readonly holdSeconds: number;
  readonly reason: Reason;
}

const HALF_LIFE_SECONDS = 2 * 3600;
const RESIDUAL_WINDOW_SECONDS = 2 * 3600;
/** How far back the highest residuals reach for a margin beyond the window's quantiles. */
const TAIL_HOURS = 6;
const HOUR_MS = 3_600_000;
const ENVELOPE_SECONDS = 5 * 60;
const TREND_SECONDS = 10 * 60;
/** The envelope plan's scale-down hold (its 5-minute envelope already holds the load's highs). */
const ENVELOPE_HOLD_SECONDS = 60;
/** Adaptive conformal inference's step size (Gibbs and Candès 2021 use 0.005). */
const ALPHA_STEP = 0.005;
const MAX_ALPHA = 0.5;
const MIN_RESIDUALS = 20;
const MIN_EVIDENCE = 120;
/**
 * The share of the time a candidate may be short beyond SHORT_RATIO times the buffered target's
 * record: the 0.1 point of τU a plan may lose to the HPA and still count as no worse (issue 16).
 * Without it one short plan on a load where the buffered target is never short would bar a
 * candidate for as long as the record remembers it.
 */
const ALLOWANCE = 0.001;
const STAY_SLACK = 0.002;
/**
 * The aim of each candidate's calibration and its qualification, as a share of the buffered
 * target's recorded short rate: a little under it, since the record understates real shortfalls.
 */
const SHORT_RATIO = 0.8;
/** The least saving, as a share of the buffered side's recorded replicas, that counts as one. */
const COST_MARGIN = 0.03;
const MAX_PENDING = 256;
/** Plans scored per horizon at most (one per reading while readings are sparser). */
const SLOTS = 48;
const MAX_RESIDUALS = 960;
/** Readings kept for the trend at most (folded when the sync period is under 5 s). */
const MAX_LOADS = 120;
const STEP = 'headroom';

const perCandidate = <T>(f: () => T): T[] => CANDIDATES.map(f);

export function initialHeadroomState(): HeadroomState {
  return {
    version: 4,
    pending: [],
    asks: [],
    loads: [],
    residuals: perCandidate(() => []),
    hourHighs: perCandidate(() => []),
    sortedResiduals: perCandidate(() => []),
    alphas: perCandidate(() => 0),
    bases: null,
    margins: null,
    shortPlan: perCandidate(() => 0),
    costPlan: perCandidate(() => 0),
    shortReactive: 0,
    costReactive: 0,
    weight: 0,
    resolved: 0,
    scatter: 0,
    scatterWeight: 0,
    chosen: null,
  };
}

const finite = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const finiteEach = (v: unknown): boolean =>
  Array.isArray(v) && v.length === CANDIDATES.length && v.every(finite);
const arrays = (v: unknown): boolean =>
  Array.isArray(v) && v.length === CANDIDATES.length && v.every(Array.isArray);
/** Per candidate, [hour, high] pairs of finite numbers. */
const hourPairs = (v: unknown): boolean =>
  arrays(v) && (v as unknown[][]).every((flat) => flat.length % 2 === 0 && flat.every(finite));
const validChoice = (v: unknown): boolean =>
  v === null || (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < CANDIDATES.length);

/** A restored value is a HeadroomState of this version, in shape. */
export function isHeadroomState(x: unknown): x is HeadroomState {
  return (
    isObject(x) &&
    x.version === 4 &&
    [x.pending, x.asks, x.loads].every(Array.isArray) &&
    arrays(x.residuals) &&
    arrays(x.sortedResiduals) &&
    (x.hourHighs === undefined || hourPairs(x.hourHighs)) &&
    [x.shortPlan, x.costPlan, x.alphas].every(finiteEach) &&
    validChoice(x.chosen) &&
    [x.shortReactive, x.costReactive, x.weight, x.resolved, x.scatter, x.scatterWeight].every(
      finite,
    )
  );
}

/**
 * A saved state as this version's: itself when valid, else a fresh one (an older version's record
 * was kept for other plans; the planner is the buffered target again until MIN_EVIDENCE plans are
 * scored, or until `warmPrediction` has caught it up).
 */
export function restoreHeadroomState(x: unknown): HeadroomState {
  return isHeadroomState(x) ? x : freshState;
}

/** A fresh state, shared: `observeHeadroom` never writes the state it is given. */
const freshState = initialHeadroomState();

/** The horizon after a reading within which its rise is measured, in ms. */
export const horizonMs = (
  i: Pick<HeadroomInput, 'startupSeconds' | 'syncPeriodSeconds' | 'metricAgeSeconds'>,
): number =>
  (i.startupSeconds + i.syncPeriodSeconds + (i.metricAgeSeconds ?? METRIC_AGE_SECONDS)) * 1000;

/** How long candidate c's plan is held before scaling down, ms, for a horizon of h ms. */
const holdMs = (h: number, c: number): number =>
  c === ENVELOPE ? Math.min(h, ENVELOPE_HOLD_SECONDS * 1000) : h;

/** How long each candidate's plan is held before scaling down, ms (CANDIDATES order). */
function holdsMs(h: number): number[] {
  return CANDIDATES.map((_, c) => holdMs(h, c));
}

/** Replicas for a load, the ceiling guarded against floating-point noise (2.0000000001 → 2). */
const replicasFor = (load: number, perReplica: number): number =>
  Math.max(1, Math.ceil(load / perReplica - 1e-9));

interface Scoring {
  readonly decay: number;
  readonly ceiling: number;
  readonly maxResiduals: number;
  /** What the averaged readings hide of a peak (`noiseOf`), load units. */
  readonly noise: number;
}

/** The half-life of the record of the readings' scatter (`noiseOf`). */
const NOISE_HALF_LIFE_SECONDS = 3600;
/** σ of a normal distribution per mean absolute deviation: √(π / 2). */
const MEAN_ABS_TO_SIGMA = 1.2533;
/** A change of the change beyond this many times the typical one counts as this many (a burst). */
const NOISE_CLIP = 4;

/** Whether `b` came one sync period (± half) after `a`. */
const oneSyncAfter = (a: RecentLoad, b: RecentLoad, syncMs: number): boolean =>
  b.time - a.time >= 0.5 * syncMs && b.time - a.time <= 1.5 * syncMs;

/**
 * The record of the readings' scatter with this reading's change of the change, when the two
 * readings before came one sync period apart (else unchanged).
 */
function rememberScatter(
  s: HeadroomState,
  at: RecentLoad & { readonly syncMs: number },
): Pick<HeadroomState, 'scatter' | 'scatterWeight'> {
  const unchanged = { scatter: s.scatter, scatterWeight: s.scatterWeight };
  const [a, b] = [s.loads.at(-2), s.loads.at(-1)];
  if (a === undefined || b === undefined) return unchanged;
  if (!oneSyncAfter(a, b, at.syncMs) || !oneSyncAfter(b, at, at.syncMs)) return unchanged;
  const typical = s.scatterWeight > 0 ? s.scatter / s.scatterWeight : Infinity;
  const change = Math.min(Math.abs(at.load - 2 * b.load + a.load), NOISE_CLIP * typical);
  const decay = 0.5 ** (at.syncMs / 1000 / NOISE_HALF_LIFE_SECONDS);
  return {
    scatter: roundSignificant(s.scatter * decay + change, 6),
    scatterWeight: roundSignificant(s.scatterWeight * decay + 1, 6),
  };
}

/**
 * The spread of the load within a reading's averaging window, which the averaged readings hide:
 * a reading is the mean of n scrapes, and two consecutive ones share all but one, so their change
 * is (newest − dropped) / n. A steady climb adds the same to every change, so the spread is read
 * from the change of the change, (e_t − e_{t−1} − e_{t−n} + e_{t−n−1}) / n, whose spread is
 * 2σ / n for scrapes scattered by σ around the level: σ = n / 2 × the spread of the changes of
 * the change, here √(π / 2) × their mean absolute value over the last hour (half-life), each
 * clipped at 4× the mean so far so that a burst (a real change of level) counts little. With
 * n = 4 (a 60 s window of 15 s scrapes) σ = 2 × that spread. The record scores each plan against
 * the highest reading of its horizon plus this σ — about the highest of four scrapes above their
 * mean (1.03 σ) — so that neither side looks safer than it is on a load that moves within a
 * minute.
 */
export function noiseOf(
  s: Pick<HeadroomState, 'scatter' | 'scatterWeight'>,
  i: Pick<HeadroomInput, 'syncPeriodSeconds' | 'metricAgeSeconds'>,
): number {
  if (!(s.scatterWeight > 0)) return 0;
  const windowSeconds = 2 * ((i.metricAgeSeconds ?? METRIC_AGE_SECONDS) - SCRAPE_SECONDS);
  const n = Math.max(1, windowSeconds / i.syncPeriodSeconds);
  return (n / 2) * MEAN_ABS_TO_SIGMA * (s.scatter / s.scatterWeight);
}

/**
 * The scoring part of the state while one `observeHeadroom` call writes it. The residual arrays
 * are the given state's until the first plan is scored, then this call's own copies, written in
 * place: the given state is never written (`decide` stays pure, and its caller may keep it), and
 * a tick copies each array once instead of once per change.
 */
interface Tally {
  residuals: readonly (readonly number[])[];
  sortedResiduals: readonly (readonly number[])[];
  /** Whether the two are this call's own copies (once a plan is scored), written in place. */
  own: boolean;
  hourHighs: readonly (readonly number[])[] | undefined;
  alphas: readonly number[];
  shortPlan: readonly number[];
  costPlan: readonly number[];
  shortReactive: number;
  costReactive: number;
  weight: number;
  resolved: number;
}

const tallyOf = (s: HeadroomState): Tally => ({
  residuals: s.residuals,
  sortedResiduals: s.sortedResiduals,
  own: false,
  hourHighs: s.hourHighs,
  alphas: s.alphas,
  shortPlan: s.shortPlan,
  costPlan: s.costPlan,
  shortReactive: s.shortReactive,
  costReactive: s.costReactive,
  weight: s.weight,
  resolved: s.resolved,
});

/**
 * Adds a residual to a candidate's arrays, dropping the oldest beyond `max`, in both orders: into
 * `own` when this call already owns the arrays, else into new ones (`xs.concat` copies and
 * appends at once; the front is then trimmed in place, which V8 does without a second copy).
 */
function remember(
  xs: readonly number[],
  sorted: readonly number[],
  at: { readonly x: number; readonly max: number; readonly own: boolean },
): { xs: number[]; sorted: number[] } {
  const drop = Math.max(0, xs.length - at.max + 1);
  const removed = xs[0];
  const nextXs = at.own ? (xs as number[]) : xs.concat([at.x]);
  if (at.own) nextXs.push(at.x);
  if (drop === 1) nextXs.shift();
  else if (drop > 1) nextXs.splice(0, drop);
  // One in, at most one out: an O(n) update. More out (the window shrank): sort afresh.
  if (drop > 1) return { xs: nextXs, sorted: [...nextXs].sort((a, b) => a - b) };
  const nextSorted = at.own ? (sorted as number[]) : sorted.slice();
  sortedReplaceInPlace(nextSorted, at.x, drop === 1 ? removed : undefined);
  return { xs: nextXs, sorted: nextSorted };
}

/**
 * A candidate's hourly highs with residual `x` of a plan made in `hour`: the hours older than
 * TAIL_HOURS dropped, `x` folded into its hour's high.
 */
function rememberHigh(flat: readonly number[], hour: number, x: number): number[] {
  const out: number[] = [];
  let high = x;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const h = flat[i] as number;
    const v = flat[i + 1] as number;
    if (h === hour) high = Math.max(high, v);
    else if (h > hour - TAIL_HOURS && h < hour) out.push(h, v);
  }
  out.push(hour, high);
  return out;
}

/** Each candidate's residual for a scored plan remembered. */
function rememberResiduals(
  t: Tally,
  p: { readonly time: number; readonly bases: readonly number[]; readonly peak: number },
  max: number,
): void {
  const own = t.own;
  const xs: number[][] = [];
  const sorted: number[][] = [];
  const hourHighs: number[][] = [];
  const hour = Math.floor(p.time / HOUR_MS);
  for (let c = 0; c < CANDIDATES.length; c++) {
    // Four significant digits are plenty for a quantile, and halve the state's JSON.
    const x = roundSignificant(p.peak - (p.bases[c] ?? p.peak), 4);
    const r = remember(t.residuals[c] ?? [], t.sortedResiduals[c] ?? [], { x, max, own });
    xs.push(r.xs);
    sorted.push(r.sorted);
    hourHighs.push(rememberHigh(t.hourHighs?.[c] ?? [], hour, x));
  }
  t.residuals = xs;
  t.sortedResiduals = sorted;
  t.hourHighs = hourHighs;
  t.own = true;
}

/**
 * Adaptive conformal inference on each candidate's miss level: a short plan lowers α by γ (1 − a),
 * one that covered raises it by γ a, where a is SHORT_RATIO times the buffered target's recorded
 * short rate.
 */
function adaptAlphas(t: Tally, short: readonly boolean[]): number[] {
  const aim = t.weight > 0 ? (SHORT_RATIO * t.shortReactive) / t.weight : 0;
  const most = Math.min(MAX_ALPHA, 2 * aim);
  return t.alphas.map((alpha, c) => {
    const next = alpha + ALPHA_STEP * (aim - (short[c] === true ? 1 : 0));
    return roundSignificant(Math.min(most, Math.max(0, next)), 4);
  });
}

/** Scores one plan whose horizon has passed, into the tally. */
function resolve(t: Tally, p: PendingPlan, k: Scoring): void {
  if (p.peak === null) return;
  const peak = p.peak + k.noise;
  rememberResiduals(t, { time: p.time, bases: p.bases, peak }, k.maxResiduals);
  const plans = p.plans;
  if (plans === null) return;
  const need = replicasFor(peak, k.ceiling);
  const short = plans.map((x) => x < need);
  // Each from the tally as it was before this plan (the order of the assignments matters).
  t.alphas = adaptAlphas(t, short);
  t.shortPlan = t.shortPlan.map((x, i) => x * k.decay + (short[i] === true ? 1 : 0));
  t.costPlan = t.costPlan.map((x, i) => x * k.decay + (plans[i] ?? 0));
  t.shortReactive = t.shortReactive * k.decay + (p.reactive < need ? 1 : 0);
  t.costReactive = t.costReactive * k.decay + p.reactive;
  t.weight = t.weight * k.decay + 1;
  t.resolved = t.resolved + 1;
}

/**
 * The most a candidate may cost, as a multiple of the buffered side's recorded replicas: the
 * input's cost ratio (1 unless a finite number above 1) less COST_MARGIN.
 */
const costBoundOf = (i: Pick<HeadroomInput, 'costRatio'>): number =>
  (Number.isFinite(i.costRatio) ? Math.max(1, i.costRatio ?? 1) : 1) * (1 - COST_MARGIN);

/**
 * The cheapest candidate short at most SHORT_RATIO times as often as the buffered target (+
 * slack) at no more than `bound` × its replicas; null when none is (the one in use while too
 * little is scored yet).
 */
function judge(s: HeadroomState, bound: number): number | null {
  if (s.resolved < MIN_EVIDENCE || !(s.weight > 0)) return s.chosen;
  let chosen: number | null = null;
  let cheapest = s.costReactive * bound;
  for (let i = 0; i < CANDIDATES.length; i++) {
    const cost = s.costPlan[i] ?? Infinity;
    if (qualifies(s, i) && (cost < cheapest || (chosen === null && cost <= cheapest))) {
      chosen = i;
      cheapest = cost;
    }
  }
  return chosen;
}

/** Candidate i is short at most SHORT_RATIO times as often as the buffered target (+ slack). */
function qualifies(s: HeadroomState, i: number): boolean {
  const slack = (ALLOWANCE + (i === s.chosen ? STAY_SLACK : 0)) * s.weight;
  return (s.shortPlan[i] ?? Infinity) <= SHORT_RATIO * s.shortReactive + slack;
}

const usable = (i: HeadroomInput & { readonly load: number }): boolean =>
  Number.isFinite(i.load) && i.load >= 0 && i.target > 0 && i.ceiling > 0;

/**
 * Adds the reading to open horizons and scores, into the tally, the plans whose horizon it
 * closes; returns the plans still open.
 */
function settle(
  state: HeadroomState,
  reading: { readonly now: number; readonly load: number; readonly h: number },
  at: { readonly tally: Tally; readonly scoring: Scoring },
): PendingPlan[] {
  const { now, load, h } = reading;
  const pending: PendingPlan[] = [];
  for (const p of state.pending) {
    const seen = now > p.time && now <= p.time + h ? Math.max(p.peak ?? -Infinity, load) : p.peak;
    const updated = Object.is(seen, p.peak) ? p : withPeak(p, seen);
    if (now >= p.time + h) resolve(at.tally, updated, at.scoring);
    else pending.push(updated);
  }
  return pending;
}

const withPeak = (p: PendingPlan, peak: number | null): PendingPlan => ({
  time: p.time,
  bases: p.bases,
  plans: p.plans,
  reactive: p.reactive,
  peak,
});

/** Keeps the last TREND_SECONDS of readings, folding those closer than TREND_SECONDS / MAX_LOADS. */
function rememberLoad(loads: readonly RecentLoad[], now: number, load: number): RecentLoad[] {
  const kept: RecentLoad[] = [];
  for (const r of loads) if (r.time > now - TREND_SECONDS * 1000) kept.push(r);
  const newest = kept.at(-1);
  if (newest !== undefined && newest.time > now - (TREND_SECONDS * 1000) / MAX_LOADS) {
    kept[kept.length - 1] = { time: newest.time, load, high: Math.max(newest.high, load) };
  } else {
    kept.push({ time: now, load, high: load });
  }
  return kept;
}

/**
 * The positive least-squares slope of the readings (load units per second); 0 with fewer than 4
 * readings or a falling load.
 */
export function trendOf(loads: readonly RecentLoad[]): number {
  const n = loads.length;
  if (n < 4) return 0;
  const t0 = loads[0]?.time ?? 0;
  let st = 0;
  let sy = 0;
  for (const r of loads) {
    st += (r.time - t0) / 1000;
    sy += r.load;
  }
  const mt = st / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (const r of loads) {
    const dt = (r.time - t0) / 1000 - mt;
    num += dt * (r.load - my);
    den += dt * dt;
  }
  return den > 0 ? Math.max(0, num / den) : 0;
}

/** The highest load of the readings of the last ENVELOPE_SECONDS before `now`. */
function envelopeOf(loads: readonly RecentLoad[], now: number): number {
  let high = 0;
  for (const r of loads) if (r.time > now - ENVELOPE_SECONDS * 1000) high = Math.max(high, r.high);
  return high;
}

interface Now {
  readonly now: number;
  readonly load: number;
  readonly expected: number;
  /** Start-up + metric age, seconds: how far the trend is carried. */
  readonly leadSeconds: number;
}

/** Each candidate's base at this reading (CANDIDATES order). */
function basesOf(loads: readonly RecentLoad[], at: Now): number[] {
  const climb = Math.max(trendOf(loads) * at.leadSeconds, at.expected);
  return [at.load + at.expected, envelopeOf(loads, at.now) + climb];
}

/**
 * Each candidate's margin: the (1 − α) quantile of its residuals, and when α is below what they
 * can tell (1 / their count) at least the highest residual of the last TAIL_HOURS; null while
 * learning.
 */
function marginsOf(
  s: Pick<HeadroomState, 'sortedResiduals' | 'alphas'> & {
    readonly hourHighs?: HeadroomState['hourHighs'] | undefined;
  },
): number[] | null {
  const out: number[] = [];
  for (let c = 0; c < CANDIDATES.length; c++) {
    const sorted = s.sortedResiduals[c] ?? [];
    if (sorted.length < MIN_RESIDUALS) return null;
    const alpha = s.alphas[c] ?? 0;
    let margin = quantileOfSorted(sorted, 1 - alpha);
    if (alpha * sorted.length < 1) margin = Math.max(margin, highestOf(s.hourHighs?.[c] ?? []));
    out.push(margin);
  }
  return out;
}

/** The highest of [hour, high] pairs; -Infinity for none. */
function highestOf(flat: readonly number[]): number {
  let high = -Infinity;
  for (let i = 1; i < flat.length; i += 2) high = Math.max(high, flat[i] as number);
  return high;
}

/**
 * Each candidate's planned load: base + margin, never below the load; the rise plan at least the
 * rise into this reading over the last horizon (load − the lowest reading still pending): a ramp
 * under way is expected to go on for another horizon.
 */
function plannedLoads(
  bases: readonly number[],
  margins: readonly number[],
  at: { readonly load: number; readonly pending: readonly PendingPlan[] },
): number[] {
  let low = at.load;
  for (const p of at.pending) low = Math.min(low, p.bases[RISE] ?? low);
  const momentum = at.load - low;
  return bases.map((b, c) => {
    const planned = Math.max(at.load, b + (margins[c] ?? 0));
    return c === RISE ? Math.max(planned, at.load + momentum) : planned;
  });
}

/** The scoring constants of this input, with the noise of the readings' scatter record. */
function scoringOf(
  input: HeadroomInput,
  scatter: Pick<HeadroomState, 'scatter' | 'scatterWeight'>,
): Scoring {
  const maxResiduals = Math.min(
    MAX_RESIDUALS,
    Math.max(MIN_RESIDUALS, Math.round(RESIDUAL_WINDOW_SECONDS / input.syncPeriodSeconds)),
  );
  return {
    decay: 0.5 ** (input.syncPeriodSeconds / HALF_LIFE_SECONDS),
    ceiling: input.ceiling,
    maxResiduals,
    noise: noiseOf(scatter, input),
  };
}

/** Keeps the newest MAX_PENDING entries of an array this call owns. */
function capped<T>(xs: T[]): T[] {
  if (xs.length > MAX_PENDING) xs.splice(0, xs.length - MAX_PENDING);
  return xs;
}

/** The asks made after `since`, in a new array. */
function asksAfter(asks: readonly RecentAsk[], since: number): RecentAsk[] {
  const kept: RecentAsk[] = [];
  for (const a of asks) if (a.time > since) kept.push(a);
  return kept;
}

/** The candidates' plans and the buffered target's ask at this reading, raw (before holds). */
function rawAsk(
  planned: readonly number[] | null,
  input: HeadroomInput & { readonly load: number },
): RecentAsk {
  const plans = planned === null ? null : planned.map((x) => replicasFor(x, input.ceiling));
  return { time: input.now, plans, reactive: replicasFor(input.load, input.target) };
}

/**
 * Absorbs one reading of the load (in the target's units) at `input.now`: open horizons see it,
 * horizons it closes are scored, and the plans made now are recorded. Non-finite or negative
 * readings, and a target or ceiling that is not positive, change nothing. The state given is
 * never written; the one returned shares the arrays that did not change with it.
 */
export function observeHeadroom(
  state: HeadroomState,
  input: HeadroomInput & { readonly load: number },
): HeadroomState {
  const { now, load } = input;
  if (!usable(input)) return state;
  const h = horizonMs(input);
  const syncMs = input.syncPeriodSeconds * 1000;
  const scatter = rememberScatter(state, { time: now, load, high: load, syncMs });
  const tally = tallyOf(state);
  const pending = settle(state, { now, load, h }, { tally, scoring: scoringOf(input, scatter) });
  const loads = rememberLoad(state.loads, now, load);
  const expected = Math.max(0, input.expectedRise ?? 0);
  const leadSeconds = input.startupSeconds + (input.metricAgeSeconds ?? METRIC_AGE_SECONDS);
  const bases = basesOf(loads, { now, load, expected, leadSeconds });
  const margins = marginsOf(tally);
  const planned = margins === null ? null : plannedLoads(bases, margins, { load, pending });
  const raw = rawAsk(planned, input);
  const windowMs = Math.max(h, (input.reactiveWindowSeconds ?? 0) * 1000);
  const spacing = h / SLOTS;
  const asks = rememberAsk(asksAfter(state.asks, now - windowMs), raw, spacing);
  const rounded = bases.map((b) => roundSignificant(b, 6));
  const newest = pending.at(-1);
  if (newest === undefined || newest.time <= now - spacing) {
    const kept = held(asks, raw, { now, holds: holdsMs(h), input });
    pending.push({
      time: now,
      bases: rounded,
      plans: kept.plans,
      reactive: kept.reactive,
      peak: null,
    });
  }
  const margined = planned === null ? null : planned.map((x, c) => x - (bases[c] ?? 0));
  const next: Writable<HeadroomState> = {
    version: 4,
    pending: capped(pending),
    asks,
    loads,
    residuals: tally.residuals,
    // A state saved before the hourly highs existed has none: read as none, written as none.
    hourHighs: tally.hourHighs ?? noHighs,
    sortedResiduals: tally.sortedResiduals,
    alphas: tally.alphas,
    bases: rounded,
    margins: margined,
    shortPlan: tally.shortPlan,
    costPlan: tally.costPlan,
    shortReactive: tally.shortReactive,
    costReactive: tally.costReactive,
    weight: tally.weight,
    resolved: tally.resolved,
    scatter: scatter.scatter,
    scatterWeight: scatter.scatterWeight,
    chosen: state.chosen,
  };
  next.chosen = judge(next, costBoundOf(input));
  return next;
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

const noHighs: readonly (readonly number[])[] = CANDIDATES.map(() => []);

/** Element-wise max; `b` alone when either is missing (a fresh plan replaces none). */
function maxEach(a: readonly number[] | null, b: readonly number[] | null): number[] | null {
  if (a === null || b === null) return b === null ? null : [...b];
  return b.map((x, i) => Math.max(x, a[i] ?? x));
}

/**
 * Appends an ask to an array this call owns, or folds it into the newest one (the higher of each
 * side) when that one is less than `spacing` old: with long horizons the state keeps about SLOTS
 * entries per horizon instead of one per reading (a folded ask expires with its oldest part, up
 * to `spacing` early).
 */
function rememberAsk(asks: RecentAsk[], raw: RecentAsk, spacing: number): RecentAsk[] {
  const newest = asks.at(-1);
  if (newest === undefined || newest.time <= raw.time - spacing) {
    asks.push(raw);
    return capped(asks);
  }
  const plans = maxEach(newest.plans, raw.plans);
  asks[asks.length - 1] = {
    time: newest.time,
    plans,
    reactive: Math.max(newest.reactive, raw.reactive),
  };
  return asks;
}

/**
 * What each side holds at `now`: the highest of its asks over its stabilization window (each
 * candidate's hold; the reactive answer's `reactiveWindowSeconds`).
 */
function held(
  asks: readonly RecentAsk[],
  raw: RecentAsk,
  at: { readonly now: number; readonly holds: readonly number[]; readonly input: HeadroomInput },
): { plans: number[] | null; reactive: number } {
  const reactiveMs = (at.input.reactiveWindowSeconds ?? 0) * 1000;
  const plans = raw.plans === null ? null : [...raw.plans];
  let reactive = raw.reactive;
  for (const a of asks) {
    const age = at.now - a.time;
    if (plans !== null && a.plans !== null) holdInto(plans, a.plans, age < 0 ? [] : at.holds, age);
    if (age < reactiveMs) reactive = Math.max(reactive, a.reactive);
  }
  return { plans, reactive };
}

/** Raises each plan to an older ask still within that candidate's hold. */
function holdInto(
  plans: number[],
  ask: readonly number[],
  holds: readonly number[],
  age: number,
): void {
  for (let c = 0; c < plans.length; c++) {
    if (age < (holds[c] ?? 0)) plans[c] = Math.max(plans[c] ?? 0, ask[c] ?? 0);
  }
}

const fmt = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));

function record(s: HeadroomState, i: number, bound: number): string {
  if (s.resolved < MIN_EVIDENCE) return `${s.resolved} of ${MIN_EVIDENCE} plans scored so far`;
  const pct = (x: number): string => `${fmt((100 * x) / s.weight)} %`;
  const plan = s.costPlan[i] ?? 0;
  const cost = s.costReactive > 0 ? fmt(plan / s.costReactive) : '–';
  return `${CANDIDATES[i]} plan short ${pct(s.shortPlan[i] ?? 0)} of the time vs ${pct(s.shortReactive)} for the buffered target, at ${cost}× its replicas (at most ${fmt(bound)}× allowed)`;
}

/**
 * The candidate to show while none is in use: the cheapest short rarely enough (so refused for
 * its cost), else the one short least often (so refused for its shortfalls).
 */
function bestEffort(s: HeadroomState): number {
  let cheapest: number | undefined;
  let least: number | undefined;
  // The first of equals wins in both, as a left-to-right search for a strictly lower value.
  for (let i = 0; i < CANDIDATES.length; i++) {
    if (qualifies(s, i) && (cheapest === undefined || lower(s.costPlan, i, cheapest))) cheapest = i;
    if (least === undefined || lower(s.shortPlan, i, least)) least = i;
  }
  return cheapest ?? least ?? RISE;
}

const lower = (xs: readonly number[], i: number, than: number): boolean =>
  (xs[i] ?? Infinity) < (xs[than] ?? Infinity);

/** The learning message per residual count below MIN_RESIDUALS, built once (decide asks every tick). */
const learningText = (n: number): string =>
  `${n} of ${MIN_RESIDUALS} horizons measured; keeping the buffered target`;
const learningMessages = Array.from({ length: MIN_RESIDUALS }, (_, n) => learningText(n));

function learning(state: HeadroomState, holdSeconds: number): HeadroomPlan {
  const n = state.residuals[RISE]?.length ?? 0;
  const message =
    learningMessages[n] ??
    `${n} of ${MIN_RESIDUALS} horizons measured; keeping the buffered target`;
  return {
    replicas: null,
    planReplicas: null,
    headroom: null,
    candidate: null,
    confident: false,
    holdSeconds,
    reason: { step: STEP, code: 'LearningHeadroom', message },
  };
}

/**
 * The plan for the load read at `input.now` (the last reading given to `observeHeadroom`).
 * Reason codes: `LearningHeadroom` (fewer than 20 residuals measured), `HeadroomNotConfident` (no
 * candidate's record is better than the buffered target's), `HeadroomConfident`.
 */
export function planHeadroom(
  state: HeadroomState,
  input: HeadroomInput & { readonly load: number },
): HeadroomPlan {
  const i = state.chosen ?? bestEffort(state);
  const base = state.bases?.[i];
  const headroom = state.margins?.[i];
  const holdSeconds = holdMs(horizonMs(input), i) / 1000;
  if (base === undefined || headroom === undefined || !usable(input)) {
    return learning(state, holdSeconds);
  }
  const planReplicas = replicasFor(base + headroom, input.ceiling);
  const candidate = CANDIDATES[i] ?? 'rise';
  const how = `${candidate} plan: load ${fmt(input.load)}, base ${fmt(base)} + margin ${fmt(headroom)} at ceiling ${fmt(input.ceiling)} → ${planReplicas}`;
  if (state.chosen === null) {
    const message = `${how}, not used: ${record(state, i, costBoundOf(input))}`;
    const reason = { step: STEP, code: 'HeadroomNotConfident', message };
    return {
      planReplicas,
      headroom,
      candidate,
      holdSeconds,
      replicas: null,
      confident: false,
      reason,
    };
  }
  const message = `${how}; ${record(state, i, costBoundOf(input))}`;
  const reason = { step: STEP, code: 'HeadroomConfident', message, replicas: planReplicas };
  return {
    planReplicas,
    headroom,
    candidate,
    holdSeconds,
    replicas: planReplicas,
    confident: true,
    reason,
  };
}
