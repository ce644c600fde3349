/**
 * decide() with KEDA's semantics, over scripted sequences on a fixed clock: activation from 0,
 * cooldown then zero, failures → fallback after N, and a schedule window across a DST change.
 */
import { describe, expect, it } from 'vitest';
import { downReading, okReading, parsedSpec, queueTrigger } from './steps/event-fixtures.js';
import { decide } from './decide.js';
import { initialState, type MetricReading, type Observation, type ScalerState } from './model.js';
import type { ScalerSpec } from './spec.js';

const t0 = Date.UTC(2024, 0, 1);
const s = 1000;

const spec = parsedSpec;
const queue = queueTrigger(10, 0);
const ok = (v: number): MetricReading => okReading(v, t0);
const down = downReading;

function observe(current: number, reading: MetricReading | null): Observation {
  return {
    currentReplicas: current,
    readyReplicas: current,
    pods: [],
    metrics: reading === null ? {} : { queue: reading },
  };
}

interface Step {
  readonly at: number;
  readonly reading: MetricReading | null;
}

/** Runs decide over a script, applying each decision; returns [replicas, reason codes] per step. */
function run(sp: ScalerSpec, start: number, steps: readonly Step[]): [number, string[]][] {
  let current = start;
  let state: ScalerState = initialState();
  return steps.map(({ at, reading }) => {
    const d = decide(sp, observe(current, reading), state, t0 + at);
    state = d.state;
    current = d.desiredReplicas;
    return [current, d.reasons.map((r) => r.code)];
  });
}

const codesOf = (rows: [number, string[]][]): string[][] => rows.map(([, c]) => c);
const replicasOf = (rows: [number, string[]][]): number[] => rows.map(([r]) => r);

describe('decide with KEDA semantics', () => {
  const zeroable = spec({
    minReplicas: 0,
    maxReplicas: 20,
    triggers: [queue],
    event: { cooldownSeconds: 60 },
  });

  it('activates from 0 to 1 on the first message, then the HPA math takes over', () => {
    const rows = run(zeroable, 0, [
      { at: 0, reading: ok(0) },
      { at: 15 * s, reading: ok(35) },
      { at: 30 * s, reading: ok(35) },
    ]);
    expect(replicasOf(rows)).toEqual([0, 1, 4]);
    expect(codesOf(rows)[0]).toContain('Inactive');
    const atRest = decide(zeroable, observe(0, ok(0)), initialState(), t0);
    expect(atRest.conditions.find((c) => c.type === 'ScalingActive')).toMatchObject({
      status: 'False',
      reason: 'ScalingDisabled',
    });
    expect(codesOf(rows)[1]).toContain('Activated');
  });

  it('waits out the cooldown after the last active poll, then scales to zero', () => {
    const rows = run(zeroable, 3, [
      { at: 0, reading: ok(25) }, // active: lastActiveTime = t0
      { at: 30 * s, reading: ok(0) },
      { at: 60 * s, reading: ok(0) }, // exactly the cooldown: not yet (strict)
      { at: 61 * s, reading: ok(0) },
    ]);
    expect(replicasOf(rows)).toEqual([3, 3, 3, 0]);
    expect(codesOf(rows)[1]).toContain('CooldownPending');
    expect(codesOf(rows)[2]).toContain('CooldownPending');
    expect(codesOf(rows)[3]).toContain('ScaledToZero');
  });

  it('never scales to zero on failed reads, even long after the cooldown', () => {
    const rows = run(zeroable, 2, [
      { at: 0, reading: ok(0) },
      { at: 3600 * s, reading: down },
      { at: 7200 * s, reading: null },
      { at: 7215 * s, reading: { status: 'ok', timestamp: t0, valuesMilli: [-5000] } },
    ]);
    expect(replicasOf(rows)).toEqual([2, 2, 2, 2]);
    expect(codesOf(rows)[1]).toContain('NoScaleToZeroOnError');
  });

  it('serves the fallback once failures exceed the threshold, and reports the Fallback condition', () => {
    const sp = spec({
      minReplicas: 1,
      maxReplicas: 20,
      triggers: [queue],
      fallback: { failureThreshold: 2, replicas: 6 },
      behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
    });
    let current = 2;
    let state = initialState();
    const seen: [number, string | undefined][] = [];
    for (let i = 0; i < 4; i += 1) {
      const d = decide(sp, observe(current, down), state, t0 + i * 15 * s);
      state = d.state;
      current = d.desiredReplicas;
      seen.push([current, d.conditions.find((c) => c.type === 'Fallback')?.status]);
    }
    expect(seen).toEqual([
      [2, 'False'],
      [2, 'False'],
      [6, 'True'],
      [6, 'True'],
    ]);
    expect(state.triggerHealth).toEqual({ queue: { failures: 4 } });
    const back = decide(sp, observe(current, ok(20)), state, t0 + 60 * s);
    expect(back.state.triggerHealth).toEqual({ queue: { failures: 0 } });
    expect(back.desiredReplicas).toBe(2);
  });

  it('a fallback wakes a target from 0 once it applies', () => {
    const sp = spec({
      minReplicas: 0,
      triggers: [queue],
      fallback: { failureThreshold: 1, replicas: 3 },
    });
    const rows = run(sp, 0, [
      { at: 0, reading: down },
      { at: 15 * s, reading: down },
      { at: 30 * s, reading: down },
    ]);
    expect(replicasOf(rows)).toEqual([0, 1, 3]);
    expect(codesOf(rows)[1]).toEqual(expect.arrayContaining(['FallbackActive', 'Activated']));
  });

  it('reports per-trigger activity and the Active condition', () => {
    const d = decide(zeroable, observe(2, ok(5)), initialState(), t0);
    expect(d.triggers.map((t) => [t.name, t.active])).toEqual([['queue', true]]);
    expect(d.conditions.find((c) => c.type === 'Active')).toMatchObject({
      status: 'True',
      reason: 'ScalerActive',
    });
  });

  it('idle mode: inactive goes straight to idleReplicas, active comes back to minReplicas', () => {
    const sp = spec({
      minReplicas: 3,
      idleReplicas: 0,
      triggers: [queue],
      event: { cooldownSeconds: 10 },
    });
    const rows = run(sp, 5, [
      { at: 0, reading: ok(0) },
      { at: 11 * s, reading: ok(0) },
      { at: 30 * s, reading: ok(1) },
    ]);
    expect(replicasOf(rows)).toEqual([5, 0, 3]);
    expect(codesOf(rows)[1]).toContain('ScaledToIdle');
  });
});

describe('decide with schedule triggers', () => {
  // Paris, 01:00–04:00 local. On 2024-03-31 clocks jump 02:00 → 03:00: the window lasts 2 h.
  const nightTrigger = {
    name: 'night',
    type: 'cron',
    timezone: 'Europe/Paris',
    start: '0 1 * * *',
    end: '0 4 * * *',
    desiredReplicas: 5,
  };
  const night = spec({
    minReplicas: 1,
    maxReplicas: 10,
    behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
    triggers: [queue, nightTrigger],
  });

  it.each([
    ['23:59 UTC the day before (00:59 CET)', Date.UTC(2024, 2, 30, 23, 59), 1],
    ['00:00 UTC = 01:00 CET: window opens', Date.UTC(2024, 2, 31, 0, 0), 5],
    ['01:30 UTC = 03:30 CEST, after the jump', Date.UTC(2024, 2, 31, 1, 30), 5],
    ['02:00 UTC = 04:00 CEST: window closed', Date.UTC(2024, 2, 31, 2, 0), 1],
    ['a week later, 23:00 UTC = 01:00 CEST', Date.UTC(2024, 3, 6, 23, 0), 5],
  ])('%s → %d', (_n, now, expected) => {
    const d = decide(night, observe(1, ok(0)), initialState(), now);
    expect(d.desiredReplicas).toBe(expected);
    if (expected === 5) expect(d.reasons.map((r) => r.code)).toContain('ScheduleFloor');
  });

  it('a schedule window wakes a zero-scaled target (cron counts as an active trigger)', () => {
    const sp = spec({ minReplicas: 0, maxReplicas: 10, triggers: [queue, nightTrigger] });
    const at = Date.UTC(2024, 2, 31, 0, 30);
    const first = decide(sp, observe(0, ok(0)), initialState(), at);
    expect(first.desiredReplicas).toBe(1);
    const second = decide(sp, observe(1, ok(0)), first.state, at + 15 * s);
    expect(second.desiredReplicas).toBe(5);
  });
});
