/**
 * `prometheus`: one instant PromQL query (`GET /api/v1/query`). A scalar is used as is; an
 * instant vector is reduced to one number by `reduce` (sum, max, min, avg, first; `single` refuses
 * a vector of more than one series, as KEDA's prometheus scaler does). An empty
 * vector is an error (`NoData`), never zero: a missing series must not shrink a service.
 *
 * `history` runs the same query over a range (`GET /api/v1/query_range`) and reduces the series
 * per instant with the same `reduce`, so a restarted scaler can seed its forecaster.
 *
 * @module
 */
import { z } from 'zod';
import { HttpClient, authHeaders, getJson } from './http-client.js';
import {
  SourceError,
  commonSourceKeys,
  fromSecrets,
  plainOrSecretSchema,
  resolvePlainOrSecret,
  resolveSecret,
  secretRefSchema,
  toMilli,
  withTimeout,
  type HistoryRange,
  type HistorySample,
  type Reading,
  type Source,
  type SourceDeps,
} from './source.js';

/** `single`: exactly one series, more is a `BadQuery` (KEDA's prometheus scaler; `tide import`). */
export const reducers = ['sum', 'max', 'min', 'avg', 'first', 'single'] as const;
export type Reducer = (typeof reducers)[number];

const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'must be an http:// or https:// URL');

export const prometheusSchema = z
  .object({
    /** Base URL of the server, e.g. `http://prometheus:9090`. */
    serverAddress: httpUrl,
    query: z.string().min(1),
    /** How an instant vector with several series becomes one number. */
    reduce: z.enum(reducers).default('sum'),
    /** Optional credentials: a bearer token, or basic auth with a password reference. */
    bearerToken: secretRefSchema.optional(),
    username: plainOrSecretSchema.optional(),
    password: secretRefSchema.optional(),
    /** Extra request headers (not secrets: use bearerToken / password for those). */
    headers: z.record(z.string(), z.string()).optional(),
    ...commonSourceKeys,
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.password !== undefined && c.username === undefined) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'password requires username' });
    }
    if (c.bearerToken !== undefined && c.username !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['bearerToken'],
        message: 'bearerToken and username are exclusive: use one kind of credentials',
      });
    }
  });
export type PrometheusConfig = z.output<typeof prometheusSchema>;

type Sample = readonly [number, string];

const sampleSchema = z.tuple([z.number(), z.string()]);
const responseSchema = z.discriminatedUnion('resultType', [
  z.object({ resultType: z.literal('scalar'), result: sampleSchema }),
  z.object({
    resultType: z.literal('vector'),
    result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: sampleSchema })),
  }),
  z.object({ resultType: z.literal('matrix'), result: z.array(z.unknown()) }),
  z.object({ resultType: z.literal('string'), result: z.unknown() }),
]);

/** Reduces the values of an instant vector (in milli-units) to one. */
export function reduceValues(values: readonly number[], reduce: Reducer): number {
  const first = values[0];
  if (first === undefined) throw new Error('reduceValues needs at least one value');
  switch (reduce) {
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'max':
      return Math.max(...values);
    case 'min':
      return Math.min(...values);
    case 'avg':
      return Math.round(values.reduce((a, b) => a + b, 0) / values.length);
    case 'first':
      return first;
    case 'single':
      if (values.length > 1) throw new Error('reduce single: more than one value');
      return first;
  }
}

/** `single` allows one series; the decoders check it first, to say so with the query. */
function checkSingle(count: number, reduce: Reducer, doing: string): void {
  if (reduce === 'single' && count > 1) {
    throw new SourceError(
      'BadQuery',
      `${doing}: returned ${count} series; reduce single (KEDA's prometheus scaler) needs exactly one: aggregate them in the query`,
    );
  }
}

/** The `data` of a `status: success` response; anything else is a `BadValue`. */
function successData(body: unknown, doing: string): z.infer<typeof responseSchema> {
  const envelope = z.object({ status: z.literal('success'), data: responseSchema }).safeParse(body);
  if (!envelope.success) {
    throw new SourceError('BadValue', `${doing}: unexpected response shape`);
  }
  return envelope.data.data;
}

const seriesSchema = z.array(
  z.object({ metric: z.record(z.string(), z.string()), values: z.array(sampleSchema) }),
);

/** A sample's value in milli-units, or null when it is no history (NaN, ±Inf, negative). */
function historyMilli(value: string): number | null {
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? Math.round(n * 1000) : null;
}

/**
 * Decodes a range query's response into one value per instant, oldest first, in the metric's
 * units: the series are reduced per instant by `reduce` (in milli-units, as `read` does, so a
 * point equals what `read` would have reported then). NaN, ±Inf and negative values are skipped;
 * an instant left with no value is left out. An empty matrix is `[]`; any other result type is a
 * `BadQuery`.
 */
export function decodePrometheusRange(
  body: unknown,
  options: { readonly query: string; readonly reduce: Reducer },
): HistorySample[] {
  const doing = `prometheus range query ${JSON.stringify(options.query)}`;
  const data = successData(body, doing);
  if (data.resultType !== 'matrix') {
    throw new SourceError(
      'BadQuery',
      `${doing}: returned a ${data.resultType}, must return a matrix`,
    );
  }
  const series = seriesSchema.safeParse(data.result);
  if (!series.success) throw new SourceError('BadValue', `${doing}: unexpected matrix shape`);
  const byTime = new Map<number, number[]>();
  for (const [t, v] of series.data.flatMap((s) => s.values)) {
    const milli = historyMilli(v);
    if (milli === null) continue;
    const time = Math.round(t * 1000);
    const values = byTime.get(time);
    if (values === undefined) byTime.set(time, [milli]);
    else values.push(milli);
  }
  checkSingle(series.data.length, options.reduce, doing);
  return [...byTime]
    .sort(([a], [b]) => a - b)
    .map(([time, values]) => ({ time, value: reduceValues(values, options.reduce) / 1000 }));
}

/** Decodes the `data` of a query response into one reading. */
export function decodePrometheus(
  body: unknown,
  options: { readonly query: string; readonly reduce: Reducer },
): Reading {
  const doing = `prometheus query ${JSON.stringify(options.query)}`;
  const data = successData(body, doing);
  let samples: readonly Sample[];
  if (data.resultType === 'scalar') samples = [data.result];
  else if (data.resultType === 'vector') samples = data.result.map((s) => s.value);
  else {
    throw new SourceError(
      'BadQuery',
      `${doing}: returned a ${data.resultType}, must return a scalar or an instant vector`,
    );
  }
  if (samples.length === 0) {
    throw new SourceError('NoData', `${doing}: returned an empty vector (no matching series)`);
  }
  checkSingle(samples.length, options.reduce, doing);
  const values = samples.map(([, v]) => toMilli(v, doing));
  const timestamp = Math.round(Math.max(...samples.map(([t]) => t)) * 1000);
  return { timestamp, valuesMilli: [reduceValues(values, options.reduce)] };
}

export function createPrometheusSource(config: PrometheusConfig, deps: SourceDeps): Source {
  // A shared client (the controller's) is closed by its owner, never by one of its sources.
  const client = deps.http ?? new HttpClient();
  const owned = client !== deps.http;
  const doing = `reading prometheus query ${JSON.stringify(config.query)} at ${config.serverAddress}`;
  let headers: Record<string, string> | undefined;
  let secrets: string[] = [];

  const resolveHeaders = async (): Promise<Record<string, string>> => {
    if (headers !== undefined) return headers;
    const bearer = await resolveSecret(config.bearerToken, deps, 'bearerToken');
    const password = await resolveSecret(config.password, deps, 'password');
    const username = await resolvePlainOrSecret(config.username, deps, 'username');
    secrets = [bearer, password].filter((s): s is string => s !== undefined);
    secrets.push(...fromSecrets([config.username], [username]));
    headers = { ...config.headers, ...authHeaders({ bearer, username, password }) };
    return headers;
  };

  /** GETs `path` with the query and `params`, within the timeout; the JSON body. */
  const get = (
    request: {
      readonly path: string;
      readonly params: Record<string, string>;
      readonly doing: string;
    },
    signal: AbortSignal,
  ): Promise<unknown> =>
    withTimeout(signal, { timeoutMs: config.timeoutMs, doing: request.doing }, async (inner) => {
      const url = new URL(request.path, withSlash(config.serverAddress));
      url.searchParams.set('query', config.query);
      for (const [key, value] of Object.entries(request.params)) url.searchParams.set(key, value);
      const headers = await resolveHeaders();
      return getJson(client, { url, signal: inner, headers }, { doing: request.doing, secrets });
    });

  return {
    read: async (signal) =>
      decodePrometheus(await get({ path: 'api/v1/query', params: {}, doing }, signal), config),
    history: async (range: HistoryRange, signal) => {
      const params = {
        start: String(range.start / 1000),
        end: String(range.end / 1000),
        step: String(range.stepSeconds),
      };
      const span = `from ${new Date(range.start).toISOString()} to ${new Date(range.end).toISOString()} every ${range.stepSeconds} s`;
      const doingRange = `${doing.replace('reading', 'reading the history of')} ${span}`;
      const body = await get({ path: 'api/v1/query_range', params, doing: doingRange }, signal);
      return decodePrometheusRange(body, config);
    },
    close: () => {
      if (owned) client.close();
      return Promise.resolve();
    },
  };
}

function withSlash(base: string): string {
  return base.endsWith('/') ? base : `${base}/`;
}
