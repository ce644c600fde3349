import type { Command } from 'commander';
import { systemClock } from '../runtime/clock.js';
import { Controller } from '../runtime/kube/controller.js';
import {
  controllerOptionInfo,
  parseControllerOptions,
  type ControllerCliOptions,
} from '../runtime/kube/options.js';
import { createLogger, type Logger } from '../runtime/log.js';
import { parseListenAddress } from '../runtime/options.js';
import { ControllerMetrics } from '../server/controller-metrics.js';
import { ScalerBoard } from '../server/dashboard.js';
import { TideServer } from '../server/http.js';
import { TideMetrics } from '../server/metrics.js';

/**
 * `tide controller`: the ElasticScaler controller (runtime/kube/controller.ts) with its HTTP
 * endpoint. Exits 0 after SIGTERM/SIGINT (reconciles in flight finish, the Lease is released),
 * 1 when it lost its Lease or could not start (a restart campaigns afresh).
 */
export function register(program: Command): void {
  const command = program
    .command('controller')
    .description('run the ElasticScaler controller (Kubernetes): watch, decide, scale, report');
  for (const info of controllerOptionInfo) {
    const def = info.defaultValue === undefined ? '' : `; default ${String(info.defaultValue)}`;
    command.option(info.flag, `${info.description} (env ${info.env}${def})`);
  }
  command.action(async (all: Record<string, unknown>) => {
    const flags = Object.fromEntries(
      Object.entries(all).filter(([key]) => command.getOptionValueSource(key) !== 'default'),
    );
    const parsed = parseControllerOptions(flags, process.env);
    if (!parsed.ok) {
      for (const issue of parsed.issues)
        process.stderr.write(`tide controller: ${issue.message}\n`);
      process.exitCode = 1;
      return;
    }
    process.exitCode = await runController(parsed.value);
  });
}

async function runController(options: ControllerCliOptions): Promise<number> {
  const log = createLogger({ level: options.logLevel, base: { component: 'controller' } });
  const metrics = new TideMetrics();
  const board = new ScalerBoard();
  const own = new ControllerMetrics(metrics.registry);
  let controller: Controller;
  try {
    controller = new Controller({
      ...options,
      clock: systemClock,
      log,
      env: process.env,
      readHistory: options.history,
      onDecision: (r) => {
        metrics.record({
          scaler: r.key,
          decision: r.decision,
          currentReplicas: r.currentReplicas,
          now: r.now,
          durationSeconds: r.durationMs / 1000,
        });
        board.record({
          scaler: r.key,
          decision: r.decision,
          currentReplicas: r.currentReplicas,
          now: r.now,
        });
      },
      onApiResponse: (r) => own.apiRequest(r),
      onReconcile: (r) => own.reconciled(r),
      onForget: (key) => {
        metrics.forget(key);
        board.forget(key);
      },
    });
  } catch (e) {
    log.fatal({ err: (e as Error).message }, 'cannot start the controller');
    return 1;
  }
  const server = await serve({ options, controller, metrics, board, log });
  if (server === null) return 1;
  const leaderGauge = setInterval(
    () => metrics.setLeader(controller.identity, controller.isLeader()),
    1000,
  );
  const stop = (): void => void controller.close();
  process.once('SIGINT', stop).once('SIGTERM', stop);
  try {
    await controller.start();
    log.info({ identity: controller.identity }, 'controller started');
    const end = await controller.done;
    if (end === 'closed') return 0;
    // Leadership lost: never act again from this process. Stop the caches (bounded), then exit
    // so that a fresh process campaigns, as client-go's controllers do.
    const stopped = controller.close().catch(() => undefined);
    await Promise.race([stopped, new Promise((r) => setTimeout(r, 5000).unref())]);
    log.fatal({ identity: controller.identity }, 'exiting: the leader-election Lease was lost');
    process.exit(1);
  } finally {
    clearInterval(leaderGauge);
    process.off('SIGINT', stop).off('SIGTERM', stop);
    await server.close();
  }
}

async function serve(s: {
  options: ControllerCliOptions;
  controller: Controller;
  metrics: TideMetrics;
  board: ScalerBoard;
  log: Logger;
}): Promise<TideServer | null> {
  const address = parseListenAddress(s.options.metricsAddress);
  if (address === null) return null;
  const server = new TideServer({
    metrics: s.metrics,
    board: s.board,
    notReady: () => s.controller.notReady(),
    token: s.options.dashboardToken,
    runtime: () => ({
      identity: s.controller.identity,
      leading: s.controller.isLeader(),
      leader: s.controller.leader() ?? 'none',
    }),
  });
  try {
    const bound = await server.start(address);
    s.log.info(
      { address: `${bound.address}:${bound.port}` },
      'serving the dashboard, /api/scalers, /metrics, /healthz and /readyz',
    );
    return server;
  } catch (e) {
    s.log.fatal({ err: (e as Error).message, address: s.options.metricsAddress }, 'cannot listen');
    return null;
  }
}
