/**
 * Reading one KEDA trigger's parameters while it is converted: every metadata key and every
 * authentication parameter a converter reads is marked used; what is left unread at the end is an
 * error (never a silent drop).
 *
 * @module
 */
import { secretRefOf, type ParamSource, type SecretUse } from './keda-auth.js';
import { describeField, invalid, unsupported, type Sink } from './issues.js';

export interface TriggerCtx {
  readonly sink: Sink;
  /** `spec.triggers[2]` */
  readonly field: string;
  readonly type: string;
  readonly namespace: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly params: ReadonlyMap<string, ParamSource>;
  readonly used: Set<string>;
  readonly secretDir: string;
  readonly secrets: SecretUse[];
}

const metaField = (ctx: TriggerCtx, key: string): string => `${ctx.field}.metadata.${key}`;

/**
 * Where a parameter comes from: metadata, `<name>FromEnv`, or the authentication. As KEDA's typed
 * scaler config reads them, metadata values are trimmed and an empty one counts as absent (the
 * next place is tried, then the default applies).
 */
function source(ctx: TriggerCtx, name: string): ParamSource | undefined {
  const raw = ctx.metadata[name];
  if (raw !== undefined) {
    ctx.used.add(`metadata.${name}`);
    const value = raw.trim();
    if (value !== '') return { from: 'metadata', value };
  }
  const env = ctx.metadata[`${name}FromEnv`]?.trim();
  if (env !== undefined) {
    ctx.used.add(`metadata.${name}FromEnv`);
    if (env !== '') return { from: 'env', name: env, field: metaField(ctx, `${name}FromEnv`) };
  }
  const auth = ctx.params.get(name);
  if (auth !== undefined) ctx.used.add(`auth.${name}`);
  return auth;
}

/** A plain-text parameter (a host, a user name); one held in a Secret or env is an error. */
export function plain(ctx: TriggerCtx, name: string): string | undefined {
  const s = source(ctx, name);
  if (s === undefined || s.from === 'metadata') return s?.value;
  unsupported(
    ctx.sink,
    s.field,
    `${s.field}: ${name} of a ${ctx.type} trigger comes from ${s.from === 'env' ? `the variable ${s.name}` : `Secret ${s.namespace}/${s.name} key ${s.key}`}; Tide takes ${name} as plain text: write its value in the spec`,
  );
  return undefined;
}

/** A required plain parameter; missing is an error unless reading it already was one. */
export function required(ctx: TriggerCtx, name: string): string | undefined {
  const before = ctx.sink.issues.length;
  const value = plain(ctx, name);
  const reported =
    ctx.sink.issues.length > before || ctx.sink.issues.some((i) => i.field.endsWith(name));
  if (value === undefined && !reported) {
    invalid(
      ctx.sink,
      metaField(ctx, name),
      describeField(metaField(ctx, name), undefined, `required by KEDA's ${ctx.type} scaler`),
    );
  }
  return value;
}

/**
 * A parameter Tide's source takes as text or as a secret reference (a Redis address or user
 * name): its text when written in the metadata, a reference when it comes from a variable
 * (`<name>FromEnv`) or the TriggerAuthentication.
 */
export function plainOrRef(
  ctx: TriggerCtx,
  name: string,
): string | Record<string, string> | undefined {
  const s = source(ctx, name);
  if (s === undefined || s.from === 'metadata') return s?.value;
  return secretRefOf(s, ctx);
}

/** A secret parameter as a Tide secret reference; a secret written in plain text is an error. */
export function secret(ctx: TriggerCtx, name: string): Record<string, string> | undefined {
  const s = source(ctx, name);
  if (s === undefined) return undefined;
  if (s.from !== 'metadata') return secretRefOf(s, ctx);
  unsupported(
    ctx.sink,
    metaField(ctx, name),
    `${metaField(ctx, name)}: a secret written in the ScaledObject in plain text; Tide takes secrets only by reference: move it to a Secret and reference it from a TriggerAuthentication (secretTargetRef)`,
  );
  return undefined;
}

/** A JSON number, as KEDA's typed config parses a float64 parameter (json.Unmarshal). */
const jsonNumber = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/** A JSON integer, as KEDA parses an int or int64 parameter. */
const jsonInteger = /^-?(?:0|[1-9]\d*)$/;

function parsed(
  ctx: TriggerCtx,
  name: string,
  fallback: number | undefined,
  read: { readonly pattern: RegExp; readonly rule: string },
): number | undefined {
  const text = plain(ctx, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (read.pattern.test(text) && Number.isFinite(value)) return value;
  invalid(ctx.sink, metaField(ctx, name), describeField(metaField(ctx, name), text, read.rule));
  return undefined;
}

/** A number parameter; `fallback` when absent; an issue (and undefined) when not a number. */
export function num(ctx: TriggerCtx, name: string, fallback?: number): number | undefined {
  return parsed(ctx, name, fallback, { pattern: jsonNumber, rule: 'must be a number' });
}

/** An integer parameter (KEDA's int and int64 settings): `1.5` or `1e3` is an error as in KEDA. */
export function integer(ctx: TriggerCtx, name: string, fallback?: number): number | undefined {
  return parsed(ctx, name, fallback, { pattern: jsonInteger, rule: 'must be an integer' });
}

const durationUnits: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const durationPart = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** Go's time.ParseDuration in milliseconds (`1m30s`, `1.5h`, `0`); null when not a duration. */
function goDurationMs(text: string): number | null {
  const sign = text.startsWith('-') ? -1 : 1;
  const body = text.replace(/^[+-]/, '');
  if (body === '0') return 0;
  if (body === '') return null;
  durationPart.lastIndex = 0;
  let total = 0;
  while (durationPart.lastIndex < body.length) {
    const m = durationPart.exec(body);
    if (m === null) return null;
    total += Number(m[1]) * (durationUnits[m[2] ?? ''] ?? NaN);
  }
  return sign * total;
}

/**
 * A duration parameter in milliseconds, as KEDA reads one (`timeout`): a Go duration (`30s`,
 * `1m30s`) or a whole number of milliseconds; negative is an error.
 */
export function durationMs(ctx: TriggerCtx, name: string): number | undefined {
  const text = plain(ctx, name);
  if (text === undefined) return undefined;
  const ms = jsonInteger.test(text) ? Number(text) : goDurationMs(text);
  if (ms !== null && Number.isFinite(ms) && ms >= 0) return ms;
  invalid(
    ctx.sink,
    metaField(ctx, name),
    describeField(
      metaField(ctx, name),
      text,
      'must be a duration (30s, 1m30s) or a number of milliseconds, not negative',
    ),
  );
  return undefined;
}

const trueValues = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const falseValues = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

/** A boolean parameter (Go's strconv.ParseBool); `fallback` when absent. */
export function bool(ctx: TriggerCtx, name: string, fallback: boolean): boolean {
  const text = plain(ctx, name);
  if (text === undefined) return fallback;
  if (trueValues.has(text)) return true;
  if (falseValues.has(text)) return false;
  invalid(
    ctx.sink,
    metaField(ctx, name),
    describeField(metaField(ctx, name), text, 'must be true or false'),
  );
  return fallback;
}

/**
 * A setting Tide has no equivalent for: fine when absent or at `neutral` (the value under which
 * KEDA behaves as Tide does), an error otherwise.
 */
export function onlyDefault(ctx: TriggerCtx, name: string, neutral: string, why: string): void {
  const text = plain(ctx, name);
  if (text === undefined || text === neutral) return;
  unsupported(
    ctx.sink,
    metaField(ctx, name),
    describeField(metaField(ctx, name), text, `Tide's ${ctx.type} source ${why}`),
  );
}

/** Every metadata key and authentication parameter no converter read is an error. */
export function reportUnused(ctx: TriggerCtx): void {
  for (const key of Object.keys(ctx.metadata)) {
    if (ctx.used.has(`metadata.${key}`)) continue;
    unsupported(
      ctx.sink,
      metaField(ctx, key),
      describeField(
        metaField(ctx, key),
        ctx.metadata[key],
        `not a setting Tide's ${ctx.type} source has`,
      ),
    );
  }
  for (const [name, s] of ctx.params) {
    if (ctx.used.has(`auth.${name}`) || s.from === 'metadata') continue;
    unsupported(
      ctx.sink,
      s.field,
      `${s.field}: parameter ${name} is not a setting Tide's ${ctx.type} source has`,
    );
  }
}
