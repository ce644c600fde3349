/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week) with the semantics of
 * robfig/cron v3's standard parser, which KEDA's cron trigger uses: lists (`1,5`), ranges
 * (`1-5`), steps (`*\/15`, `5/15` = 5-max/15), `*` and `?`, month and weekday names
 * (`jan`, `Thu`, case-insensitive), descriptors (`@hourly`, `@daily`, `@midnight`, `@weekly`,
 * `@monthly`, `@yearly`, `@annually`). Day-of-week is 0–6 (Sunday = 0). When either day field is
 * `*` or `?` both must match; otherwise either may (classic cron OR).
 *
 * Occurrences are computed in an IANA time zone through `Intl.DateTimeFormat` (core stays pure:
 * the instant is an argument). The next occurrence is the earliest whole minute strictly after
 * `now` whose wall-clock fields in the zone match: a wall time inside a spring-forward gap does
 * not occur that day; one inside a fall-back overlap occurs twice (as robfig/cron does).
 *
 * @module
 */

export interface CronExpression {
  readonly source: string;
  readonly minute: readonly boolean[];
  readonly hour: readonly boolean[];
  readonly dom: readonly boolean[];
  readonly month: readonly boolean[];
  readonly dow: readonly boolean[];
  /** The field was `*` or `?` (without a step > 1): used for the day-matching rule. */
  readonly domStar: boolean;
  readonly dowStar: boolean;
}

export type CronResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

interface Bounds {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
}

const monthNames = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};
const dowNames = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

const fields: readonly Bounds[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: monthNames },
  { name: 'day of week', min: 0, max: 6, names: dowNames },
];

const descriptors: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

class CronSyntaxError extends Error {}

/** Parses a cron expression; errors name the field and the offending text. */
export function parseCron(source: string): CronResult<CronExpression> {
  const trimmed = source.trim();
  const key = trimmed.toLowerCase();
  const expanded = !trimmed.startsWith('@')
    ? trimmed
    : Object.hasOwn(descriptors, key)
      ? descriptors[key]
      : undefined;
  if (expanded === undefined) {
    return {
      ok: false,
      error: `unsupported descriptor "${trimmed}" (use @hourly, @daily, @weekly, @monthly or @yearly)`,
    };
  }
  const parts = expanded.split(/\s+/).filter((p) => p !== '');
  if (parts.length !== 5) {
    return {
      ok: false,
      error: `expected 5 fields (minute hour day-of-month month day-of-week), found ${parts.length}`,
    };
  }
  try {
    const parsed = parts.map((p, i) => parseField(p, fields[i] as Bounds));
    const [minute, hour, dom, month, dow] = parsed as [Field, Field, Field, Field, Field];
    return {
      ok: true,
      value: {
        source,
        minute: minute.set,
        hour: hour.set,
        dom: dom.set,
        month: month.set,
        dow: dow.set,
        domStar: dom.star,
        dowStar: dow.star,
      },
    };
  } catch (e) {
    if (e instanceof CronSyntaxError) return { ok: false, error: e.message };
    throw e;
  }
}

interface Field {
  readonly set: boolean[];
  readonly star: boolean;
}

function parseField(text: string, b: Bounds): Field {
  const set = new Array<boolean>(b.max + 1).fill(false);
  let star = false;
  for (const part of text.split(',')) {
    const r = parseRange(part, b);
    for (let v = r.start; v <= r.end; v += r.step) set[v] = true;
    star ||= r.star;
  }
  return { set, star };
}

interface Range {
  readonly start: number;
  readonly end: number;
  readonly step: number;
  readonly star: boolean;
}

function parseRange(part: string, b: Bounds): Range {
  const [range = '', stepText, extra] = part.split('/');
  if (extra !== undefined) throw new CronSyntaxError(`${b.name} "${part}": too many slashes`);
  const r = parseBounds(range, b, part);
  const step = stepText === undefined ? 1 : parseNumber(stepText, b, part);
  if (step <= 0) throw new CronSyntaxError(`${b.name} "${part}": step must be a positive number`);
  // "N/step" means N-max/step.
  const end = stepText !== undefined && r.single ? b.max : r.end;
  checkRange(r.start, end, b, part);
  return { start: r.start, end, step, star: r.star && step <= 1 };
}

function checkRange(start: number, end: number, b: Bounds, part: string): void {
  if (start < b.min) throw new CronSyntaxError(`${b.name} "${part}": ${start} is below ${b.min}`);
  if (end > b.max) throw new CronSyntaxError(`${b.name} "${part}": ${end} is above ${b.max}`);
  if (start > end) throw new CronSyntaxError(`${b.name} "${part}": ${start} is after ${end}`);
}

function parseBounds(
  range: string,
  b: Bounds,
  part: string,
): { start: number; end: number; star: boolean; single: boolean } {
  if (range === '*' || range === '?')
    return { start: b.min, end: b.max, star: true, single: false };
  const bounds = range.split('-');
  if (bounds.length > 2) throw new CronSyntaxError(`${b.name} "${part}": too many hyphens`);
  const start = parseValue(bounds[0] ?? '', b, part);
  const end = bounds.length === 2 ? parseValue(bounds[1] ?? '', b, part) : start;
  return { start, end, star: false, single: bounds.length === 1 };
}

function parseValue(text: string, b: Bounds, part: string): number {
  const key = text.toLowerCase();
  const named = b.names !== undefined && Object.hasOwn(b.names, key) ? b.names[key] : undefined;
  return named ?? parseNumber(text, b, part);
}

function parseNumber(text: string, b: Bounds, part: string): number {
  if (!/^\d+$/.test(text)) {
    throw new CronSyntaxError(
      `${b.name} "${part}": "${text}" is not a non-negative number${b.names ? ' or a name' : ''}`,
    );
  }
  return Number(text);
}

// ---------------------------------------------------------------------------------------------
// Time zones
// ---------------------------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Whether `zone` is an IANA time zone name the runtime knows. */
export function isValidTimeZone(zone: string): boolean {
  if (zone === '') return false;
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's UTC offset at instant `t` (ms; wall clock = t + offset). */
export function zoneOffset(zone: string, t: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(t))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const wall = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return wall - Math.floor(t / 1000) * 1000;
}

const minuteMs = 60_000;
const hourMs = 3_600_000;

/** Next matching wall-clock minute strictly after `wall` (wall times as naive UTC ms). */
function nextWall(expr: CronExpression, wall: number): number | null {
  let t = Math.floor(wall / minuteMs) * minuteMs + minuteMs;
  const limitYear = new Date(t).getUTCFullYear() + 5;
  while (new Date(t).getUTCFullYear() <= limitYear) {
    const d = new Date(t);
    const [y, mo, day, h] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours()];
    if (!expr.month[mo + 1]) t = Date.UTC(y, mo + 1, 1);
    else if (!dayMatches(expr, d)) t = Date.UTC(y, mo, day + 1);
    else if (!expr.hour[h]) t = Date.UTC(y, mo, day, h + 1);
    else if (!expr.minute[d.getUTCMinutes()]) t += minuteMs;
    else return t;
  }
  return null;
}

function dayMatches(expr: CronExpression, d: Date): boolean {
  const dom = expr.dom[d.getUTCDate()] === true;
  const dow = expr.dow[d.getUTCDay()] === true;
  return expr.domStar || expr.dowStar ? dom && dow : dom || dow;
}

/** The instants whose wall clock in `zone` reads `wall`: none in a gap, two in an overlap. */
function wallToInstants(zone: string, wall: number, offsetGuess: number): number[] {
  const t0 = wall - offsetGuess;
  const offsets = new Set([
    zoneOffset(zone, t0),
    zoneOffset(zone, t0 - 6 * hourMs),
    zoneOffset(zone, t0 + 6 * hourMs),
  ]);
  const out: number[] = [];
  for (const o of offsets) {
    if (zoneOffset(zone, wall - o) === o) out.push(wall - o);
  }
  return out.sort((a, b) => a - b);
}

/**
 * The earliest instant strictly after `now` at which `expr` fires in `zone` (epoch ms), or null
 * if none within five years.
 */
export function nextOccurrence(expr: CronExpression, zone: string, now: number): number | null {
  const offsetNow = zoneOffset(zone, now);
  // Start a few hours back in wall time: after a fall-back the wall clock repeats.
  let wall: number | null = now + offsetNow - 4 * hourMs;
  let best: number | null = null;
  for (let i = 0; i < 100_000 && wall !== null; i += 1) {
    wall = nextWall(expr, wall);
    if (wall === null) break;
    if (best !== null && wall - offsetNow - 8 * hourMs > best) break;
    for (const t of wallToInstants(zone, wall, offsetNow)) {
      if (t > now && (best === null || t < best)) best = t;
    }
  }
  return best;
}
