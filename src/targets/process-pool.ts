/**
 * The `process` target: N copies of a command on one machine, behind one HTTP address.
 *
 * Replica i listens on `basePort + i` (`PORT`, and `TIDE_REPLICA_INDEX` = i, in its
 * environment); the reverse proxy (`proxy.ts`) on `listenPort` balances over the ready ones.
 *
 *   starting ──health check passes──▶ ready ◀──passes again── unready
 *       │                              │ └──failureThreshold probes fail──▶ ┘
 *       └──exits, or no pass within startupTimeoutSeconds──▶ backoff ──delay──▶ starting
 *   any ──scale down / close──▶ stopping: no new request; in-flight ones until drainSeconds;
 *                                SIGTERM; SIGKILL after stopSeconds; then gone
 *
 * A replica that exits on its own is restarted after an exponential backoff (`backoff.ts`) and
 * gets no traffic meanwhile. One that fails before it ever passed its health check makes the
 * pool's `problem()` (the scaler's AbleToScale condition) name the command and how it ended, with
 * its stderr's tail, logged once until a replica is ready again: no restart storm, no log storm.
 *
 * Scale-down removes the youngest replicas first (not-ready ones before ready ones), as the
 * simulator and Kubernetes' ReplicaSet do.
 *
 * @module
 */
import type { Writable } from 'node:stream';
import { z } from 'zod';
import type { PodInfo } from '../core/model.js';
import { restartDelayMs } from './backoff.js';
import { ReverseProxy, type ProxyStats } from './proxy.js';
import {
  appendTail,
  commandLine,
  describeEnd,
  portFree,
  probe,
  signalGroup,
  spawnReplica,
  type ProcessEnd,
  type Spawned,
} from './replica-process.js';
import type { Target, TargetProblem } from './target.js';

const ms = (min: number, max: number): z.ZodInt => z.int().min(min).max(max);

/**
 * Settings of the process target that `target.process` in the ScalerSpec does not hold (yet): the
 * local-runner file carries them beside each scaler as `processOptions`.
 */
export const processTargetOptionsSchema = z
  .object({
    /** When a replica may take traffic: `{type: http, path: /healthz}` (2xx/3xx) or `{type: tcp}`. */
    healthCheck: z
      .discriminatedUnion('type', [
        z
          .object({ type: z.literal('http'), path: z.string().startsWith('/').default('/') })
          .strict(),
        z.object({ type: z.literal('tcp') }).strict(),
      ])
      .default({ type: 'tcp' }),
    healthCheckPeriodMs: ms(10, 60_000).default(200),
    healthCheckTimeoutMs: ms(10, 60_000).default(1000),
    /** Consecutive failed probes that take a ready replica out of the rotation. */
    failureThreshold: z.int().min(1).max(100).default(3),
    /** A replica not healthy this long after its start is killed and restarted (with backoff). */
    startupTimeoutSeconds: z.int().min(1).max(3600).default(60),
    /** How long a removed replica may finish its in-flight requests before SIGTERM. */
    drainSeconds: z.int().min(0).max(3600).default(30),
    /** How long after SIGTERM before SIGKILL. */
    stopSeconds: z.int().min(0).max(600).default(10),
    restartBackoff: z
      .object({
        initialMs: ms(10, 600_000).default(1000),
        maxMs: ms(10, 3_600_000).default(60_000),
      })
      .strict()
      .prefault({}),
    /** How long a request may wait for a ready replica before the proxy answers 503. */
    queueTimeoutMs: ms(0, 600_000).default(30_000),
    /** The proxy's host; its port is `target.process.listenPort`. */
    listenHost: z.string().min(1).default('127.0.0.1'),
    /** Added to the runner's environment for every replica (never logged). */
    env: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a variable name'), z.string())
      .default({}),
    cwd: z.string().min(1).optional(),
    /** The replicas' stdout: the runner's own (`inherit`) or discarded. Their stderr is copied. */
    output: z.enum(['inherit', 'ignore']).default('inherit'),
  })
  .strict();
export type ProcessTargetOptions = z.output<typeof processTargetOptionsSchema>;

/** `target.process` of the ScalerSpec. */
export interface ProcessTargetSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly basePort: number;
  readonly listenPort: number;
}

/** The log calls the pool makes (a pino logger fits). */
export interface PoolLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  debug(fields: object, message: string): void;
}

export interface ProcessPoolConfig {
  /** The scaler's name: replicas are `<name>-<index>`. */
  readonly name: string;
  readonly process: ProcessTargetSpec;
  readonly options: ProcessTargetOptions;
  /** The environment every replica inherits (the runner's). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: PoolLog;
  /** Where replicas' stderr is copied when `output` is `inherit`; default process.stderr. */
  readonly stderr?: Writable;
  /** Epoch ms; default Date.now. */
  readonly now?: () => number;
}

type Phase = 'starting' | 'ready' | 'unready' | 'backoff' | 'stopping';

interface Replica {
  readonly index: number;
  readonly name: string;
  readonly port: number;
  phase: Phase;
  run: Spawned | null;
  /** Epoch ms the current process started; null while none runs. */
  startedAt: number | null;
  /** Epoch ms of the last readiness change. */
  transitionAt: number;
  /** Consecutive runs that ended on their own. */
  failures: number;
  failedProbes: number;
  stderrTail: string;
  /** Why the pool ended the current run itself (startup timeout); null otherwise. */
  endReason: string | null;
  timer: NodeJS.Timeout | null;
  /** Resolves when the replica is stopped and forgotten. */
  stopped: Promise<void> | null;
}

/** Phases in which a replica's health is probed. */
const probed: ReadonlySet<Phase> = new Set(['starting', 'ready', 'unready']);

/** A replica ready this long has its failure count reset (the kubelet uses 10 minutes). */
const STABLE_MS = 30_000;

export class ProcessPool implements Target {
  readonly #config: ProcessPoolConfig;
  readonly #proxy: ReverseProxy;
  readonly #now: () => number;
  readonly #replicas = new Map<number, Replica>();
  readonly #command: string;
  #problem: TargetProblem | null = null;
  #closed = false;
  readonly #onExit = (): void => {
    for (const r of this.#replicas.values())
      if (r.run !== null) signalGroup(r.run.child, 'SIGKILL');
  };

  constructor(config: ProcessPoolConfig) {
    this.#config = config;
    this.#now = config.now ?? Date.now;
    this.#proxy = new ReverseProxy({
      queueTimeoutMs: config.options.queueTimeoutMs,
      now: this.#now,
    });
    this.#command = commandLine(config.process.command, config.process.args);
  }

  /**
   * Listens on the proxy's address and starts `replicas` copies; resolves with the proxy's port
   * (listenPort, or the one the system chose for 0); throws when it cannot listen.
   */
  async start(replicas: number): Promise<number> {
    const { listenHost } = this.#config.options;
    const port = this.#config.process.listenPort;
    let bound: number;
    try {
      bound = (await this.#proxy.listen(listenHost, port)).port;
    } catch (error) {
      throw new Error(
        `process target "${this.#config.name}": cannot listen on ${listenHost}:${port}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    // Last resort if the runner dies without closing the pool: no replica outlives it.
    process.once('exit', this.#onExit);
    this.#config.log.info(
      { scaler: this.#config.name, address: `${listenHost}:${bound}`, command: this.#command },
      'process target listening',
    );
    await this.scale(replicas);
    return bound;
  }

  currentReplicas(): number {
    return this.#live().length;
  }

  scale(replicas: number): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const live = this.#live();
    for (let n = live.length; n < replicas; n++) this.#add();
    const victims = live
      .slice()
      .sort(
        (a, b) => Number(a.phase === 'ready') - Number(b.phase === 'ready') || b.index - a.index,
      )
      .slice(0, Math.max(0, live.length - replicas));
    for (const r of victims) void this.#stop(r);
    return Promise.resolve();
  }

  pods(): readonly PodInfo[] {
    return this.#live().map((r) => ({
      name: r.name,
      phase: r.run === null ? 'Pending' : 'Running',
      startTime: r.startedAt,
      ready: { status: r.phase === 'ready', lastTransitionTime: r.transitionAt },
      containers: [],
    }));
  }

  /** The process ids of every replica's running process (live or stopping). */
  processIds(): number[] {
    return [...this.#replicas.values()].flatMap((r) =>
      r.run?.child.pid === undefined ? [] : [r.run.child.pid],
    );
  }

  problem(): TargetProblem | null {
    return this.#problem;
  }

  /** The proxy's counters, for the `proxy` metric source. */
  stats(): ProxyStats {
    return this.#proxy.stats();
  }

  /** Kills every replica's process group at once (SIGKILL), without draining: a last resort. */
  kill(): void {
    for (const r of this.#replicas.values())
      if (r.run !== null) signalGroup(r.run.child, 'SIGKILL');
  }

  /** Stops taking connections, drains and stops every replica, then closes the proxy. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#proxy.stopAccepting();
    await Promise.all([...this.#replicas.values()].map((r) => this.#stop(r)));
    await this.#proxy.close();
    process.off('exit', this.#onExit);
  }

  #live(): Replica[] {
    return [...this.#replicas.values()].filter((r) => r.phase !== 'stopping');
  }

  #add(): void {
    let index = 0;
    while (this.#replicas.has(index)) index += 1;
    const replica: Replica = {
      index,
      name: `${this.#config.name}-${index}`,
      port: this.#config.process.basePort + index,
      phase: 'starting',
      run: null,
      startedAt: null,
      transitionAt: this.#now(),
      failures: 0,
      failedProbes: 0,
      stderrTail: '',
      endReason: null,
      timer: null,
      stopped: null,
    };
    this.#replicas.set(index, replica);
    this.#proxy.add(replica.name, replica.port);
    void this.#launch(replica);
  }

  #fields(r: Replica): object {
    return { scaler: this.#config.name, replica: r.name, port: r.port };
  }

  async #launch(r: Replica): Promise<void> {
    r.phase = 'starting';
    r.failedProbes = 0;
    if (!(await portFree(r.port))) {
      if (r.phase !== 'starting') return;
      this.#failed(r, `cannot start on port ${r.port}: another process listens there`);
      return;
    }
    if (r.phase !== 'starting') return;
    const { options } = this.#config;
    r.stderrTail = '';
    r.endReason = null;
    r.startedAt = this.#now();
    r.run = spawnReplica({
      command: this.#config.process.command,
      args: this.#config.process.args,
      env: {
        ...this.#config.env,
        ...options.env,
        PORT: String(r.port),
        TIDE_REPLICA_INDEX: String(r.index),
      },
      cwd: options.cwd,
      stdout: options.output,
    });
    this.#watchOutput(r, r.run);
    const run = r.run;
    void run.ended.then((end) => this.#ended(r, run, end));
    this.#config.log.debug({ ...this.#fields(r), pid: run.child.pid }, 'replica starting');
    this.#schedule(r, options.healthCheckPeriodMs, () => void this.#probe(r));
  }

  #watchOutput(r: Replica, run: Spawned): void {
    const copy = this.#config.options.output === 'inherit';
    const sink = this.#config.stderr ?? process.stderr;
    run.child.stderr?.on('data', (chunk: Buffer) => {
      r.stderrTail = appendTail(r.stderrTail, chunk.toString());
      if (copy) sink.write(chunk);
    });
  }

  #schedule(r: Replica, delayMs: number, work: () => void): void {
    if (r.timer !== null) clearTimeout(r.timer);
    r.timer = setTimeout(() => {
      r.timer = null;
      work();
    }, delayMs);
  }

  async #probe(r: Replica): Promise<void> {
    const { options } = this.#config;
    const run = r.run;
    const healthy = await probe(r.port, options.healthCheck, options.healthCheckTimeoutMs);
    if (r.run !== run || run === null || !probed.has(r.phase) || r.endReason !== null) return;
    if (healthy) this.#healthy(r);
    else this.#unhealthy(r, run);
    if (r.run === run) this.#schedule(r, options.healthCheckPeriodMs, () => void this.#probe(r));
  }

  #healthy(r: Replica): void {
    r.failedProbes = 0;
    if (r.phase === 'ready') {
      if (r.failures > 0 && this.#now() - r.transitionAt >= STABLE_MS) r.failures = 0;
      return;
    }
    const startupMs = this.#now() - (r.startedAt ?? this.#now());
    const first = r.phase === 'starting';
    this.#setPhase(r, 'ready');
    if (this.#problem !== null) {
      this.#config.log.info(
        { scaler: this.#config.name },
        'process target recovered: a replica is ready',
      );
      this.#problem = null;
    }
    const message = first ? 'replica ready' : 'replica ready again';
    this.#config.log.info({ ...this.#fields(r), pid: r.run?.child.pid, startupMs }, message);
  }

  #unhealthy(r: Replica, run: Spawned): void {
    const { options } = this.#config;
    if (r.phase === 'starting') {
      const elapsedMs = this.#now() - (r.startedAt ?? this.#now());
      if (elapsedMs < options.startupTimeoutSeconds * 1000) return;
      r.endReason = `did not pass its health check within ${options.startupTimeoutSeconds} s`;
      signalGroup(run.child, 'SIGKILL');
      return;
    }
    r.failedProbes += 1;
    if (r.phase === 'ready' && r.failedProbes >= options.failureThreshold) {
      this.#setPhase(r, 'unready');
      this.#config.log.warn(
        { ...this.#fields(r), failedProbes: r.failedProbes },
        'replica failed its health check: no traffic until it passes again',
      );
    }
  }

  #setPhase(r: Replica, phase: Phase): void {
    const wasReady = r.phase === 'ready';
    r.phase = phase;
    if (wasReady !== (phase === 'ready')) r.transitionAt = this.#now();
    this.#proxy.setReady(r.name, phase === 'ready');
  }

  /** A run ended: expected while stopping; otherwise a crash, restarted after a backoff. */
  #ended(r: Replica, run: Spawned, end: ProcessEnd): void {
    // Whatever the process left behind in its group goes with it.
    signalGroup(run.child, 'SIGKILL');
    if (r.run !== run) return;
    r.run = null;
    r.startedAt = null;
    if (r.phase === 'stopping') return;
    const how = r.endReason ?? describeEnd(end);
    if (r.phase === 'starting') this.#failedStart(r, how);
    else {
      this.#config.log.warn({ ...this.#fields(r), exit: how }, 'replica crashed: restarting it');
    }
    this.#failed(r, how);
  }

  /** Schedules the replica's restart after its backoff; it gets no traffic meanwhile. */
  #failed(r: Replica, how: string): void {
    if (r.phase === 'stopping') return;
    this.#setPhase(r, 'backoff');
    r.failures += 1;
    const delayMs = restartDelayMs(r.failures, this.#config.options.restartBackoff);
    this.#config.log.debug({ ...this.#fields(r), exit: how, delayMs }, 'replica restart scheduled');
    this.#schedule(r, delayMs, () => void this.#launch(r));
  }

  /** The pool's problem, logged once until a replica is ready again. */
  #failedStart(r: Replica, how: string): void {
    const tail = r.stderrTail.trim().split('\n').slice(-5).join('\n');
    const message =
      `command ${JSON.stringify(this.#command)} (replica ${r.name}, port ${r.port}) ${how} before its health check passed` +
      (tail === '' ? '' : `; stderr: ${tail}`);
    if (this.#problem === null) {
      this.#config.log.error({ scaler: this.#config.name, replica: r.name }, message);
    }
    this.#problem = { reason: 'ReplicaFailedToStart', message };
  }

  #stop(r: Replica): Promise<void> {
    r.stopped ??= this.#drainAndStop(r);
    return r.stopped;
  }

  async #drainAndStop(r: Replica): Promise<void> {
    const { options } = this.#config;
    const wasReady = r.phase === 'ready';
    r.phase = 'stopping';
    if (r.timer !== null) clearTimeout(r.timer);
    r.timer = null;
    const left = await this.#proxy.drain(r.name, options.drainSeconds * 1000);
    if (left > 0) {
      this.#config.log.warn(
        { ...this.#fields(r), inFlight: left, drainSeconds: options.drainSeconds },
        'replica still had requests in flight after the drain grace period',
      );
    }
    const run = r.run;
    if (run !== null) await this.#terminate(r, run);
    this.#proxy.remove(r.name);
    this.#replicas.delete(r.index);
    if (wasReady || run !== null) this.#config.log.info(this.#fields(r), 'replica stopped');
  }

  async #terminate(r: Replica, run: Spawned): Promise<void> {
    signalGroup(run.child, 'SIGTERM');
    const timeout = new Promise<'timeout'>((resolve) => {
      r.timer = setTimeout(() => resolve('timeout'), this.#config.options.stopSeconds * 1000);
    });
    const outcome = await Promise.race([run.ended, timeout]);
    if (r.timer !== null) clearTimeout(r.timer);
    if (outcome !== 'timeout') return;
    this.#config.log.warn(
      { ...this.#fields(r), stopSeconds: this.#config.options.stopSeconds },
      'replica ignored SIGTERM: killing it',
    );
    signalGroup(run.child, 'SIGKILL');
    await run.ended;
  }
}
