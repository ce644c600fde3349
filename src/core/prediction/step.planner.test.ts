import { describe, expect, it } from 'vitest';
import { decide } from '../decide.js';
import { initialState, type Decision, type Observation, type ScalerState } from '../model.js';
import { scalerSpecSchema, type ScalerSpec } from '../spec.js';
import { warmPrediction } from './step.js';

const t0 = Date.UTC(2024, 0, 1);
const SYNC_MS = 15_000;
const HOUR_TICKS = 3600 / 15;
const TICKS = 8 * HOUR_TICKS;

/** The first trigger's total load (req/s): 600 with a small deterministic ripple. */
const rpsLoad = (i: number): number => 600 + 5 * Math.sin(i);
/** The second trigger's total: 800 at a target of 100 → it asks for 8 replicas. */
const QUEUE_TOTAL = 800;

interface SpecOptions {
  readonly mode: 'off' | 'forecastOnly' | 'on';
  readonly headroom?: 'learned' | 'target';
  readonly queue?: boolean;
  readonly costRatio?: number;
}

const external = (name: string, value: number): Record<string, unknown> => ({
  name,
  type: 'prometheus',
  metricType: 'External',
  target: { type: 'AverageValue', value },
});

const specFor = (o: SpecOptions): ScalerSpec =>
  scalerSpecSchema.parse({
    minReplicas: 1,
    maxReplicas: 50,
    syncPeriodSeconds: 15,
    startupSeconds: 60,
    triggers: [external('rps', 70), ...(o.queue === true ? [external('queue', 100)] : [])],
    prediction: {
      mode: o.mode,
      ...(o.headroom === undefined ? {} : { headroom: o.headroom }),
      ...(o.costRatio === undefined ? {} : { costRatio: o.costRatio }),
    },
  });

/** External totals per trigger; 'error' makes that reading fail. */
type Totals = Readonly<Record<string, number | 'error'>>;

const observation = (current: number, totals: Totals, now: number): Observation => ({
  currentReplicas: current,
  pods: [],
  metrics: Object.fromEntries(
    Object.entries(totals).map(([name, total]) => [
      name,
      total === 'error'
        ? { status: 'error', error: { code: 'Unavailable', message: 'down', retryable: true } }
        : { status: 'ok', timestamp: now, valuesMilli: [Math.round(total * 1000)] },
    ]),
  ),
});

interface Step {
  readonly obs: Observation;
  /** The state decide was given. */
  readonly before: ScalerState;
  readonly now: number;
  readonly decision: Decision;
}

/** Runs decide every 15 s; the target follows each decision at once. */
function replay(spec: ScalerSpec, totals: (i: number) => Totals): Step[] {
  let state = initialState();
  let current = 9;
  const steps: Step[] = [];
  for (let i = 0; i < TICKS; i++) {
    const now = t0 + i * SYNC_MS;
    const obs = observation(current, totals(i), now);
    const decision = decide(spec, obs, state, now);
    steps.push({ obs, before: state, now, decision });
    state = decision.state;
    current = decision.desiredReplicas;
  }
  return steps;
}

const codes = (d: Decision): string[] => d.reasons.map((r) => r.code);
const planned = (s: Step): boolean => codes(s.decision).includes('HeadroomPlan');
const rpsOnly = (i: number): Totals => ({ rps: rpsLoad(i) });
const withQueue = (i: number): Totals => ({ rps: rpsLoad(i), queue: QUEUE_TOTAL });

describe('the headroom planner in decide', { timeout: 120_000 }, () => {
  const learned = replay(specFor({ mode: 'on' }), rpsOnly);
  const target = replay(specFor({ mode: 'on', headroom: 'target' }), rpsOnly);
  const off = replay(specFor({ mode: 'off' }), rpsOnly);

  it('once confident, plans with a HeadroomPlan reason and Predicting True/HeadroomConfident', () => {
    const first = learned.findIndex(planned);
    expect(first).toBeGreaterThan(0);
    const after = learned.slice(first);
    expect(after.filter((s) => !planned(s))).toEqual([]);
    for (const s of after) {
      const predicting = s.decision.conditions.find((c) => c.type === 'Predicting');
      expect(predicting).toMatchObject({ status: 'True', reason: 'HeadroomConfident' });
    }
    // The plan (ceil(~605 / 90) = 7) is below the buffered target's ceil(600 / 70) = 9.
    expect(learned.at(-1)!.decision.desiredReplicas).toBeLessThan(Math.ceil(600 / 70));
    expect(off.at(-1)!.decision.desiredReplicas).toBe(Math.ceil(600 / 70));
  });

  it('before it is confident, no HeadroomPlan and the same counts as mode off', () => {
    const first = learned.findIndex(planned);
    const before = learned.slice(0, first).map((s) => s.decision.desiredReplicas);
    expect(before).toEqual(off.slice(0, first).map((s) => s.decision.desiredReplicas));
  });

  it('publishes the plan it applies as predictedReplicas, and nothing before', () => {
    const first = learned.findIndex(planned);
    for (const s of learned.slice(0, first)) expect(s.decision.predictedReplicas).toBeUndefined();
    for (const s of learned.slice(first)) {
      const plan = s.decision.reasons.find((r) => r.code === 'HeadroomPlan');
      expect(s.decision.predictedReplicas).toBe(plan?.replicas);
    }
    expect(off.every((s) => s.decision.predictedReplicas === undefined)).toBe(true);
  });

  it('forecastOnly publishes what mode on would ask for, and decides as mode off', () => {
    const only = replay(specFor({ mode: 'forecastOnly' }), rpsOnly);
    expect(only.map((s) => s.decision.desiredReplicas)).toEqual(
      off.map((s) => s.decision.desiredReplicas),
    );
    // Up to mode on's first plan both saw the same loads: the same plan, published, not applied.
    const first = learned.findIndex(planned);
    expect(only[first]!.decision.predictedReplicas).toBe(
      learned[first]!.decision.predictedReplicas,
    );
    expect(only[first]!.decision.desiredReplicas).toBe(off[first]!.decision.desiredReplicas);
    const message = (s: Step): string =>
      s.decision.reasons.find((r) => r.code === 'ForecastOnly')?.message ?? '';
    expect(message(only[first]!)).toContain(
      `mode on would ask for ${learned[first]!.decision.predictedReplicas}`,
    );
    expect(message(only[first - 1]!)).toMatch(/mode on would keep the reactive \d+/);
    expect(only[first - 1]!.decision.predictedReplicas).toBeUndefined();
    const predicting = only[first]!.decision.conditions.find((c) => c.type === 'Predicting');
    expect(predicting).toMatchObject({ status: 'False', reason: 'ForecastOnly' });
    expect(predicting?.message).toBe(message(only[first]!));
  });

  it('warmPrediction on the past loads plans at once, as the scaler that ran through them', () => {
    const spec = specFor({ mode: 'on' });
    const first = learned.findIndex(planned);
    const n = first + 20;
    const loads = Array.from({ length: n }, (_, i) => ({
      time: t0 + i * SYNC_MS,
      value: rpsLoad(i),
    }));
    const warm = warmPrediction(spec, initialState(), loads);
    expect(warm).toMatchObject({ fed: n, confident: true });
    const at = learned[n]!;
    const restarted = decide(spec, at.obs, warm.state, at.now);
    expect(codes(restarted)).toContain('HeadroomPlan');
    expect(restarted.predictedReplicas).toBe(at.decision.predictedReplicas);
    // Without the warm-up a restarted scaler is the buffered target again until it has scored
    // its plans anew.
    const cold = decide(spec, at.obs, initialState(), at.now);
    expect(codes(cold)).not.toContain('HeadroomPlan');
    expect(cold.predictedReplicas).toBeUndefined();
  });

  it('warmPrediction skips bad and out-of-order samples, and does nothing in mode off', () => {
    const spec = specFor({ mode: 'on' });
    const loads = [
      { time: t0, value: 600 },
      { time: t0 + SYNC_MS, value: Number.NaN },
      { time: t0 + 2 * SYNC_MS, value: -5 },
      { time: t0 - SYNC_MS, value: 600 },
      { time: t0 + 3 * SYNC_MS, value: 610 },
    ];
    expect(warmPrediction(spec, initialState(), loads)).toMatchObject({ fed: 2, confident: false });
    const off = warmPrediction(specFor({ mode: 'off' }), initialState(), loads);
    expect(off).toEqual({ state: initialState(), fed: 0, confident: false });
  });

  it("headroom 'target' decides exactly as mode off, and never plans", () => {
    expect(target.map((s) => s.decision.desiredReplicas)).toEqual(
      off.map((s) => s.decision.desiredReplicas),
    );
    expect(target.filter(planned)).toEqual([]);
  });
});

describe('the headroom plan and other triggers', { timeout: 120_000 }, () => {
  const spec = specFor({ mode: 'on', queue: true });
  const queueProposal = (s: Step): number => s.decision.triggers[1]!.replicas!;

  it('never goes below a second trigger whose proposal is above the plan', () => {
    const steps = replay(spec, withQueue);
    const plans = steps.filter(planned);
    expect(plans.length).toBeGreaterThan(HOUR_TICKS);
    const below = steps.filter((s) => s.decision.desiredReplicas < queueProposal(s));
    expect(below).toEqual([]);
    // The plan itself asked for less than the queue trigger: the floor is what held the count.
    const plan = plans.at(-1)!.decision.reasons.find((r) => r.code === 'HeadroomConfident');
    expect(plan?.replicas).toBeLessThan(queueProposal(plans.at(-1)!));
    expect(plans.at(-1)!.decision.desiredReplicas).toBe(QUEUE_TOTAL / 100);
  });

  it('when the second trigger fails, no HeadroomPlan and never below the reactive answer', () => {
    const failing = (i: number): boolean => i > 4 * HOUR_TICKS && i % 37 === 0;
    const steps = replay(spec, (i) => ({
      ...withQueue(i),
      ...(failing(i) ? { queue: 'error' } : {}),
    }));
    const failed = steps.filter((_, i) => failing(i));
    expect(failed.length).toBeGreaterThan(10);
    // The planner was acting around the failures: the failures are what stops it.
    expect(steps.filter((s, i) => i > 4 * HOUR_TICKS && planned(s)).length).toBeGreaterThan(
      HOUR_TICKS,
    );
    const reactiveSpec = specFor({ mode: 'on', queue: true, headroom: 'target' });
    for (const s of failed) {
      expect(s.decision.triggers[1]!.replicas).toBeNull();
      expect(codes(s.decision)).not.toContain('HeadroomPlan');
      const reactive = decide(reactiveSpec, s.obs, s.before, s.now);
      expect(s.decision.desiredReplicas).toBeGreaterThanOrEqual(reactive.desiredReplicas);
      expect(s.decision.desiredReplicas).toBeGreaterThanOrEqual(s.decision.triggers[0]!.replicas!);
    }
  });
});

describe('the headroom plan and a schedule', { timeout: 120_000 }, () => {
  // 04:00–06:00 UTC on the replayed day: at least 12 replicas (the plan alone asks for 7).
  const spec = scalerSpecSchema.parse({
    minReplicas: 1,
    maxReplicas: 50,
    syncPeriodSeconds: 15,
    startupSeconds: 60,
    triggers: [
      external('rps', 70),
      {
        name: 'morning',
        type: 'cron',
        timezone: 'UTC',
        start: '0 4 * * *',
        end: '0 6 * * *',
        desiredReplicas: 12,
      },
    ],
    prediction: { mode: 'on' },
  });
  const steps = replay(spec, rpsOnly);
  const hourOf = (s: Step): number => new Date(s.now).getUTCHours();

  it('never goes below the schedule inside its window, and plans below the buffer outside it', () => {
    const inside = steps.filter((s) => hourOf(s) >= 4 && hourOf(s) < 6);
    expect(inside.length).toBe(2 * HOUR_TICKS);
    expect(inside.filter((s) => s.decision.desiredReplicas < 12)).toEqual([]);
    // The planner acts inside the window too: the schedule is what holds the count up there.
    expect(inside.filter(planned).length).toBeGreaterThan(HOUR_TICKS);
    const lateOutside = steps.filter((s) => hourOf(s) >= 7);
    expect(lateOutside.filter(planned).length).toBe(lateOutside.length);
    expect(lateOutside.at(-1)!.decision.desiredReplicas).toBeLessThan(Math.ceil(600 / 70));
  });
});

describe('prediction.costRatio in decide', { timeout: 120_000 }, () => {
  // 300 req/s with a burst to 900 for two readings every 40 minutes: covering the bursts halves
  // the buffered target's shortfalls but costs more replicas than it.
  const bursts = (i: number): Totals => ({ rps: i % 160 < 2 ? 900 : 300 });

  it('1 (default): once a burst is on record, never plans, and decides as mode off', () => {
    // Before the second burst the planner has seen only a steady 300 and may run leaner.
    const on = replay(specFor({ mode: 'on' }), bursts).slice(2 * 160);
    const off = replay(specFor({ mode: 'off' }), bursts).slice(2 * 160);
    expect(on.filter(planned)).toEqual([]);
    expect(on.map((s) => s.decision.desiredReplicas)).toEqual(
      off.map((s) => s.decision.desiredReplicas),
    );
  });

  it('2: plans once a plan short no more often costs under 2 × 0.97 the buffered replicas', () => {
    const steps = replay(specFor({ mode: 'on', costRatio: 2 }), bursts);
    const last = steps.at(-1)!;
    expect(planned(last)).toBe(true);
    // never below the load at the SLO ceiling: 300 / 90 → 4
    expect(last.decision.desiredReplicas).toBeGreaterThanOrEqual(4);
    const reason = last.decision.reasons.find((r) => r.code === 'HeadroomConfident');
    expect(reason?.message).toMatch(/\(at most 1\.94× allowed\)$/);
  });
});
