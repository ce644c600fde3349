/**
 * Reproducible synthetic workloads for the forecasters' tests and benchmarks: a seeded PRNG
 * (mulberry32) and signal builders. Deterministic, so allowed in core; no test framework here.
 *
 * @module
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

/** mulberry32: a 32-bit seeded PRNG returning numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw from a uniform source (Box–Muller). */
export function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

export interface Sample {
  /** Epoch ms. */
  readonly time: number;
  readonly value: number;
}

export interface SignalOptions {
  readonly start: number;
  readonly days: number;
  readonly stepMs?: number;
  readonly seed?: number;
  /** Load as a function of epoch ms (noise-free). */
  readonly shape: (time: number) => number;
  /** Standard deviation of Gaussian noise added to each sample. */
  readonly noise?: number;
}

/** Samples shape(t) + noise every `stepMs` (default one minute) for `days` days from `start`. */
export function makeSignal(o: SignalOptions): Sample[] {
  const step = o.stepMs ?? MINUTE_MS;
  const rand = seededRandom(o.seed ?? 1);
  const n = Math.round((o.days * DAY_MS) / step);
  const out: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const time = o.start + i * step;
    out.push({ time, value: o.shape(time) + (o.noise ?? 0) * gaussian(rand) });
  }
  return out;
}

/** A daily sine: mean `base`, amplitude `amplitude`, peaking at 14:00 UTC. */
export const dailySine =
  (base: number, amplitude: number) =>
  (time: number): number =>
    base + amplitude * Math.cos((2 * Math.PI * (time - 14 * 3_600_000)) / DAY_MS);

/** Weekdays follow a daily cycle; Saturday and Sunday (UTC) stay low and flat. */
export const weeklyPattern =
  (base: number, amplitude: number) =>
  (time: number): number => {
    const day = new Date(time).getUTCDay();
    if (day === 0 || day === 6) return base * 0.6;
    return dailySine(base, amplitude)(time);
  };

/** n values f(i) + noise·N(0, 1), seeded: a series already on the bucket grid. */
export function bucketSeries(
  n: number,
  f: (i: number) => number,
  noise: number,
  seed = 7,
): number[] {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => f(i) + noise * gaussian(rand));
}

/** 5-minute buckets in a day and a week. */
export const BUCKETS_PER_DAY = 288;
export const BUCKETS_PER_WEEK = 7 * BUCKETS_PER_DAY;

/** A daily sine on the 5-minute grid (mean 100, amplitude 40). */
export const dailyBuckets = (i: number): number =>
  100 + 40 * Math.sin((2 * Math.PI * i) / BUCKETS_PER_DAY);

/** Weekdays follow `dailyBuckets`; days 5 and 6 of each week stay flat at 60. */
export const weeklyBuckets = (i: number): number =>
  Math.floor(i / BUCKETS_PER_DAY) % 7 >= 5 ? 60 : dailyBuckets(i);
