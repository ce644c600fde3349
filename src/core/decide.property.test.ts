/**
 * Properties of `decide` over generated specs, observations and histories (fast-check):
 * bounds, bad data never shrinks, determinism, and JSON round-trips of the state.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide } from './decide.js';
import { cpuReading, makePods, valueReading } from './fixtures.js';
import { initialState, type MetricReading, type Observation, type ScalerState } from './model.js';
import { scalerSpecSchema, type ScalerSpec } from './spec.js';

const t0 = Date.UTC(2024, 0, 1);

const policyArb = fc.record({
  type: fc.constantFrom('Pods' as const, 'Percent' as const),
  value: fc.integer({ min: 1, max: 200 }),
  periodSeconds: fc.integer({ min: 1, max: 600 }),
});
const rulesArb = fc.record({
  stabilizationWindowSeconds: fc.option(fc.integer({ min: 0, max: 600 }), { nil: null }),
  selectPolicy: fc.constantFrom('Max' as const, 'Min' as const, 'Disabled' as const),
  policies: fc.option(fc.array(policyArb, { minLength: 1, maxLength: 3 }), { nil: null }),
  tolerance: fc.option(fc.double({ min: 0, max: 0.5, noNaN: true }), { nil: null }),
});

const specArb: fc.Arbitrary<ScalerSpec> = fc
  .record({
    min: fc.integer({ min: 0, max: 5 }),
    span: fc.integer({ min: 0, max: 40 }),
    behavior: fc.option(fc.record({ scaleUp: rulesArb, scaleDown: rulesArb }), { nil: null }),
    cpuTarget: fc.integer({ min: 10, max: 150 }),
    queueTarget: fc.integer({ min: 1, max: 100 }),
  })
  .map(({ min, span, behavior, cpuTarget, queueTarget }) =>
    scalerSpecSchema.parse({
      minReplicas: min,
      maxReplicas: Math.max(1, min + span),
      behavior,
      triggers: [
        {
          name: 'cpu',
          type: 'resource',
          resource: 'cpu',
          target: { type: 'Utilization', value: cpuTarget },
        },
        { name: 'queue', type: 'rabbitmq', target: { type: 'AverageValue', value: queueTarget } },
      ],
    }),
  );

const badReadingArb: fc.Arbitrary<MetricReading | undefined> = fc.constantFrom(
  undefined,
  { status: 'error', error: { code: 'Timeout', message: 'timed out', retryable: true } } as const,
  valueReading([Number.NaN], t0),
  valueReading([-5], t0),
  valueReading([Number.POSITIVE_INFINITY], t0),
);

interface World {
  readonly spec: ScalerSpec;
  readonly current: number;
  readonly usage: readonly number[];
  readonly queueMilli: number;
}

/** A spec and a current count within its bounds (never 0 with min > 0), with raw load figures. */
const worldArb: fc.Arbitrary<World> = specArb.chain((spec) =>
  fc.record({
    spec: fc.constant(spec),
    current: fc.integer({ min: spec.minReplicas, max: spec.maxReplicas }),
    usage: fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 40, maxLength: 40 }),
    queueMilli: fc.integer({ min: 0, max: 5_000_000 }),
  }),
);

function observe(w: World, now: number, current = w.current): Observation {
  const pods = makePods(current, now - 3_600_000);
  return {
    currentReplicas: current,
    pods,
    metrics: {
      cpu: cpuReading(pods, (i) => w.usage[i % w.usage.length] ?? 0, now),
      queue: valueReading([w.queueMilli], now),
    },
  };
}

const historyArb: fc.Arbitrary<ScalerState> = fc
  .record({
    recs: fc.option(
      fc.array(
        fc.record({
          replicas: fc.integer({ min: 0, max: 60 }),
          ago: fc.integer({ min: 0, max: 900 }),
        }),
        { maxLength: 30 },
      ),
      { nil: null },
    ),
    ups: fc.array(
      fc.record({ change: fc.integer({ min: 1, max: 10 }), ago: fc.integer({ min: 0, max: 900 }) }),
      { maxLength: 5 },
    ),
    downs: fc.array(
      fc.record({ change: fc.integer({ min: 1, max: 10 }), ago: fc.integer({ min: 0, max: 900 }) }),
      { maxLength: 5 },
    ),
  })
  .map(({ recs, ups, downs }) => ({
    ...initialState(),
    recommendations:
      recs?.map((r) => ({ replicas: r.replicas, timestamp: t0 - r.ago * 1000 })) ?? null,
    scaleUpEvents: ups.map((e) => ({
      change: e.change,
      timestamp: t0 - e.ago * 1000,
      outdated: false,
    })),
    scaleDownEvents: downs.map((e) => ({
      change: e.change,
      timestamp: t0 - e.ago * 1000,
      outdated: false,
    })),
  }));

const roundTrip = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('decide (properties)', () => {
  it('stays within [minReplicas, maxReplicas] when current is within them', () => {
    fc.assert(
      fc.property(worldArb, historyArb, (w, state) => {
        const d = decide(w.spec, observe(w, t0), state, t0);
        expect(d.desiredReplicas).toBeGreaterThanOrEqual(w.spec.minReplicas);
        expect(d.desiredReplicas).toBeLessThanOrEqual(w.spec.maxReplicas);
      }),
      { numRuns: 300 },
    );
  });

  it('never goes below current when a reading is missing, failed, NaN, negative or infinite', () => {
    fc.assert(
      fc.property(worldArb, historyArb, badReadingArb, fc.boolean(), (w, state, bad, both) => {
        const obs = observe(w, t0);
        const metrics: Record<string, MetricReading> = { ...obs.metrics };
        for (const name of both ? ['cpu', 'queue'] : ['queue']) {
          if (bad === undefined) delete metrics[name];
          else metrics[name] = bad;
        }
        const d = decide(w.spec, { ...obs, metrics }, state, t0);
        expect(d.desiredReplicas).toBeGreaterThanOrEqual(w.current);
        if (both) expect(d.desiredReplicas).toBe(w.current);
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(worldArb, historyArb, (w, state) => {
        expect(decide(w.spec, observe(w, t0), state, t0)).toEqual(
          decide(w.spec, observe(w, t0), state, t0),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('returns plain-JSON state, and deciding from the round-tripped state gives the same decision', () => {
    fc.assert(
      fc.property(
        worldArb,
        fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 12 }),
        (w, loads) => {
          let state: ScalerState = initialState();
          let current = w.current;
          loads.forEach((load, tick) => {
            const now = t0 + tick * 15_000;
            const world = { ...w, usage: [load] };
            const direct = decide(w.spec, observe(world, now, current), state, now);
            expect(roundTrip(direct.state)).toEqual(direct.state);
            const restored = decide(w.spec, observe(world, now, current), roundTrip(state), now);
            expect(restored).toEqual(direct);
            state = direct.state;
            current = direct.desiredReplicas;
          });
        },
      ),
      { numRuns: 100 },
    );
  });
});
