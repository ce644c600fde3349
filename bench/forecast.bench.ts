/**
 * Forecasters: the cost of one update and of one refit on 14 days of per-minute history (4 032
 * five-minute buckets), per forecaster; the whole selection; the per-scaler state size; and the
 * accuracy of each forecaster on synthetic signals (one-step MAPE and calibrated pinball loss at
 * 0.9 over the last day, fitted on the 13 days before it).
 */
import { performance } from 'node:perf_hooks';
import {
  BUCKETS_PER_DAY,
  DAY_MS,
  bucketSeries,
  dailyBuckets,
  dailySine,
  makeSignal,
  weeklyBuckets,
  weeklyPattern,
} from '../src/core/forecast/fixtures.js';
import { fitFromHistory, forecastWindow, observe } from '../src/core/forecast/forecaster.js';
import { fitHoltWinters } from '../src/core/forecast/holt-winters.js';
import { calibratedPinball, mape } from '../src/core/forecast/loss.js';
import { fitSeasonalNaive } from '../src/core/forecast/seasonal-naive.js';
import {
  detectBucketPeriod,
  oneStepForecasts,
  selectForecaster,
  updateModel,
  type Model,
} from '../src/core/forecast/select.js';
import { pastOf, type Past } from '../src/core/forecast/series.js';
import { fitSpectral } from '../src/core/forecast/spectral.js';
import { initialHeadroomState, observeHeadroom } from '../src/core/prediction/planner.js';
import { initialState } from '../src/core/model.js';
import {
  initialPredictiveState,
  observePredictive,
  predictive,
  predictiveFromHistory,
  type PredictiveState,
} from '../src/core/prediction/seasonal.js';
import { scalerSpecSchema } from '../src/core/spec.js';
import { warmPrediction } from '../src/core/prediction/step.js';

const t0 = Date.UTC(2024, 0, 1);
const DAY = BUCKETS_PER_DAY;

/** Mean milliseconds per call of f over at least `minMs` (after one warm-up call). */
function time(f: () => unknown, minMs = 300): number {
  f();
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    f();
    n++;
  }
  return (performance.now() - start) / n;
}

const fmtMs = (ms: number): string =>
  ms < 0.01 ? `${(ms * 1000).toFixed(2)} µs` : `${ms.toFixed(2)} ms`;

type Fitter = (past: Past) => Model | null;

const fitters: Record<string, Fitter> = {
  'seasonal naive (daily)': (p) => fitSeasonalNaive(p, DAY),
  'seasonal naive (weekly)': (p) => fitSeasonalNaive(p, 7 * DAY),
  'Holt-Winters additive (daily)': (p) =>
    fitHoltWinters(p, { period: DAY, seasonality: 'additive' }),
  'Holt-Winters multiplicative (daily)': (p) =>
    fitHoltWinters(p, { period: DAY, seasonality: 'multiplicative' }),
  'Holt-Winters additive (weekly)': (p) =>
    fitHoltWinters(p, { period: 7 * DAY, seasonality: 'additive' }),
  spectral: (p) => fitSpectral(p, { minPeriod: 12, snapTo: [DAY, 7 * DAY] }),
};

function costs(): void {
  const values = bucketSeries(14 * DAY, weeklyBuckets, 5);
  const past = pastOf(values);
  process.stdout.write(
    `\n14 days = ${values.length} buckets of 5 min (from 20 160 per-minute samples)\n`,
  );
  process.stdout.write('forecaster                              refit        update\n');
  for (const [name, fit] of Object.entries(fitters)) {
    const model = fit(past)!;
    const refit = time(() => fit(past), 500);
    const update = time(() => updateModel(model, 100), 100);
    process.stdout.write(`${name.padEnd(40)}${fmtMs(refit).padEnd(13)}${fmtMs(update)}\n`);
  }
  const detect = time(() => detectBucketPeriod(past, DAY), 500);
  const select = time(
    () => selectForecaster(past, { bucketsPerDay: DAY, tau: 0.9, flatBuckets: 24 }),
    1000,
  );
  process.stdout.write(`period detection (FFT + 19 permutations + ACF)  ${fmtMs(detect)}\n`);
  process.stdout.write(`selection (rolling origin, all candidates)     ${fmtMs(select)}\n`);
}

function stateFigures(): void {
  const samples = makeSignal({ start: t0, days: 14, shape: dailySine(500, 300), noise: 10 });
  const fromHistory = time(() => fitFromHistory(samples), 1000);
  const state = fitFromHistory(samples);
  const next = makeSignal({
    start: t0 + 14 * DAY_MS,
    days: 1,
    shape: dailySine(500, 300),
    stepMs: 15_000,
  });
  let s = state;
  const start = performance.now();
  for (const x of next) s = observe(s, x);
  const perObserve = (performance.now() - start) / next.length;
  const input = { startupSeconds: 60, syncPeriodSeconds: 15, target: 50 };
  let p: PredictiveState = { ...initialPredictiveState(), forecaster: state };
  const pStart = performance.now();
  for (const x of next) p = observePredictive(p, { ...input, now: x.time, value: x.value });
  const perTick = (performance.now() - pStart) / next.length;
  const decideCost = time(() => predictive(p, { ...input, now: next.at(-1)!.time }), 200);
  const window = time(
    () => forecastWindow(s, { from: next.at(-1)!.time, to: next.at(-1)!.time + 75_000 }),
    200,
  );
  process.stdout.write(`\nfitFromHistory(14 days per minute)              ${fmtMs(fromHistory)}\n`);
  process.stdout.write(
    `observe, mean over a day of 15 s readings (incl. bucket closes and 4 refits) ${fmtMs(perObserve)}\n`,
  );
  process.stdout.write(`observePredictive, mean per 15 s tick            ${fmtMs(perTick)}\n`);
  process.stdout.write(`forecastWindow                                 ${fmtMs(window)}\n`);
  process.stdout.write(`predictive (the proposal)                      ${fmtMs(decideCost)}\n`);
  let h = initialHeadroomState();
  const hInput = { ...input, target: 70, ceiling: 90, reactiveWindowSeconds: 300 };
  const hStart = performance.now();
  for (const x of next) h = observeHeadroom(h, { ...hInput, now: x.time, load: x.value });
  const perPlannerTick = (performance.now() - hStart) / next.length;
  process.stdout.write(
    `headroom planner observe, mean per 15 s tick     ${fmtMs(perPlannerTick)}\n`,
  );
  process.stdout.write(
    `state size: forecaster ${JSON.stringify(s).length} B, predictive ${JSON.stringify(p).length} B, headroom planner ${JSON.stringify(h).length} B (limit 65 536 for all)\n`,
  );
  restartSeed();
}

/** What a restart costs `tide run` (runtime/history.ts): fit on 2 days, warm on 6 hours. */
function restartSeed(): void {
  const spec = scalerSpecSchema.parse({
    triggers: [{ name: 'rps', type: 'prometheus', target: { type: 'AverageValue', value: 70 } }],
  });
  const end = t0 + 2 * DAY_MS;
  const shape = dailySine(500, 300);
  const older = makeSignal({ start: t0, days: 2, shape, noise: 10 }).filter(
    (x) => x.time < end - 6 * 3_600_000,
  );
  const recent = makeSignal({ start: end - 6 * 3_600_000, days: 0.25, shape, stepMs: 15_000 });
  let confident = false;
  const cost = time(() => {
    const forecast = predictiveFromHistory(older);
    confident = warmPrediction(spec, { ...initialState(), forecast }, recent).confident;
  }, 2000);
  process.stdout.write(
    `restart: fit on 2 days (${older.length} points) + warm the planner on 6 h (${recent.length} readings) ${fmtMs(cost)}, confident after: ${confident}\n`,
  );
}

function weeklyStateSize(): void {
  const samples = makeSignal({ start: t0, days: 14, shape: weeklyPattern(500, 300), noise: 10 });
  const s = fitFromHistory(samples);
  const size = JSON.stringify(s).length;
  process.stdout.write(
    `state size, weekly pattern: ${size} B (chosen ${s.choice?.name}, period ${s.choice?.period})\n`,
  );
}

function accuracy(): void {
  const signals: Record<string, number[]> = {
    'daily sine + noise': bucketSeries(14 * DAY, dailyBuckets, 5),
    'daily sine + trend': bucketSeries(14 * DAY, (i) => dailyBuckets(i) + 0.02 * i, 5),
    'weekday/weekend (last day a weekday)': bucketSeries(15 * DAY, weeklyBuckets, 5),
    'white noise': bucketSeries(14 * DAY, () => 100, 10),
  };
  process.stdout.write('\none-step accuracy over the last day (MAPE % / calibrated pinball@0.9)\n');
  for (const [name, values] of Object.entries(signals)) {
    const from = values.length - DAY;
    const train = pastOf(values.slice(0, from));
    const period = detectBucketPeriod(train, DAY).period;
    const cells = Object.entries(fitters).map(([fname, fit]) => {
      const m = fit(train);
      if (m === null) return `${fname}: -`;
      const f = oneStepForecasts(m, values, from);
      const r = values.slice(from).map((y, i) => y - f[i]!);
      return `${fname}: ${mape(values.slice(from), f).toFixed(2)} / ${calibratedPinball(r, 0.9).toFixed(3)}`;
    });
    const sel = selectForecaster(pastOf(values), {
      bucketsPerDay: DAY,
      tau: 0.9,
      flatBuckets: 24,
    })!;
    process.stdout.write(
      `${name}: detected period ${period ?? 'none'}; chosen ${sel.name}, skill ${sel.skill?.toFixed(3)}\n  ${cells.join('\n  ')}\n`,
    );
  }
}

export function run(): void {
  costs();
  stateFigures();
  weeklyStateSize();
  accuracy();
}
