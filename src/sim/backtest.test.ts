import { describe, expect, it } from 'vitest';
import { decide } from '../core/decide.js';
import { parseSpec } from '../core/spec.js';
import { ORACLE, backtest, resolvePolicies } from './backtest.js';
import { baselineNames } from './baselines.js';
import { defaultSimParams } from './params.js';
import { resolveTrace } from './trace-files.js';

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
