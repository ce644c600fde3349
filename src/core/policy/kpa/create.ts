/**
 * A new decider (upstream `New` / `newAutoscaler`): it starts in panic, holding the current
 * count, when more than one pod is ready, so a restarted autoscaler does not scale a busy
 * revision down before data accumulates. A pod-count error counts as 0 ready pods.
 *
 * @module
 */
import { newDelayWindow } from './delay-window.js';
import type { DeciderSpec, DeciderState, ReadyPods } from './types.js';

export interface CreateInput {
  readonly spec: Pick<DeciderSpec, 'scaleDownDelaySeconds'>;
  readonly readyPods: ReadyPods;
  readonly now: number;
  /** Upstream's `New` builds a delay window when the delay is > 0; `newAutoscaler` never does. */
  readonly withDelayWindow?: boolean;
}

export function createDecider(input: CreateInput): DeciderState {
  const ready = typeof input.readyPods === 'number' ? input.readyPods : 0;
  const delay = input.withDelayWindow === false ? 0 : input.spec.scaleDownDelaySeconds;
  return {
    panicTime: ready > 1 ? input.now : null,
    maxPanicPods: ready,
    delayWindow: newDelayWindow(delay),
  };
}
