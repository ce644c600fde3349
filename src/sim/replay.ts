/**
 * The replay loop: at each step a controller asks for a replica count, the cluster starts or
 * removes replicas, supply is measured, and the metric pipeline scrapes.
 *
 * Rules (DESIGN.md, "The simulator"):
 * - a replica asked for at t is ready at t + startupSeconds and paid for from t;
 * - removal is immediate, youngest first (so starting replicas go before ready ones);
 * - supply is measured after the decision at t;
 * - every `scrapeSeconds` the pipeline records utilization u = λ / (ready × capacity) (not capped
 *   at 1; no sample while nothing is ready) and the request rate λ; the value visible at t is the
 *   mean of the scrapes taken in (t − lag − window, t − lag]; nothing is visible at t = 0.
 *   With the defaults (15 s scrapes, 60 s window, 15 s lag) that is the 4 scrapes at t − 15 s …
 *   t − 60 s.
 * - each controller starts with its initial replicas ready and no metric history.
 *
 * @module
 */
import type { ServiceModel } from './demand.js';
import type { SimParams } from './params.js';

/** The replicas the cluster holds, oldest first. Times in epoch ms. */
export interface ClusterView {
  /** Stable serial number of each replica (names pods in observations). */
  readonly ids: readonly number[];
  readonly startMs: readonly number[];
  readonly readyAtMs: readonly number[];
  /** How many of the oldest replicas are ready now. */
  readonly ready: number;
}

/** What the metric pipeline shows at one instant; null when no scrape is visible. */
export interface VisibleMetrics {
  /** Mean per-replica utilization (1 = 100 % of capacity) over the visible scrapes. */
  readonly utilization: number | null;
  /** Mean request rate (req/s) over the visible scrapes. */
  readonly requestRate: number | null;
  /** Epoch ms of the newest visible scrape. */
  readonly timestampMs: number;
  readonly windowSeconds: number;
}

export interface StepContext {
  readonly step: number;
  readonly nowMs: number;
  readonly cluster: ClusterView;
  readonly metrics: VisibleMetrics;
}

/** Anything that asks for a replica count each step: a policy through `decide`, or the oracle. */
export interface Controller {
  readonly initialReplicas: number;
  ask(context: StepContext): number;
  /** After a replay: why its record should not be scored (null or absent = fine). */
  problem?(): string | null;
  /**
   * After a replay: 1 at each step where prediction set the proposal, 0 elsewhere; null or absent
   * for a controller without prediction.
   */
  predicted?(): Uint8Array | null;
  /** After a replay: the reason that set each step's count (null or absent: none recorded). */
  reasons?(): StepReasons | null;
}

/**
 * Per step, the code of the reason that set the count (`codes[index[k]]`): the last step of the
 * decision's chain that changed the count, or its proposal when none did. For the report's
 * tooltips; a code, not a message, to keep a month of steps small.
 */
export interface StepReasons {
  readonly codes: readonly string[];
  readonly index: Uint8Array;
}

export interface ReplayRecord {
  /** Ready replicas after the decision at each step (the supply s). */
  readonly supply: Int32Array;
  /** Replicas paid for after the decision (starting ones included). */
  readonly allocated: Int32Array;
  /** The count asked for at each step. */
  readonly asked: Int32Array;
  readonly initialReplicas: number;
}

export interface ReplayOptions {
  readonly model: ServiceModel;
  readonly params: SimParams;
  readonly controller: Controller;
  /** Epoch ms of step 0. */
  readonly startMs: number;
  /** Called with the number of steps done, every few thousand steps. */
  readonly onProgress?: (steps: number) => void;
}

const PROGRESS_EVERY = 8192;

class Cluster implements ClusterView {
  readonly ids: number[] = [];
  readonly startMs: number[] = [];
  readonly readyAtMs: number[] = [];
  ready = 0;
  #nextId = 0;

  add(count: number, startMs: number, readyAtMs: number): void {
    for (let i = 0; i < count; i++) {
      this.ids.push(this.#nextId++);
      this.startMs.push(startMs);
      this.readyAtMs.push(readyAtMs);
    }
  }

  /** Keeps the oldest `count` replicas. */
  truncate(count: number): void {
    this.ids.length = count;
    this.startMs.length = count;
    this.readyAtMs.length = count;
    if (this.ready > count) this.ready = count;
  }

  /** Advances the ready count to `nowMs` (replicas become ready in start order). */
  refresh(nowMs: number): void {
    while (this.ready < this.ids.length && (this.readyAtMs[this.ready] as number) <= nowMs) {
      this.ready++;
    }
  }
}

/** The metric pipeline: scrapes by step index, means over the visible window. */
class Pipeline {
  readonly #util: Float64Array;
  readonly #rate: Float64Array;
  readonly #scrapeEvery: number;
  readonly #lag: number;
  readonly #window: number;
  readonly #stepMs: number;
  readonly #windowSeconds: number;

  constructor(steps: number, params: SimParams) {
    this.#util = new Float64Array(steps).fill(NaN);
    this.#rate = new Float64Array(steps).fill(NaN);
    this.#scrapeEvery = Math.round(params.scrapeSeconds / params.stepSeconds);
    this.#lag = Math.round(params.metricLagSeconds / params.stepSeconds);
    // Steps j with t_j in (t − lag − window, t − lag]: window / step of them, at least one.
    this.#window = Math.max(1, Math.ceil(params.metricWindowSeconds / params.stepSeconds - 1e-9));
    this.#stepMs = params.stepSeconds * 1000;
    this.#windowSeconds = params.metricWindowSeconds;
  }

  scrape(step: number, utilization: number, rate: number): void {
    if (step % this.#scrapeEvery !== 0) return;
    this.#util[step] = utilization;
    this.#rate[step] = rate;
  }

  visible(step: number, startMs: number): VisibleMetrics {
    const newest = step - this.#lag;
    let uSum = 0;
    let uCount = 0;
    let rSum = 0;
    let rCount = 0;
    let newestSeen = -1;
    for (let j = newest; j > newest - this.#window && j >= 0; j--) {
      const r = this.#rate[j] as number;
      if (Number.isNaN(r)) continue;
      if (newestSeen < 0) newestSeen = j;
      rSum += r;
      rCount++;
      const u = this.#util[j] as number;
      if (!Number.isNaN(u)) {
        uSum += u;
        uCount++;
      }
    }
    return {
      utilization: uCount > 0 ? uSum / uCount : null,
      requestRate: rCount > 0 ? rSum / rCount : null,
      timestampMs: startMs + Math.max(newestSeen, 0) * this.#stepMs,
      windowSeconds: this.#windowSeconds,
    };
  }
}

/** Replays one controller over a service model and records supply, allocation and asks. */
export function replay(options: ReplayOptions): ReplayRecord {
  const { model, params, controller, startMs } = options;
  const n = model.steps;
  const stepMs = params.stepSeconds * 1000;
  const startupMs = params.startupSeconds * 1000;
  const record: ReplayRecord = {
    supply: new Int32Array(n),
    allocated: new Int32Array(n),
    asked: new Int32Array(n),
    initialReplicas: controller.initialReplicas,
  };
  const cluster = new Cluster();
  // Initial replicas are ready from well before the first step (no CPU initialization period).
  const longAgo = startMs - 86_400_000;
  cluster.add(controller.initialReplicas, longAgo, longAgo + startupMs);
  const pipeline = new Pipeline(n, params);
  for (let k = 0; k < n; k++) {
    const nowMs = startMs + k * stepMs;
    cluster.refresh(nowMs);
    const metrics = pipeline.visible(k, startMs);
    const asked = Math.max(0, Math.floor(controller.ask({ step: k, nowMs, cluster, metrics })));
    const held = cluster.ids.length;
    if (asked > held) cluster.add(asked - held, nowMs, nowMs + startupMs);
    else if (asked < held) cluster.truncate(asked);
    cluster.refresh(nowMs);
    const lambda = model.demand[k] as number;
    record.supply[k] = cluster.ready;
    record.allocated[k] = cluster.ids.length;
    record.asked[k] = asked;
    pipeline.scrape(k, cluster.ready > 0 ? lambda / (cluster.ready * model.capacity) : NaN, lambda);
    if ((k + 1) % PROGRESS_EVERY === 0) options.onProgress?.(k + 1);
  }
  return record;
}
