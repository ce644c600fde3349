import { describe, expect, it } from 'vitest';
import { makePod, type PodOptions } from '../../fixtures.js';
import { groupPods } from './group-pods.js';
import type { PodMetrics } from './pod-metrics.js';

const t0 = Date.UTC(2024, 0, 1);
const s = (seconds: number): number => t0 + seconds * 1000;
const opts = {
  cpuInitializationPeriodMs: 120_000,
  initialReadinessDelayMs: 10_000,
  now: t0,
};

/** One pod `p` with a sample taken `sampleAt` seconds relative to now over a `window` s window. */
function one(
  pod: PodOptions,
  sample: { at: number; window: number } | null,
  resource: 'cpu' | 'memory' | null = 'cpu',
) {
  const metrics: PodMetrics = new Map();
  if (sample !== null)
    metrics.set('p', { value: 100, timestamp: s(sample.at), windowMs: sample.window * 1000 });
  const g = groupPods([makePod('p', s(-3600), pod)], metrics, { ...opts, resource });
  if (g.ignored.has('p')) return 'ignored';
  if (g.unready.has('p')) return 'unready';
  if (g.missing.has('p')) return 'missing';
  return g.readyCount === 1 ? 'ready' : 'lost';
}

const fresh = { at: 0, window: 30 };

describe('groupPods', () => {
  it.each<[string, PodOptions, { at: number; window: number } | null, string]>([
    ['deleted pods are ignored', { deleted: true }, fresh, 'ignored'],
    ['failed pods are ignored', { phase: 'Failed' }, fresh, 'ignored'],
    ['pending pods are unready', { phase: 'Pending' }, fresh, 'unready'],
    ['a pod without a sample is missing', {}, null, 'missing'],
    ['no Ready condition → unready (cpu)', { ready: null }, fresh, 'unready'],
    ['no start time → unready (cpu)', { startTime: null }, fresh, 'unready'],
    ['long-running ready pod → ready', {}, fresh, 'ready'],
    [
      'in the init period, ready, full window since the transition → ready',
      { startTime: s(-60), ready: { status: true, lastTransitionTime: s(-30) } },
      { at: 0, window: 30 },
      'ready',
    ],
    [
      'in the init period, sample window not covered since the transition → unready',
      { startTime: s(-60), ready: { status: true, lastTransitionTime: s(-30) } },
      { at: 0, window: 60 },
      'unready',
    ],
    [
      'in the init period, not ready → unready',
      { startTime: s(-60), ready: { status: false, lastTransitionTime: s(-30) } },
      { at: 0, window: 1 },
      'unready',
    ],
    [
      'after the init period, not ready and never been ready → unready',
      { startTime: s(-600), ready: { status: false, lastTransitionTime: s(-595) } },
      fresh,
      'unready',
    ],
    [
      'after the init period, turned unready exactly at start + delay → counted ready',
      { startTime: s(-600), ready: { status: false, lastTransitionTime: s(-590) } },
      fresh,
      'ready',
    ],
  ])('%s', (_name, pod, sample, expected) => {
    expect(one(pod, sample)).toBe(expected);
  });

  it.each<[string, 'memory' | null]>([
    ['memory', 'memory'],
    ['pods metrics', null],
  ])('readiness does not filter %s samples', (_name, resource) => {
    expect(one({ ready: { status: false, lastTransitionTime: s(-1) } }, fresh, resource)).toBe(
      'ready',
    );
  });

  it('counts each pod once and keeps the classes apart', () => {
    const metrics: PodMetrics = new Map([
      ['a', { value: 1, timestamp: t0, windowMs: 0 }],
      ['b', { value: 1, timestamp: t0, windowMs: 0 }],
    ]);
    const pods = [
      makePod('a', s(-3600)),
      makePod('b', s(-3600), { phase: 'Failed' }),
      makePod('c', s(-3600)),
    ];
    const g = groupPods(pods, metrics, { ...opts, resource: 'cpu' });
    expect(g).toEqual({
      readyCount: 1,
      unready: new Set(),
      missing: new Set(['c']),
      ignored: new Set(['b']),
    });
  });
});
