/**
 * An informer that keeps going: `@kubernetes/client-node`'s list-watch cache, with what its 1.x
 * line leaves to the caller (k8s-controller-notes §1).
 *
 * - Its informer stops for good on any error but a 410: here every error restarts it after a
 *   backoff (1 s doubling to 30 s, reset once a watch has been up for a minute). A restart
 *   resumes from the last resourceVersion; a 410 relists.
 * - The server ends each watch after `timeoutSeconds` (300 s) and bookmarks advance the
 *   resourceVersion, so a half-open connection is replaced within minutes; a watchdog restarts a
 *   watch that has been silent for longer than that.
 * - `await start()` resolves even when the first list failed: `synced` says whether the cache
 *   has ever been filled.
 * - Handlers only pass keys on and are wrapped: a throwing handler would end the process.
 *
 * @module
 */
import { makeInformer, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '../log.js';
import type { KubeRest } from './rest.js';

export type Change = 'add' | 'update' | 'delete';

export interface InformerOptions<T extends KubernetesObject> {
  readonly kubeConfig: KubeConfig;
  readonly rest: KubeRest;
  /** The collection's path, e.g. `/apis/tide.dev/v1alpha1/elasticscalers`. */
  readonly path: string;
  readonly log: Logger;
  readonly onChange: (object: T, change: Change) => void;
  readonly watchTimeoutSeconds?: number;
}

interface ListObject<T> {
  readonly metadata?: { readonly resourceVersion?: string };
  readonly items: T[];
}

const MAX_BACKOFF_MS = 30_000;

/** `stop()` aborts the watch, and the informer reports that as an error: not one to act on. */
const isAbort = (err: unknown): boolean =>
  typeof err === 'object' &&
  err !== null &&
  ((err as { name?: unknown }).name === 'AbortError' ||
    (err as { type?: unknown }).type === 'aborted');

export const objectKey = (o: KubernetesObject): string =>
  `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

export class ResilientInformer<T extends KubernetesObject> {
  readonly #options: InformerOptions<T>;
  readonly #informer: ReturnType<typeof makeInformer<T>>;
  #synced = false;
  #closed = false;
  #backoffMs = 1000;
  #restartTimer: NodeJS.Timeout | null = null;
  #watchdog: NodeJS.Timeout | null = null;
  #lastActivity = Date.now();
  #connectedAt = 0;

  constructor(options: InformerOptions<T>) {
    this.#options = options;
    const timeout = options.watchTimeoutSeconds ?? 300;
    const path = `${options.path}?allowWatchBookmarks=true&timeoutSeconds=${timeout}`;
    const list = async (): Promise<ListObject<T>> => {
      const result = await options.rest.request<ListObject<T>>('GET', options.path, {
        doing: `listing ${options.path}`,
      });
      this.#synced = true;
      this.#lastActivity = Date.now();
      return { ...result, items: result.items ?? [] };
    };
    this.#informer = makeInformer<T>(options.kubeConfig, path, list);
    const handle = (change: Change) => (object: T) => {
      this.#lastActivity = Date.now();
      try {
        options.onChange(object, change);
      } catch (e) {
        options.log.error(
          { err: (e as Error).message, path: options.path },
          'informer handler failed',
        );
      }
    };
    this.#informer.on('add', handle('add'));
    this.#informer.on('update', handle('update'));
    this.#informer.on('delete', handle('delete'));
    this.#informer.on('connect', () => {
      this.#lastActivity = Date.now();
      this.#connectedAt = Date.now();
    });
    this.#informer.on('error', (err: unknown) => this.#onError(err));
  }

  /** Whether the cache has been filled by a list at least once. */
  get synced(): boolean {
    return this.#synced;
  }

  async start(): Promise<void> {
    const timeout = this.#options.watchTimeoutSeconds ?? 300;
    this.#watchdog = setInterval(() => this.#checkSilence(timeout), 15_000);
    this.#watchdog.unref();
    await this.#startInformer();
  }

  /** The cached objects, of one namespace when given (the cache indexes them by namespace). */
  list(namespace?: string): readonly T[] {
    return this.#informer.list(namespace);
  }

  get(name: string, namespace?: string): T | undefined {
    return this.#informer.get(name, namespace);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#restartTimer !== null) clearTimeout(this.#restartTimer);
    if (this.#watchdog !== null) clearInterval(this.#watchdog);
    await this.#informer.stop().catch(() => undefined);
  }

  async #startInformer(): Promise<void> {
    try {
      await this.#informer.start();
    } catch (e) {
      this.#onError(e);
    }
  }

  #onError(err: unknown): void {
    if (this.#closed || this.#restartTimer !== null || isAbort(err)) return;
    const upMs = this.#connectedAt === 0 ? 0 : Date.now() - this.#connectedAt;
    if (upMs > 60_000) this.#backoffMs = 1000;
    const delay = this.#backoffMs;
    this.#backoffMs = Math.min(MAX_BACKOFF_MS, this.#backoffMs * 2);
    const message = err instanceof Error ? err.message : String(err);
    this.#options.log.warn(
      { path: this.#options.path, err: message, retryInMs: delay },
      'watch failed; restarting',
    );
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = null;
      if (this.#closed) return;
      void this.#informer
        .stop()
        .catch(() => undefined)
        .then(() => this.#startInformer());
    }, delay);
  }

  #checkSilence(timeoutSeconds: number): void {
    if (this.#closed || this.#restartTimer !== null) return;
    if (Date.now() - this.#lastActivity < (timeoutSeconds + 60) * 1000) return;
    this.#lastActivity = Date.now();
    this.#onError(new Error(`no watch activity for ${timeoutSeconds + 60} s`));
  }
}
