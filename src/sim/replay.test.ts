import { describe, expect, it } from 'vitest';
import type { ServiceModel } from './demand.js';
import { defaultSimParams } from './params.js';
import { type StepContext, replay } from './replay.js';

const t0 = Date.UTC(2024, 0, 1);

function flatModel(demand: number[], capacity = 10): ServiceModel {
  return {
    demand: Float64Array.from(demand),
    required: Int32Array.from(demand.map((d) => Math.max(1, Math.ceil(d / (capacity * 0.9))))),
    capacity,
    peakDemand: Math.max(...demand),
    steps: demand.length,
  };
}

function scripted(asks: number[], initialReplicas: number, seen: StepContext[] = []) {
  return {
    initialReplicas,
    ask: (context: StepContext): number => {
      seen.push({
        ...context,
        cluster: { ...context.cluster, ids: [...context.cluster.ids] },
      });
      return asks[context.step] ?? 0;
    },
  };
}

describe('replay', () => {
  it('a replica asked for at t is ready at t + 60 s and paid for from t', () => {
    const model = flatModel(Array<number>(8).fill(10));
    const record = replay({
      model,
      params: defaultSimParams(),
      controller: scripted([1, 1, 3, 3, 3, 3, 3, 3], 1),
      startMs: t0,
    });
    // Asked at step 2 (30 s) ⇒ ready at 90 s = step 6.
    expect(Array.from(record.allocated)).toEqual([1, 1, 3, 3, 3, 3, 3, 3]);
    expect(Array.from(record.supply)).toEqual([1, 1, 1, 1, 1, 1, 3, 3]);
  });

  it('removes the youngest first: starting replicas go before ready ones', () => {
    const model = flatModel(Array<number>(6).fill(10));
    const seen: StepContext[] = [];
    const record = replay({
      model,
      params: defaultSimParams(),
      // 2 ready; ask 4 at step 1 (2 start), then 3 at step 2: one starting replica goes.
      controller: scripted([2, 4, 3, 3, 1, 1], 2, seen),
      startMs: t0,
    });
    expect(Array.from(record.allocated)).toEqual([2, 4, 3, 3, 1, 1]);
    expect(Array.from(record.supply)).toEqual([2, 2, 2, 2, 1, 1]);
    // ids 0, 1 are the initial replicas; 2 and 3 started at step 1; 3 was removed at step 2.
    expect(seen[3]?.cluster.ids).toEqual([0, 1, 2]);
  });

  it('shows the mean of the last 4 scrapes, the newest one step old; nothing at t = 0', () => {
    // λ 10, 20, 30, 40, 50, 60 on 2 ready replicas of 10 req/s ⇒ u = λ / 20.
    const model = flatModel([10, 20, 30, 40, 50, 60]);
    const seen: StepContext[] = [];
    replay({
      model,
      params: defaultSimParams(),
      controller: scripted([2, 2, 2, 2, 2, 2], 2, seen),
      startMs: t0,
    });
    expect(seen[0]?.metrics.utilization).toBeNull();
    expect(seen[0]?.metrics.requestRate).toBeNull();
    // Step 1 sees scrape 0 only; step 5 sees scrapes 1..4: (20 + 30 + 40 + 50) / 4 = 35 req/s.
    expect(seen[1]?.metrics.requestRate).toBe(10);
    expect(seen[1]?.metrics.utilization).toBe(0.5);
    expect(seen[5]?.metrics.requestRate).toBe(35);
    expect(seen[5]?.metrics.utilization).toBe(1.75);
    expect(seen[5]?.metrics.timestampMs).toBe(t0 + 4 * 15_000);
    expect(seen[5]?.metrics.windowSeconds).toBe(60);
  });

  it('takes no utilization sample while nothing is ready, but still the request rate', () => {
    const model = flatModel([10, 10, 10]);
    const seen: StepContext[] = [];
    replay({
      model,
      params: defaultSimParams(),
      controller: scripted([0, 0, 0], 0, seen),
      startMs: t0,
    });
    expect(seen[2]?.metrics.utilization).toBeNull();
    expect(seen[2]?.metrics.requestRate).toBe(10);
  });
});
