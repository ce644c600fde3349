import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scale } from './scale.js';
import type { DeciderSpec, DeciderState } from './types.js';

const t0 = Date.UTC(2024, 0, 1);

const specArb = fc.record({
  targetValue: fc.double({ min: 0.01, max: 500, noNaN: true }),
  maxScaleUpRate: fc.double({ min: 1.01, max: 1000, noNaN: true }),
  maxScaleDownRate: fc.double({ min: 1.01, max: 100, noNaN: true }),
  reachable: fc.boolean(),
});

const spec = (s: {
  targetValue: number;
  maxScaleUpRate: number;
  maxScaleDownRate: number;
  reachable: boolean;
}): DeciderSpec => ({
  scalingMetric: 'concurrency',
  totalValue: s.targetValue / 0.7,
  targetBurstCapacity: 0,
  panicThreshold: 2,
  stableWindowSeconds: 60,
  scaleDownDelaySeconds: 0,
  activationScale: 0,
  initialScale: 0,
  ...s,
});

const stable: DeciderState = { panicTime: null, maxPanicPods: 0, delayWindow: null };

describe('scale: properties', () => {
  it('in stable mode the count stays within the rate limits around the ready pods', () => {
    fc.assert(
      fc.property(
        specArb,
        fc.integer({ min: 0, max: 1000 }),
        fc.double({ min: 0, max: 1e5, noNaN: true }),
        (s, ready, load) => {
          const d = spec(s);
          // panic equal to 0 keeps the decider out of panic mode.
          const out = scale({
            spec: d,
            state: stable,
            now: t0,
            readyPods: ready,
            observed: { stable: load, panic: 0 },
          });
          const r = Math.max(1, ready);
          const up = Math.ceil(d.maxScaleUpRate * r);
          const down = d.reachable ? Math.floor(r / d.maxScaleDownRate) : 0;
          const n = out.result.desiredPodCount;
          expect(n).toBeGreaterThanOrEqual(Math.min(down, up));
          expect(n).toBeLessThanOrEqual(up);
          expect(Number.isInteger(n)).toBe(true);
        },
      ),
    );
  });

  it('panic mode never lowers the count between ticks', () => {
    fc.assert(
      fc.property(
        specArb,
        fc.array(
          fc.tuple(fc.integer({ min: 1, max: 200 }), fc.double({ min: 0, max: 1e4, noNaN: true })),
          {
            minLength: 2,
            maxLength: 20,
          },
        ),
        (s, ticks) => {
          const d = spec(s);
          let state: DeciderState = { panicTime: t0, maxPanicPods: 0, delayWindow: null };
          let last = 0;
          ticks.forEach(([ready, load], i) => {
            // All ticks inside one stable window: panic cannot end.
            const out = scale({
              spec: d,
              state,
              now: t0 + i * 1000,
              readyPods: ready,
              observed: { stable: load, panic: load },
            });
            expect(out.state.panicTime).not.toBeNull();
            expect(out.result.desiredPodCount).toBeGreaterThanOrEqual(last);
            last = out.result.desiredPodCount;
            state = out.state;
          });
        },
      ),
    );
  });
});
