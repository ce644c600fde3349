/**
 * The backtest report as one JSON document (`tide-report/report.json`, `tide backtest --json`).
 * The schema is documented in docs/backtest-report.md; `version` changes when a field changes
 * meaning or goes away (fields may be added within a version).
 *
 * @module
 */
import type { PolicyResult, TraceResult } from '../sim/backtest.js';
import type { SimParams } from '../sim/params.js';
import type { Scores } from '../sim/scores.js';

export const REPORT_VERSION = 1;

export type PolicyRecord =
  | ({
      readonly policy: string;
      readonly ok: true;
      /** 100 × share of steps where prediction set the count; null without prediction. */
      readonly predictedShare: number | null;
    } & Scores)
  | { readonly policy: string; readonly ok: false; readonly error: string };

/** 100 × the share of ones; null without the array (a policy without prediction). */
export function predictedShare(predicted: Uint8Array | null): number | null {
  if (predicted === null || predicted.length === 0) return null;
  let ones = 0;
  for (const v of predicted) ones += v;
  return (100 * ones) / predicted.length;
}

export interface TraceRecord {
  readonly name: string;
  readonly source: string;
  readonly intervalSeconds: number;
  readonly steps: number;
  readonly hours: number;
  /** Epoch ms of step 0 (the trace's own start when known). */
  readonly startMs: number;
  /** Peak simulated demand (req/s, trace units) and one replica's capacity at 100 %. */
  readonly peakDemand: number;
  readonly capacity: number;
  readonly oracleReplicaHours: number;
  readonly gaps: number;
  readonly results: readonly PolicyRecord[];
}

export interface SummaryRecord {
  readonly policy: string;
  /** Traces the policy ran on without an error. */
  readonly traces: number;
  readonly medianTauU: number | null;
  readonly medianThetaU: number | null;
  readonly medianThetaO: number | null;
  readonly medianOracleRatio: number | null;
  readonly medianActionsPerHour: number | null;
  readonly totalSloViolationMinutes: number;
}

export interface BacktestReport {
  readonly version: number;
  readonly generatedAt: string;
  readonly parameters: SimParams;
  readonly policies: readonly string[];
  readonly traces: readonly TraceRecord[];
  readonly summary: readonly SummaryRecord[];
}

function policyRecord(result: PolicyResult): PolicyRecord {
  if (!result.ok) return { policy: result.name, ok: false, error: result.error };
  return {
    policy: result.name,
    ok: true,
    predictedShare: predictedShare(result.predicted),
    ...result.scores,
  };
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function summarize(policy: string, traces: readonly TraceRecord[]): SummaryRecord {
  const scores: Scores[] = [];
  for (const t of traces) {
    const r = t.results.find((x) => x.policy === policy);
    if (r?.ok === true) scores.push(r);
  }
  const med = (pick: (s: Scores) => number | null): number | null =>
    median(scores.map(pick).filter((v): v is number => v !== null));
  return {
    policy,
    traces: scores.length,
    medianTauU: med((s) => s.tauU),
    medianThetaU: med((s) => s.thetaU),
    medianThetaO: med((s) => s.thetaO),
    medianOracleRatio: med((s) => s.oracleRatio),
    medianActionsPerHour: med((s) => s.actionsPerHour),
    totalSloViolationMinutes: scores.reduce((sum, s) => sum + s.sloViolationMinutes, 0),
  };
}

export interface ReportInput {
  readonly results: readonly { readonly result: TraceResult; readonly source: string }[];
  readonly params: SimParams;
  readonly policies: readonly string[];
  /** ISO-8601 time the report was made (passed in: the report is a pure function). */
  readonly generatedAt: string;
}

export function buildReport(input: ReportInput): BacktestReport {
  const traces = input.results.map(({ result, source }): TraceRecord => ({
    name: result.trace.name,
    source,
    intervalSeconds: result.trace.intervalSeconds,
    steps: result.model.steps,
    hours: (result.model.steps * result.params.stepSeconds) / 3600,
    startMs: result.startMs,
    peakDemand: result.model.peakDemand,
    capacity: result.model.capacity,
    oracleReplicaHours: result.oracleReplicaHours,
    gaps: result.trace.gaps.length,
    results: result.policies.map(policyRecord),
  }));
  return {
    version: REPORT_VERSION,
    generatedAt: input.generatedAt,
    parameters: input.params,
    policies: input.policies,
    traces,
    summary: input.policies.map((p) => summarize(p, traces)),
  };
}
