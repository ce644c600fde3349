import { describe, expect, it } from 'vitest';
import { demandSeries, requiredReplicas, serviceModel } from './demand.js';
import { defaultSimParams } from './params.js';
import { parseTraceCsv } from './trace.js';

const trace = (text: string): ReturnType<typeof parseTraceCsv> =>
  parseTraceCsv(text, { name: 't' });

describe('demandSeries', () => {
  it('reads a coarse trace at each step start, linear between interval midpoints', () => {
    // Rates 60/60 = 1 and 120/60 = 2 req/s sit at t = 30 s and 90 s; flat outside.
    // Steps at 0, 15, ..., 105 s (span 120 s ⇒ 8 steps): 1 1 1 then +1/60 per s up to 2 at 90 s.
    const lambda = demandSeries(trace('0,60\n60,120\n'), 15);
    expect(Array.from(lambda)).toEqual([1, 1, 1, 1.25, 1.5, 1.75, 2, 2]);
  });

  it('averages a fine trace exactly over each step', () => {
    // 5 s rows with counts 5, 10, ..., 30 ⇒ rates 1..6 req/s at midpoints 2.5, 7.5, ..., 27.5.
    // Step [0, 15): 2.5 × 1 (flat) + 5 × 1.5 + 5 × 2.5 + 2.5 × (3 + 3.5) / 2 = 30.625 ⇒ / 15.
    // Step [15, 30): 2.5 × (3.5 + 4) / 2 + 5 × 4.5 + 5 × 5.5 + 2.5 × 6 (flat) = 74.375 ⇒ / 15.
    // The two areas add up to the trace's total count, 105.
    const lambda = demandSeries(trace('0,5\n5,10\n10,15\n15,20\n20,25\n25,30\n'), 15);
    expect(lambda[0]).toBeCloseTo(30.625 / 15, 12);
    expect(lambda[1]).toBeCloseTo(74.375 / 15, 12);
    expect(lambda.length).toBe(2);
  });
});

describe('requiredReplicas', () => {
  const model = { peakDemand: 0.3, peakReplicas: 40, minRequired: 1 };
  it.each([
    // 0.3 / 0.3 × 40 = 40 exactly (0.3/0.3 in floating point is exactly 1, and the guard keeps
    // near-integers such as 40.000000000001 from becoming 41).
    [0.3, 40],
    [0.15, 20],
    [0.1500001, 21],
    [0.0, 1],
    [0.001, 1],
  ])('λ = %f ⇒ %i', (lambda, r) => {
    expect(requiredReplicas(lambda, model)).toBe(r);
  });

  it('the simulated peak needs exactly peakReplicas (capacity = peak / (40 × 0.9))', () => {
    const m = serviceModel(trace('0,7\n60,70\n120,0.7\n'), defaultSimParams());
    expect(Math.max(...m.required)).toBe(40);
    expect(m.capacity).toBeCloseTo(70 / 60 / 36, 12);
  });

  it('rejects a trace with no demand', () => {
    expect(() => serviceModel(trace('0,0\n60,0\n'), defaultSimParams())).toThrow(
      't: the demand is zero at every step; nothing to scale',
    );
  });
});
