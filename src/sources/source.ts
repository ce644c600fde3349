/**
 * The one interface every metric source implements, its typed error, and the helpers every
 * source shares: credentials from the environment or a file, redaction of secrets before any
 * message is built, and the read timeout.
 *
 * A source owns its connection (a pool, a client, a keep-alive agent): it is opened lazily on the
 * first read, reused across reads, and released by `close()`.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { PodInfo, PodSample } from '../core/model.js';
import type { HttpClient } from './http-client.js';

/** What a successful read returns; the runtime turns it into the engine's `MetricReading`. */
export interface Reading {
  /** Epoch ms when the value was read (or the newest sample's time). */
  readonly timestamp: number;
  /** External/Object metrics: every series' value, in milli-units (the engine sums them). */
  readonly valuesMilli?: readonly number[];
  /** What KEDA's activation compares when it is not the summed values (see `MetricReading`). */
  readonly activationValueMilli?: number;
  /** Per-pod metrics (Resource, ContainerResource, Pods). */
  readonly podSamples?: readonly PodSample[];
  /** The pods the samples belong to, with their requests (Resource metrics). */
  readonly pods?: readonly PodInfo[];
}

/** A time range for `Source.history`: epoch ms, and the spacing of the points asked for. */
export interface HistoryRange {
  readonly start: number;
  readonly end: number;
  readonly stepSeconds: number;
}

/** One point of a metric's past: epoch ms, and the value in the metric's own units (not milli). */
export interface HistorySample {
  readonly time: number;
  readonly value: number;
}

export interface Source {
  /** Reads the metric once; rejects with a `SourceError`. */
  read(signal: AbortSignal): Promise<Reading>;
  /**
   * The metric's past over `range`, oldest first, in the units `read` reports (not milli), so
   * that a restarted scaler can seed its forecaster from the metric source instead of its state.
   * Only sources that can answer a range query implement it (Prometheus); rejects with a
   * `SourceError`. Points with no usable value are left out, never read as zero.
   */
  history?(range: HistoryRange, signal: AbortSignal): Promise<readonly HistorySample[]>;
  /** Releases connections; safe to call twice. */
  close(): Promise<void>;
}

/** What a source factory may use from its surroundings (narrow, so tests pass plain objects). */
export interface SourceDeps {
  /** Epoch ms. */
  readonly now: () => number;
  /** Environment variables, read once by `runtime/options.ts` and passed down. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads a credential file; defaults to `fs.readFile(path, 'utf8')`. */
  readonly readFile?: (path: string) => Promise<string>;
  /**
   * An HTTP client shared by the process's sources (one connection pool per server); its owner
   * closes it. Without it each HTTP source opens and closes its own.
   */
  readonly http?: HttpClient;
}

/**
 * Stable error codes. `Timeout`, `Unavailable` and `NoData` are retryable ("down for now");
 * `Unauthorized`, `BadQuery`, `BadValue` and `Config` are not ("misconfigured").
 */
export type SourceErrorCode =
  'Timeout' | 'Unavailable' | 'NoData' | 'Unauthorized' | 'BadQuery' | 'BadValue' | 'Config';

const retryableCodes: ReadonlySet<SourceErrorCode> = new Set(['Timeout', 'Unavailable', 'NoData']);

export class SourceError extends Error {
  override readonly name = 'SourceError';
  readonly code: SourceErrorCode;
  readonly retryable: boolean;

  constructor(code: SourceErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.code = code;
    this.retryable = retryableCodes.has(code);
  }
}

export function isSourceError(e: unknown): e is SourceError {
  return e instanceof SourceError;
}

const mask = '***';

/** Replaces every secret (and its URL-encoded form) in `text` with `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    out = out.split(secret).join(mask);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join(mask);
  }
  return out;
}

/**
 * A copy of an error chain that carries only redacted messages and string codes: library errors
 * may hold the connection options (and so the password) in their own fields.
 */
export function sanitizeError(e: unknown, secrets: readonly string[], depth = 0): Error {
  const message = e instanceof Error ? e.message : String(e);
  const copy = new Error(redact(message || describeEmpty(e), secrets));
  if (e instanceof Error) {
    copy.name = e.name;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' || typeof code === 'number') {
      Object.assign(copy, { code: redact(String(code), secrets) });
    }
    if (e.cause !== undefined && depth < 4) {
      copy.cause = sanitizeError(e.cause, secrets, depth + 1);
    }
  }
  return copy;
}

function describeEmpty(e: unknown): string {
  if (e instanceof AggregateError && e.errors.length > 0) {
    return e.errors
      .map((inner) => (inner instanceof Error ? inner.message : String(inner)))
      .join('; ');
  }
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown error';
}

/** The innermost message of an error chain, redacted: the part a person needs. */
export function errorText(e: unknown, secrets: readonly string[]): string {
  const message = e instanceof Error ? e.message : String(e);
  return redact(message || describeEmpty(e), secrets);
}

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** True when an error (or one it wraps) is a network failure: the server is down or unreachable. */
export function isNetworkError(e: unknown, depth = 0): boolean {
  if (e === null || typeof e !== 'object' || depth > 4) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && networkCodes.has(code)) return true;
  if (e instanceof AggregateError && e.errors.some((inner) => isNetworkError(inner, depth + 1))) {
    return true;
  }
  return isNetworkError((e as { cause?: unknown }).cause, depth + 1);
}

/** What was being done, for messages: `reading redis list "jobs" at 127.0.0.1:6379`. */
export interface ErrorContext {
  readonly doing: string;
  readonly secrets: readonly string[];
}

/** Wraps any failure as a SourceError whose message and cause chain are redacted. */
export function wrapError(e: unknown, code: SourceErrorCode, ctx: ErrorContext): SourceError {
  if (isSourceError(e)) return e;
  return new SourceError(code, `${ctx.doing}: ${errorText(e, ctx.secrets)}`, {
    cause: sanitizeError(e, ctx.secrets),
  });
}

// ---------------------------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------------------------

/**
 * Where a secret comes from: the name of an environment variable or the path of a file (a
 * Kubernetes Secret mounted as a file works as is). Never the secret itself.
 */
export const secretRefSchema = z.union([
  z
    .object({ fromEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a variable name') })
    .strict(),
  z.object({ fromFile: z.string().min(1) }).strict(),
]);
export type SecretRef = z.infer<typeof secretRefSchema>;

/**
 * A value written in the spec or read from a secret reference: a user name, which KEDA takes
 * from a TriggerAuthentication as often as from the trigger.
 */
export const plainOrSecretSchema = z.union([z.string().min(1), secretRefSchema]);
export type PlainOrSecret = z.infer<typeof plainOrSecretSchema>;

/**
 * The texts among `resolved` that came from secret references (`values[i]` not plain text): they
 * are redacted from errors like any other secret.
 */
export function fromSecrets(
  values: readonly (PlainOrSecret | undefined)[],
  resolved: readonly (string | undefined)[],
): string[] {
  const out: string[] = [];
  values.forEach((v, i) => {
    const text = resolved[i];
    if (v !== undefined && typeof v !== 'string' && text !== undefined && text !== '')
      out.push(text);
  });
  return out;
}

/** The text of a plain-or-secret value (see resolveSecret for a reference's errors). */
export async function resolvePlainOrSecret(
  value: PlainOrSecret | undefined,
  deps: SourceDeps,
  key: string,
): Promise<string | undefined> {
  return typeof value === 'string' ? value : resolveSecret(value, deps, key);
}

/** Resolves a secret reference; a missing variable or unreadable file is a `Config` error. */
export async function resolveSecret(
  ref: SecretRef | undefined,
  deps: SourceDeps,
  key: string,
): Promise<string | undefined> {
  if (ref === undefined) return undefined;
  if ('fromEnv' in ref) {
    const value = deps.env[ref.fromEnv];
    if (value === undefined || value === '') {
      throw new SourceError('Config', `${key}.fromEnv = ${ref.fromEnv}: the variable is not set`);
    }
    return value;
  }
  const read = deps.readFile ?? ((path: string): Promise<string> => readFile(path, 'utf8'));
  try {
    return (await read(ref.fromFile)).replace(/\r?\n$/, '');
  } catch (e) {
    throw new SourceError('Config', `${key}.fromFile = ${ref.fromFile}: ${errorText(e, [])}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Timeout
// ---------------------------------------------------------------------------------------------

/** Keys every source's config accepts. */
export const commonSourceKeys = {
  /** How long one read may take before it fails with a retryable `Timeout`. */
  timeoutMs: z.int().min(1).max(120_000).default(5000),
};

/**
 * Runs `read` with an abort signal that fires after `timeoutMs` (or when `signal` fires), and
 * rejects with a `Timeout` SourceError at that moment even if the library ignores the signal.
 */
export async function withTimeout<T>(
  signal: AbortSignal,
  options: { readonly timeoutMs: number; readonly doing: string },
  read: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const onAbort = (): void => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new SourceError(
        'Timeout',
        `${options.doing}: no answer within timeoutMs = ${options.timeoutMs}`,
      );
      controller.abort(error);
      reject(error);
    }, options.timeoutMs);
  });
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(abortError(controller.signal)), {
      once: true,
    });
    if (signal.aborted) onAbort();
  });
  try {
    return await Promise.race([read(controller.signal), expired, aborted]);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}

function abortError(signal: AbortSignal): SourceError {
  const reason: unknown = signal.reason;
  if (isSourceError(reason)) return reason;
  return new SourceError('Timeout', 'read aborted');
}

/** Parses a decimal string or number into milli-units; rejects NaN and infinities. */
export function toMilli(value: unknown, doing: string): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  if (typeof value === 'string' && value.trim() === '') {
    throw new SourceError('BadValue', `${doing}: got an empty string, expected a number`);
  }
  if (!Number.isFinite(n)) {
    throw new SourceError(
      'BadValue',
      `${doing}: got ${JSON.stringify(value)}, expected a finite number`,
    );
  }
  return Math.round(n * 1000);
}

// ---------------------------------------------------------------------------------------------
// One reused connection
// ---------------------------------------------------------------------------------------------

/**
 * The connection a source reuses across reads: opened on first use, shared by concurrent reads,
 * dropped (closed in the background) after a failure that may have broken it, and reopened on
 * the next read.
 */
export class LazyConnection<C> {
  readonly #open: () => Promise<C>;
  readonly #end: (conn: C) => Promise<void>;
  readonly #destroy: (conn: C) => Promise<void>;
  #current: Promise<C> | null = null;
  #ready: C | undefined;

  /** `end` closes gracefully (on `close()`); `destroy` at once (on `drop()`), default `end`. */
  constructor(options: {
    readonly open: () => Promise<C>;
    readonly end: (conn: C) => Promise<void>;
    readonly destroy?: (conn: C) => Promise<void>;
  }) {
    this.#open = options.open;
    this.#end = options.end;
    this.#destroy = options.destroy ?? options.end;
  }

  /** The open connection, opening one if needed; a failed open is not kept. */
  async get(): Promise<C> {
    const pending = (this.#current ??= this.#open());
    try {
      const conn = await pending;
      if (this.#current === pending) this.#ready = conn;
      return conn;
    } catch (e) {
      if (this.#current === pending) this.#current = null;
      throw e;
    }
  }

  /**
   * Forgets the current connection and closes it in the background. With `conn`, only when that
   * is the current one (a late 'close' event of an old connection must not drop a new one).
   */
  drop(conn?: C): void {
    if (conn !== undefined && conn !== this.#ready) return;
    const old = this.#current;
    this.#current = null;
    this.#ready = undefined;
    void old?.then((conn) => this.#destroy(conn)).catch(() => undefined);
  }

  /** Closes the current connection and waits for it. */
  async close(): Promise<void> {
    const old = this.#current;
    this.#current = null;
    this.#ready = undefined;
    const conn = await old?.catch(() => null);
    if (conn !== null && conn !== undefined) await this.#end(conn).catch(() => undefined);
  }
}
