/**
 * One decision of Knative's KPA decider (`autoscaler.Scale`, ALGORITHMS.md §2.4), as a pure
 * function of the spec, the decider state, the ready pod count and the observed window values.
 *
 * Worked example (target 10/pod, rates 10, 1 ready pod, stable 50, panic 100):
 * maxUp = ceil(10 × 1) = 10, maxDown = floor(1 / 10) = 0; dspc = 5, dppc = 10; 10 / 1 ≥ 2 ⇒
 * panic; desired = max(5, 10) = 10.
 *
 * @module
 */
import { excessBurstCapacity } from './burst.js';
import { delayedMax, recordDelay } from './delay-window.js';
import { panicCount, updatePanic } from './panic.js';
import type {
  DeciderSpec,
  DeciderState,
  InvalidReason,
  Observed,
  ReadyPods,
  ScaleResult,
} from './types.js';

export interface ScaleInput {
  readonly spec: DeciderSpec;
  readonly state: DeciderState;
  readonly now: number;
  readonly readyPods: ReadyPods;
  /** Null when the metric client failed (including `ErrNoData`). */
  readonly observed: Observed | null;
}

/** The numbers behind a valid result, for explanations. */
export interface ScaleDetail {
  readonly readyPods: number;
  readonly maxScaleUp: number;
  readonly maxScaleDown: number;
  readonly desiredStable: number;
  readonly desiredPanic: number;
  readonly panicking: boolean;
  /** The count before the scale-down delay window; null when no window applied. */
  readonly beforeDelay: number | null;
}

export type ScaleStep =
  | {
      readonly result: ScaleResult;
      readonly state: DeciderState;
      readonly detail: ScaleDetail;
    }
  | {
      readonly result: ScaleResult;
      readonly state: DeciderState;
      readonly invalid: InvalidReason;
    };

const invalidResult: ScaleResult = {
  desiredPodCount: 0,
  excessBurstCapacity: 0,
  scaleValid: false,
};

/** Clamps to [down, up] (max first, as upstream) and truncates to an integer. */
function clamp(x: number, down: number, up: number): number {
  return Math.trunc(Math.min(Math.max(x, down), up));
}

/** Activation scale lifts a non-zero desire to at least `activationScale` (only when > 1). */
function activate(desired: number, unclamped: number, activationScale: number): number {
  if (activationScale > 1 && unclamped > 0 && activationScale > desired) return activationScale;
  return desired;
}

interface Desires {
  readonly maxScaleUp: number;
  readonly maxScaleDown: number;
  readonly dppc: number;
  readonly desiredStable: number;
  readonly desiredPanic: number;
}

function desires(spec: DeciderSpec, ready: number, observed: Observed): Desires {
  const maxScaleUp = Math.ceil(spec.maxScaleUpRate * ready);
  const maxScaleDown = spec.reachable ? Math.floor(ready / spec.maxScaleDownRate) : 0;
  const dspc = Math.ceil(observed.stable / spec.targetValue);
  const dppc = Math.ceil(observed.panic / spec.targetValue);
  return {
    maxScaleUp,
    maxScaleDown,
    dppc,
    desiredStable: activate(clamp(dspc, maxScaleDown, maxScaleUp), dspc, spec.activationScale),
    desiredPanic: activate(clamp(dppc, maxScaleDown, maxScaleUp), dppc, spec.activationScale),
  };
}

/** Runs one `Scale` step. An invalid result leaves the state untouched. */
export function scale(input: ScaleInput): ScaleStep {
  const { spec, state, now } = input;
  if (input.readyPods === 'error') {
    return { result: invalidResult, state, invalid: 'ready-pods-error' };
  }
  if (input.observed === null) return { result: invalidResult, state, invalid: 'no-metrics' };
  const realReady = input.readyPods === 'not-found' ? 0 : input.readyPods;
  const ready = Math.max(1, realReady);
  const d = desires(spec, ready, input.observed);
  const panic = updatePanic({
    state,
    overThreshold: d.dppc / ready >= spec.panicThreshold,
    now,
    stableWindowSeconds: spec.stableWindowSeconds,
  });
  let desired = d.desiredStable;
  let maxPanicPods = panic.maxPanicPods;
  if (panic.panicTime !== null) {
    ({ desired, maxPanicPods } = panicCount(d.desiredStable, d.desiredPanic, maxPanicPods));
  }
  let delayWindow = state.delayWindow;
  let beforeDelay: number | null = null;
  if (spec.reachable && delayWindow !== null) {
    delayWindow = recordDelay(delayWindow, now, desired);
    beforeDelay = desired;
    desired = delayedMax(delayWindow);
  }
  const excess = excessBurstCapacity({
    targetBurstCapacity: spec.targetBurstCapacity,
    readyPods: realReady,
    totalValue: spec.totalValue,
    observedPanic: input.observed.panic,
  });
  return {
    result: { desiredPodCount: desired, excessBurstCapacity: excess, scaleValid: true },
    state: { panicTime: panic.panicTime, maxPanicPods, delayWindow },
    detail: {
      readyPods: realReady,
      maxScaleUp: d.maxScaleUp,
      maxScaleDown: d.maxScaleDown,
      desiredStable: d.desiredStable,
      desiredPanic: d.desiredPanic,
      panicking: panic.panicTime !== null,
      beforeDelay,
    },
  };
}
