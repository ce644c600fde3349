/**
 * The proxy's balancing rule: send each request to the ready replica with the fewest requests in
 * flight (least outstanding requests, as Envoy's LEAST_REQUEST and Knative's activator do with
 * exact counts), breaking ties round-robin so that idle replicas share the load evenly.
 *
 * @module
 */

/**
 * The index of the smallest count, scanning from `cursor` (modulo the length) so that among equal
 * counts the first one at or after the cursor wins; -1 when there is none.
 *
 * Example: counts [2, 0, 1, 0] from cursor 2 → 3 (0 at index 3 comes before 0 at index 1).
 */
export function leastOutstanding(inFlight: readonly number[], cursor: number): number {
  const n = inFlight.length;
  if (n === 0) return -1;
  const start = ((cursor % n) + n) % n;
  let best = -1;
  let bestCount = Infinity;
  for (let k = 0; k < n; k++) {
    const i = (start + k) % n;
    const count = inFlight[i] ?? Infinity;
    if (count < bestCount) {
      best = i;
      bestCount = count;
    }
  }
  return best;
}
