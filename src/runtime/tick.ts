/**
 * One tick of a scaler: read every trigger (bounded concurrency, each read under a timeout) →
 * build the Observation → `decide` → return the decision. A failed read reaches the engine as a
 * failed reading (`status: 'error'`), never as zero, so the engine's fallback and "bad data never
 * shrinks a service" rules apply.
 *
 * @module
 */
import { decide } from '../core/decide.js';
import type {
  Decision,
  MetricReading,
  Observation,
  PodInfo,
  ScalerSpec,
  ScalerState,
} from '../core/model.js';
import { isSourceError, type Reading, type Source } from '../sources/source.js';
import type { Clock } from './clock.js';

export interface TickInput {
  readonly spec: ScalerSpec;
  /** Sources by trigger name; triggers the engine evaluates itself (cron) have none. */
  readonly sources: ReadonlyMap<string, Source>;
  readonly state: ScalerState;
  readonly currentReplicas: number;
  /** Pods of the target when a runtime knows them; otherwise those the sources return. */
  readonly pods?: readonly PodInfo[];
  readonly clock: Clock;
  readonly readConcurrency: number;
  readonly readTimeoutMs: number;
  readonly signal: AbortSignal;
}

export interface TickResult {
  readonly now: number;
  readonly observation: Observation;
  readonly decision: Decision;
}

/** Runs `work` over `items` with at most `limit` in flight; results keep the items' order. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A read's outcome as the engine's MetricReading; every failure becomes `status: 'error'`. */
export function toMetricReading(
  outcome: { ok: true; reading: Reading } | { ok: false; error: unknown },
): MetricReading {
  if (outcome.ok) {
    const r = outcome.reading;
    return {
      status: 'ok',
      timestamp: r.timestamp,
      ...(r.valuesMilli === undefined ? {} : { valuesMilli: r.valuesMilli }),
      ...(r.activationValueMilli === undefined
        ? {}
        : { activationValueMilli: r.activationValueMilli }),
      ...(r.podSamples === undefined ? {} : { podSamples: r.podSamples }),
    };
  }
  const e = outcome.error;
  if (isSourceError(e)) {
    return { status: 'error', error: { code: e.code, message: e.message, retryable: e.retryable } };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { status: 'error', error: { code: 'Internal', message, retryable: true } };
}

/** Reads one source under the tick's own deadline (a source that ignores its timeout). */
async function readBounded(
  source: Source,
  options: { readonly timeoutMs: number; readonly signal: AbortSignal; readonly name: string },
): Promise<{ ok: true; reading: Reading } | { ok: false; error: unknown }> {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  options.signal.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`trigger "${options.name}": no reading within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
  });
  try {
    return { ok: true, reading: await Promise.race([source.read(controller.signal), deadline]) };
  } catch (error) {
    return { ok: false, error };
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', onAbort);
  }
}

function podsOf(readings: readonly (Reading | null)[]): PodInfo[] {
  const byName = new Map<string, PodInfo>();
  for (const r of readings) for (const pod of r?.pods ?? []) byName.set(pod.name, pod);
  return [...byName.values()];
}

export async function tick(input: TickInput): Promise<TickResult> {
  const triggers = input.spec.triggers.filter((t) => input.sources.has(t.name));
  const outcomes = await mapConcurrent(triggers, input.readConcurrency, (t) =>
    readBounded(input.sources.get(t.name) as Source, {
      timeoutMs: input.readTimeoutMs,
      signal: input.signal,
      name: t.name,
    }),
  );
  const metrics: Record<string, MetricReading> = {};
  triggers.forEach((t, i) => {
    metrics[t.name] = toMetricReading(outcomes[i] ?? { ok: false, error: new Error('no read') });
  });
  const observation: Observation = {
    currentReplicas: input.currentReplicas,
    pods: input.pods ?? podsOf(outcomes.map((o) => (o.ok ? o.reading : null))),
    metrics,
  };
  const now = input.clock.now();
  return { now, observation, decision: decide(input.spec, observation, input.state, now) };
}
