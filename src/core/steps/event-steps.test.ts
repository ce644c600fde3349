import { describe, expect, it } from 'vitest';
import { downReading, okReading, parsedSpec, queueTrigger } from './event-fixtures.js';
import { initialState, type MetricReading, type Observation } from '../model.js';
import { applyEventFallback, readingFailed } from './event-fallback.js';
import { applyEventGate, eventGateApplies, hpaMinReplicas } from './event-gate.js';
import { evaluateEventTriggers } from './event-triggers.js';

const t0 = Date.UTC(2024, 0, 1);

const spec = parsedSpec;
const queue = queueTrigger(5, 2);
const ok = (v: number): MetricReading => okReading(v, t0);
const down = downReading;
const obs = (current: number, reading: MetricReading | undefined): Observation => ({
  currentReplicas: current,
  readyReplicas: current,
  pods: [],
  metrics: reading === undefined ? {} : { queue: reading },
});

describe('readingFailed', () => {
  it.each<[MetricReading | undefined, boolean]>([
    [undefined, true],
    [down, true],
    [{ status: 'ok', timestamp: t0 }, true],
    [{ status: 'ok', timestamp: t0, valuesMilli: [NaN] }, true],
    [{ status: 'ok', timestamp: t0, valuesMilli: [-1] }, true],
    [ok(0), false],
  ])('%j → %s', (reading, failed) => {
    expect(readingFailed(reading)).toBe(failed);
  });
});

describe('applyEventFallback', () => {
  const s = spec({
    minReplicas: 0,
    triggers: [queue],
    fallback: { failureThreshold: 2, replicas: 4 },
  });

  it('counts failures and serves replicas × target once beyond the threshold', () => {
    let health = {};
    const served: (number | null)[] = [];
    for (let i = 0; i < 4; i += 1) {
      const r = applyEventFallback({ spec: s, observation: obs(1, down), health, now: t0 });
      health = r.health;
      const m = r.observation.metrics.queue;
      served.push(m?.status === 'ok' ? (m.valuesMilli?.[0] ?? null) : null);
    }
    expect(served).toEqual([null, null, 20_000, 20_000]);
    expect(health).toEqual({ queue: { failures: 4 } });
  });

  it('a success resets the count', () => {
    const r = applyEventFallback({
      spec: s,
      observation: obs(1, ok(3)),
      health: { queue: { failures: 7 } },
      now: t0,
    });
    expect(r.health).toEqual({ queue: { failures: 0 } });
    expect(r.beyond).toEqual([]);
  });
});

describe('evaluateEventTriggers', () => {
  const s = spec({ minReplicas: 0, triggers: [queue] });
  it.each<[string, MetricReading, boolean, boolean]>([
    ['above activation', ok(3), true, false],
    ['at activation (strict)', ok(2), false, false],
    ['failed', down, false, true],
  ])('%s', (_n, reading, active, error) => {
    const r = evaluateEventTriggers({
      spec: s,
      observation: obs(1, reading),
      beyond: [],
      failures: {},
      now: t0,
    });
    expect([r.active.queue, r.state.isActive, r.state.isError]).toEqual([active, active, error]);
  });

  it('a trigger served by its fallback is active and error-free', () => {
    const r = evaluateEventTriggers({
      spec: s,
      observation: obs(0, ok(20)),
      beyond: ['queue'],
      failures: { queue: 3 },
      now: t0,
    });
    expect([r.state.isActive, r.state.isError]).toEqual([true, false]);
  });

  it('cron triggers become floors and leave the HPA triggers', () => {
    const withCron = spec({
      minReplicas: 0,
      triggers: [
        queue,
        {
          name: 'office',
          type: 'cron',
          timezone: 'Etc/UTC',
          start: '0 8 * * *',
          end: '0 18 * * *',
          desiredReplicas: 3,
        },
      ],
    });
    const r = evaluateEventTriggers({
      spec: withCron,
      observation: obs(1, ok(0)),
      beyond: [],
      failures: {},
      now: t0 + 9 * 3_600_000,
    });
    expect(r.triggers.map((t) => t.name)).toEqual(['queue']);
    expect(r.floors).toEqual([{ trigger: 'office', active: true, replicas: 3 }]);
    expect(r.state.isActive).toBe(true);
  });

  it('scalingModifiers replace External triggers by the composite metric', () => {
    const s2 = spec({
      minReplicas: 0,
      triggers: [
        { name: 'a', type: 'prometheus', target: { type: 'AverageValue', value: 1 } },
        { name: 'b', type: 'prometheus', target: { type: 'AverageValue', value: 1 } },
      ],
      event: { scalingModifiers: { formula: 'a + b', target: 2, activationTarget: 2 } },
    });
    const o: Observation = { currentReplicas: 1, pods: [], metrics: { a: ok(1), b: ok(1.5) } };
    const r = evaluateEventTriggers({
      spec: s2,
      observation: o,
      beyond: [],
      failures: {},
      now: t0,
    });
    expect(r.triggers.map((t) => t.name)).toEqual(['composite-metric']);
    expect(r.observation.metrics['composite-metric']).toEqual(ok(2.5));
    expect(r.state.isActive).toBe(true);
  });
});

describe('applyEventGate', () => {
  const s = spec({ minReplicas: 0, triggers: [queue], event: { cooldownSeconds: 60 } });
  const gate = (over: {
    current: number;
    isActive: boolean;
    isError?: boolean;
    lastActiveTime: number | null;
    now: number;
  }) =>
    applyEventGate({
      spec: s,
      state: { ...initialState(), createdAt: t0 - 3_600_000, lastActiveTime: over.lastActiveTime },
      objectState: {
        isActive: over.isActive,
        isError: over.isError ?? false,
        activeTriggers: [],
        eventReason: null,
      },
      current: over.current,
      fallbackActive: false,
      now: over.now,
    });

  it('activates from 0 and records lastActiveTime', () => {
    const g = gate({ current: 0, isActive: true, lastActiveTime: null, now: t0 });
    expect([g.override, g.state.lastActiveTime, g.reasons[0]?.code]).toEqual([1, t0, 'Activated']);
  });
  it('parks at 0 while inactive', () => {
    const g = gate({ current: 0, isActive: false, lastActiveTime: null, now: t0 });
    expect([g.override, g.parked]).toEqual([null, true]);
  });
  it('waits for the cooldown, then scales to zero', () => {
    expect(
      gate({ current: 3, isActive: false, lastActiveTime: t0, now: t0 + 60_000 }).reasons[0]?.code,
    ).toBe('CooldownPending');
    expect(
      gate({ current: 3, isActive: false, lastActiveTime: t0, now: t0 + 60_001 }).override,
    ).toBe(0);
  });
  it('never scales to zero on a failed read', () => {
    const g = gate({
      current: 3,
      isActive: false,
      isError: true,
      lastActiveTime: t0,
      now: t0 + 3_600_000,
    });
    expect([g.override, g.reasons[0]?.code]).toEqual([null, 'NoScaleToZeroOnError']);
  });
  const cpu = { type: 'resource', resource: 'cpu', target: { type: 'Utilization', value: 70 } };
  const pods = {
    name: 'qps',
    type: 'prometheus',
    metricType: 'Pods',
    target: { type: 'AverageValue', value: 5 },
  };
  it.each([
    ['min 0, queue', { minReplicas: 0, triggers: [queue] }, true, 1],
    ['idle 0 below min 3', { minReplicas: 3, idleReplicas: 0, triggers: [queue] }, true, 3],
    ['min 2, no idle', { minReplicas: 2, triggers: [queue] }, false, 2],
    [
      'zeroTransitions hpa',
      { minReplicas: 0, triggers: [queue], event: { zeroTransitions: 'hpa' } },
      false,
      0,
    ],
    ['cpu only', { minReplicas: 0, triggers: [cpu] }, false, 0],
    ['cpu and queue', { minReplicas: 0, triggers: [cpu, queue] }, true, 1],
    ['a Pods metric', { minReplicas: 0, triggers: [pods, queue] }, false, 0],
  ])('%s: applies %s, HPA min %d', (_n, input, applies, min) => {
    const s2 = spec(input);
    expect([eventGateApplies(s2), hpaMinReplicas(s2)]).toEqual([applies, min]);
  });
});
