/**
 * Traces: a series of `(timestamp, value)` rows where `value` is a count per interval (requests
 * in `[timestamp, timestamp + interval)`), as in `traces/*.csv`.
 *
 * CSV rules (checked line by line; every error names the line, the value and the rule):
 * - an optional header `timestamp,value`; `#` comments and blank lines are skipped;
 * - `timestamp` is whole or fractional seconds (from any origin) or an ISO-8601 date-time;
 * - `value` is a finite number ≥ 0;
 * - timestamps strictly increase (an unsorted or duplicate timestamp is an error).
 *
 * Documented repair: a gap (two rows further apart than the trace's interval) is not an error.
 * The demand model draws a straight line between the rows on either side (DESIGN.md: "linear
 * between those points"), so a gap is bridged linearly; `gaps` lists every one so the CLI can
 * warn. The interval is the most common spacing between consecutive rows.
 *
 * @module
 */

export interface TraceGap {
  /** 1-based line of the row after the gap. */
  readonly line: number;
  /** Seconds from the trace's start at which the gap begins and ends (rows on either side). */
  readonly fromSeconds: number;
  readonly toSeconds: number;
}

export interface Trace {
  readonly name: string;
  /** Seconds from the first row (the first is 0). */
  readonly timestamps: Float64Array;
  /** Count per interval. */
  readonly values: Float64Array;
  readonly intervalSeconds: number;
  /** Epoch ms of the first row when the timestamps were absolute (ISO-8601); else null. */
  readonly startEpochMs: number | null;
  readonly gaps: readonly TraceGap[];
}

export class TraceError extends Error {
  override readonly name = 'TraceError';
}

const isoPattern = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const numberPattern = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

interface Row {
  readonly line: number;
  /** Seconds (numeric timestamps) or epoch seconds (ISO timestamps). */
  readonly time: number;
  readonly value: number;
}

function parseTime(raw: string, line: number, where: string): { time: number; iso: boolean } {
  if (numberPattern.test(raw)) return { time: Number(raw), iso: false };
  if (isoPattern.test(raw)) {
    const ms = Date.parse(raw.replace(' ', 'T'));
    if (Number.isFinite(ms)) return { time: ms / 1000, iso: true };
  }
  throw new TraceError(
    `${where} line ${line}: timestamp = ${JSON.stringify(raw)}, must be seconds or an ISO-8601 date-time`,
  );
}

function parseValue(raw: string, line: number, where: string): number {
  const value = numberPattern.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(value)) {
    throw new TraceError(`${where} line ${line}: value = ${JSON.stringify(raw)}, must be a number`);
  }
  if (value < 0) {
    throw new TraceError(`${where} line ${line}: value = ${raw}, must be at least 0`);
  }
  return value;
}

function parseLine(trimmed: string, line: number, where: string): Row & { iso: boolean } {
  const fields = trimmed.split(',').map((f) => f.trim());
  if (fields.length !== 2) {
    throw new TraceError(
      `${where} line ${line}: ${JSON.stringify(trimmed)} has ${fields.length} fields, must be "timestamp,value"`,
    );
  }
  const time = parseTime(fields[0] ?? '', line, where);
  return { line, time: time.time, iso: time.iso, value: parseValue(fields[1] ?? '', line, where) };
}

function parseRows(text: string, where: string): { rows: Row[]; iso: boolean } {
  const rows: Row[] = [];
  let iso: boolean | null = null;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const trimmed = (lines[i] ?? '').trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (rows.length === 0 && /^timestamp\s*,\s*value$/i.test(trimmed)) continue;
    const row = parseLine(trimmed, i + 1, where);
    if (iso !== null && row.iso !== iso) {
      throw new TraceError(
        `${where} line ${i + 1}: timestamp = ${trimmed.split(',')[0]}, must use the same form (seconds or ISO-8601) as the first row`,
      );
    }
    iso = row.iso;
    rows.push({ line: row.line, time: row.time, value: row.value });
  }
  return { rows, iso: iso ?? false };
}

function checkOrder(rows: readonly Row[], where: string): void {
  for (let i = 1; i < rows.length; i++) {
    const prev = rows[i - 1] as Row;
    const row = rows[i] as Row;
    if (row.time <= prev.time) {
      const rule = row.time === prev.time ? 'duplicates' : 'is before';
      throw new TraceError(
        `${where} line ${row.line}: timestamp ${rule} line ${prev.line}'s; timestamps must strictly increase`,
      );
    }
  }
}

/** The most common spacing between consecutive rows (ties: the smallest). */
function modalSpacing(times: Float64Array): number {
  const counts = new Map<number, number>();
  for (let i = 1; i < times.length; i++) {
    const d = Math.round(((times[i] as number) - (times[i - 1] as number)) * 1000) / 1000;
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best = 0;
  let bestCount = 0;
  for (const [d, c] of counts) {
    if (c > bestCount || (c === bestCount && d < best)) [best, bestCount] = [d, c];
  }
  return best;
}

export interface ParseTraceOptions {
  readonly name: string;
  /** Interval when the trace has one row (or to override the inferred one), seconds. */
  readonly intervalSeconds?: number;
}

/** Parses a `timestamp,value` CSV into a Trace; throws TraceError naming the offending line. */
export function parseTraceCsv(text: string, options: ParseTraceOptions): Trace {
  const where = options.name;
  const { rows, iso } = parseRows(text, where);
  if (rows.length === 0)
    throw new TraceError(`${where}: no data rows (expected "timestamp,value")`);
  checkOrder(rows, where);
  const origin = (rows[0] as Row).time;
  return buildTrace({
    name: options.name,
    times: rows.map((r) => r.time - origin),
    values: rows.map((r) => r.value),
    lines: rows.map((r) => r.line),
    startEpochMs: iso ? origin * 1000 : null,
    ...(options.intervalSeconds === undefined ? {} : { intervalSeconds: options.intervalSeconds }),
  });
}

export interface TraceParts {
  readonly name: string;
  /** Seconds from the first row, strictly increasing, first 0. */
  readonly times: readonly number[];
  readonly values: readonly number[];
  /** Line (or sample) numbers for messages. */
  readonly lines: readonly number[];
  readonly startEpochMs: number | null;
  readonly intervalSeconds?: number;
}

/** Assembles a Trace from checked rows: infers the interval and lists the gaps. */
export function buildTrace(parts: TraceParts): Trace {
  const timestamps = Float64Array.from(parts.times);
  const inferred = modalSpacing(timestamps);
  const interval = parts.intervalSeconds ?? inferred;
  if (!(interval > 0)) {
    throw new TraceError(
      `${parts.name}: cannot infer the interval from a single row; pass the interval explicitly`,
    );
  }
  const gaps: TraceGap[] = [];
  for (let i = 1; i < timestamps.length; i++) {
    const from = timestamps[i - 1] as number;
    const to = timestamps[i] as number;
    if (to - from > interval * 1.5) {
      gaps.push({ line: parts.lines[i] ?? i + 1, fromSeconds: from, toSeconds: to });
    }
  }
  return {
    name: parts.name,
    timestamps,
    values: Float64Array.from(parts.values),
    intervalSeconds: interval,
    startEpochMs: parts.startEpochMs,
    gaps,
  };
}

/** Seconds the trace covers: from its first row to the end of its last interval. */
export function traceSpanSeconds(trace: Trace): number {
  const last = trace.timestamps[trace.timestamps.length - 1] ?? 0;
  return last + trace.intervalSeconds;
}
