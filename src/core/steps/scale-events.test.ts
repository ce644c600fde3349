import { describe, expect, it } from 'vitest';
import type { ScaleEvent } from '../model.js';
import {
  longestPolicyPeriod,
  recordScaleEvent,
  replicasChangePerPeriod,
  storeScaleEvent,
} from './scale-events.js';

const t0 = Date.UTC(2024, 0, 1);
const ev = (change: number, s: number, outdated = false): ScaleEvent => ({
  change,
  timestamp: t0 + s * 1000,
  outdated,
});
const policies60 = [{ type: 'Pods' as const, value: 10, periodSeconds: 60 }];

describe('replicasChangePerPeriod', () => {
  it.each<[ScaleEvent[], number]>([
    [[], 0],
    [[ev(7, -58), ev(6, -59)], 13],
    [[ev(7, -61), ev(6, -59)], 6],
    [[ev(7, -60)], 0],
  ])('case %#', (events, sum) => {
    expect(replicasChangePerPeriod(60, events, t0)).toBe(sum);
  });
});

describe('storeScaleEvent', () => {
  it.each<[string, ScaleEvent[], ScaleEvent[]]>([
    ['appends to an empty list', [], [ev(5, 0)]],
    ['replaces the one outdated entry', [ev(7, -61)], [ev(5, 0)]],
    ['keeps a current entry', [ev(7, -58)], [ev(7, -58), ev(5, 0)]],
    ['replaces the outdated one of two', [ev(7, -61), ev(6, -59)], [ev(5, 0), ev(6, -59)]],
    [
      'replaces the LAST outdated entry and marks the others',
      [ev(1, -90), ev(2, -80), ev(3, -10)],
      [ev(1, -90, true), ev(5, 0), ev(3, -10)],
    ],
  ])('%s', (_name, events, after) => {
    expect(storeScaleEvent(events, policies60, 5, t0)).toEqual(after);
  });

  it('uses the longest policy period', () => {
    expect(
      longestPolicyPeriod([...policies60, { type: 'Percent', value: 1, periodSeconds: 120 }]),
    ).toBe(120);
    expect(
      storeScaleEvent([ev(7, -90)], [{ type: 'Pods', value: 1, periodSeconds: 120 }], 5, t0),
    ).toEqual([ev(7, -90), ev(5, 0)]);
  });
});

describe('recordScaleEvent', () => {
  const events = { scaleUpEvents: [ev(1, -10)], scaleDownEvents: [ev(2, -10)] };
  const policies = { up: policies60, down: policies60 };
  it.each<[string, number, number, typeof events]>([
    [
      'a scale-up goes to the up list',
      10,
      15,
      { scaleUpEvents: [ev(1, -10), ev(5, 0)], scaleDownEvents: [ev(2, -10)] },
    ],
    [
      'a scale-down goes to the down list',
      10,
      7,
      { scaleUpEvents: [ev(1, -10)], scaleDownEvents: [ev(2, -10), ev(3, 0)] },
    ],
    ['no change stores nothing', 10, 10, events],
  ])('%s', (_name, previous, next, after) => {
    expect(recordScaleEvent({ events, policies, previous, next, now: t0 })).toEqual(after);
  });

  it('stores nothing without a behavior block', () => {
    expect(recordScaleEvent({ events, policies: null, previous: 10, next: 15, now: t0 })).toBe(
      events,
    );
  });
});
