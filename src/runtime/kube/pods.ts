/**
 * The pods of the watched namespaces, kept by one watch and decoded once when they change, as
 * kube-controller-manager's HPA reads them from its shared pod informer: a scaler's tick takes
 * its target's pods from here instead of listing them from the API server (one LIST per scaler
 * per sync period before: at 1,000 scalers and 15 s, 67 requests a second).
 *
 * `select` answers undefined while the cache has never been filled, or for a selector it does not
 * read: the caller then lists the pods itself, as before. A pod that does not decode is left out
 * (and logged once per name). Memory grows with the pods of the watched namespaces (`--namespace`
 * narrows it).
 *
 * @module
 */
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { PodInfo } from '../../core/model.js';
import { decodePod } from '../../sources/kubernetes-resource.js';
import type { Logger } from '../log.js';
import { ResilientInformer, type Change } from './informer.js';
import type { KubeRest } from './rest.js';
import { parseSelector, type LabelMatcher, type Labels } from './selector.js';

interface Cached {
  readonly labels: Labels;
  readonly info: PodInfo;
}

/**
 * The pods by namespace and name, each with its labels and decoded PodInfo, fed with watch
 * events; `select` matches a selector string against them.
 */
export class PodIndex {
  readonly #log: Logger;
  /** namespace → pod name → its labels and PodInfo. */
  readonly #byNamespace = new Map<string, Map<string, Cached>>();
  /** Parsed selectors (one per target, so bounded by the scalers). */
  readonly #matchers = new Map<string, LabelMatcher | null>();
  /** Pods already logged as not decoding (`namespace/name`), so each is logged once. */
  readonly #undecodable = new Set<string>();

  constructor(log: Logger) {
    this.#log = log;
  }

  /** The pods of `namespace` that `selector` matches; undefined for a selector it cannot read. */
  select(namespace: string, selector: string): PodInfo[] | undefined {
    let matcher = this.#matchers.get(selector);
    if (matcher === undefined) {
      matcher = parseSelector(selector);
      this.#matchers.set(selector, matcher);
    }
    if (matcher === null) return undefined;
    const pods: PodInfo[] = [];
    for (const pod of this.#byNamespace.get(namespace)?.values() ?? []) {
      if (matcher(pod.labels)) pods.push(pod.info);
    }
    return pods;
  }

  apply(pod: KubernetesObject, change: Change): void {
    const namespace = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    if (change === 'delete') this.#remove(namespace, name);
    else this.#store(namespace, name, pod);
  }

  #remove(namespace: string, name: string): void {
    this.#undecodable.delete(`${namespace}/${name}`);
    this.#drop(namespace, name);
  }

  #drop(namespace: string, name: string): void {
    const pods = this.#byNamespace.get(namespace);
    pods?.delete(name);
    if (pods?.size === 0) this.#byNamespace.delete(namespace);
  }

  #store(namespace: string, name: string, pod: KubernetesObject): void {
    let info: PodInfo;
    try {
      info = decodePod(pod);
    } catch (e) {
      this.#drop(namespace, name);
      const key = `${namespace}/${name}`;
      if (this.#undecodable.has(key)) return;
      this.#undecodable.add(key);
      this.#log.warn(
        { pod: key, err: (e as Error).message.slice(0, 300) },
        'a pod that does not decode is left out of its target',
      );
      return;
    }
    this.#undecodable.delete(`${namespace}/${name}`);
    const pods = this.#byNamespace.get(namespace) ?? new Map<string, Cached>();
    pods.set(name, { labels: pod.metadata?.labels ?? {}, info });
    this.#byNamespace.set(namespace, pods);
  }
}

/** A PodIndex kept by one watch (a ResilientInformer). */
export class PodCache {
  readonly #informer: ResilientInformer<KubernetesObject>;
  readonly #index: PodIndex;

  constructor(options: {
    readonly kubeConfig: KubeConfig;
    readonly rest: KubeRest;
    /** `/api/v1/pods`, or `/api/v1/namespaces/<ns>/pods`. */
    readonly path: string;
    readonly log: Logger;
  }) {
    const index = new PodIndex(options.log);
    this.#index = index;
    this.#informer = new ResilientInformer<KubernetesObject>({
      ...options,
      onChange: (pod, change) => index.apply(pod, change),
    });
  }

  get synced(): boolean {
    return this.#informer.synced;
  }

  start(): Promise<void> {
    return this.#informer.start();
  }

  close(): Promise<void> {
    return this.#informer.close();
  }

  /** The pods of `namespace` that `selector` matches; undefined when the cache cannot say. */
  select(namespace: string, selector: string): PodInfo[] | undefined {
    return this.#informer.synced ? this.#index.select(namespace, selector) : undefined;
  }
}
