/**
 * The event-free fast path: which specs take it, what it computes, and (fast-check) that `decide`
 * with it equals `decideWithEventSteps`, which runs every KEDA step in full, on random HPA-only
 * specs, observations and states, over single ticks and over sequences carrying the state.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, decideWithEventSteps } from '../decide.js';
import { makePod, valueReading } from '../fixtures.js';
import {
  initialState,
  type MetricReading,
  type Observation,
  type PodInfo,
  type ScalerState,
} from '../model.js';
import { scalerSpecSchema, type ScalerSpec, type ScalerSpecInput } from '../spec.js';
import { applyEventFreeSteps, usesEventFeatures } from './event-free.js';

const t0 = Date.UTC(2024, 0, 1);

const cpu = {
  name: 'cpu',
  type: 'resource',
  resource: 'cpu',
  target: { type: 'Utilization', value: 70 },
} as const;
const queue = {
  name: 'queue',
  type: 'rabbitmq',
  target: { type: 'AverageValue', value: 5 },
  activation: 2,
} as const;
const parse = (input: ScalerSpecInput): ScalerSpec => scalerSpecSchema.parse(input);

describe('usesEventFeatures', () => {
  it.each([
    ['min 1, cpu only', { minReplicas: 1, triggers: [cpu] }, false],
    ['min 2, cpu and an External queue', { minReplicas: 2, triggers: [cpu, queue] }, false],
    ['minReplicas 0', { minReplicas: 0, triggers: [queue] }, true],
    ['idleReplicas', { minReplicas: 2, idleReplicas: 0, triggers: [queue] }, true],
    [
      'a fallback',
      { minReplicas: 1, triggers: [queue], fallback: { failureThreshold: 3, replicas: 4 } },
      true,
    ],
    [
      'a cron trigger',
      {
        minReplicas: 1,
        triggers: [
          cpu,
          {
            name: 'office',
            type: 'cron',
            timezone: 'UTC',
            start: '0 8 * * *',
            end: '0 18 * * *',
            desiredReplicas: 5,
          },
        ],
      },
      true,
    ],
    [
      'scalingModifiers',
      {
        minReplicas: 1,
        triggers: [queue],
        event: { scalingModifiers: { formula: 'queue * 2', target: 10 } },
      },
      true,
    ],
  ])('%s → %s', (_label, input, expected) => {
    expect(usesEventFeatures(parse(input as ScalerSpecInput))).toBe(expected);
  });
});

describe('applyEventFreeSteps', () => {
  const spec = parse({ minReplicas: 1, triggers: [cpu, queue] });
  const state: ScalerState = {
    ...initialState(),
    lastActiveTime: t0 - 60_000,
    triggerHealth: { queue: { failures: 2 }, gone: { failures: 7 } },
  };
  const observe = (reading: MetricReading | undefined): Observation => ({
    currentReplicas: 3,
    pods: [],
    metrics: reading === undefined ? {} : { queue: reading },
  });
  const failedRead: MetricReading = {
    status: 'error',
    error: { code: 'Timeout', message: 'timed out', retryable: true },
  };
  it.each([
    // value > activation 2: active; a success resets the count; lastActiveTime refreshed
    { label: 'active', reading: valueReading([2_001], t0), current: 3, active: true, failures: 0 },
    // value = activation: inactive (strictly above is needed); lastActiveTime kept
    { label: 'at the threshold', reading: valueReading([2_000], t0), current: 3, failures: 0 },
    // a failed read: counted, never active, and the object is in error: lastActiveTime kept
    { label: 'failed', reading: failedRead, current: 3, failures: 3 },
    { label: 'missing', reading: undefined, current: 3, failures: 3 },
    { label: 'negative', reading: valueReading([-1], t0), current: 3, failures: 3 },
  ])('$label', ({ reading, current, active = false, failures }) => {
    const r = applyEventFreeSteps({ spec, observation: observe(reading), state, current });
    expect(r).toEqual({
      active: { queue: active },
      isActive: active,
      triggerHealth: { queue: { failures } },
      lastActiveTimeRefreshed: active,
    });
  });

  it.each([
    // every trigger is cpu/memory: always active, so lastActiveTime is refreshed ...
    { label: 'cpu only', triggers: [cpu], reading: undefined, current: 3, refreshed: true },
    // ... but a failed External read makes the object inactive-with-error: kept
    { label: 'cpu and a failed queue', triggers: [cpu, queue], reading: failedRead, current: 3 },
    // an active object with a failing trigger refreshes only when activating from 0
    {
      label: 'active at 0 beside a failed trigger',
      triggers: [queue, { ...queue, name: 'other' }],
      reading: valueReading([5_000], t0),
      current: 0,
      refreshed: true,
    },
    {
      label: 'active at 3 beside a failed trigger',
      triggers: [queue, { ...queue, name: 'other' }],
      reading: valueReading([5_000], t0),
      current: 3,
    },
  ])(
    '$label: lastActiveTime refreshed = $refreshed',
    ({ triggers, reading, current, refreshed = false }) => {
      const r = applyEventFreeSteps({
        spec: parse({ minReplicas: 1, triggers }),
        observation: observe(reading),
        state,
        current,
      });
      expect(r.lastActiveTimeRefreshed).toBe(refreshed);
    },
  );
});

// ---------------------------------------------------------------------------------------------
// fast path ≡ full event steps
// ---------------------------------------------------------------------------------------------

/** Triggers of every metric type the HPA reads, none of them KEDA-only. */
const triggerArb = fc.oneof(
  fc.record({
    type: fc.constant('resource'),
    resource: fc.constantFrom('cpu', 'memory'),
    target: fc.oneof(
      fc.record({ type: fc.constant('Utilization'), value: fc.integer({ min: 10, max: 150 }) }),
      fc.record({ type: fc.constant('AverageValue'), value: fc.integer({ min: 1, max: 2000 }) }),
    ),
  }),
  fc.record({
    type: fc.constantFrom('prometheus', 'rabbitmq', 'cpu'),
    metricType: fc.constantFrom('External', 'Object', 'Pods'),
    target: fc.record({
      type: fc.constantFrom('AverageValue', 'Value'),
      value: fc.integer({ min: 1, max: 100 }),
    }),
    activation: fc.constantFrom(0, 0.5, 3, 50),
  }),
);

const eventFreeSpecArb: fc.Arbitrary<ScalerSpec> = fc
  .record({
    policy: fc.constantFrom('hpa', 'hpa', 'target-tracking'),
    min: fc.integer({ min: 1, max: 4 }),
    span: fc.integer({ min: 0, max: 20 }),
    triggers: fc.array(triggerArb, { minLength: 1, maxLength: 3 }),
    window: fc.option(fc.integer({ min: 0, max: 600 }), { nil: null }),
    behavior: fc.boolean(),
  })
  .map((r) => {
    const triggers = r.triggers.map((t, i) => {
      // Pods metrics take AverageValue targets only; Object and External take either.
      const pods = 'metricType' in t && t.metricType === 'Pods';
      const target = pods ? { ...t.target, type: 'AverageValue' } : t.target;
      return { ...t, target, name: `t${i}` };
    });
    return parse({
      policy: r.policy,
      minReplicas: r.min,
      maxReplicas: r.min + r.span,
      triggers,
      ...(r.behavior ? { behavior: { scaleDown: { stabilizationWindowSeconds: r.window } } } : {}),
    } as ScalerSpecInput);
  });

const podArb = (i: number): fc.Arbitrary<PodInfo> =>
  fc
    .record({
      phase: fc.constantFrom('Running', 'Running', 'Running', 'Pending', 'Failed'),
      readyAgo: fc.option(fc.integer({ min: 0, max: 900 }), { nil: null }),
      ready: fc.boolean(),
      startedAgo: fc.integer({ min: 0, max: 3_600 }),
    })
    .map((p) =>
      makePod(`pod-${i}`, t0 - p.startedAgo * 1000, {
        phase: p.phase as PodInfo['phase'],
        ready:
          p.readyAgo === null
            ? null
            : { status: p.ready, lastTransitionTime: t0 - p.readyAgo * 1000 },
      }),
    );

const readingArb = (pods: readonly PodInfo[]): fc.Arbitrary<MetricReading | undefined> =>
  fc.oneof(
    fc.constant(undefined),
    fc.constant({
      status: 'error',
      error: { code: 'Timeout', message: 'timed out', retryable: true },
    } as const),
    fc
      .array(fc.oneof(fc.integer({ min: 0, max: 200_000 }), fc.constant(-5)), {
        minLength: 0,
        maxLength: 3,
      })
      .map((values) => valueReading(values, t0)),
    fc
      .array(fc.integer({ min: 0, max: 3_000 }), { minLength: pods.length, maxLength: pods.length })
      .map((usage) => ({
        status: 'ok' as const,
        timestamp: t0,
        podSamples: pods.map((p, i) => ({
          pod: p.name,
          timestamp: t0 - 15_000,
          windowSeconds: 60,
          valueMilli: usage[i] ?? 0,
          containers: [{ name: 'app', usageMilli: usage[i] ?? 0 }],
        })),
      })),
  );

interface Case {
  readonly spec: ScalerSpec;
  readonly observation: Observation;
  readonly state: ScalerState;
}

const caseArb: fc.Arbitrary<Case> = eventFreeSpecArb.chain((spec) =>
  fc.integer({ min: 0, max: 8 }).chain((n) =>
    fc.tuple(...Array.from({ length: n }, (_, i) => podArb(i))).chain((pods) =>
      fc.record({
        spec: fc.constant(spec),
        observation: fc.record({
          currentReplicas: fc.constantFrom(0, n, spec.minReplicas, spec.maxReplicas + 1),
          pods: fc.constant(pods),
          metrics: fc.tuple(...spec.triggers.map(() => readingArb(pods))).map((readings) => {
            const metrics: Record<string, MetricReading> = {};
            spec.triggers.forEach((t, i) => {
              const r = readings[i];
              if (r !== undefined) metrics[t.name] = r;
            });
            return metrics;
          }),
        }),
        state: fc
          .record({
            health: fc.dictionary(
              fc.constantFrom('t0', 't1', 't2', 'old'),
              fc.record({ failures: fc.integer({ min: 0, max: 9 }) }),
            ),
            lastActiveAgo: fc.option(fc.integer({ min: 0, max: 900 }), { nil: null }),
            createdAgo: fc.option(fc.integer({ min: 0, max: 900 }), { nil: null }),
            seeded: fc.boolean(),
          })
          .map((s) => ({
            ...initialState(),
            createdAt: s.createdAgo === null ? null : t0 - s.createdAgo * 1000,
            lastActiveTime: s.lastActiveAgo === null ? null : t0 - s.lastActiveAgo * 1000,
            triggerHealth: s.health,
            recommendations: s.seeded ? [{ replicas: 3, timestamp: t0 - 120_000 }] : null,
          })),
      }),
    ),
  ),
);

describe('decide: the event-free fast path equals the full event steps', () => {
  it('on one tick (same decision, same JSON)', () => {
    fc.assert(
      fc.property(caseArb, ({ spec, observation, state }) => {
        expect(usesEventFeatures(spec)).toBe(false);
        const fast = decide(spec, observation, state, t0);
        const full = decideWithEventSteps(spec, observation, state, t0);
        expect(fast).toEqual(full);
        expect(JSON.stringify(fast)).toBe(JSON.stringify(full));
      }),
      { numRuns: 1000 },
    );
  });

  it('over a sequence of ticks carrying the state', () => {
    fc.assert(
      fc.property(
        caseArb,
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 8 }),
        (c, drift) => {
          let fastState = c.state;
          let fullState = c.state;
          let current = c.observation.currentReplicas;
          drift.forEach((d, tick) => {
            const now = t0 + tick * 15_000;
            const observation = { ...c.observation, currentReplicas: current + d };
            const fast = decide(c.spec, observation, fastState, now);
            const full = decideWithEventSteps(c.spec, observation, fullState, now);
            expect(JSON.stringify(fast)).toBe(JSON.stringify(full));
            fastState = fast.state;
            fullState = full.state;
            current = fast.desiredReplicas;
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
