import { describe, expect, it } from 'vitest';
import { decide } from '../decide.js';
import { DAY_MS, MINUTE_MS, dailySine } from '../forecast/fixtures.js';
import { deepFreeze } from '../fixtures.js';
import {
  initialState,
  type Decision,
  type MetricReading,
  type Observation,
  type ScalerState,
} from '../model.js';
import { scalerSpecSchema, type ScalerSpec } from '../spec.js';
import { metricWindowOf, predictionLoad } from './step.js';

const t0 = Date.UTC(2024, 0, 1);
const load = dailySine(1000, 700); // req/s, 300 … 1700

const specFor = (mode: 'off' | 'forecastOnly' | 'on', seasonal = true): ScalerSpec =>
  scalerSpecSchema.parse({
    minReplicas: 1,
    maxReplicas: 50,
    syncPeriodSeconds: 60,
    startupSeconds: 120,
    triggers: [{ name: 'rps', type: 'prometheus', target: { type: 'AverageValue', value: 100 } }],
    prediction: { mode, seasonal, headroom: 'target' },
  });

const observation = (current: number, rps: number, now: number): Observation => ({
  currentReplicas: current,
  pods: [],
  metrics: { rps: { status: 'ok', timestamp: now, valuesMilli: [Math.round(rps * 1000)] } },
});

/** Runs decide once a minute; the target follows each decision at once. */
function replay(spec: ScalerSpec, minutes: number): { decisions: Decision[]; state: ScalerState } {
  let state = initialState();
  let current = 10;
  const decisions: Decision[] = [];
  for (let i = 0; i < minutes; i++) {
    const now = t0 + i * MINUTE_MS;
    const d = decide(spec, observation(current, load(now), now), state, now);
    decisions.push(d);
    state = d.state;
    current = d.desiredReplicas;
  }
  return { decisions, state };
}

const minutes = (DAY_MS / MINUTE_MS) * 1.5;

describe('prediction in decide', { timeout: 120_000 }, () => {
  const off = replay(specFor('off'), minutes);
  const on = replay(specFor('on'), minutes);
  const only = replay(specFor('forecastOnly'), minutes);
  const codes = (d: Decision): string[] => d.reasons.map((r) => r.code);

  it('mode off keeps no forecaster state and adds no reason', () => {
    expect(off.state.forecast).toBeNull();
    expect(off.decisions.every((d) => d.reasons.every((r) => r.step !== 'predictive'))).toBe(true);
  });

  it('waits for one day of history, then raises the reactive count ahead of the rise', () => {
    expect(codes(on.decisions[60]!)).toContain('InsufficientHistory');
    const predicting = on.decisions[60]!.conditions.find((c) => c.type === 'Predicting');
    expect(predicting?.status).toBe('False');
    const secondDay = on.decisions.slice(1440 + 10);
    expect(secondDay.some((d) => codes(d).includes('PredictionRaised'))).toBe(true);
    expect(secondDay.every((d) => codes(d).includes('PredictionActive'))).toBe(true);
    // Never below the reactive answer: compare with the same minute without prediction.
    const lower = secondDay.filter(
      (d, i) => d.desiredReplicas < off.decisions[1450 + i]!.desiredReplicas,
    );
    expect(lower).toEqual([]);
  });

  it('forecastOnly explains what it would do and decides exactly as off', () => {
    const last = only.decisions.at(-1)!;
    expect(codes(last)).toContain('ForecastOnly');
    expect(only.decisions.map((d) => d.desiredReplicas)).toEqual(
      off.decisions.map((d) => d.desiredReplicas),
    );
  });

  it('publishes the seasonal raise as predictedReplicas, in mode on and forecastOnly', () => {
    for (const d of off.decisions) expect(d.predictedReplicas).toBeUndefined();
    const raised = on.decisions.filter((d) => codes(d).includes('PredictionRaised'));
    expect(raised.length).toBeGreaterThan(0);
    for (const d of on.decisions) {
      const r = d.reasons.find((x) => x.code === 'PredictionRaised' || x.code === 'ReactiveHigher');
      expect(d.predictedReplicas).toBe(r?.replicas);
    }
    // forecastOnly on the second day: what mode on would ask for, at least the reactive count.
    const secondDay = only.decisions.slice(1440 + 10);
    for (const [i, d] of secondDay.entries()) {
      expect(d.predictedReplicas).toBeGreaterThanOrEqual(off.decisions[1450 + i]!.desiredReplicas);
      const said = d.reasons.find((x) => x.code === 'ForecastOnly')?.message;
      expect(said).toContain(`mode on would ask for ${d.predictedReplicas}`);
    }
  });

  it('forecastOnly without seasonal says mode on would not use the seasonal forecast', () => {
    const plain = replay(specFor('forecastOnly', false), minutes).decisions.slice(1440 + 10);
    const said = (d: Decision): string =>
      d.reasons.find((x) => x.code === 'ForecastOnly')?.message ?? '';
    // headroom: target, seasonal: false → mode on would never act: nothing is published.
    expect(plain.every((d) => d.predictedReplicas === undefined)).toBe(true);
    expect(said(plain.at(-1)!)).toMatch(
      /^mode forecastOnly: mode on would keep the reactive \d+; the seasonal forecast \(which mode on uses only with seasonal: true\) asks for \d+; not acting$/,
    );
    expect(said(only.decisions.at(-1)!)).toMatch(
      /; the seasonal forecast asks for \d+; not acting$/,
    );
  });

  it('keeps the state plain JSON within 64 KiB', () => {
    const json = JSON.stringify(on.state);
    expect(json.length).toBeLessThanOrEqual(64 * 1024);
    expect(JSON.parse(json)).toEqual(on.state);
  });
});

describe('predictionLoad', () => {
  it.each([
    {
      name: 'External AverageValue: times the status replicas',
      metricType: 'External',
      type: 'AverageValue',
      want: 1500,
    },
    {
      name: 'External Value: times the ready replicas',
      metricType: 'External',
      type: 'Value',
      want: 2000,
    },
    {
      name: 'Pods AverageValue: times the ready replicas',
      metricType: 'Pods',
      type: 'AverageValue',
      want: 2000,
    },
  ])('$name', ({ metricType, type, want }) => {
    const spec = scalerSpecSchema.parse({
      triggers: [{ name: 'm', type: 'prometheus', metricType, target: { type, value: 100 } }],
    });
    const outcome = {
      name: 'm',
      type: 'prometheus',
      replicas: 5,
      value: 500,
      active: true,
      error: null,
    };
    expect(predictionLoad(spec, [outcome], { readyReplicas: 4, statusReplicas: 3 })).toEqual({
      value: want,
      target: 100,
    });
  });

  it('is null when the first trigger failed', () => {
    const spec = specFor('on');
    const failed = {
      name: 'rps',
      type: 'prometheus',
      replicas: null,
      value: null,
      active: false,
      error: null,
    };
    expect(predictionLoad(spec, [failed], { readyReplicas: 4, statusReplicas: 4 })).toBeNull();
  });
});

describe('metricWindowOf', () => {
  const sample = (windowSeconds: number) => ({ pod: 'p', timestamp: t0, windowSeconds });

  it('is the longest window the per-pod samples average over', () => {
    const reading = { status: 'ok', timestamp: t0, podSamples: [sample(60), sample(120)] } as const;
    expect(metricWindowOf(reading)).toBe(120);
  });

  it.each([
    { name: 'an External reading', reading: { status: 'ok', timestamp: t0, valuesMilli: [1] } },
    {
      name: 'a failed reading',
      reading: { status: 'error', error: { code: 'Down', message: 'x', retryable: true } },
    },
    { name: 'no reading', reading: undefined },
    { name: 'no samples', reading: { status: 'ok', timestamp: t0, podSamples: [] } },
    {
      name: 'a NaN window',
      reading: { status: 'ok', timestamp: t0, podSamples: [sample(Number.NaN)] },
    },
  ] as const)('is null for $name', ({ reading }) => {
    expect(metricWindowOf(reading as MetricReading | undefined)).toBeNull();
  });
});

describe('the state decide is given', { timeout: 120_000 }, () => {
  it('is never written, through refits and scored plans, modes on and forecastOnly, and a JSON copy decides alike', () => {
    for (const spec of [specFor('on', false), specFor('forecastOnly')]) {
      const ps = { ...spec, prediction: { ...spec.prediction, headroom: 'learned' as const } };
      let state = initialState();
      let current = 10;
      for (let i = 0; i < minutes; i++) {
        const now = t0 + i * MINUTE_MS;
        const obs = observation(current, load(now) * (1 + 0.1 * Math.sin(i)), now);
        const copy = JSON.parse(JSON.stringify(state)) as ScalerState;
        const d = decide(ps, obs, deepFreeze(state), now);
        if (i % 97 === 0)
          expect(JSON.stringify(decide(ps, obs, copy, now))).toBe(JSON.stringify(d));
        state = d.state;
        current = d.desiredReplicas;
      }
      const forecast = state.forecast as {
        forecaster: { choice: unknown };
        headroom: { resolved: number };
      };
      expect(forecast.forecaster.choice).not.toBeNull();
      expect(forecast.headroom.resolved).toBeGreaterThan(1000);
    }
  });
});
