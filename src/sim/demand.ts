/**
 * The service model (DESIGN.md, "The simulator"): demand per step, capacity and required
 * replicas.
 *
 * Demand λ(t) in req/s: row i's rate `value / interval` sits at the middle of its interval and λ
 * is linear between those points, flat before the first and after the last. Traces at least as
 * coarse as the step are read at each step's start; finer ones are averaged exactly over each
 * step (the integral of the piecewise-linear λ over the step, divided by the step).
 *
 * Capacity: the trace is scaled so the simulated peak needs exactly `peakReplicas` at the SLO
 * utilization: `capacity = peak / (peakReplicas × sloUtilization)` req/s per ready replica.
 * Worked example: peak 900 req/s, 40 replicas, SLO 0.9 ⇒ capacity 25 req/s; a step at 450 req/s
 * needs ceil(450 / (25 × 0.9)) = ceil(20) = 20 replicas.
 *
 * @module
 */
import type { SimParams } from './params.js';
import { type Trace, TraceError, traceSpanSeconds } from './trace.js';

export interface ServiceModel {
  /** λ at each step, req/s (in the trace's own units; scaling is folded into `capacity`). */
  readonly demand: Float64Array;
  /** Required replicas r at each step. */
  readonly required: Int32Array;
  /** req/s one ready replica serves at 100 % utilization. */
  readonly capacity: number;
  readonly peakDemand: number;
  readonly steps: number;
}

/** Piecewise-linear λ through the interval midpoints, with its running integral. */
class Knots {
  readonly #t: Float64Array;
  readonly #rate: Float64Array;
  /** ∫λ from the first knot to knot i. */
  readonly #area: Float64Array;

  constructor(trace: Trace) {
    const n = trace.values.length;
    const half = trace.intervalSeconds / 2;
    this.#t = new Float64Array(n);
    this.#rate = new Float64Array(n);
    this.#area = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      this.#t[i] = (trace.timestamps[i] as number) + half;
      this.#rate[i] = (trace.values[i] as number) / trace.intervalSeconds;
      if (i > 0) {
        const dt = (this.#t[i] as number) - (this.#t[i - 1] as number);
        const mean = ((this.#rate[i] as number) + (this.#rate[i - 1] as number)) / 2;
        this.#area[i] = (this.#area[i - 1] as number) + dt * mean;
      }
    }
  }

  /** Index of the last knot at or before t (-1 before the first); `hint` makes scans linear. */
  #index(t: number, hint: number): number {
    let i = Math.max(-1, Math.min(hint, this.#t.length - 1));
    while (i >= 0 && (this.#t[i] as number) > t) i--;
    while (i + 1 < this.#t.length && (this.#t[i + 1] as number) <= t) i++;
    return i;
  }

  /** λ(t) and the knot index found. */
  rateAt(t: number, hint: number): { rate: number; index: number } {
    const i = this.#index(t, hint);
    const n = this.#t.length;
    if (i < 0) return { rate: this.#rate[0] as number, index: i };
    if (i >= n - 1) return { rate: this.#rate[n - 1] as number, index: i };
    const t0 = this.#t[i] as number;
    const t1 = this.#t[i + 1] as number;
    const r0 = this.#rate[i] as number;
    const r1 = this.#rate[i + 1] as number;
    return { rate: r0 + ((r1 - r0) * (t - t0)) / (t1 - t0), index: i };
  }

  /** ∫λ from the first knot to t (negative before it). */
  areaTo(t: number, hint: number): { area: number; index: number } {
    const { rate, index } = this.rateAt(t, hint);
    if (index < 0) return { area: -((this.#t[0] as number) - t) * rate, index };
    const ti = this.#t[index] as number;
    const ri = this.#rate[index] as number;
    return { area: (this.#area[index] as number) + ((ri + rate) / 2) * (t - ti), index };
  }
}

/** λ at each step of a trace under the model's time rules. */
export function demandSeries(trace: Trace, stepSeconds: number): Float64Array {
  const span = traceSpanSeconds(trace);
  const steps = Math.max(1, Math.floor(span / stepSeconds + 1e-9));
  const knots = new Knots(trace);
  const out = new Float64Array(steps);
  let hint = -1;
  if (trace.intervalSeconds >= stepSeconds) {
    for (let k = 0; k < steps; k++) {
      const found = knots.rateAt(k * stepSeconds, hint);
      out[k] = found.rate;
      hint = found.index;
    }
    return out;
  }
  let prev = knots.areaTo(0, hint);
  for (let k = 0; k < steps; k++) {
    const next = knots.areaTo((k + 1) * stepSeconds, prev.index);
    out[k] = Math.max(0, (next.area - prev.area) / stepSeconds);
    prev = next;
  }
  return out;
}

/** r = max(minRequired, ceil(λ / (capacity × slo))), the ceiling guarded against float noise. */
export function requiredReplicas(
  demand: number,
  model: {
    readonly peakDemand: number;
    readonly peakReplicas: number;
    readonly minRequired: number;
  },
): number {
  // λ / (capacity × slo) = λ × peakReplicas / peak: at the peak exactly peakReplicas.
  const exact = (demand / model.peakDemand) * model.peakReplicas;
  return Math.max(model.minRequired, Math.ceil(exact - 1e-9 * Math.max(1, exact)));
}

/** Demand, capacity and required replicas of a trace under the given parameters. */
export function serviceModel(trace: Trace, params: SimParams): ServiceModel {
  const demand = demandSeries(trace, params.stepSeconds);
  let peak = 0;
  for (const v of demand) if (v > peak) peak = v;
  if (!(peak > 0)) {
    throw new TraceError(`${trace.name}: the demand is zero at every step; nothing to scale`);
  }
  const model = {
    peakDemand: peak,
    peakReplicas: params.peakReplicas,
    minRequired: params.minRequired,
  };
  const required = new Int32Array(demand.length);
  for (let k = 0; k < demand.length; k++)
    required[k] = requiredReplicas(demand[k] as number, model);
  return {
    demand,
    required,
    capacity: peak / (params.peakReplicas * params.sloUtilization),
    peakDemand: peak,
    steps: demand.length,
  };
}
