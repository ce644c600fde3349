/**
 * Tide's own Prometheus metrics (names `tide_<noun>_<unit>`), one label set per scaler. Each tick
 * of a runtime records its decision here; `/metrics` (http.ts) serves the registry.
 *
 * | metric | type | labels | meaning |
 * |---|---|---|---|
 * | `tide_desired_replicas` | gauge | scaler | the count the engine decided |
 * | `tide_current_replicas` | gauge | scaler | the target's count the engine decided from |
 * | `tide_predicted_replicas` | gauge | scaler | what prediction asked for (mode on) or would have asked for (mode forecastOnly); absent while the reactive proposal stands |
 * | `tide_condition` | gauge | scaler, condition, status | 1 for the condition's current status (true, false, unknown), 0 for the other two (kube-state-metrics' form) |
 * | `tide_trigger_value` | gauge | scaler, trigger | the value the trigger's proposal came from (utilization %, or the average or total in its units); absent while it fails |
 * | `tide_trigger_replicas` | gauge | scaler, trigger | the trigger's proposal; absent while it fails |
 * | `tide_trigger_errors_total` | counter | scaler, trigger, code | failed reads by error code |
 * | `tide_decisions_total` | counter | scaler, result | decisions: `rescale`, `unchanged` or `invalid` (the engine held the count) |
 * | `tide_tick_duration_seconds` | histogram | scaler | one tick: read every trigger, decide |
 * | `tide_last_decision_timestamp_seconds` | gauge | scaler | when the last decision was made |
 *
 * Plus Node's process metrics (`process_*`, `nodejs_*`) unless turned off. Labels carry names
 * only (scaler, trigger, condition, error code): never a source's address, query or credential.
 *
 * @module
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Decision } from '../core/model.js';

/** One tick as a runtime reports it. */
export interface TickRecord {
  readonly scaler: string;
  readonly decision: Decision;
  readonly currentReplicas: number;
  /** Epoch ms of the decision. */
  readonly now: number;
  readonly durationSeconds: number;
}

const STATUSES = ['true', 'false', 'unknown'] as const;

export class TideMetrics {
  readonly registry = new Registry();
  readonly #desired: Gauge<'scaler'>;
  readonly #current: Gauge<'scaler'>;
  readonly #predicted: Gauge<'scaler'>;
  readonly #condition: Gauge<'scaler' | 'condition' | 'status'>;
  readonly #triggerValue: Gauge<'scaler' | 'trigger'>;
  readonly #triggerReplicas: Gauge<'scaler' | 'trigger'>;
  readonly #triggerErrors: Counter<'scaler' | 'trigger' | 'code'>;
  readonly #decisions: Counter<'scaler' | 'result'>;
  readonly #tick: Histogram<'scaler'>;
  readonly #last: Gauge<'scaler'>;
  readonly #leader: Gauge<'identity'>;

  constructor(options: { readonly processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    const gauge = <L extends string>(name: string, help: string, labels: readonly L[]): Gauge<L> =>
      new Gauge({ name, help, labelNames: labels, registers });
    this.#desired = gauge('tide_desired_replicas', 'Replicas the engine decided', ['scaler']);
    this.#current = gauge(
      'tide_current_replicas',
      "The target's replicas the engine decided from",
      ['scaler'],
    );
    this.#predicted = gauge(
      'tide_predicted_replicas',
      'Replicas prediction asked for (mode on) or would have asked for (mode forecastOnly)',
      ['scaler'],
    );
    this.#condition = gauge(
      'tide_condition',
      "1 for the condition's current status, 0 for the others",
      ['scaler', 'condition', 'status'],
    );
    this.#triggerValue = gauge(
      'tide_trigger_value',
      "The value a trigger's proposal came from, in its target's units",
      ['scaler', 'trigger'],
    );
    this.#triggerReplicas = gauge('tide_trigger_replicas', "A trigger's proposal", [
      'scaler',
      'trigger',
    ]);
    this.#triggerErrors = new Counter({
      name: 'tide_trigger_errors_total',
      help: 'Failed trigger reads, by error code',
      labelNames: ['scaler', 'trigger', 'code'],
      registers,
    });
    this.#decisions = new Counter({
      name: 'tide_decisions_total',
      help: 'Decisions made: rescale, unchanged, or invalid (the count was held)',
      labelNames: ['scaler', 'result'],
      registers,
    });
    this.#tick = new Histogram({
      name: 'tide_tick_duration_seconds',
      help: 'One tick: read every trigger and decide',
      labelNames: ['scaler'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.#last = gauge(
      'tide_last_decision_timestamp_seconds',
      'When the last decision was made (Unix seconds)',
      ['scaler'],
    );
    this.#leader = gauge(
      'tide_controller_leader',
      '1 while this controller replica holds the leader-election Lease and acts, else 0',
      ['identity'],
    );
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Records one tick's decision. */
  /** The controller's leader state: 1 while this replica holds the Lease. */
  setLeader(identity: string, leading: boolean): void {
    this.#leader.set({ identity }, leading ? 1 : 0);
  }

  /** A scaler that is gone: its series go too. */
  forget(scaler: string): void {
    for (const g of [this.#desired, this.#current, this.#predicted, this.#last])
      g.remove({ scaler });
  }

  record(tick: TickRecord): void {
    const { scaler, decision } = tick;
    this.#desired.set({ scaler }, decision.desiredReplicas);
    this.#current.set({ scaler }, tick.currentReplicas);
    if (decision.predictedReplicas === undefined) this.#predicted.remove({ scaler });
    else this.#predicted.set({ scaler }, decision.predictedReplicas);
    for (const c of decision.conditions) {
      const now = c.status.toLowerCase();
      for (const status of STATUSES) {
        this.#condition.set({ scaler, condition: c.type, status }, status === now ? 1 : 0);
      }
    }
    this.#recordTriggers(scaler, decision);
    const result = !decision.valid
      ? 'invalid'
      : decision.desiredReplicas === tick.currentReplicas
        ? 'unchanged'
        : 'rescale';
    this.#decisions.inc({ scaler, result });
    this.#tick.observe({ scaler }, tick.durationSeconds);
    this.#last.set({ scaler }, tick.now / 1000);
  }

  #recordTriggers(scaler: string, decision: Decision): void {
    for (const t of decision.triggers) {
      const labels = { scaler, trigger: t.name };
      if (t.error !== null) this.#triggerErrors.inc({ ...labels, code: t.error.code });
      if (t.replicas === null || t.value === null || !Number.isFinite(t.value)) {
        this.#triggerValue.remove(labels);
        this.#triggerReplicas.remove(labels);
        continue;
      }
      this.#triggerValue.set(labels, t.value);
      this.#triggerReplicas.set(labels, t.replicas);
    }
  }

  /** The exposition text and its content type. */
  async expose(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
