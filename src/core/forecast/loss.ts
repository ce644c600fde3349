/**
 * Quantiles and the pinball (quantile) loss the forecasters are judged by. A loss at τ = 0.9
 * punishes an under-forecast nine times more than an over-forecast of the same size: for an
 * autoscaler, too few replicas breaks the SLO, too many only costs money.
 *
 * @module
 */

/**
 * The empirical τ-quantile with linear interpolation between order statistics (type 7, the
 * default of R and NumPy). NaN for an empty sample.
 * Worked example: quantile([1, 2, 3, 4, 5], 0.9) = 4 + 0.6 · (5 − 4) = 4.6.
 */
export function quantile(values: readonly number[], tau: number): number {
  const n = values.length;
  const pos = (n - 1) * Math.min(1, Math.max(0, tau));
  const copy = n > 0 && Number.isFinite(pos) ? plainCopy(values) : null;
  if (copy === null) return quantileOfSorted(comparatorSorted(values), tau);
  // The two order statistics around pos, found by selection (O(n)) rather than a sort.
  const lo = Math.floor(pos);
  const low = selectInPlace(copy, n, lo);
  const high = Math.ceil(pos) === lo ? low : smallestFrom(copy, lo + 1, n);
  return low + (high - low) * (pos - lo);
}

/**
 * Scratch space for the selection, reused from call to call (core runs on one thread, and
 * `quantile` calls nothing that calls it back): a fresh typed array per call costs a backing
 * store and, by the external memory it reports, garbage collections.
 */
let scratch = new Float64Array(512);

const comparatorSorted = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);

/**
 * The values copied into the scratch space (its first values.length entries), or null when one
 * is NaN or −0: the comparator sort leaves those where they were, so only the comparator sort
 * itself says which of them lands where.
 */
function plainCopy(values: readonly number[]): Float64Array | null {
  if (scratch.length < values.length) scratch = new Float64Array(2 * values.length);
  const out = scratch;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== v || (v === 0 && 1 / v < 0)) return null;
    out[i] = v;
  }
  return out;
}

/**
 * Hoare's selection on a[0 … n): reorders them so that a[k] is their k-th smallest value, nothing
 * before it larger and nothing after it smaller; returns a[k]. The value is the one a sort puts at
 * k (with neither NaN nor −0, equal values are the same number).
 */
function selectInPlace(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i++] = a[j]!;
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break; // a[j + 1 … i − 1] all equal the pivot, k among them
  }
  return a[k]!;
}

function smallestFrom(a: Float64Array, from: number, to: number): number {
  let m = Infinity;
  for (let i = from; i < to; i++) if (a[i]! < m) m = a[i]!;
  return m;
}

const memo = new WeakMap<readonly number[], Map<number, number>>();

/**
 * `quantile`, remembered per array: state arrays are never mutated (each change makes a new
 * array), so the same array asked again — the forecaster's residuals are asked at every reading
 * but change once a bucket — costs a lookup instead of a sort. Same result as `quantile`.
 */
export function memoQuantile(values: readonly number[], tau: number): number {
  let byTau = memo.get(values);
  if (byTau === undefined) {
    byTau = new Map();
    memo.set(values, byTau);
  }
  let q = byTau.get(tau);
  if (q === undefined) {
    q = quantile(values, tau);
    byTau.set(tau, q);
  }
  return q;
}

/** `quantile` of values already sorted ascending (no copy, no sort). */
export function quantileOfSorted(sorted: ArrayLike<number>, tau: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, tau));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * The pinball loss of one residual u = actual − forecast at quantile τ: τ·u when the forecast was
 * too low (u ≥ 0), (τ − 1)·u when it was too high. At τ = 0.9, pinball(10) = 9, pinball(−10) = 1.
 */
export function pinball(u: number, tau: number): number {
  return u >= 0 ? tau * u : (tau - 1) * u;
}

/**
 * The mean pinball loss of a point forecaster once its residuals are shifted by their own
 * τ-quantile: the loss of the best constant-headroom upper bound built on it. This is what the
 * selection compares, since the policy acts on point + quantile(residuals), not on the point.
 */
export function calibratedPinball(residuals: readonly number[], tau: number): number {
  if (residuals.length === 0) return Number.NaN;
  return shiftedPinball(residuals, quantile(residuals, tau), tau);
}

/**
 * The mean pinball loss of the residuals shifted by q: `calibratedPinball` when q is their own
 * τ-quantile (for a caller that needs that quantile too, and so sorts once).
 */
export function shiftedPinball(residuals: readonly number[], q: number, tau: number): number {
  if (residuals.length === 0) return Number.NaN;
  let sum = 0;
  for (const r of residuals) sum += pinball(r - q, tau);
  return sum / residuals.length;
}

/** Mean absolute percentage error over the points where the actual is not zero, in percent. */
export function mape(actual: readonly number[], forecast: readonly number[]): number {
  let sum = 0;
  let n = 0;
  actual.forEach((a, i) => {
    if (a === 0) return;
    sum += Math.abs((a - forecast[i]!) / a);
    n++;
  });
  return n === 0 ? Number.NaN : (100 * sum) / n;
}

/** Index of the first element ≥ x in an ascending array (binary search). */
function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A new ascending array: `sorted` with `added` inserted and one occurrence of `removed` (if
 * given and present) taken out. O(n) copy, O(log n) search: a rolling quantile without a sort
 * per update.
 */
export function sortedReplace(
  sorted: readonly number[],
  added: number,
  removed?: number,
): number[] {
  const out = sorted.slice();
  sortedReplaceInPlace(out, added, removed);
  return out;
}

/**
 * `sortedReplace` written into `sorted` itself (an array the caller owns): the same entries in
 * the same places, without the copy and the arrays `splice` allocates. Each step searches the
 * array as it then is, as `splice` would leave it, so even a NaN lands where it would there.
 */
export function sortedReplaceInPlace(sorted: number[], added: number, removed?: number): void {
  if (removed !== undefined) {
    const at = lowerBound(sorted, removed);
    if (at < sorted.length && sorted[at] === removed) {
      for (let i = at; i < sorted.length - 1; i++) sorted[i] = sorted[i + 1]!;
      sorted.pop();
    }
  }
  const at = lowerBound(sorted, added);
  sorted.push(added);
  for (let i = sorted.length - 1; i > at; i--) sorted[i] = sorted[i - 1]!;
  sorted[at] = added;
}
