/**
 * Backtests on several cores: every (trace, policy) replay is a job for a pool of worker threads
 * (`backtest-worker.ts`), longest first; the oracle and the scores are computed here. The result
 * is the same as `backtest` per trace, which runs everything in this thread (and is what this
 * module falls back to when it runs from TypeScript sources, where a worker cannot load).
 *
 * @module
 */
import { Worker } from 'node:worker_threads';
import type { ScalerSpec } from '../core/spec.js';
import {
  type PolicyChoice,
  type PolicyRun,
  type PreparedTrace,
  type TraceResult,
  backtest,
  prepareTrace,
  replayPolicy,
  scoreTrace,
} from './backtest.js';
import type { DecideFn } from './observe.js';
import type { SimParams } from './params.js';
import type { Trace } from './trace.js';

export interface WorkerJob {
  readonly id: number;
  readonly trace: Trace;
  readonly params: SimParams;
  readonly startMs: number;
  readonly choice: { readonly name: string; readonly spec: ScalerSpec };
}

export type WorkerMessage =
  | { readonly id: number; readonly type: 'progress'; readonly steps: number }
  | { readonly id: number; readonly type: 'done'; readonly run: PolicyRun };

export interface ParallelOptions {
  readonly traces: readonly Trace[];
  readonly params: SimParams;
  readonly policies: readonly PolicyChoice[];
  /** Used in this thread when `jobs` is 1 or workers are unavailable. */
  readonly decide: DecideFn;
  /** Worker threads; 1 = run here. */
  readonly jobs: number;
  /** Called with steps newly simulated (oracle and policies). */
  readonly onProgress?: (steps: number) => void;
}

const workerUrl = new URL('./backtest-worker.js', import.meta.url);
const canUseWorkers = !import.meta.url.endsWith('.ts');

function sequential(options: ParallelOptions): TraceResult[] {
  return options.traces.map((trace) => {
    let last = 0;
    return backtest({
      trace,
      params: options.params,
      policies: options.policies,
      decide: options.decide,
      onProgress: (steps) => {
        options.onProgress?.(steps - last);
        last = steps;
      },
    });
  });
}

interface Pending {
  readonly job: WorkerJob;
  readonly trace: number;
  readonly policy: number;
  readonly steps: number;
}

function runPool(
  jobs: readonly Pending[],
  count: number,
  onProgress?: (steps: number) => void,
): Promise<Map<number, PolicyRun>> {
  const queue = [...jobs].sort((a, b) => b.steps - a.steps);
  const done = new Map<number, PolicyRun>();
  const progress = new Map<number, number>();
  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    const finish = (error?: Error): void => {
      for (const w of workers) void w.terminate();
      if (error === undefined) resolve(done);
      else reject(error);
    };
    const feed = (worker: Worker): void => {
      const next = queue.shift();
      if (next !== undefined) worker.postMessage(next.job);
      else if (done.size === jobs.length) finish();
    };
    for (let i = 0; i < Math.min(count, jobs.length); i++) {
      const worker = new Worker(workerUrl);
      workers.push(worker);
      worker.on('message', (message: WorkerMessage) => {
        const before = progress.get(message.id) ?? 0;
        if (message.type === 'progress') {
          progress.set(message.id, message.steps);
          onProgress?.(message.steps - before);
          return;
        }
        const total = jobs.find((j) => j.job.id === message.id)?.steps ?? before;
        onProgress?.(total - before);
        done.set(message.id, message.run);
        feed(worker);
      });
      worker.on('error', (error) => finish(error));
      feed(worker);
    }
  });
}

export interface ReplayManyOptions {
  /** The trace every spec replays on (the oracle is already in it). */
  readonly prepared: PreparedTrace;
  readonly choices: readonly { readonly name: string; readonly spec: ScalerSpec }[];
  /** Used in this thread when `jobs` is 1 or workers are unavailable. */
  readonly decide: DecideFn;
  readonly jobs: number;
  /** Called with steps newly simulated. */
  readonly onProgress?: (steps: number) => void;
}

/**
 * Replays many specs on one prepared trace on `jobs` worker threads (`tide tune`); the runs come
 * back in the order of `choices`, the same whatever `jobs` is.
 */
export async function replayMany(options: ReplayManyOptions): Promise<PolicyRun[]> {
  const { prepared, choices } = options;
  if (options.jobs <= 1 || !canUseWorkers) {
    return choices.map((choice) => {
      let last = 0;
      const run = replayPolicy({
        prepared,
        choice,
        decide: options.decide,
        onProgress: (steps) => {
          options.onProgress?.(steps - last);
          last = steps;
        },
      });
      options.onProgress?.(prepared.model.steps - last);
      return run;
    });
  }
  const pending: Pending[] = choices.map((choice, i) => ({
    job: {
      id: i,
      trace: prepared.trace,
      params: prepared.params,
      startMs: prepared.startMs,
      choice,
    },
    trace: 0,
    policy: i,
    steps: prepared.model.steps,
  }));
  const runs = await runPool(pending, options.jobs, options.onProgress);
  return choices.map((_, i) => runs.get(i) ?? { error: 'the worker returned nothing' });
}

/** Backtests every trace under every policy on `jobs` worker threads. */
export async function backtestParallel(options: ParallelOptions): Promise<TraceResult[]> {
  if (options.jobs <= 1 || !canUseWorkers) return sequential(options);
  const prepared: PreparedTrace[] = options.traces.map((trace) => {
    const p = prepareTrace(trace, options.params);
    options.onProgress?.(p.model.steps);
    return p;
  });
  const pending: Pending[] = [];
  prepared.forEach((p, t) => {
    options.policies.forEach((choice, i) => {
      if (choice.spec === null) return;
      const job: WorkerJob = {
        id: pending.length,
        trace: p.trace,
        params: options.params,
        startMs: p.startMs,
        choice: { name: choice.name, spec: choice.spec },
      };
      pending.push({ job, trace: t, policy: i, steps: p.model.steps });
    });
  });
  const runs = await runPool(pending, options.jobs, options.onProgress);
  return prepared.map((p, t) => {
    const byPolicy = options.policies.map((_, i) => {
      const entry = pending.find((x) => x.trace === t && x.policy === i);
      return entry === undefined
        ? null
        : (runs.get(entry.job.id) ?? { error: 'the worker returned nothing' });
    });
    return scoreTrace(p, options.policies, byPolicy);
  });
}
