import { describe, expect, it } from 'vitest';
import { gateScaleToZero, type IdleInput } from './idle.js';

const t0 = Date.UTC(2024, 0, 1);
const at = (seconds: number): number => t0 + seconds * 1000;

const base = (over: Partial<IdleInput>): IdleInput => ({
  desired: 0,
  current: 1,
  now: at(100),
  state: { activeSince: at(0), inactiveSince: null },
  stableWindowSeconds: 60,
  gracePeriodSeconds: 30,
  podRetentionSeconds: 0,
  ...over,
});

describe('gateScaleToZero', () => {
  it.each([
    ['wanting replicas keeps the active time', { desired: 3 }, 3, 'Active', at(0), null],
    [
      'wanting replicas after inactivity re-activates now',
      { desired: 2, state: { activeSince: null, inactiveSince: at(90) } },
      2,
      'Active',
      at(100),
      null,
    ],
    [
      'idle, active less than a stable window: 1',
      { now: at(59), current: 4 },
      1,
      'IdleButActive',
      at(0),
      null,
    ],
    [
      'idle, active a stable window: mark inactive',
      { now: at(60), current: 1 },
      1,
      'MarkInactive',
      null,
      at(60),
    ],
    [
      'inactive within the grace period: at most 1',
      { state: { activeSince: null, inactiveSince: at(80) } },
      1,
      'ScaleToZeroGrace',
      null,
      at(80),
    ],
    [
      'inactive for the grace period: 0',
      { state: { activeSince: null, inactiveSince: at(70) } },
      0,
      'ScaleToZero',
      null,
      at(70),
    ],
    [
      'pod retention extends the wait',
      { podRetentionSeconds: 60, state: { activeSince: null, inactiveSince: at(50) } },
      1,
      'ScaleToZeroGrace',
      null,
      at(50),
    ],
    [
      'already at zero stays at zero',
      { current: 0, state: { activeSince: null, inactiveSince: at(95) } },
      0,
      'ScaleToZeroGrace',
      null,
      at(95),
    ],
  ] as const)('%s', (...[, over, replicas, code, activeSince, inactiveSince]) => {
    const got = gateScaleToZero(base(over));
    expect({ replicas: got.replicas, code: got.code, state: got.state }).toEqual({
      replicas,
      code,
      state: { activeSince, inactiveSince },
    });
  });
});
