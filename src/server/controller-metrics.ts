/**
 * The controller's own metrics, beside the per-scaler ones (metrics.ts), on the same registry:
 *
 * | metric | type | labels | meaning |
 * |---|---|---|---|
 * | `tide_controller_api_requests_total` | counter | verb, resource, code | the controller's requests to the API server outside its watches: verb (GET, PATCH, ...), resource with subresource (`deployments/scale`, `elasticscalers/status`), HTTP status (0: no answer) |
 * | `tide_controller_reconcile_duration_seconds` | histogram | | one scaler's reconcile: read the target, tick, apply, publish |
 * | `tide_controller_reconcile_delay_seconds` | histogram | | how late a periodic reconcile started after it was due (queueing behind the workers and the API rate limit) |
 *
 * Label values are bounded: no scaler, namespace or object name.
 *
 * @module
 */
import { Counter, Histogram, type Registry } from 'prom-client';

export class ControllerMetrics {
  readonly #requests: Counter<'verb' | 'resource' | 'code'>;
  readonly #duration: Histogram;
  readonly #delay: Histogram;

  constructor(registry: Registry) {
    const registers = [registry];
    this.#requests = new Counter({
      name: 'tide_controller_api_requests_total',
      help: "The controller's API requests outside its watches, by verb, resource and HTTP status (0: no answer)",
      labelNames: ['verb', 'resource', 'code'],
      registers,
    });
    this.#duration = new Histogram({
      name: 'tide_controller_reconcile_duration_seconds',
      help: "One scaler's reconcile: read the target, tick, apply, publish",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.#delay = new Histogram({
      name: 'tide_controller_reconcile_delay_seconds',
      help: 'How late a periodic reconcile started after it was due',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
  }

  apiRequest(r: {
    readonly verb: string;
    readonly resource: string;
    readonly status: number;
  }): void {
    this.#requests.inc({ verb: r.verb, resource: r.resource, code: String(r.status) });
  }

  /** One reconcile that ran: how long it took, and how late it started (null: not periodic). */
  reconciled(r: { readonly durationMs: number; readonly lateMs: number | null }): void {
    this.#duration.observe(r.durationMs / 1000);
    if (r.lateMs !== null) this.#delay.observe(Math.max(0, r.lateMs) / 1000);
  }
}
