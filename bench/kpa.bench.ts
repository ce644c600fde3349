/**
 * The `kpa` policy through `decide`: decisions per second over a day of 2-second ticks of a
 * bursty concurrency signal, with the state round-tripped through JSON each tick (as through a
 * CRD status), and the size of that state.
 */
import { performance } from 'node:perf_hooks';
import { decide } from '../src/core/decide.js';
import { initialState, type ScalerState } from '../src/core/model.js';
import { scalerSpecSchema } from '../src/core/spec.js';

export function run(): void {
  const spec = scalerSpecSchema.parse({
    policy: 'kpa',
    minReplicas: 0,
    maxReplicas: 500,
    syncPeriodSeconds: 2,
    triggers: [{ name: 'c', type: 'prometheus', target: { type: 'AverageValue', value: 10 } }],
    kpa: { scaleDownDelaySeconds: 120 },
  });
  const t0 = Date.UTC(2024, 0, 1);
  const ticks = 43_200;
  let state: ScalerState = initialState();
  let current = 1;
  let maxStateBytes = 0;
  let changes = 0;
  const start = performance.now();
  for (let i = 0; i < ticks; i++) {
    const now = t0 + i * 2000;
    const load = 200 + 180 * Math.sin(i / 900) + (i % 1800 < 30 ? 800 : 0);
    const d = decide(
      spec,
      {
        currentReplicas: current,
        readyReplicas: current,
        pods: [],
        metrics: { c: { status: 'ok', timestamp: now, valuesMilli: [Math.round(load * 1000)] } },
      },
      state,
      now,
    );
    const json = JSON.stringify(d.state);
    maxStateBytes = Math.max(maxStateBytes, json.length);
    state = JSON.parse(json) as ScalerState;
    if (d.desiredReplicas !== current) changes++;
    current = d.desiredReplicas;
  }
  const ms = performance.now() - start;
  process.stdout.write(
    `${ticks} decisions in ${ms.toFixed(0)} ms (${((ticks / ms) * 1000).toFixed(0)}/s), ` +
      `${changes} scale changes, largest state ${maxStateBytes} bytes\n`,
  );
}
