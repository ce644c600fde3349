import { describe, expect, it } from 'vitest';
import { createDecider } from './create.js';

const t0 = Date.UTC(2024, 0, 1);

describe('createDecider', () => {
  it.each([
    ['0 ready pods: stable mode', 0, null, 0],
    ['1 ready pod: stable mode, max panic pods 1', 1, null, 1],
    ['2 ready pods: starts in panic', 2, t0, 2],
    ['a pod-count error counts as 0', 'error', null, 0],
    ['not found counts as 0', 'not-found', null, 0],
  ] as const)('%s', (...[, ready, panicTime, maxPanicPods]) => {
    const state = createDecider({ spec: { scaleDownDelaySeconds: 0 }, readyPods: ready, now: t0 });
    expect(state).toEqual({ panicTime, maxPanicPods, delayWindow: null });
  });

  it.each([
    [0, undefined, null],
    [300, undefined, 150],
    [300, true, 150],
    [300, false, null],
  ] as const)('delay %d s (window %s) ⇒ %s buckets', (delay, withWindow, buckets) => {
    const state = createDecider({
      spec: { scaleDownDelaySeconds: delay },
      readyPods: 1,
      now: t0,
      ...(withWindow === undefined ? {} : { withDelayWindow: withWindow }),
    });
    expect(state.delayWindow?.buckets ?? null).toBe(buckets);
  });
});
