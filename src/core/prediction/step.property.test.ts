/**
 * Properties of prediction while the headroom planner is confident (fast-check): the states are
 * caught up on six hours of a steady load (`warmPrediction`), so the plan acts at the first
 * decision; then any reading is thrown at it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide } from '../decide.js';
import { initialState, type MetricReading, type ScalerState } from '../model.js';
import { scalerSpecSchema, type ScalerSpec } from '../spec.js';
import { ceilingFor, warmPrediction } from './step.js';

const t0 = Date.UTC(2024, 0, 1);
const SYNC_MS = 15_000;
const WARM = (6 * 3_600_000) / SYNC_MS;

interface Warmed {
  readonly spec: ScalerSpec;
  /** The steady total load it was warmed on. */
  readonly load: number;
  readonly state: ScalerState;
  readonly now: number;
}

/** A spec with an External AverageValue first trigger and a queue trigger, warmed on `load`. */
function warmed(o: { target: number; load: number; min: number; max: number }): Warmed {
  const spec = scalerSpecSchema.parse({
    minReplicas: o.min,
    maxReplicas: o.max,
    startupSeconds: 60,
    triggers: [
      { name: 'rps', type: 'prometheus', target: { type: 'AverageValue', value: o.target } },
      { name: 'queue', type: 'rabbitmq', target: { type: 'AverageValue', value: 50 } },
    ],
  });
  const loads = Array.from({ length: WARM }, (_, i) => ({
    time: t0 + i * SYNC_MS,
    value: o.load * (1 + 0.02 * Math.sin(i / 3)),
  }));
  const warm = warmPrediction(spec, initialState(), loads);
  if (!warm.confident) throw new Error(`not confident after warming on ${o.load}`);
  return { spec, load: o.load, state: warm.state, now: t0 + WARM * SYNC_MS };
}

const worlds = [
  warmed({ target: 70, load: 600, min: 1, max: 100 }),
  warmed({ target: 100, load: 2500, min: 2, max: 60 }),
  warmed({ target: 10, load: 35, min: 1, max: 20 }),
];

const ok = (total: number, now: number): MetricReading => ({
  status: 'ok',
  timestamp: now,
  valuesMilli: [Math.round(total * 1000)],
});

const badReadingArb: fc.Arbitrary<MetricReading | undefined> = fc.constantFrom(
  undefined,
  { status: 'error', error: { code: 'Timeout', message: 'timed out', retryable: true } } as const,
  { status: 'ok', timestamp: t0, valuesMilli: [Number.NaN] } as const,
  { status: 'ok', timestamp: t0, valuesMilli: [-5000] } as const,
  { status: 'ok', timestamp: t0, valuesMilli: [Number.POSITIVE_INFINITY] } as const,
);

const worldArb = fc.constantFrom(...worlds);

describe('a confident planner (properties)', () => {
  it('plans at once on the steady load it was warmed on', () => {
    for (const w of worlds) {
      const current = Math.ceil(w.load / w.spec.triggers[0]!.target.value);
      const metrics = { rps: ok(w.load, w.now), queue: ok(0, w.now) };
      const d = decide(w.spec, { currentReplicas: current, pods: [], metrics }, w.state, w.now);
      expect(d.reasons.map((r) => r.code)).toContain('HeadroomPlan');
    }
  });

  it('never goes below current when the planned trigger’s reading is bad', () => {
    fc.assert(
      fc.property(
        worldArb,
        badReadingArb,
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (w, bad, queueMilli, at) => {
          const current = Math.round(
            w.spec.minReplicas + at * (w.spec.maxReplicas - w.spec.minReplicas),
          );
          const metrics: Record<string, MetricReading> = { queue: ok(queueMilli / 1000, w.now) };
          if (bad !== undefined) metrics.rps = bad;
          const d = decide(w.spec, { currentReplicas: current, pods: [], metrics }, w.state, w.now);
          expect(d.desiredReplicas).toBeGreaterThanOrEqual(current);
          expect(d.reasons.map((r) => r.code)).not.toContain('HeadroomPlan');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('stays within bounds and never plans below the load at the SLO ceiling', () => {
    fc.assert(
      fc.property(
        worldArb,
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (w, scale, at) => {
          const current = Math.max(
            1,
            Math.round(w.spec.minReplicas + at * (w.spec.maxReplicas - w.spec.minReplicas)),
          );
          const total = w.load * scale;
          const metrics = { rps: ok(total, w.now), queue: ok(0, w.now) };
          const d = decide(w.spec, { currentReplicas: current, pods: [], metrics }, w.state, w.now);
          expect(d.desiredReplicas).toBeGreaterThanOrEqual(w.spec.minReplicas);
          expect(d.desiredReplicas).toBeLessThanOrEqual(w.spec.maxReplicas);
          if (!d.reasons.some((r) => r.code === 'HeadroomPlan')) return;
          // The plan carries the load the reading shows at the SLO ceiling, at the least.
          const target = w.spec.triggers[0]!.target.value;
          const atCeiling = Math.ceil(
            Math.round(total * 1000) / 1000 / ceilingFor(w.spec, target) - 1e-9,
          );
          expect(d.predictedReplicas).toBeGreaterThanOrEqual(atCeiling);
        },
      ),
      { numRuns: 300 },
    );
  });
});
