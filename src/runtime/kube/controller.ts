/**
 * The ElasticScaler controller: informers on ElasticScalers and HorizontalPodAutoscalers, a
 * work queue, and a Lease so that of several replicas exactly one acts.
 *
 * Every replica keeps its caches warm; only the leader runs workers. A scaler is reconciled when
 * it is created or its spec changes (a new generation: status writes do not wake it), and then
 * once per `syncPeriodSeconds`; the queue never runs one scaler twice at once. A lost lease is
 * final: `done` resolves with `lost` and the process should exit, as client-go's controllers do,
 * so a stale leader never acts. `close()` stops the workers, waits for the reconciles in flight,
 * then releases the Lease so a standby takes over at once.
 *
 * @module
 */
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { KindResolver } from '../../targets/kubernetes-scale.js';
import { HttpClient } from '../../sources/http-client.js';
import { kubeApiFromConfig } from '../../sources/kube.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { conflictMessage, findOwner, type Owner } from './conflicts.js';
import { EventRecorder } from './events.js';
import { ResilientInformer, type Change } from './informer.js';
import { LeaderElector, defaultLeaderIdentity } from './lease.js';
import { PodCache } from './pods.js';
import { restLeaseClient } from './lease-client.js';
import { createTokenBucket } from './rate-limiter.js';
import {
  GROUP,
  PLURAL,
  Reconciler,
  VERSION,
  keyOf,
  parseScalerSpec,
  type DecisionReport,
  type ElasticScaler,
} from './reconciler.js';
import { createKubeRest, type ApiResponse, type KubeRest } from './rest.js';
import { WorkQueue } from './workqueue.js';

export interface ControllerOptions {
  /** A kubeconfig file; default $KUBECONFIG, ~/.kube/config, or the in-cluster config. */
  readonly kubeconfig?: string | undefined;
  /** Watch ElasticScalers in this namespace only; default all namespaces. */
  readonly namespace?: string | undefined;
  readonly leaseNamespace: string;
  readonly leaseName: string;
  readonly identity?: string | undefined;
  /** Off only for a single replica in development: two replicas without it would both act. */
  readonly leaderElection: boolean;
  readonly leaseDurationSeconds?: number;
  readonly renewDeadlineSeconds?: number;
  readonly retryPeriodSeconds?: number;
  /** Scalers reconciled at once. */
  readonly workers: number;
  readonly readConcurrency: number;
  readonly readTimeoutMs: number;
  readonly stateWriteSeconds: number;
  readonly readHistory: boolean;
  /** The controller's own API calls: a token bucket (default 100 qps, burst 200: one /scale read per scaler per period at 1,000 scalers and 15 s, with room for writes). */
  readonly apiQps: number;
  readonly apiBurst: number;
  readonly clock: Clock;
  readonly log: Logger;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly onDecision?: (report: DecisionReport) => void;
  readonly onForget?: (key: string) => void;
  /** After each API request outside the watches. */
  readonly onApiResponse?: (response: ApiResponse) => void;
  /** After each reconcile that ran: its duration and, when it was a periodic one, how late it began. */
  readonly onReconcile?: (r: ReconcileReport) => void;
}

export interface ReconcileReport {
  readonly durationMs: number;
  /** ms after its due time a periodic reconcile began; null for one woken by a change. */
  readonly lateMs: number | null;
}

export type ControllerEnd = 'closed' | 'lost';

interface HpaObject extends KubernetesObject {
  spec?: { scaleTargetRef?: { apiVersion?: string; kind?: string; name?: string } };
}

/** The API sends creationTimestamp as a string (the client's type says Date). */
const createdMs = (t: unknown): number =>
  t instanceof Date || typeof t === 'string' ? new Date(t).getTime() : 0;

export class Controller {
  readonly #options: ControllerOptions;
  readonly #log: Logger;
  readonly #rest: KubeRest;
  readonly #kubeConfig: KubeConfig;
  readonly #scalers: ResilientInformer<ElasticScaler>;
  readonly #hpas: ResilientInformer<HpaObject>;
  readonly #pods: PodCache;
  readonly #reconciler: Reconciler;
  readonly #elector: LeaderElector | null;
  readonly #identity: string;
  /** One connection pool per metric server for every scaler's HTTP triggers. */
  readonly #http = new HttpClient({ maxSockets: 32 });
  /** Generations last queued, so a status write (same generation) does not wake a scaler. */
  readonly #generations = new Map<string, number>();
  /** Keys whose next reconcile is due because of a change, not the sync period. */
  readonly #changed = new Set<string>();
  readonly #due = new Map<string, number>();
  readonly #targets = new Map<string, { generation: number; target: Ref | null }>();
  /** Each HPA's scaleTargetRef as last seen, so that only a change of target wakes scalers. */
  readonly #hpaTargets = new Map<string, string>();
  #queue: WorkQueue | null = null;
  #end!: (end: ControllerEnd) => void;
  /** Resolves when the controller stops: `lost` when it lost its Lease (exit and restart). */
  readonly done: Promise<ControllerEnd>;

  constructor(options: ControllerOptions) {
    this.#options = options;
    this.#log = options.log;
    this.done = new Promise((resolve) => (this.#end = resolve));
    this.#kubeConfig = new KubeConfig();
    if (options.kubeconfig === undefined) this.#kubeConfig.loadFromDefault();
    else this.#kubeConfig.loadFromFile(options.kubeconfig);
    const bucket = createTokenBucket(options.apiQps, options.apiBurst, options.clock);
    this.#rest = createKubeRest({
      kubeConfig: this.#kubeConfig,
      gate: (signal) => bucket.acquire(signal),
      onResponse: (r) => options.onApiResponse?.(r),
    });
    this.#identity = options.identity ?? defaultLeaderIdentity();
    const scalersPath = collectionPath(`/apis/${GROUP}/${VERSION}`, PLURAL, options.namespace);
    const hpasPath = collectionPath(
      '/apis/autoscaling/v2',
      'horizontalpodautoscalers',
      options.namespace,
    );
    this.#scalers = new ResilientInformer<ElasticScaler>({
      kubeConfig: this.#kubeConfig,
      rest: this.#rest,
      path: scalersPath,
      log: this.#log,
      onChange: (o, change) => this.#onScaler(o, change),
    });
    this.#hpas = new ResilientInformer<HpaObject>({
      kubeConfig: this.#kubeConfig,
      rest: this.#rest,
      path: hpasPath,
      log: this.#log,
      onChange: (o, change) => this.#onHpa(o, change),
    });
    this.#pods = new PodCache({
      kubeConfig: this.#kubeConfig,
      rest: this.#rest,
      path: collectionPath('/api/v1', 'pods', options.namespace),
      log: this.#log,
    });
    this.#reconciler = new Reconciler({
      pods: (namespace, selector) => this.#pods.select(namespace, selector),
      rest: this.#rest,
      kinds: new KindResolver(this.#rest, { now: () => options.clock.now() }),
      events: new EventRecorder({
        rest: this.#rest,
        instance: this.#identity,
        now: () => options.clock.now(),
        log: this.#log,
      }),
      log: this.#log,
      clock: options.clock,
      sourceDeps: {
        now: () => options.clock.now(),
        env: options.env,
        kube: kubeApiFromConfig({ kubeconfig: options.kubeconfig }),
        http: this.#http,
      },
      conflict: (scaler, target) => this.#conflict(scaler, target),
      identity: this.#identity,
      readConcurrency: options.readConcurrency,
      readTimeoutMs: options.readTimeoutMs,
      stateWriteSeconds: options.stateWriteSeconds,
      readHistory: options.readHistory,
      ...(options.onDecision === undefined ? {} : { onDecision: options.onDecision }),
    });
    this.#elector = options.leaderElection
      ? new LeaderElector({
          lease: { namespace: options.leaseNamespace, name: options.leaseName },
          identity: this.#identity,
          clock: options.clock,
          client: restLeaseClient(this.#rest),
          logger: this.#log,
          ...(options.leaseDurationSeconds === undefined
            ? {}
            : { leaseDurationSeconds: options.leaseDurationSeconds }),
          ...(options.renewDeadlineSeconds === undefined
            ? {}
            : { renewDeadlineSeconds: options.renewDeadlineSeconds }),
          ...(options.retryPeriodSeconds === undefined
            ? {}
            : { retryPeriodSeconds: options.retryPeriodSeconds }),
          onStartedLeading: (signal) => this.#lead(signal),
          onStoppedLeading: () => this.#stoppedLeading(),
          onNewLeader: (identity) => this.#log.info({ leader: identity }, 'leader observed'),
        })
      : null;
  }

  get identity(): string {
    return this.#identity;
  }

  isLeader(): boolean {
    return this.#elector === null ? this.#queue !== null : this.#elector.isLeader();
  }

  leader(): string | undefined {
    return this.#elector === null ? this.#identity : this.#elector.leader();
  }

  /** Null when ready (caches filled); else why not, for `/readyz`. */
  notReady(): string | null {
    if (!this.#scalers.synced) return 'ElasticScalers not listed yet';
    if (!this.#hpas.synced) return 'HorizontalPodAutoscalers not listed yet';
    if (!this.#pods.synced) return 'Pods not listed yet';
    return null;
  }

  async start(): Promise<void> {
    await Promise.all([this.#scalers.start(), this.#hpas.start(), this.#pods.start()]);
    if (this.#elector === null) {
      const stop = new AbortController();
      this.#stopLocal = stop;
      this.#running = this.#lead(stop.signal);
    } else {
      this.#elector.start();
    }
  }

  #stopLocal: AbortController | null = null;
  #running: Promise<void> | null = null;
  #closing = false;

  async close(): Promise<void> {
    this.#closing = true;
    if (this.#elector !== null) await this.#elector.close();
    else {
      this.#stopLocal?.abort();
      await this.#running;
    }
    await Promise.all([
      this.#scalers.close(),
      this.#hpas.close(),
      this.#pods.close(),
      this.#reconciler.close(),
    ]);
    this.#rest.close();
    this.#http.close();
    this.#end('closed');
  }

  /** The guarded work: workers over the queue until leadership ends; waits for them. */
  async #lead(signal: AbortSignal): Promise<void> {
    this.#log.info({ identity: this.#identity }, 'leading: reconciling ElasticScalers');
    const queue = new WorkQueue({ clock: this.#options.clock });
    this.#queue = queue;
    for (const o of this.#scalers.list()) {
      this.#changed.add(keyOf(o));
      queue.add(keyOf(o));
    }
    const stopped = new Promise<void>((resolve) =>
      signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    const workers = Array.from({ length: this.#options.workers }, () => this.#work(queue, signal));
    await stopped;
    await queue.shutDownWithDrain();
    await Promise.all(workers);
    this.#queue = null;
    // Stopping of our own accord (not a lost Lease): write what the throttle held back while we
    // still hold the Lease, so the next leader resumes the windows exactly.
    if (this.#closing) await this.#reconciler.flush();
    this.#log.info('stopped reconciling');
  }

  #stoppedLeading(): void {
    if (this.#closing) return;
    this.#log.error(
      { identity: this.#identity },
      'leader election lost: stopping so that a fresh process campaigns again',
    );
    this.#end('lost');
  }

  async #work(queue: WorkQueue, signal: AbortSignal): Promise<void> {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await this.#reconcileKey(queue, key, signal);
      } finally {
        queue.done(key);
      }
    }
  }

  async #reconcileKey(queue: WorkQueue, key: string, signal: AbortSignal): Promise<void> {
    const [namespace, name] = splitKey(key);
    const object = this.#scalers.get(name, namespace);
    if (object === undefined) {
      this.#due.delete(key);
      this.#changed.delete(key);
      this.#targets.delete(key);
      await this.#reconciler.forget(key);
      this.#options.onForget?.(key);
      return;
    }
    const now = this.#options.clock.now();
    const due = this.#due.get(key) ?? 0;
    // A timer that fired early (an earlier change re-armed the schedule): not due yet.
    const periodic = !this.#changed.has(key);
    if (periodic && now < due - 250) {
      queue.addAfter(key, due - now);
      return;
    }
    this.#changed.delete(key);
    const began = performance.now();
    const afterMs = await this.#reconciler.reconcile(object, signal);
    if (signal.aborted) return;
    this.#options.onReconcile?.({
      durationMs: performance.now() - began,
      lateMs: periodic && due > 0 ? now - due : null,
    });
    this.#due.set(key, this.#options.clock.now() + afterMs);
    queue.addAfter(key, afterMs);
  }

  #onScaler(object: ElasticScaler, change: Change): void {
    const key = keyOf(object);
    const generation = object.metadata?.generation ?? 0;
    if (change !== 'delete' && this.#generations.get(key) === generation) return;
    if (change === 'delete') this.#generations.delete(key);
    else this.#generations.set(key, generation);
    this.#changed.add(key);
    this.#queue?.add(key);
  }

  /**
   * An HPA appeared, went, or changed its target: the scalers in its namespace look at their
   * targets again. Its status updates (every HPA sync) change nothing here and wake no one.
   */
  #onHpa(hpa: HpaObject, change: Change): void {
    if (!this.#hpaRetargeted(hpa, change)) return;
    for (const o of this.#scalers.list(hpa.metadata?.namespace ?? '')) {
      this.#changed.add(keyOf(o));
      this.#queue?.add(keyOf(o));
    }
  }

  /** Whether an HPA event can change who owns a target (not a status update). */
  #hpaRetargeted(hpa: HpaObject, change: Change): boolean {
    const key = keyOf(hpa);
    const target = JSON.stringify(hpa.spec?.scaleTargetRef ?? null);
    if (change === 'update' && this.#hpaTargets.get(key) === target) return false;
    if (change === 'delete') this.#hpaTargets.delete(key);
    else this.#hpaTargets.set(key, target);
    return true;
  }

  /** The target a scaler acts on (null: invalid or a dry run), parsed once per generation. */
  #actingTarget(o: ElasticScaler): Ref | null {
    const key = keyOf(o);
    const generation = o.metadata?.generation ?? 0;
    const cached = this.#targets.get(key);
    if (cached?.generation === generation) return cached.target;
    const target = actingTargetOf(o);
    this.#targets.set(key, { generation, target });
    return target;
  }

  #conflict(
    scaler: ElasticScaler,
    target: { apiVersion: string; kind: string; name: string },
  ): string | null {
    const self: Owner = {
      kind: 'ElasticScaler',
      namespace: scaler.metadata?.namespace ?? 'default',
      name: scaler.metadata?.name ?? '',
      target,
      createdAt: createdMs(scaler.metadata?.creationTimestamp),
    };
    // Only this namespace's autoscalers can own the target: reading every scaler of the cluster
    // here made each reconcile cost O(scalers), a period O(scalers²).
    const namespace = self.namespace;
    const owner = findOwner(self, [
      ...this.#hpaOwners(namespace),
      ...this.#scalerOwners(namespace),
    ]);
    return owner === null ? null : conflictMessage(self, owner);
  }

  #hpaOwners(namespace: string): Owner[] {
    return this.#hpas.list(namespace).flatMap(hpaOwner);
  }

  /** Other ElasticScalers of `namespace` that act (valid, not dry runs) own their targets. */
  #scalerOwners(namespace: string): Owner[] {
    return this.#scalers.list(namespace).flatMap((o) => {
      const t = this.#actingTarget(o);
      if (t === null) return [];
      return [
        {
          kind: 'ElasticScaler' as const,
          namespace: o.metadata?.namespace ?? '',
          name: o.metadata?.name ?? '',
          target: t,
          createdAt: createdMs(o.metadata?.creationTimestamp),
        },
      ];
    });
  }
}

function hpaOwner(h: HpaObject): Owner[] {
  const ref = h.spec?.scaleTargetRef;
  if (ref?.kind === undefined || ref.name === undefined) return [];
  const target = { apiVersion: ref.apiVersion ?? '', kind: ref.kind, name: ref.name };
  const meta = h.metadata ?? {};
  return [
    {
      kind: 'HorizontalPodAutoscaler',
      namespace: meta.namespace ?? '',
      name: meta.name ?? '',
      target,
      createdAt: createdMs(meta.creationTimestamp),
    },
  ];
}

type Ref = { apiVersion: string; kind: string; name: string };

/** A collection's path, in all namespaces or in one: `/api/v1/pods`, `/api/v1/namespaces/web/pods`. */
const collectionPath = (base: string, plural: string, namespace: string | undefined): string =>
  namespace === undefined
    ? `${base}/${plural}`
    : `${base}/namespaces/${encodeURIComponent(namespace)}/${plural}`;

function actingTargetOf(o: ElasticScaler): Ref | null {
  const parsed = parseScalerSpec(o.spec);
  if (!('spec' in parsed) || parsed.spec.dryRun) return null;
  return parsed.spec.target as Ref;
}

function splitKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}
