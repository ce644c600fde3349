import { describe, expect, it } from 'vitest';
import { decide } from '../core/decide.js';
import { parseSpec } from '../core/spec.js';
import { ORACLE, backtest, resolvePolicies } from './backtest.js';
import { baselineNames } from './baselines.js';
import { defaultSimParams } from './params.js';
import { resolveTrace } from './trace-files.js';
import { parseTraceCsv } from './trace.js';

const params = defaultSimParams();

describe('backtest on bundled traces through the real decide', () => {
  it.each(['azure_llm2023_code_1s', 'mooncake_conversation_3s'])(
    '%s: the oracle never under-provisions and is the cheapest policy that does not',
    async (name) => {
      const result = backtest({
        trace: await resolveTrace(name),
        params,
        policies: resolvePolicies([ORACLE, ...baselineNames], params),
        decide,
      });
      const oracle = result.policies[0];
      if (oracle?.ok !== true) throw new Error('the oracle failed');
      expect(oracle.scores.tauU).toBe(0);
      const safe = result.policies.filter((p) => p.ok && p.scores.tauU === 0);
      // static-peak at least never under-provisions, so the comparison is not empty.
      expect(safe.map((p) => p.name)).toContain('static-peak');
      for (const p of safe) {
        if (p.ok) expect(p.scores.replicaHours).toBeGreaterThanOrEqual(oracle.scores.replicaHours);
      }
    },
  );

  it('reports a policy the engine never could decide for as an error, not as scores', async () => {
    const spec = parseSpec({
      triggers: [
        {
          name: 'mem',
          type: 'resource',
          resource: 'memory',
          target: { type: 'Utilization', value: 70 },
        },
      ],
    });
    if (!spec.ok) throw new Error('bad spec');
    const result = backtest({
      trace: await resolveTrace('mooncake_conversation_3s'),
      params,
      policies: [{ name: 'memory', spec: spec.value }],
      decide,
    });
    expect(result.policies[0]).toMatchObject({ name: 'memory', ok: false });
    const error = result.policies[0]?.ok === false ? result.policies[0].error : '';
    expect(error).toContain('backtesting memory: the engine never reached a valid decision');
    expect(error).toContain('the backtest models cpu only');
  });
});

describe('where prediction set the count', () => {
  // Three hours of a steady 600 req/min with a small ripple: the headroom planner earns its
  // confidence after its first scored plans and then runs near the SLO line.
  const steady = parseTraceCsv(
    Array.from({ length: 180 }, (_, i) => `${i * 60},${600 + (i % 3) * 6}`).join('\n'),
    { name: 'steady' },
  );
  const result = backtest({
    trace: steady,
    params,
    policies: resolvePolicies([ORACLE, 'hpa', 'tide'], params),
    decide,
  });
  const by = (name: string) => {
    const p = result.policies.find((x) => x.name === name);
    if (p?.ok !== true) throw new Error(`${name} failed`);
    return p;
  };

  it('is null for the oracle and for a policy without prediction', () => {
    expect(by(ORACLE).predicted).toBeNull();
    expect(by('hpa').predicted).toBeNull();
  });

  it('for tide: one flag per step, none while the planner is still learning, then in charge', () => {
    const predicted = by('tide').predicted!;
    expect(predicted).toHaveLength(result.model.steps);
    // The planner needs 120 scored plans (30 min of 15 s readings) before it may act.
    expect(predicted.subarray(0, 120).every((v) => v === 0)).toBe(true);
    const share = predicted.reduce((a, v) => a + v, 0) / predicted.length;
    expect(share).toBeGreaterThan(0.5);
    // where it was in charge, tide asked for fewer replicas than the HPA baseline did
    const tide = by('tide').record.asked;
    const hpa = by('hpa').record.asked;
    const last = predicted.length - 1;
    expect(predicted[last]).toBe(1);
    expect(tide[last]!).toBeLessThan(hpa[last]!);
  });
});
