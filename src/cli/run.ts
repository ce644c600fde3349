import type { Command } from 'commander';
import { parseSpec } from '../core/spec.js';
import { explainDecision } from '../report/explain.js';
import { ScaledClock, systemClock, type Clock } from '../runtime/clock.js';
import { parseProcessOptions } from '../runtime/local/config.js';
import { closeSources, openSources, runScalerLoop } from '../runtime/local/runner.js';
import {
  closeTargets,
  inEngineTime,
  processTargetOf,
  startProcessTargets,
  type LocalScaler,
} from '../runtime/local/targets.js';
import { createLogger, type Logger } from '../runtime/log.js';
import {
  parseListenAddress,
  parseRunOptions,
  runOptionInfo,
  type RunOptions,
} from '../runtime/options.js';
import { ScalerBoard } from '../server/dashboard.js';
import { TideServer } from '../server/http.js';
import { TideMetrics } from '../server/metrics.js';
import { proxyTraffic } from '../sources/proxy.js';
import { validateTriggerConfig } from '../sources/registry.js';
import type { Source } from '../sources/source.js';
import type { ProcessPool } from '../targets/process-pool.js';
import { readSpecDocuments, type SpecDocument } from './spec-file.js';

/**
 * `tide run -c FILE`: the local runner. Starts each scaler's process target, reads every trigger
 * each sync period, decides, and scales the target; logs each change. With --dry-run it starts
 * nothing and prints each decision with its reasons. SIGINT or SIGTERM drains and stops every
 * replica (a second one kills them at once).
 */
export function register(program: Command): void {
  const command = program
    .command('run')
    .description(
      'run the scalers of a YAML file: start their process targets, read triggers, decide, scale (--dry-run: decide and print only)',
    );
  for (const info of runOptionInfo) {
    const def = info.defaultValue === undefined ? '' : `; default ${String(info.defaultValue)}`;
    command.option(info.flag, `${info.description} (env ${info.env}${def})`);
  }
  command.action(async (all: Record<string, unknown>) => {
    // Commander's own defaults (`--no-history` implies history = true) must not hide the env twin.
    const flags = Object.fromEntries(
      Object.entries(all).filter(([key]) => command.getOptionValueSource(key) !== 'default'),
    );
    const parsed = parseRunOptions(flags, process.env);
    if (!parsed.ok) {
      for (const issue of parsed.issues) process.stderr.write(`tide run: ${issue.message}\n`);
      process.exitCode = 1;
      return;
    }
    process.exitCode = await run(parsed.value);
  });
}

type NamedSpec = LocalScaler;

/** Every problem of one document: its spec, its triggers' sources, its processOptions. */
function documentIssues(doc: SpecDocument, acting: boolean): string[] | LocalScaler {
  const result = parseSpec(doc.input);
  if (!result.ok) return result.issues.map((i) => i.message);
  const issues = result.value.triggers.flatMap((trigger, i) => {
    const checked = validateTriggerConfig(trigger, `triggers[${i}]`);
    return checked.ok ? [] : checked.issues.map((issue) => issue.message);
  });
  const options = parseProcessOptions(doc.processOptions, result.value);
  if (!options.ok) issues.push(...options.issues.map((i) => i.message));
  const target = processTargetOf(result.value);
  if (acting && typeof target === 'string') issues.push(target);
  if (issues.length > 0 || !options.ok) return issues;
  return {
    name: result.value.name ?? doc.where,
    spec: result.value,
    processOptions: options.value,
  };
}

/** Parses every spec, its sources' configs and its processOptions; prints all problems. */
async function loadSpecs(file: string, acting: boolean): Promise<NamedSpec[] | null> {
  const specs: NamedSpec[] = [];
  let problems = 0;
  for (const doc of await readSpecDocuments(file)) {
    const checked = documentIssues(doc, acting);
    if (Array.isArray(checked)) {
      for (const message of checked) process.stderr.write(`${doc.where}: ${message}\n`);
      problems += checked.length;
      continue;
    }
    if (specs.some((s) => s.name === checked.name)) {
      process.stderr.write(
        `${doc.where}: name = "${checked.name}": another scaler has it; names must be unique\n`,
      );
      problems += 1;
      continue;
    }
    specs.push(checked);
  }
  return problems === 0 ? specs : null;
}

interface Serving {
  readonly metrics: TideMetrics | null;
  readonly board: ScalerBoard | null;
  /** Marks a scaler as having decided (for /readyz). */
  readonly decided: (name: string) => void;
  readonly close: () => Promise<void>;
}

/** Starts the /metrics server when asked for; null (after saying why) when it cannot listen. */
async function serve(options: RunOptions, specs: readonly NamedSpec[]): Promise<Serving | null> {
  const none: Serving = {
    metrics: null,
    board: null,
    decided: () => undefined,
    close: () => Promise.resolve(),
  };
  const address =
    options.metricsAddress === undefined ? null : parseListenAddress(options.metricsAddress);
  if (address === null) return none;
  const metrics = new TideMetrics();
  const board = new ScalerBoard();
  const waiting = new Set(specs.map((s) => s.name));
  const server = new TideServer({
    metrics,
    board,
    notReady: () => (waiting.size === 0 ? null : `no decision yet for ${[...waiting].join(', ')}`),
    token: options.dashboardToken,
  });
  try {
    const bound = await server.start(address);
    const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
    process.stderr.write(
      `tide run: serving the dashboard (/), /api/scalers, /metrics, /healthz and /readyz on http://${host}:${bound.port}\n`,
    );
  } catch (error) {
    process.stderr.write(
      `tide run: --metrics-address ${options.metricsAddress ?? ''}: cannot listen: ${(error as Error).message}\n`,
    );
    return null;
  }
  return {
    metrics,
    board,
    decided: (name) => waiting.delete(name),
    close: () => server.close(),
  };
}

/**
 * The engine's clock: the system's, or one running `timeScale` times faster (--time-scale) with
 * the mapping of real instants onto it.
 */
function engineClock(
  timeScale: number,
  log: Logger,
): { clock: Clock; engineTime: ((realMs: number) => number) | undefined } {
  if (timeScale === 1) return { clock: systemClock, engineTime: undefined };
  const scaled = new ScaledClock(timeScale);
  log.warn(
    { timeScale },
    `the engine's clock runs ${timeScale}x faster than real time (--time-scale): for replays and demos, not for production`,
  );
  return { clock: scaled, engineTime: (ms) => scaled.fromReal(ms) };
}

/** SIGINT/SIGTERM: the first stops gracefully (drains), a second kills every replica at once. */
function onSignals(
  log: Logger,
  controller: AbortController,
  pools: () => Iterable<ProcessPool>,
): () => void {
  let received = 0;
  const handler = (signal: NodeJS.Signals): void => {
    received += 1;
    if (received === 1) {
      log.info({ signal }, 'stopping: draining and stopping every replica');
      controller.abort();
      return;
    }
    log.warn({ signal }, 'second signal: killing every replica now');
    for (const pool of pools()) pool.kill();
    process.exit(130);
  };
  process.on('SIGINT', handler).on('SIGTERM', handler);
  return () => process.off('SIGINT', handler).off('SIGTERM', handler);
}

async function run(options: RunOptions): Promise<number> {
  const specs = await loadSpecs(options.config, !options.dryRun);
  if (specs === null) return 1;
  const log = createLogger({ level: options.logLevel });
  const serving = await serve(options, specs);
  if (serving === null) return 1;
  const controller = new AbortController();
  let pools = new Map<string, ProcessPool>();
  const release = onSignals(log, controller, () => pools.values());
  const opened: Map<string, Source>[] = [];
  try {
    if (!options.dryRun) {
      const started = await startTargets(specs, options, log);
      if (started === null) return 1;
      pools = started;
    }
    const { clock, engineTime } = engineClock(options.timeScale, log);
    const deps = { now: () => clock.now(), env: process.env, engineTime };
    for (const s of specs) {
      const pool = pools.get(s.name);
      opened.push(openSources(s.spec, { ...deps, proxyStats: pool && (() => pool.stats()) }));
    }
    await Promise.all(
      specs.map((s, i) => {
        const fixed = options.replicas ?? s.spec.minReplicas;
        const pool = pools.get(s.name);
        const target = pool && engineTime ? inEngineTime(pool, engineTime) : pool;
        const traffic = s.spec.triggers.some((t) => t.type === 'proxy') ? pool : undefined;
        const measure = traffic === undefined ? undefined : proxyTraffic(() => traffic.stats());
        return runScalerLoop({
          spec: s.spec,
          name: s.name,
          sources: opened[i] ?? new Map(),
          clock,
          signal: controller.signal,
          currentReplicas: () => fixed,
          target,
          log,
          readConcurrency: options.readConcurrency,
          readTimeoutMs: options.readTimeoutMs,
          ticks: options.ticks,
          readHistory: options.history,
          onNote: (message) => log.info({ scaler: s.name }, message),
          onTick: ({ decision, now, observation }, { durationMs }) => {
            const currentReplicas = observation.currentReplicas;
            if (target === undefined) {
              const text = explainDecision({ decision, currentReplicas, now });
              process.stdout.write(`[${s.name}] (dry run) ${text}\n`);
            }
            const durationSeconds = durationMs / 1000;
            serving.metrics?.record({
              scaler: s.name,
              decision,
              currentReplicas,
              now,
              durationSeconds,
            });
            serving.board?.record({
              scaler: s.name,
              decision,
              currentReplicas,
              now,
              traffic: measure?.(),
            });
            serving.decided(s.name);
          },
        });
      }),
    );
  } finally {
    release();
    await Promise.all([closeTargets(pools), ...opened.map(closeSources), serving.close()]);
  }
  return 0;
}

/** Starts every process target; null (after logging why) when one cannot start. */
async function startTargets(
  specs: readonly LocalScaler[],
  options: RunOptions,
  log: Logger,
): Promise<Map<string, ProcessPool> | null> {
  try {
    return await startProcessTargets(specs, { env: process.env, log, replicas: options.replicas });
  } catch (error) {
    log.error((error as Error).message);
    return null;
  }
}
