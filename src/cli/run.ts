import type { Command } from 'commander';
import { parseSpec, type ScalerSpec } from '../core/spec.js';
import { explainDecision } from '../report/explain.js';
import { systemClock } from '../runtime/clock.js';
import { closeSources, openSources, runScalerLoop } from '../runtime/local/runner.js';
import {
  parseListenAddress,
  parseRunOptions,
  runOptionInfo,
  type RunOptions,
} from '../runtime/options.js';
import { ScalerBoard } from '../server/dashboard.js';
import { TideServer } from '../server/http.js';
import { TideMetrics } from '../server/metrics.js';
import { validateTriggerConfig } from '../sources/registry.js';
import type { Source } from '../sources/source.js';
import { readSpecDocuments } from './spec-file.js';

/**
 * `tide run -c FILE --dry-run`: the local runner. Reads every trigger each sync period, decides,
 * and prints each decision with its reasons. Acting on targets comes with the runtimes: without
 * --dry-run it says so and exits 2.
 */
export function register(program: Command): void {
  const command = program
    .command('run')
    .description('run the scalers of a YAML file: read triggers, decide, print (--dry-run)');
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

interface NamedSpec {
  readonly name: string;
  readonly spec: ScalerSpec;
}

/** Parses every spec and every trigger's source config; prints all problems. */
async function loadSpecs(file: string): Promise<NamedSpec[] | null> {
  const specs: NamedSpec[] = [];
  let problems = 0;
  for (const doc of await readSpecDocuments(file)) {
    const result = parseSpec(doc.input);
    if (!result.ok) {
      for (const issue of result.issues) process.stderr.write(`${doc.where}: ${issue.message}\n`);
      problems += result.issues.length;
      continue;
    }
    result.value.triggers.forEach((trigger, i) => {
      const checked = validateTriggerConfig(trigger, `triggers[${i}]`);
      if (checked.ok) return;
      for (const issue of checked.issues) process.stderr.write(`${doc.where}: ${issue.message}\n`);
      problems += checked.issues.length;
    });
    const name = result.value.name ?? doc.where;
    if (specs.some((s) => s.name === name)) {
      process.stderr.write(
        `${doc.where}: name = "${name}": another scaler has it; names must be unique\n`,
      );
      problems += 1;
      continue;
    }
    specs.push({ name, spec: result.value });
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

async function run(options: RunOptions): Promise<number> {
  if (!options.dryRun) {
    process.stderr.write(
      'tide run: acting on targets is not implemented yet; run with --dry-run to read, decide and print without acting\n',
    );
    return 2;
  }
  const specs = await loadSpecs(options.config);
  if (specs === null) return 1;
  const serving = await serve(options, specs);
  if (serving === null) return 1;
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop).once('SIGTERM', stop);
  const opened: Map<string, Source>[] = [];
  try {
    const deps = { now: () => systemClock.now(), env: process.env };
    for (const s of specs) opened.push(openSources(s.spec, deps));
    await Promise.all(
      specs.map((s, i) => {
        const currentReplicas = options.replicas ?? s.spec.minReplicas;
        return runScalerLoop({
          spec: s.spec,
          sources: opened[i] ?? new Map(),
          clock: systemClock,
          signal: controller.signal,
          currentReplicas: () => currentReplicas,
          readConcurrency: options.readConcurrency,
          readTimeoutMs: options.readTimeoutMs,
          ticks: options.ticks,
          readHistory: options.history,
          onNote: (message) => process.stderr.write(`[${s.name}] ${message}\n`),
          onTick: ({ decision, now }, { durationMs }) => {
            const text = explainDecision({ decision, currentReplicas, now });
            process.stdout.write(`[${s.name}] (dry run) ${text}\n`);
            const durationSeconds = durationMs / 1000;
            serving.metrics?.record({
              scaler: s.name,
              decision,
              currentReplicas,
              now,
              durationSeconds,
            });
            serving.board?.record({ scaler: s.name, decision, currentReplicas, now });
            serving.decided(s.name);
          },
        });
      }),
    );
  } finally {
    process.off('SIGINT', stop).off('SIGTERM', stop);
    await Promise.all([...opened.map(closeSources), serving.close()]);
  }
  return 0;
}
