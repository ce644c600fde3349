/**
 * Elasticity scores over a whole replay (DESIGN.md, "The simulator"), with d = r(t) the required
 * and s the ready supply at each of the n steps of Δ seconds:
 *
 * - θU = 100 · mean(max(d − s, 0) / max(d, 1)), θO = 100 · mean(max(s − d, 0) / max(d, 1))
 * - τU = 100 · share of steps with s < d, τO = 100 · share with s > d
 * - SLO-violating minutes = (steps with s < d) · Δ / 60
 * - requests over capacity = Σ max(λ − s · capacity, 0) · Δ (at 100 % capacity)
 * - replica-hours = Σ allocated · Δ / 3600 (starting replicas included); oracleRatio = ÷ oracle's
 * - actions per hour = changes of the asked-for count (the first step compares with the initial
 *   replicas) per hour of trace
 * - instability υ (SPEC RG) = 100 · share of consecutive step pairs where supply and demand do not
 *   move in the same direction: sgn(Δs) ≠ sgn(Δd) (one rises while the other falls or stays;
 *   both flat counts as moving together); jitter = (supply changes − demand changes) per hour.
 *
 * @module
 */
import type { ServiceModel } from './demand.js';
import type { ReplayRecord } from './replay.js';

export interface Scores {
  readonly tauU: number;
  readonly thetaU: number;
  readonly tauO: number;
  readonly thetaO: number;
  readonly instability: number;
  readonly jitter: number;
  readonly sloViolationMinutes: number;
  readonly requestsOverCapacity: number;
  readonly replicaHours: number;
  /** Replica-hours ÷ the oracle's; null until the oracle is known. */
  readonly oracleRatio: number | null;
  readonly actionsPerHour: number;
}

interface Sums {
  under: number;
  over: number;
  thetaU: number;
  thetaO: number;
  overCapacity: number;
  allocated: number;
}

/** Steps [from, to) of a replay. */
interface Range {
  readonly from: number;
  readonly to: number;
}

function sums(model: ServiceModel, record: ReplayRecord, r: Range): Sums {
  const out: Sums = { under: 0, over: 0, thetaU: 0, thetaO: 0, overCapacity: 0, allocated: 0 };
  for (let k = r.from; k < r.to; k++) {
    const d = model.required[k] as number;
    const s = record.supply[k] as number;
    const scale = Math.max(d, 1);
    if (s < d) {
      out.under++;
      out.thetaU += (d - s) / scale;
    } else if (s > d) {
      out.over++;
      out.thetaO += (s - d) / scale;
    }
    out.overCapacity += Math.max((model.demand[k] as number) - s * model.capacity, 0);
    out.allocated += record.allocated[k] as number;
  }
  return out;
}

function motion(
  model: ServiceModel,
  record: ReplayRecord,
  r: Range,
): { unstable: number; jitter: number } {
  let unstable = 0;
  let supplyChanges = 0;
  let demandChanges = 0;
  for (let k = r.from + 1; k < r.to; k++) {
    const ds = Math.sign((record.supply[k] as number) - (record.supply[k - 1] as number));
    const dd = Math.sign((model.required[k] as number) - (model.required[k - 1] as number));
    if (ds !== dd) unstable++;
    if (ds !== 0) supplyChanges++;
    if (dd !== 0) demandChanges++;
  }
  return { unstable, jitter: supplyChanges - demandChanges };
}

function actions(record: ReplayRecord, r: Range): number {
  let count = 0;
  let prev = r.from === 0 ? record.initialReplicas : (record.asked[r.from - 1] as number);
  for (let k = r.from; k < r.to; k++) {
    const asked = record.asked[k] as number;
    if (asked !== prev) count++;
    prev = asked;
  }
  return count;
}

export interface ScoreOptions {
  readonly stepSeconds: number;
  /** The oracle's replica-hours over the same steps (gives the ratio). */
  readonly oracleReplicaHours?: number;
  /** Score only steps [fromStep, toStep) (default: the whole replay), e.g. a tuning holdout. */
  readonly fromStep?: number;
  readonly toStep?: number;
}

/**
 * Scores of one replay, or of a part of it (`fromStep`/`toStep`: the replay still ran from step
 * 0, so a part starts with the state the policy had reached there); `oracleReplicaHours` (when
 * known) gives the ratio.
 */
export function score(model: ServiceModel, record: ReplayRecord, options: ScoreOptions): Scores {
  const from = Math.max(0, options.fromStep ?? 0);
  const to = Math.min(model.steps, options.toStep ?? model.steps);
  if (to <= from) throw new Error(`scoring steps [${from}, ${to}): the range is empty`);
  const range = { from, to };
  const n = to - from;
  const step = options.stepSeconds;
  const hours = (n * step) / 3600;
  const s = sums(model, record, range);
  const m = motion(model, record, range);
  const replicaHours = (s.allocated * step) / 3600;
  const oracle = options.oracleReplicaHours;
  return {
    tauU: (100 * s.under) / n,
    thetaU: (100 * s.thetaU) / n,
    tauO: (100 * s.over) / n,
    thetaO: (100 * s.thetaO) / n,
    instability: n > 1 ? (100 * m.unstable) / (n - 1) : 0,
    jitter: m.jitter / hours,
    sloViolationMinutes: (s.under * step) / 60,
    requestsOverCapacity: s.overCapacity * step,
    replicaHours,
    oracleRatio: oracle !== undefined && oracle > 0 ? replicaHours / oracle : null,
    actionsPerHour: actions(record, range) / hours,
  };
}
