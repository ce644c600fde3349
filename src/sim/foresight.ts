/**
 * Foresight references: how good a forecast a target on a trace needs, measured by a policy that
 * is handed the answer. It knows the future load's mean over a window of W steps exactly (a
 * perfect forecast at that resolution) and keeps a constant headroom over it; what it cannot know
 * is the load's movement inside the window. It is a reference, not a bound on every policy: one
 * that also reacts to the latest readings can do better where the load moves faster than W (ADR 7,
 * "What a perfect forecast would reach").
 *
 * The oracle (oracle.ts) is the same policy at W = 1 step with no headroom: every movement known.
 *
 * At step k it asks for max over j ∈ [k, k + startup] of ceil(h(m_j)), where m_j is the centred
 * mean of the required load over W steps around j, in replicas at the SLO line, and h the headroom:
 *
 * - `ratio`: h(m) = m × value (value ≥ 1: a fixed target below the SLO line, as the HPA's 70 %);
 * - `sqrt`: h(m) = m + value × √m (Poisson-like noise: relatively more headroom at low load).
 *
 * Worked example (window 3, start-up 0, ratio 1): load in replicas 1 1 4 1 1 ⇒ means 1 2 2 2 1 ⇒
 * asks 1 2 2 2 1: the step at 4 is under-provisioned, the smoothing hid it.
 *
 * @module
 */
import type { ServiceModel } from './demand.js';
import type { SimParams } from './params.js';
import { oracleController, oracleSchedule } from './oracle.js';
import { replay } from './replay.js';
import { score } from './scores.js';

export type HeadroomShape = 'ratio' | 'sqrt';

export interface ForesightOptions {
  /** Steps averaged into the known mean (odd; 1 = every step known, the oracle's information). */
  readonly windowSteps: number;
  readonly shape: HeadroomShape;
  /** `ratio`: the multiplier (≥ 1); `sqrt`: the factor of √m (≥ 0). */
  readonly headroom: number;
}

/** The load at each step in replicas at the SLO line (fractional, before rounding up). */
function loadInReplicas(model: ServiceModel, params: SimParams): Float64Array {
  const perReplica = model.capacity * params.sloUtilization;
  return model.demand.map((d) => d / perReplica);
}

/** Centred moving means over `window` steps (shorter at the ends), by prefix sums. */
export function centredMeans(values: Float64Array, window: number): Float64Array {
  const n = values.length;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = (prefix[i] as number) + (values[i] as number);
  const half = Math.floor(window / 2);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - half);
    const b = Math.min(n, i + half + 1);
    out[i] = ((prefix[b] as number) - (prefix[a] as number)) / (b - a);
  }
  return out;
}

function withHeadroom(mean: number, options: ForesightOptions): number {
  return options.shape === 'ratio'
    ? mean * options.headroom
    : mean + options.headroom * Math.sqrt(Math.max(0, mean));
}

/** The ask at each step (see the module comment); never below `params.minRequired`. */
export function foresightSchedule(
  model: ServiceModel,
  params: SimParams,
  options: ForesightOptions,
): Int32Array {
  const window = Math.max(1, Math.floor(options.windowSteps));
  const means = centredMeans(loadInReplicas(model, params), window);
  const need = new Int32Array(means.length);
  for (let j = 0; j < means.length; j++) {
    const exact = withHeadroom(means[j] as number, options);
    need[j] = Math.max(params.minRequired, Math.ceil(exact - 1e-9 * Math.max(1, exact)));
  }
  // Asking at k for what is needed up to k + start-up is the oracle's rule applied to `need`.
  return oracleSchedule(need, params);
}

export interface ForesightPoint {
  readonly headroom: number;
  readonly tauU: number;
  /** Replica-hours ÷ the oracle's. */
  readonly oracleRatio: number;
}

/** Scores one foresight policy on a model. */
export function scoreForesight(
  model: ServiceModel,
  params: SimParams,
  options: ForesightOptions & { readonly oracleReplicaHours: number; readonly startMs: number },
): ForesightPoint {
  const controller = oracleController(foresightSchedule(model, params, options));
  const record = replay({ model, params, controller, startMs: options.startMs });
  const scores = score(model, record, {
    stepSeconds: params.stepSeconds,
    oracleReplicaHours: options.oracleReplicaHours,
  });
  return {
    headroom: options.headroom,
    tauU: scores.tauU,
    oracleRatio: scores.oracleRatio ?? Number.NaN,
  };
}

/** Headroom searched: `ratio` from 1 to 4, `sqrt` from 0 to 8; 24 halvings of the interval. */
const RANGE: Record<HeadroomShape, readonly [number, number]> = { ratio: [1, 4], sqrt: [0, 8] };
const HALVINGS = 24;

export interface FrontierQuery {
  readonly windowSteps: number;
  readonly shape: HeadroomShape;
  readonly oracleReplicaHours: number;
  readonly startMs: number;
}

/**
 * The point at the edge of where `ok` holds, by bisection; `ok` holds at the `inside` end of the
 * range and, past the edge, nowhere towards `outside` (τU falls and cost rises with the headroom:
 * a larger headroom asks for at least as many at every step). Null when `ok` fails at `inside`;
 * the `outside` end itself when `ok` holds there too.
 */
function edge(
  at: (headroom: number) => ForesightPoint,
  ends: { readonly inside: number; readonly outside: number },
  ok: (point: ForesightPoint) => boolean,
): ForesightPoint | null {
  let best = at(ends.inside);
  if (!ok(best)) return null;
  const far = at(ends.outside);
  if (ok(far)) return far;
  let [good, bad] = [ends.inside, ends.outside];
  for (let i = 0; i < HALVINGS; i++) {
    const mid = (good + bad) / 2;
    const point = at(mid);
    if (ok(point)) {
      good = mid;
      best = point;
    } else bad = mid;
  }
  return best;
}

/**
 * The cheapest headroom whose τU is at most `tauUMax`. Null when even the largest headroom
 * searched is short more often.
 */
export function cheapestWithin(
  model: ServiceModel,
  params: SimParams,
  query: FrontierQuery & { readonly tauUMax: number },
): ForesightPoint | null {
  const [low, high] = RANGE[query.shape];
  return edge(
    (headroom) => scoreForesight(model, params, { ...query, headroom }),
    { inside: high, outside: low },
    (point) => point.tauU <= query.tauUMax,
  );
}

/**
 * The fewest shortfalls at a cost of at most `ratioMax` × the oracle's: the largest headroom that
 * cost allows. Null when even the smallest headroom costs more.
 */
export function fewestWithin(
  model: ServiceModel,
  params: SimParams,
  query: FrontierQuery & { readonly ratioMax: number },
): ForesightPoint | null {
  const [low, high] = RANGE[query.shape];
  return edge(
    (headroom) => scoreForesight(model, params, { ...query, headroom }),
    { inside: low, outside: high },
    (point) => point.oracleRatio <= query.ratioMax,
  );
}
