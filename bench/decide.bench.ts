/**
 * Decisions per second of `decide`: (a) one CPU Utilization trigger over 10 pods (the same tick
 * repeated), (b) three triggers with behaviors and a 300 s scale-down window at
 * a 15 s sync, state carried across calls so the recommendation history is realistic (~20 entries).
 * Figures only, no assertions.
 */
import { decide } from '../src/core/decide.js';
import {
  initialState,
  type Observation,
  type PodInfo,
  type ScalerState,
} from '../src/core/model.js';
import { cpuReading, makePods, valueReading } from '../src/core/fixtures.js';
import { scalerSpecSchema } from '../src/core/spec.js';

const t0 = Date.UTC(2024, 0, 1);
const longAgo = t0 - 86_400_000;

const pods = (n: number): PodInfo[] => makePods(n, longAgo, { cpuRequestMilli: 500 });

const rate = (n: number, seconds: number): string =>
  Math.round(n / seconds).toLocaleString('en-US');

/**
 * Runs `tick` for about `seconds` of wall time and prints decisions per second of wall time and per
 * second of this process's CPU time (user + system). On a shared machine the CPU-time figure is the
 * steadier one: wall time also counts the time other processes held the cores.
 */
function measure(label: string, seconds: number, tick: (i: number) => void): number {
  for (let i = 0; i < 20_000; i++) tick(i); // warm-up
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const budget = BigInt(Math.round(seconds * 1e9));
  let n = 0;
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let k = 0; k < 5_000; k++) tick(n++);
    elapsed = process.hrtime.bigint() - start;
  }
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  process.stdout.write(
    `${label}: ${rate(n, Number(elapsed) / 1e9)} decisions/s wall, ` +
      `${rate(n, cpuSeconds)} decisions/s of CPU time (${n} decisions)\n`,
  );
  return n / cpuSeconds;
}

/** Issue 16: (a) with the default spec should reach this many decisions per second of CPU time. */
const DECIDE_AIM_PER_SECOND = 500_000;

export function run(): void {
  // (a) one CPU Utilization trigger over 10 pods.
  const specA = scalerSpecSchema.parse({
    minReplicas: 1,
    maxReplicas: 100,
    triggers: [
      {
        name: 'cpu',
        type: 'resource',
        resource: 'cpu',
        target: { type: 'Utilization', value: 70 },
      },
    ],
  });
  const podsA = pods(10);
  const obsA: Observation = {
    currentReplicas: 10,
    pods: podsA,
    metrics: { cpu: cpuReading(podsA, (i) => 300 + i * 10, t0) },
  };
  const stateA: ScalerState = { ...initialState(), recommendations: [] };
  let sink = 0;
  const perSecondA = measure('(a) 1 CPU metric, 10 pods', 2, () => {
    sink += decide(specA, obsA, stateA, t0).desiredReplicas;
  });
  process.stdout.write(
    `(a): ${(perSecondA / DECIDE_AIM_PER_SECOND).toFixed(2)}× the aim of ${DECIDE_AIM_PER_SECOND.toLocaleString('en-US')} decisions/s of CPU time with the default spec\n`,
  );
  const specOff = scalerSpecSchema.parse({ ...specA, prediction: { mode: 'off' } });
  measure('(a) the same with prediction off', 2, () => {
    sink += decide(specOff, obsA, stateA, t0).desiredReplicas;
  });

  // (b) three metrics, behaviors, 300 s window, 15 s sync, state carried across calls.
  const specB = scalerSpecSchema.parse({
    minReplicas: 2,
    maxReplicas: 200,
    triggers: [
      {
        name: 'cpu',
        type: 'resource',
        resource: 'cpu',
        target: { type: 'Utilization', value: 70 },
      },
      { name: 'rps', type: 'prometheus', target: { type: 'AverageValue', value: 100 } },
      {
        name: 'latency',
        type: 'prometheus',
        metricType: 'Object',
        target: { type: 'Value', value: 50 },
      },
    ],
    behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
  });
  let state: ScalerState = initialState();
  let current = 10;
  let tick = 0; // one clock across warm-up and measurement: time never goes back
  const podsByCount = new Map<number, PodInfo[]>();
  measure('(b) 3 metrics, behaviors, 300 s window, 15 s sync', 2, () => {
    const i = tick++;
    const now = t0 + i * 15_000;
    const wave = 1 + 0.5 * Math.sin(i / 40);
    let list = podsByCount.get(current);
    if (list === undefined) podsByCount.set(current, (list = pods(current)));
    const obs: Observation = {
      currentReplicas: current,
      pods: list,
      metrics: {
        // Demand is shared by the replicas: per-pod CPU and the per-replica latency fall as they grow.
        cpu: cpuReading(list, () => Math.round((3_500 * wave) / current), now),
        rps: valueReading([Math.round(900_000 * wave)], now),
        latency: valueReading([Math.round((450_000 * wave) / current)], now),
      },
    };
    const d = decide(specB, obs, state, now);
    state = d.state;
    current = d.desiredReplicas;
    sink += current;
  });
  process.stdout.write(
    `(after (b): ${current} replicas, ${state.recommendations?.length ?? 0} recommendations, ${state.scaleUpEvents.length + state.scaleDownEvents.length} scale events; checksum ${sink % 997})\n`,
  );
}
