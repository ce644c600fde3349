/**
 * `tide backtest`: replay traces through policies and score them against the oracle.
 *
 * With no arguments: every bundled trace × every baseline plus the oracle; a table per trace on
 * stdout, `tide-report/index.html` and `tide-report/report.json`. Thin: parse, call, print.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { decide } from '../core/decide.js';
import { parseSpec } from '../core/spec.js';
import { type BacktestReport, buildReport } from '../report/backtest-json.js';
import { renderHtml } from '../report/backtest-html.js';
import { reportText } from '../report/backtest-table.js';
import { ProgressBar } from '../report/progress.js';
import { type PolicyChoice, type TraceResult, ORACLE, resolvePolicies } from '../sim/backtest.js';
import { backtestParallel } from '../sim/parallel.js';
import { baselineNames } from '../sim/baselines.js';
import type { DecideFn } from '../sim/observe.js';
import { type SimParams, parseSimParams } from '../sim/params.js';
import { fetchPrometheusTrace } from '../sim/prometheus.js';
import type { Trace } from '../sim/trace.js';
import { bundledTraceDir, bundledTraceNames, resolveTrace } from '../sim/trace-files.js';
import { readSpecDocuments } from './spec-file.js';

/** Model flags and the parameter each sets. */
export const modelFlags = [
  [
    '--step <seconds>',
    'stepSeconds',
    'simulation step; the policy runs and metrics are scraped every step',
    15,
  ],
  [
    '--peak-replicas <n>',
    'peakReplicas',
    'replicas the simulated peak needs (the trace is scaled to it)',
    40,
  ],
  ['--slo-utilization <share>', 'sloUtilization', 'utilization up to which the SLO holds', 0.9],
  [
    '--startup-seconds <seconds>',
    'startupSeconds',
    'time from asking for a replica to it being ready',
    60,
  ],
  [
    '--min-required <n>',
    'minRequired',
    'floor of the required replicas (0 for scale-to-zero studies)',
    1,
  ],
  [
    '--scrape-seconds <seconds>',
    'scrapeSeconds',
    'metric scrape interval (a multiple of --step)',
    15,
  ],
  [
    '--metric-window-seconds <seconds>',
    'metricWindowSeconds',
    'the visible metric averages the scrapes of this window',
    60,
  ],
  [
    '--metric-lag-seconds <seconds>',
    'metricLagSeconds',
    'age of the newest visible scrape (a multiple of --step)',
    15,
  ],
  [
    '--initial-replicas <n>',
    'initialReplicas',
    "replicas each policy starts with, all ready (clamped to the spec's bounds)",
    null,
  ],
] as const;

export interface BacktestFlags {
  readonly trace: string[];
  readonly prometheus?: string;
  readonly query?: string;
  readonly start?: string;
  readonly end?: string;
  readonly queryStep?: string;
  readonly policy: string[];
  readonly spec: string[];
  readonly out: string;
  readonly html: boolean;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly jobs?: string;
  readonly [param: string]: unknown;
}

export interface BacktestIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { readonly isTTY?: boolean; write(text: string): unknown };
  readonly now: () => number;
  readonly decide: DecideFn;
}

/** The process's streams and clock, and the engine. */
export const processIo = (): BacktestIo => ({
  stdout: process.stdout,
  stderr: process.stderr,
  now: () => Date.now(),
  decide,
});

/** commander's attribute for a flag: `--peak-replicas <n>` → `peakReplicas`. */
const attribute = (flag: string): string =>
  (flag.split(' ')[0] as string).slice(2).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

export function numberFlag(flag: string, raw: unknown): number {
  const value = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(value)) {
    throw new Error(`${flag} = ${JSON.stringify(raw)}, must be a number`);
  }
  return value;
}

export function modelParams(flags: BacktestFlags): SimParams {
  const input: Record<string, number> = {};
  for (const [flag, key] of modelFlags) {
    const raw = flags[attribute(flag)];
    if (raw !== undefined) input[key] = numberFlag(flag.split(' ')[0] as string, raw);
  }
  try {
    return parseSimParams(input);
  } catch (error) {
    let message = (error as Error).message;
    for (const [flag, key] of modelFlags)
      message = message.replaceAll(key, flag.split(' ')[0] as string);
    throw new Error(message, { cause: error });
  }
}

const splitList = (values: readonly string[]): string[] =>
  values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');

export interface TraceSource {
  readonly trace: Trace;
  readonly source: string;
}

export async function loadTraces(flags: BacktestFlags, params: SimParams): Promise<TraceSource[]> {
  const out: TraceSource[] = [];
  if (flags.prometheus !== undefined) {
    const missing = (['query', 'start', 'end'] as const).filter((k) => flags[k] === undefined);
    if (missing.length > 0) {
      throw new Error(`--prometheus needs ${missing.map((m) => `--${m}`).join(', ')}`);
    }
    const stepSeconds =
      flags.queryStep === undefined
        ? params.stepSeconds
        : numberFlag('--query-step', flags.queryStep);
    const trace = await fetchPrometheusTrace({
      url: flags.prometheus,
      query: flags.query as string,
      start: flags.start as string,
      end: flags.end as string,
      stepSeconds,
      name: 'prometheus',
    });
    out.push({ trace, source: `${flags.prometheus} ${flags.query as string}` });
  }
  const names = flags.trace.length > 0 || out.length > 0 ? flags.trace : bundledTraceNames();
  for (const name of names) {
    const trace = await resolveTrace(name);
    out.push({ trace, source: name.endsWith('.csv') ? name : `traces/${trace.name}.csv` });
  }
  return out;
}

async function userSpecs(paths: readonly string[]): Promise<PolicyChoice[]> {
  const out: PolicyChoice[] = [];
  for (const path of paths) {
    const docs = await readSpecDocuments(path);
    for (const [i, doc] of docs.entries()) {
      const parsed = parseSpec(doc.input);
      if (!parsed.ok) {
        throw new Error(`${doc.where}: ${parsed.issues.map((issue) => issue.message).join('; ')}`);
      }
      const fallback =
        basename(path).replace(/\.(ya?ml|json)$/i, '') + (docs.length > 1 ? `-${i + 1}` : '');
      out.push({ name: parsed.value.name ?? fallback, spec: parsed.value });
    }
  }
  return out;
}

async function choosePolicies(flags: BacktestFlags, params: SimParams): Promise<PolicyChoice[]> {
  const specs = await userSpecs(flags.spec);
  const named = splitList(flags.policy);
  const names = named.length > 0 ? named : specs.length > 0 ? [ORACLE] : [ORACLE, ...baselineNames];
  const choices = [...resolvePolicies(names, params), ...specs];
  const seen = new Set<string>();
  for (const c of choices) {
    if (seen.has(c.name))
      throw new Error(`policy ${JSON.stringify(c.name)} appears twice; names must be unique`);
    seen.add(c.name);
  }
  return choices;
}

async function writeReport(
  dir: string,
  report: BacktestReport,
  results: readonly TraceResult[],
  html: boolean,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written = [join(dir, 'report.json')];
  await writeFile(written[0] as string, `${JSON.stringify(report, null, 2)}\n`);
  if (html) {
    written.push(join(dir, 'index.html'));
    await writeFile(written[1] as string, renderHtml({ report, results }));
  }
  return written;
}

/** Runs a backtest from parsed flags; returns the report (also printed and written). */
export async function runBacktest(flags: BacktestFlags, io: BacktestIo): Promise<BacktestReport> {
  const params = modelParams(flags);
  const traces = await loadTraces(flags, params);
  const policies = await choosePolicies(flags, params);
  for (const { trace } of traces) {
    for (const gap of trace.gaps) {
      io.stderr.write(
        `tide: ${trace.name} line ${gap.line}: gap from ${gap.fromSeconds} s to ${gap.toSeconds} s, bridged linearly\n`,
      );
    }
  }
  for (const p of policies) {
    if (p.spec !== null && p.spec.maxReplicas < params.peakReplicas) {
      io.stderr.write(
        `tide: policy ${p.name}: maxReplicas ${p.spec.maxReplicas} is below the ${params.peakReplicas} replicas each trace's peak needs (--peak-replicas), so it will be short at the peaks; raise maxReplicas in its spec to compare scaling alone\n`,
      );
    }
  }
  const estimate = (t: Trace): number =>
    Math.ceil(((t.timestamps.at(-1) ?? 0) + t.intervalSeconds) / params.stepSeconds);
  const total = traces.reduce(
    (sum, t) => sum + estimate(t.trace) * (policies.filter((p) => p.spec !== null).length + 1),
    0,
  );
  const bar = new ProgressBar({
    stream: io.stderr,
    total,
    label: 'backtest',
    enabled: !flags.quiet,
    now: io.now,
  });
  let results: TraceResult[];
  try {
    results = await backtestParallel({
      traces: traces.map((t) => t.trace),
      params,
      policies,
      decide: io.decide,
      jobs: jobCount(flags.jobs),
      onProgress: (steps) => bar.advance(steps),
    });
  } finally {
    bar.finish();
  }
  const report = buildReport({
    results: results.map((result, i) => ({ result, source: traces[i]?.source ?? '' })),
    params,
    policies: policies.map((p) => p.name),
    generatedAt: new Date(io.now()).toISOString(),
  });
  const written = await writeReport(resolve(flags.out), report, results, flags.html);
  if (flags.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout.write(`${reportText(report)}\nreport: ${written.join(', ')}\n`);
  return report;
}

export const collect = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  value,
];

/** --jobs: worker threads (default: the cores available, at most 4). */
export function jobCount(raw: unknown): number {
  if (raw === undefined) return Math.min(4, availableParallelism());
  const n = numberFlag('--jobs', raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--jobs = ${JSON.stringify(raw)}, must be a whole number of at least 1`);
  return n;
}

/** --trace and the Prometheus range-query flags. */
export function addTraceOptions(cmd: Command, traceHelp: string): Command {
  return cmd
    .option('--trace <file|name>', traceHelp, collect)
    .option(
      '--prometheus <url>',
      'read the trace from a Prometheus range query (the query must return req/s)',
    )
    .option('--query <promql>', 'the range query, e.g. sum(rate(http_requests_total[1m]))')
    .option('--start <time>', 'range start (RFC 3339 or Unix seconds)')
    .option('--end <time>', 'range end (RFC 3339 or Unix seconds)')
    .option('--query-step <seconds>', 'range query resolution (default: --step)');
}

/** The simulator's model flags (`modelFlags`). */
export function addModelOptions(cmd: Command): Command {
  for (const [flag, key, help, value] of modelFlags) {
    cmd.option(
      flag,
      `${help} (default ${value ?? 'the required replicas at t = 0'}; model parameter ${key})`,
    );
  }
  return cmd;
}

export function register(program: Command): void {
  const cmd = program
    .command('backtest')
    .description(
      'replay traces through autoscaling policies and score them against the clairvoyant oracle (DESIGN.md, "The simulator")',
    );
  addTraceOptions(
    cmd,
    `a CSV trace (timestamp,value) or a bundled trace name; repeatable (default: every trace in ${bundledTraceDirSafe()})`,
  )
    .option(
      '--policy <names>',
      `comma-separated policies: ${[ORACLE, ...baselineNames].join(', ')} (default: all)`,
      collect,
    )
    .option(
      '--spec <file>',
      'your own ScalerSpec (YAML or JSON) as one more policy; repeatable',
      collect,
    )
    .option('--out <dir>', 'where to write index.html and report.json', 'tide-report')
    .option('--no-html', 'write report.json only')
    .option('--json', 'print the report as JSON on stdout instead of tables', false)
    .option('--quiet', 'no progress bar', false)
    .option('--jobs <n>', 'worker threads replaying in parallel (default: cores, at most 4)');
  addModelOptions(cmd);
  cmd.action(async (options: Record<string, unknown>) => {
    const lists: Record<string, string[]> = { trace: [], policy: [], spec: [] };
    const flags = { ...lists, ...options } as unknown as BacktestFlags;
    await runBacktest(flags, processIo());
  });
}

export function bundledTraceDirSafe(): string {
  try {
    return bundledTraceDir();
  } catch {
    return 'traces/';
  }
}
