/**
 * Excess burst capacity (ALGORITHMS.md §2.4 step 9): how much spare capacity the ready pods have
 * beyond the target burst capacity and the current panic load. Negative ⇒ the activator stays in
 * the request path.
 *
 * @module
 */

export interface BurstInput {
  /** −1 = unlimited, 0 = none. */
  readonly targetBurstCapacity: number;
  /** The real ready count (not the 1-pod floor used for rate limits). */
  readonly readyPods: number;
  readonly totalValue: number;
  readonly observedPanic: number;
}

/**
 * `0` when TBC is 0, `−1` when TBC is negative (unlimited), else
 * `floor(ready × TotalValue − TBC − panic)` truncated to an integer.
 * E.g. 1 pod × 13.33 − 100 − 50 = −136.67 ⇒ −137.
 */
export function excessBurstCapacity(input: BurstInput): number {
  if (input.targetBurstCapacity === 0) return 0;
  if (input.targetBurstCapacity < 0) return -1;
  const capacity = input.readyPods * input.totalValue;
  return Math.trunc(Math.floor(capacity - input.targetBurstCapacity - input.observedPanic));
}

/** The decider's status before its first valid tick: `InitialScale × TotalValue − TBC`. */
export function initialExcessBurstCapacity(
  input: Pick<BurstInput, 'targetBurstCapacity' | 'totalValue'> & { readonly initialScale: number },
): number {
  if (input.targetBurstCapacity === 0) return 0;
  if (input.targetBurstCapacity < 0) return -1;
  return Math.trunc(input.initialScale * input.totalValue - input.targetBurstCapacity);
}
