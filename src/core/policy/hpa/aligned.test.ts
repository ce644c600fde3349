/**
 * The aligned fast path of the utilization calculator: when it answers, and (fast-check) that
 * wherever it answers it equals the general path, on pods and samples drawn to hit every case of
 * `groupPods` (ignored, Pending, missing, unready, ready), duplicate names, misaligned samples and
 * missing requests.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cpuReading, makePod, makePods } from '../../fixtures.js';
import type { PodInfo, PodSample } from '../../model.js';
import { alignedResourceReplicas, distinctNames } from './aligned.js';
import {
  generalResourceReplicas,
  getResourceReplicas,
  type PodMetricInput,
  type ResourceScope,
} from './calculator.js';

const t0 = Date.UTC(2024, 0, 1);
const since = t0 - 3_600_000;
const tolerance = { scaleDown: 0.1, scaleUp: 0.1 };
const cpu70 = { resource: 'cpu' as const, container: null, targetUtilization: 70 };

function input(pods: readonly PodInfo[], usage: (i: number) => number): PodMetricInput {
  const reading = cpuReading(pods, usage, t0);
  return {
    currentReplicas: pods.length,
    pods,
    samples: reading.status === 'ok' ? (reading.podSamples ?? []) : [],
    tolerance,
    cpuInitializationPeriodMs: 300_000,
    initialReadinessDelayMs: 30_000,
    now: t0,
  };
}

describe('distinctNames', () => {
  const named = (...names: string[]): PodInfo[] => names.map((n) => makePod(n, since));
  it.each([
    [['pod-0', 'pod-1', 'pod-9', 'pod-10'], true],
    [['b', 'a', 'c'], true],
    [['a', 'b', 'a'], false],
    [['pod-1', 'pod-1'], false],
    [[], true],
  ])('%j → %s', (names, expected) => {
    expect(distinctNames(named(...names))).toBe(expected);
  });
});

describe('alignedResourceReplicas', () => {
  it('answers the common tick: 10 ready pods, one sample each', () => {
    // usage 300..390 of 500m requests: Σ 3450 / 5000 → U = 69, ratio 69/70 within tolerance.
    const pods = makePods(10, since, { cpuRequestMilli: 500 });
    const r = alignedResourceReplicas(
      input(pods, (i) => 300 + i * 10),
      cpu70,
    );
    expect(r).toEqual({
      ok: true,
      replicas: 10,
      utilization: 69,
      rawAverageMilli: 345,
      timestamp: t0 - 15_000,
    });
  });

  it.each<[string, PodMetricInput]>([
    ['no pods', input([], () => 0)],
    [
      'a sample for another pod',
      { ...input(makePods(2, since), () => 5), pods: makePods(2, since).reverse() },
    ],
    ['duplicate names', input([makePod('a', since), makePod('a', since)], () => 500)],
    ['a pod without a request', input(makePods(2, since, { cpuRequestMilli: null }), () => 5)],
    [
      'unready pods on a scale-up',
      input(
        [
          makePod('pod-0', since),
          makePod('pod-1', t0 - 10_000, { ready: { status: false, lastTransitionTime: t0 } }),
        ],
        () => 900,
      ),
    ],
  ])('leaves %s to the general path', (_label, i) => {
    expect(alignedResourceReplicas(i, cpu70)).toBeNull();
    expect(getResourceReplicas(i, cpu70)).toEqual(generalResourceReplicas(i, cpu70));
  });
});

// ---------------------------------------------------------------------------------------------
// fast path ≡ general path
// ---------------------------------------------------------------------------------------------

const podArb = fc
  .record({
    name: fc.constantFrom('pod-0', 'pod-1', 'pod-2', 'pod-3', 'pod-4', 'pod-5', 'pod-6', 'x'),
    phase: fc.oneof(
      { weight: 12, arbitrary: fc.constant('Running') },
      { weight: 1, arbitrary: fc.constantFrom('Pending', 'Failed') },
    ),
    deleted: fc.oneof({ weight: 15, arbitrary: fc.constant(false) }, fc.constant(true)),
    startedAgo: fc.option(fc.integer({ min: 0, max: 3600 }), { nil: null, freq: 30 }),
    ready: fc.option(
      fc.record({
        status: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, fc.constant(false)),
        ago: fc.integer({ min: 0, max: 3600 }),
      }),
      { nil: null, freq: 30 },
    ),
    cpu: fc.option(fc.integer({ min: 0, max: 2000 }), { nil: null, freq: 60 }),
    memory: fc.option(fc.integer({ min: 0, max: 2000 }), { nil: null, freq: 60 }),
  })
  .map((p): PodInfo => ({
    ...makePod(p.name, since, {
      phase: p.phase as PodInfo['phase'],
      deleted: p.deleted,
      startTime: p.startedAgo === null ? null : t0 - p.startedAgo * 1000,
      ready:
        p.ready === null
          ? null
          : { status: p.ready.status, lastTransitionTime: t0 - p.ready.ago * 1000 },
    }),
    containers: [{ name: 'app', requests: { cpu: p.cpu, memory: p.memory } }],
  }));

/** Distinct, ordered names most of the time (the common case), duplicates sometimes. */
const podsArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .array(podArb, { maxLength: 7 })
      .map((pods) => pods.map((p, i) => ({ ...p, name: `pod-${i}` }))),
  },
  { weight: 1, arbitrary: fc.array(podArb, { maxLength: 7 }) },
);

const caseArb = podsArb.chain((pods) =>
  fc.record({
    pods: fc.constant(pods),
    usage: fc.array(fc.option(fc.integer({ min: 0, max: 3000 }), { nil: null, freq: 60 }), {
      minLength: pods.length,
      maxLength: pods.length,
    }),
    sampleAgo: fc.integer({ min: 0, max: 120 }),
    layout: fc.oneof(
      { weight: 6, arbitrary: fc.constant('aligned') },
      { weight: 1, arbitrary: fc.constantFrom('reversed', 'dropLast', 'extra') },
    ),
    current: fc.integer({ min: 0, max: 10 }),
    target: fc.integer({ min: 10, max: 150 }),
    resource: fc.constantFrom('cpu', 'cpu', 'cpu', 'memory'),
    container: fc.constantFrom(null, null, null, 'app', 'other'),
  }),
);

type CaseValue = {
  readonly pods: readonly PodInfo[];
  readonly usage: readonly (number | null)[];
  readonly sampleAgo: number;
  readonly layout: string;
  readonly current: number;
  readonly target: number;
  readonly resource: string;
  readonly container: string | null;
};

function samplesOf(c: CaseValue): PodSample[] {
  const samples: PodSample[] = c.pods.map((p, i) => ({
    pod: p.name,
    timestamp: t0 - c.sampleAgo * 1000,
    windowSeconds: 60,
    containers: [{ name: 'app', usageMilli: c.usage[i] ?? null }],
  }));
  if (c.layout === 'reversed') return samples.reverse();
  if (c.layout === 'dropLast') return samples.slice(0, -1);
  if (c.layout === 'extra') return [...samples, { pod: 'zz', timestamp: t0, windowSeconds: 60 }];
  return samples;
}

describe('alignedResourceReplicas ≡ generalResourceReplicas', () => {
  it('agrees wherever the fast path answers, and answers often', () => {
    let answered = 0;
    let runs = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        runs++;
        const i: PodMetricInput = {
          currentReplicas: c.current,
          pods: c.pods,
          samples: samplesOf(c),
          tolerance,
          cpuInitializationPeriodMs: 300_000,
          initialReadinessDelayMs: 30_000,
          now: t0,
        };
        const scope: ResourceScope & { targetUtilization: number } = {
          resource: c.resource,
          container: c.container,
          targetUtilization: c.target,
        };
        const general = generalResourceReplicas(i, scope);
        const fast = alignedResourceReplicas(i, scope);
        if (fast !== null) {
          answered++;
          expect(fast).toEqual(general);
        }
        expect(getResourceReplicas(i, scope)).toEqual(general);
      }),
      { numRuns: 3000 },
    );
    // The fast path answers in ~19 % of the runs; far below that the comparison says little.
    expect(answered).toBeGreaterThan(runs / 10);
  });
});
