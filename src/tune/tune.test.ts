import { describe, expect, it } from 'vitest';
import { decide } from '../core/decide.js';
import { seededRandom } from '../core/forecast/fixtures.js';
import { defaultSimParams } from '../sim/params.js';
import { buildTrace } from '../sim/trace.js';
import { MINUTES_PER_MONTH, minutesToPercent, tune } from './tune.js';

/** Eight hours at one row a minute: a wave with noise, its peak (a burst) in the first hour. */
function history(changeAfterRow?: number): ReturnType<typeof buildTrace> {
  const random = seededRandom(3);
  const rows = 480;
  const times = Array.from({ length: rows }, (_, i) => i * 60);
  const values = times.map((_, i) => {
    const wave = 3000 + 1500 * Math.sin((2 * Math.PI * i) / 180) + 400 * random();
    const burst = i >= 40 && i < 50 ? 3000 : 0;
    const changed = changeAfterRow !== undefined && i > changeAfterRow ? 0.6 : 1;
    return (wave + burst) * changed;
  });
  return buildTrace({
    name: 'wave',
    times,
    values,
    lines: times.map((_, i) => i + 2),
    intervalSeconds: 60,
    startEpochMs: null,
  });
}

const options = {
  params: defaultSimParams(),
  slo: { kind: 'maxShortPercent', percent: 2 } as const,
  holdout: 0.3,
  budget: 6,
  seed: 1,
  jobs: 1,
  decide,
};

describe('tune', () => {
  it('tries the budget, Tide’s default first, and chooses the cheapest that meets the SLO', async () => {
    const r = await tune({ ...options, trace: history() });
    expect(r.tried).toHaveLength(6);
    expect(r.tried[0]?.settings['prediction.mode']).toBe('on');
    expect(r.tried[1]?.settings['prediction.mode']).toBe('off');
    expect(r.splitStep).toBe(Math.round(r.steps * 0.7));
    expect(r.hpa.map((h) => h.name)).toEqual(['hpa-50', 'hpa-60', 'hpa', 'hpa-80', 'hpa-90']);
    const meeting = r.tried.filter((t) => t.figures !== null && t.figures.tuning.tauU <= 2);
    expect(r.feasible).toBe(meeting.length > 0);
    const chosen = r.tried[r.chosen]?.figures;
    for (const t of meeting) {
      expect(chosen?.tuning.replicaHours).toBeLessThanOrEqual(t.figures?.tuning.replicaHours ?? 0);
    }
    // Both parts are scored; the oracle's replica-hours split the same way.
    expect(chosen?.holdout?.replicaHours).toBeGreaterThan(0);
    expect(chosen?.tuning.oracleRatio).toBeCloseTo(
      (chosen?.tuning.replicaHours ?? 0) / r.oracle.tuning,
      9,
    );
  });

  it('chooses from the tuning part alone: a different holdout changes no choice', async () => {
    const a = await tune({ ...options, trace: history() });
    // Rows after the split (and two rows of interpolation past it) at 60 % of the load.
    const b = await tune({ ...options, trace: history(Math.ceil((a.splitStep * 15) / 60) + 2) });
    expect(b.chosen).toBe(a.chosen);
    expect(b.tried.map((t) => t.settings)).toEqual(a.tried.map((t) => t.settings));
    expect(b.tried.map((t) => t.figures?.tuning.tauU)).toEqual(
      a.tried.map((t) => t.figures?.tuning.tauU),
    );
    expect(b.tried[b.chosen]?.figures?.holdout?.replicaHours).toBeLessThan(
      a.tried[a.chosen]?.figures?.holdout?.replicaHours ?? 0,
    );
  });

  it('says when no spec meets the SLO and returns the closest', async () => {
    const r = await tune({
      ...options,
      trace: history(),
      slo: { kind: 'maxShortPercent', percent: 0 },
    });
    if (r.feasible) return expect(r.tried[r.chosen]?.figures?.tuning.tauU).toBe(0);
    const lowest = Math.min(...r.tried.map((t) => t.figures?.tuning.tauU ?? Infinity));
    expect(r.tried[r.chosen]?.figures?.tuning.tauU).toBe(lowest);
  });

  it('takes the SLO in minutes per month, and by default hpa’s τU on the tuning part', async () => {
    expect(minutesToPercent(MINUTES_PER_MONTH / 100)).toBeCloseTo(1, 12);
    const r = await tune({ ...options, budget: 2, trace: history(), slo: { kind: 'hpa' } });
    expect(r.limitPercent).toBe(r.hpa.find((h) => h.name === 'hpa')?.figures?.tuning.tauU);
  });

  it.each([
    [{ holdout: 0.95 }, /--holdout = 0.95, must be a share between 0 and 0.9/],
    [{ budget: 0 }, /--budget = 0, must be a whole number of at least 1/],
  ])('rejects %o', async (bad, message) => {
    await expect(tune({ ...options, trace: history(), ...bad })).rejects.toThrow(message);
  });

  it('refuses a history too short to split', async () => {
    const trace = buildTrace({
      name: 'tiny',
      times: [0],
      values: [10],
      lines: [2],
      intervalSeconds: 15,
      startEpochMs: null,
    });
    await expect(tune({ ...options, trace })).rejects.toThrow(/too few to split/);
  });
});
