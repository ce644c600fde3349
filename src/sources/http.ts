/**
 * `http`: GET a JSON document and take the number at `valuePath`.
 *
 * Path syntax (small on purpose): keys separated by dots, array indices in brackets, and keys
 * that contain dots, brackets or spaces in quoted brackets:
 *
 *   data.items[0].value        → body.data.items[0].value
 *   ["queue.depth"]            → body["queue.depth"]
 *   [2].count                  → body[2].count   (the document is an array)
 *
 * The value must be a number, a numeric string or a Kubernetes quantity (`"1k"`, `"500m"`). A missing path is `BadQuery` (naming the path);
 * a non-numeric value is `BadValue`; neither is ever read as zero.
 *
 * @module
 */
import { z } from 'zod';
import { parseQuantity } from '../core/quantity.js';
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
  type Source,
  type SourceDeps,
} from './source.js';

export type PathSegment = string | number;

const segmentPattern = /^(?:\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\])/;

/** Parses a value path; returns an error message instead of throwing. */
export function parseValuePath(path: string): PathSegment[] | string {
  const segments: PathSegment[] = [];
  let rest = path;
  while (rest.length > 0) {
    const match = segmentPattern.exec(rest);
    if (match === null || (segments.length === 0 && rest.startsWith('.'))) {
      return `cannot parse at "${rest}" (keys as a.b, indices as [0], other keys as ["a.b"])`;
    }
    const [all, key, index, quoted] = match;
    if (key !== undefined) segments.push(key);
    else if (index !== undefined) segments.push(Number(index));
    else segments.push((quoted ?? '').replace(/\\(.)/g, '$1'));
    rest = rest.slice(all.length);
  }
  return segments.length === 0 ? 'must not be empty' : segments;
}

/** The value at `segments`, or undefined when the document has nothing there. */
export function valueAtPath(body: unknown, segments: readonly PathSegment[]): unknown {
  let cur: unknown = body;
  for (const segment of segments) {
    if (typeof segment === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[segment];
    } else {
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
      if (!Object.hasOwn(cur, segment)) return undefined;
      cur = (cur as Record<string, unknown>)[segment];
    }
  }
  return cur;
}

export const httpSchema = z
  .object({
    url: z
      .string()
      .url()
      .refine((u) => /^https?:\/\//.test(u), 'must be an http:// or https:// URL'),
    valuePath: z.string().superRefine((path, ctx) => {
      const parsed = parseValuePath(path);
      if (typeof parsed === 'string')
        ctx.addIssue({ code: 'custom', message: `valuePath = ${JSON.stringify(path)}: ${parsed}` });
    }),
    headers: z.record(z.string(), z.string()).optional(),
    bearerToken: secretRefSchema.optional(),
    username: plainOrSecretSchema.optional(),
    password: secretRefSchema.optional(),
    ...commonSourceKeys,
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.password !== undefined && c.username === undefined) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'password requires username' });
    }
  });
export type HttpConfig = z.output<typeof httpSchema>;

/** The number at the configured path, in milli-units. */
export function decodeHttpValue(body: unknown, valuePath: string): number {
  const segments = parseValuePath(valuePath);
  if (typeof segments === 'string') throw new SourceError('Config', `valuePath: ${segments}`);
  const value = valueAtPath(body, segments);
  if (value === undefined) {
    throw new SourceError(
      'BadQuery',
      `valuePath ${JSON.stringify(valuePath)} is not in the response`,
    );
  }
  // A string that is not a plain number may be a Kubernetes quantity ("1k", "500m"), as KEDA's
  // metrics-api scaler reads string values.
  if (typeof value === 'string' && !Number.isFinite(Number(value))) {
    const quantity = parseQuantity(value);
    if (quantity !== null) return Math.round(quantity * 1000);
  }
  return toMilli(value, `valuePath ${JSON.stringify(valuePath)}`);
}

export function createHttpSource(config: HttpConfig, deps: SourceDeps): Source {
  // A shared client (the controller's) is closed by its owner, never by one of its sources.
  const client = deps.http ?? new HttpClient();
  const owned = client !== deps.http;
  const url = new URL(config.url);
  const doing = `reading ${JSON.stringify(config.valuePath)} from ${url.origin}${url.pathname}`;
  return {
    read: (signal) =>
      withTimeout(signal, { timeoutMs: config.timeoutMs, doing }, async (inner) => {
        const bearer = await resolveSecret(config.bearerToken, deps, 'bearerToken');
        const password = await resolveSecret(config.password, deps, 'password');
        const username = await resolvePlainOrSecret(config.username, deps, 'username');
        const secrets = [bearer, password].filter((s): s is string => s !== undefined);
        secrets.push(...fromSecrets([config.username], [username]));
        const headers = { ...config.headers, ...authHeaders({ bearer, username, password }) };
        const body = await getJson(client, { url, signal: inner, headers }, { doing, secrets });
        try {
          return { timestamp: deps.now(), valuesMilli: [decodeHttpValue(body, config.valuePath)] };
        } catch (e) {
          if (e instanceof SourceError) throw new SourceError(e.code, `${doing}: ${e.message}`);
          throw e;
        }
      }),
    close: () => {
      if (owned) client.close();
      return Promise.resolve();
    },
  };
}
