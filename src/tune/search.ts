/**
 * The search of `tide tune`: a bounded, deterministic coordinate search over the space's points.
 *
 * 1. The first batch: the seeds (Tide's default, the HPA-like spec), then seeded random points.
 * 2. Each next batch: the untried neighbours of the incumbent (each dimension one value up or
 *    down), in a seeded random order; when it has none left, seeded random points.
 * 3. The incumbent is the cheapest point that meets the limit (fewest replica-hours with
 *    τU ≤ limit, ties to the lower τU); while none does, the one with the lowest τU.
 *
 * It stops after `budget` evaluations or when every point has been tried. Batches have a fixed
 * size, so the points tried (and the choice) do not depend on how many threads evaluate them.
 * Pure but for `evaluate`, which replays a batch.
 *
 * @module
 */
import { seededRandom } from '../core/forecast/fixtures.js';
import { type Dimension, type Point, canonical, isActive, pointKey } from './space.js';

/** What the choice needs of a point's replay on the tuning part of the history. */
export interface Objective {
  /** Percent of steps under-provisioned. */
  readonly tauU: number;
  readonly replicaHours: number;
}

export interface Tried<F extends Objective> {
  readonly point: Point;
  readonly figures: F;
}

export interface SearchOptions<F extends Objective> {
  readonly space: readonly Dimension[];
  /** How many points to evaluate at most. */
  readonly budget: number;
  readonly seed: number;
  /** Points evaluated together (default 8). */
  readonly batchSize?: number;
  /** The highest τU (percent) that meets the SLO. */
  readonly limit: number;
  /** Tried first, in this order. */
  readonly seeds: readonly Point[];
  /** False for a point whose spec the schema rejects (it is never evaluated). */
  readonly valid: (point: Point) => boolean;
  /** Replays a batch; figures in the same order. */
  readonly evaluate: (points: readonly Point[]) => Promise<readonly F[]>;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/** The points one step from `point` along one active dimension, canonical. */
export function neighbours(space: readonly Dimension[], point: Point): Point[] {
  const out: Point[] = [];
  space.forEach((d, i) => {
    if (!isActive(space, point, i)) return;
    for (const delta of [-1, 1]) {
      const v = (point[i] ?? 0) + delta;
      if (v < 0 || v >= d.values.length) continue;
      out.push(
        canonical(
          space,
          point.map((x, j) => (j === i ? v : x)),
        ),
      );
    }
  });
  return out;
}

const meets = (f: Objective, limit: number): boolean => f.tauU <= limit + 1e-9;

/**
 * The better of two results: one that meets the limit beats one that does not; two that meet it
 * compare by replica-hours, then τU; two that do not, by τU, then replica-hours.
 */
export function better(a: Objective, b: Objective, limit: number): boolean {
  const [ma, mb] = [meets(a, limit), meets(b, limit)];
  if (ma !== mb) return ma;
  const [first, second] = ma
    ? (['replicaHours', 'tauU'] as const)
    : (['tauU', 'replicaHours'] as const);
  if (a[first] !== b[first]) return a[first] < b[first];
  return a[second] < b[second];
}

/** The best of the tried points (see `better`); undefined when none was tried. */
export function best<F extends Objective>(
  tried: readonly Tried<F>[],
  limit: number,
): Tried<F> | undefined {
  let out: Tried<F> | undefined;
  for (const t of tried) if (out === undefined || better(t.figures, out.figures, limit)) out = t;
  return out;
}

/** The size of the space (points, counting inactive dimensions once). */
function spaceSize(space: readonly Dimension[]): number {
  return space.reduce((n, d) => n * d.values.length, 1);
}

interface Draw {
  readonly space: readonly Dimension[];
  readonly random: () => number;
  readonly seen: Set<string>;
  readonly valid: (point: Point) => boolean;
}

/** Up to `count` untried valid random points (a bounded number of draws). */
function randomPoints(draw: Draw, count: number): Point[] {
  const out: Point[] = [];
  const attempts = 50 * Math.max(1, count);
  for (let a = 0; a < attempts && out.length < count; a++) {
    const p = canonical(
      draw.space,
      draw.space.map((d) => Math.floor(draw.random() * d.values.length)),
    );
    const key = pointKey(p);
    if (draw.seen.has(key)) continue;
    draw.seen.add(key);
    if (draw.valid(p)) out.push(p);
  }
  return out;
}

function take(draw: Draw, candidates: readonly Point[], count: number): Point[] {
  const out: Point[] = [];
  for (const p of candidates) {
    if (out.length >= count) break;
    const key = pointKey(p);
    if (draw.seen.has(key)) continue;
    draw.seen.add(key);
    if (draw.valid(p)) out.push(p);
  }
  return out;
}

/** Runs the search; every tried point with its figures, in the order tried. */
export async function search<F extends Objective>(options: SearchOptions<F>): Promise<Tried<F>[]> {
  const batchSize = Math.max(1, options.batchSize ?? 8);
  const budget = Math.min(options.budget, spaceSize(options.space));
  const draw: Draw = {
    space: options.space,
    random: seededRandom(options.seed),
    seen: new Set(),
    valid: options.valid,
  };
  const tried: Tried<F>[] = [];
  let batch = take(
    draw,
    options.seeds.map((s) => canonical(options.space, s)),
    budget,
  );
  batch.push(...randomPoints(draw, Math.min(batchSize, budget) - batch.length));
  while (batch.length > 0) {
    const figures = await options.evaluate(batch);
    batch.forEach((point, i) => tried.push({ point, figures: figures[i] as F }));
    const room = Math.min(batchSize, budget - tried.length);
    if (room <= 0) break;
    const incumbent = best(tried, options.limit);
    const near = incumbent === undefined ? [] : neighbours(options.space, incumbent.point);
    batch = take(draw, shuffle(near, draw.random), room);
    if (batch.length < room) batch.push(...randomPoints(draw, room - batch.length));
  }
  return tried;
}
