/**
 * A trace from a Prometheus range query (`/api/v1/query_range`).
 *
 * The query must return a request rate in req/s (e.g. `sum(rate(http_requests_total[1m]))`);
 * several series are summed per instant, as the HPA sums an External metric's series. The point
 * at t becomes the row `(t, rate × step)`: the count of requests in `[t, t + step)`, so the
 * demand model treats it exactly like a CSV row with interval `step`. Instants without a value
 * are gaps (bridged linearly, as in CSV traces); NaN or infinite values are errors.
 *
 * @module
 */
import { type Trace, TraceError, buildTrace } from './trace.js';

export interface PrometheusQuery {
  /** Base URL, e.g. http://127.0.0.1:9090 */
  readonly url: string;
  readonly query: string;
  /** RFC 3339 or Unix seconds, passed to Prometheus as given. */
  readonly start: string;
  readonly end: string;
  readonly stepSeconds: number;
  readonly timeoutMs?: number;
  /** Name for messages and reports; defaults to the query. */
  readonly name?: string;
}

interface RangeResponse {
  readonly status?: string;
  readonly error?: string;
  readonly data?: {
    readonly resultType?: string;
    readonly result?: readonly { readonly values?: readonly (readonly [number, string])[] }[];
  };
}

function rangeUrl(q: PrometheusQuery): string {
  const url = new URL('api/v1/query_range', q.url.endsWith('/') ? q.url : `${q.url}/`);
  url.searchParams.set('query', q.query);
  url.searchParams.set('start', q.start);
  url.searchParams.set('end', q.end);
  url.searchParams.set('step', `${q.stepSeconds}s`);
  return url.toString();
}

async function fetchRange(q: PrometheusQuery): Promise<RangeResponse> {
  const url = rangeUrl(q);
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(q.timeoutMs ?? 30_000) });
  } catch (error) {
    throw new TraceError(`querying Prometheus at ${q.url}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const body = (await response.json().catch(() => ({}))) as RangeResponse;
  if (!response.ok || body.status !== 'success') {
    const why = body.error ?? `HTTP ${response.status}`;
    throw new TraceError(`querying Prometheus at ${q.url} for ${JSON.stringify(q.query)}: ${why}`);
  }
  return body;
}

function sampleValue(raw: string, t: number, q: PrometheusQuery): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new TraceError(
      `Prometheus query ${JSON.stringify(q.query)} at ${new Date(t * 1000).toISOString()}: value = ${raw}, must be a finite rate ≥ 0`,
    );
  }
  return value;
}

/** Sums the series per instant (epoch seconds → req/s). */
function sumSeries(body: RangeResponse, q: PrometheusQuery): Map<number, number> {
  if (body.data?.resultType !== 'matrix') {
    throw new TraceError(
      `Prometheus query ${JSON.stringify(q.query)}: resultType = ${String(body.data?.resultType)}, must be matrix`,
    );
  }
  const sums = new Map<number, number>();
  for (const series of body.data.result ?? []) {
    for (const [t, raw] of series.values ?? []) {
      sums.set(t, (sums.get(t) ?? 0) + sampleValue(raw, t, q));
    }
  }
  return sums;
}

/** Runs the range query and turns its rate into a trace of counts per step. */
export async function fetchPrometheusTrace(q: PrometheusQuery): Promise<Trace> {
  const sums = sumSeries(await fetchRange(q), q);
  const name = q.name ?? q.query;
  if (sums.size === 0) {
    throw new TraceError(
      `Prometheus query ${JSON.stringify(q.query)} returned no samples between ${q.start} and ${q.end}`,
    );
  }
  const instants = [...sums.keys()].sort((a, b) => a - b);
  const origin = instants[0] as number;
  return buildTrace({
    name,
    times: instants.map((t) => t - origin),
    values: instants.map((t) => (sums.get(t) as number) * q.stepSeconds),
    lines: instants.map((_, i) => i + 1),
    startEpochMs: origin * 1000,
    intervalSeconds: q.stepSeconds,
  });
}
