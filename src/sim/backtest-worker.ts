/**
 * A worker thread for `backtestParallel`: replays one (trace, policy) job at a time through the
 * engine's `decide` and posts the record back (its arrays transferred, not copied), with where
 * prediction set the count.
 *
 * @module
 */
import { parentPort } from 'node:worker_threads';
import { decide } from '../core/decide.js';
import { type PolicyRun, replayPolicy } from './backtest.js';
import { serviceModel } from './demand.js';
import type { WorkerJob, WorkerMessage } from './parallel.js';

const port = parentPort;
if (port === null) throw new Error('backtest-worker must run in a worker thread');

port.on('message', (job: WorkerJob) => {
  let run: PolicyRun;
  try {
    const model = serviceModel(job.trace, job.params);
    run = replayPolicy({
      prepared: { model, params: job.params, startMs: job.startMs },
      choice: job.choice,
      decide,
      onProgress: (steps) =>
        port.postMessage({ id: job.id, type: 'progress', steps } satisfies WorkerMessage),
    });
  } catch (error) {
    run = { error: `backtesting ${job.choice.name}: ${(error as Error).message}` };
  }
  const message: WorkerMessage = { id: job.id, type: 'done', run };
  const transfer =
    'record' in run
      ? [
          run.record.supply.buffer,
          run.record.allocated.buffer,
          run.record.asked.buffer,
          ...(run.predicted === null ? [] : [run.predicted.buffer]),
          ...(run.reasons === null ? [] : [run.reasons.index.buffer]),
        ]
      : [];
  port.postMessage(message, transfer as ArrayBuffer[]);
});
