/**
 * The oracle: at t it asks for the largest required count over [t, t + startupSeconds]. A replica
 * asked for at t is ready at t + startup, so every replica needed at some step in that window had
 * to be held already at t: the oracle holds exactly that many, which makes it both free of
 * under-provisioning and the cheapest schedule that is (the physical limit every policy is
 * measured against).
 *
 * Worked example (15 s step, 60 s start-up ⇒ window of 5 steps): required 1 1 3 1 1 1 1 asks
 * 3 3 3 1 1 1 1 at steps 0..6: the 3 replicas needed at step 2 are held from step 0 on (the
 * initial replicas are ready), and from step 3 the window no longer contains it.
 *
 * @module
 */
import type { Controller } from './replay.js';

/** The oracle's ask at each step: max r over the steps t_j ∈ [t_k, t_k + startupSeconds]. */
export function oracleSchedule(
  required: Int32Array,
  options: { readonly stepSeconds: number; readonly startupSeconds: number },
): Int32Array {
  const ahead = Math.floor(options.startupSeconds / options.stepSeconds + 1e-9);
  const n = required.length;
  const out = new Int32Array(n);
  // Sliding-window maximum with a monotonic deque of indices (O(n)).
  const deque = new Int32Array(n);
  let head = 0;
  let tail = 0;
  let next = 0;
  for (let k = 0; k < n; k++) {
    const last = Math.min(n - 1, k + ahead);
    for (; next <= last; next++) {
      while (
        tail > head &&
        (required[deque[tail - 1] as number] as number) <= (required[next] as number)
      )
        tail--;
      deque[tail++] = next;
    }
    while ((deque[head] as number) < k) head++;
    out[k] = required[deque[head] as number] as number;
  }
  return out;
}

/** The oracle as a replay controller; it starts with its first ask ready. */
export function oracleController(schedule: Int32Array): Controller {
  return {
    initialReplicas: schedule[0] ?? 0,
    ask: ({ step }) => schedule[step] as number,
  };
}
