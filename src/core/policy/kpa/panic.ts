/**
 * Panic mode (ALGORITHMS.md §2.4 steps 6–7): entered when the unclamped panic desire reaches
 * `PanicThreshold × ready`, extended while it stays there, left only once it is below AND the
 * last over-threshold tick is more than a stable window old. While panicking the count never
 * goes down.
 *
 * @module
 */
import type { DeciderState } from './types.js';

export interface PanicInput {
  readonly state: Pick<DeciderState, 'panicTime' | 'maxPanicPods'>;
  /** `dppc / max(1, ready) >= PanicThreshold`, from the unclamped panic desire. */
  readonly overThreshold: boolean;
  readonly now: number;
  readonly stableWindowSeconds: number;
}

/** The panic state after this tick's threshold check. */
export function updatePanic(input: PanicInput): Pick<DeciderState, 'panicTime' | 'maxPanicPods'> {
  const { state, overThreshold, now } = input;
  if (overThreshold) return { panicTime: now, maxPanicPods: state.maxPanicPods };
  const expired =
    state.panicTime !== null && state.panicTime + input.stableWindowSeconds * 1000 < now;
  if (expired) return { panicTime: null, maxPanicPods: 0 };
  return state;
}

/**
 * The count while panicking: the larger of the stable and panic desires, never below the largest
 * count asked for during this panic. Returns the count and the new `maxPanicPods`.
 */
export function panicCount(
  desiredStable: number,
  desiredPanic: number,
  maxPanicPods: number,
): { readonly desired: number; readonly maxPanicPods: number } {
  const max = Math.max(maxPanicPods, desiredStable, desiredPanic);
  return { desired: max, maxPanicPods: max };
}
