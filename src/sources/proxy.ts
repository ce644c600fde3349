/**
 * `proxy`: what the process target's reverse proxy measured, as Knative's queue-proxy feeds the
 * KPA: requests in flight per replica (concurrency, time-averaged), request rate, or mean latency,
 * over the time since the previous read. No Prometheus needed; `policy: kpa` reads `metric:
 * concurrency` or `rps` as Knative does, and the HPA math reads every metric.
 *
 *   - {name: inflight, type: proxy, metric: concurrency, target: {type: AverageValue, value: 10}}
 *
 * A reading holds the total (`valuesMilli`, what External metrics and the KPA use: in-flight
 * requests of every replica plus those waiting for a ready one; requests per second the proxy
 * received; mean latency in ms of the requests answered) and each ready replica's own value
 * (`podSamples`, for `metricType: Pods`). Counters only grow: a read takes differences from the
 * previous read (the first, from when the proxy started counting for each replica), so any sync
 * period works and no reading is lost between ticks.
 *
 * The proxy's counters come in through `deps.proxyStats` (the local runner wires the process
 * target's), so sources never import targets.
 *
 * @module
 */
import { z } from 'zod';
import type { PodSample } from '../core/model.js';
import { SourceError, type Reading, type Source, type SourceDeps } from './source.js';

export const proxySchema = z
  .object({
    /** `concurrency`: requests in flight; `rps`: requests per second; `latency`: mean ms. */
    metric: z.enum(['concurrency', 'rps', 'latency']).default('concurrency'),
  })
  .strict();
export type ProxyConfig = z.output<typeof proxySchema>;

/** One replica's growing counters, as the proxy reports them. */
export interface ProxyReplicaCounters {
  readonly name: string;
  /** Takes new requests now. */
  readonly ready: boolean;
  /** Epoch ms when the proxy started counting for this replica. */
  readonly since: number;
  readonly requestsTotal: number;
  /** ∫ requests in flight dt, in request·ms. */
  readonly concurrencyMsTotal: number;
  /** Sum of answered requests' latencies, ms. */
  readonly latencyMsTotal: number;
}

/** The proxy's counters at `timestamp` (epoch ms): what this source needs of them. */
export interface ProxyCounters {
  readonly timestamp: number;
  readonly since: number;
  readonly requestsTotal: number;
  /** ∫ requests waiting for a ready replica dt, in request·ms. */
  readonly waitingMsTotal: number;
  readonly replicas: readonly ProxyReplicaCounters[];
}

export interface ProxyDeps extends SourceDeps {
  /** The process target's proxy counters; absent when there is no running process target. */
  readonly proxyStats?: (() => ProxyCounters) | undefined;
  /**
   * The engine's instant for a real one (epoch ms): identity unless the engine's clock runs faster
   * than real time (`tide run --time-scale`). Readings are stamped, and windows measured, in the
   * engine's time; rates stay per real second (the proxy counts real requests).
   */
  readonly engineTime?: ((realMs: number) => number) | undefined;
}

/** One replica's rates over [from, to]. */
interface ReplicaRates {
  readonly name: string;
  readonly ready: boolean;
  readonly windowMs: number;
  readonly concurrency: number;
  readonly rps: number;
  readonly requests: number;
  readonly latencyMs: number;
}

const zero = { requestsTotal: 0, concurrencyMsTotal: 0, latencyMsTotal: 0 };

function replicaRates(
  now: ProxyCounters,
  r: ProxyReplicaCounters,
  before: { readonly timestamp: number; readonly counters: ProxyReplicaCounters } | undefined,
): ReplicaRates {
  // A replica counted anew (removed and added again) starts from its own `since`.
  const same = before !== undefined && before.counters.since === r.since;
  const from = same ? before.timestamp : r.since;
  const base = same ? before.counters : zero;
  const windowMs = Math.max(1, now.timestamp - from);
  const requests = r.requestsTotal - base.requestsTotal;
  return {
    name: r.name,
    ready: r.ready,
    windowMs,
    concurrency: (r.concurrencyMsTotal - base.concurrencyMsTotal) / windowMs,
    rps: (requests * 1000) / windowMs,
    requests,
    latencyMs: r.latencyMsTotal - base.latencyMsTotal,
  };
}

const meanLatency = (rates: readonly ReplicaRates[]): number => {
  const requests = rates.reduce((s, r) => s + r.requests, 0);
  return requests === 0 ? 0 : rates.reduce((s, r) => s + r.latencyMs, 0) / requests;
};

/** The metric's revision total from the replicas' rates and the proxy's own counters. */
function total(
  metric: ProxyConfig['metric'],
  rates: readonly ReplicaRates[],
  proxy: { readonly requests: number; readonly waitingMs: number; readonly windowMs: number },
): number {
  if (metric === 'latency') return meanLatency(rates);
  if (metric === 'rps') return (proxy.requests * 1000) / proxy.windowMs;
  return rates.reduce((s, r) => s + r.concurrency, 0) + proxy.waitingMs / proxy.windowMs;
}

function perReplica(metric: ProxyConfig['metric'], r: ReplicaRates): number {
  if (metric === 'latency') return r.requests === 0 ? 0 : r.latencyMs / r.requests;
  return metric === 'rps' ? r.rps : r.concurrency;
}

export function createProxySource(config: ProxyConfig, deps: ProxyDeps): Source {
  let previous: ProxyCounters | null = null;
  return {
    read: () => {
      const stats = deps.proxyStats?.();
      if (stats === undefined) {
        return Promise.reject(
          new SourceError(
            'Config',
            "the proxy source reads the process target's proxy: it needs target: {process: {...}} and tide run without --dry-run",
          ),
        );
      }
      const before = new Map(
        (previous?.replicas ?? []).map((c) => [
          c.name,
          { timestamp: previous?.timestamp ?? 0, counters: c },
        ]),
      );
      const from = previous ?? { timestamp: stats.since, requestsTotal: 0, waitingMsTotal: 0 };
      previous = stats;
      const rates = stats.replicas.map((r) => replicaRates(stats, r, before.get(r.name)));
      const proxy = {
        requests: stats.requestsTotal - from.requestsTotal,
        waitingMs: stats.waitingMsTotal - from.waitingMsTotal,
        windowMs: Math.max(1, stats.timestamp - from.timestamp),
      };
      const engineTime = deps.engineTime ?? ((ms: number): number => ms);
      const timestamp = engineTime(stats.timestamp);
      const podSamples: PodSample[] = rates
        .filter((r) => r.ready)
        .map((r) => ({
          pod: r.name,
          timestamp,
          windowSeconds: (timestamp - engineTime(stats.timestamp - r.windowMs)) / 1000,
          valueMilli: Math.round(perReplica(config.metric, r) * 1000),
        }));
      const reading: Reading = {
        timestamp,
        valuesMilli: [Math.round(total(config.metric, rates, proxy) * 1000)],
        podSamples,
      };
      return Promise.resolve(reading);
    },
    close: () => Promise.resolve(),
  };
}

/**
 * The request rate and mean latency since the previous call, for the dashboard beside replicas
 * (the same differences the source takes, over every replica whatever the trigger's metric). The
 * first call measures from when the proxy started counting. Latency is null when no request was
 * answered; a replica counted anew (removed and added again) counts from its own `since`.
 *
 *   1 200 requests over 10 000 ms → 120 req/s; 30 000 ms of latency over them → 25 ms.
 */
export function proxyTraffic(
  read: () => ProxyCounters,
): () => { readonly rps: number; readonly latencyMs: number | null } {
  let before: ProxyCounters | null = null;
  return () => {
    const now = read();
    const from = before?.timestamp ?? now.since;
    const requests = now.requestsTotal - (before?.requestsTotal ?? 0);
    const { answered, latencyMs } = answeredSince(now, before);
    before = now;
    return {
      rps: (Math.max(0, requests) * 1000) / Math.max(1, now.timestamp - from),
      latencyMs: answered > 0 ? latencyMs / answered : null,
    };
  };
}

/** Requests answered and their summed latency between two reads of the counters. */
function answeredSince(
  now: ProxyCounters,
  before: ProxyCounters | null,
): { answered: number; latencyMs: number } {
  const previous = new Map((before?.replicas ?? []).map((r) => [r.name, r]));
  let answered = 0;
  let latencyMs = 0;
  for (const r of now.replicas) {
    const base = previous.get(r.name);
    const same = base !== undefined && base.since === r.since;
    answered += r.requestsTotal - (same ? base.requestsTotal : 0);
    latencyMs += r.latencyMsTotal - (same ? base.latencyMsTotal : 0);
  }
  return { answered, latencyMs };
}
