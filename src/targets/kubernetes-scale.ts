/**
 * The Kubernetes target: any kind with a `/scale` subresource (Deployment, StatefulSet,
 * ReplicaSet, a custom resource), found through discovery, read and patched through `/scale`
 * alone, as the HPA does. The scale's `status.selector` names the target's pods.
 *
 * Discovery answers are cached per group-version; a kind that is not (yet) served is looked up
 * again after `rediscoverMs`, so a CRD installed after the scaler starts is picked up.
 *
 * @module
 */

/** The narrow API this target needs: one JSON request (the controller's KubeRest). */
export interface ApiRequester {
  request<T = unknown>(
    method: 'GET' | 'PATCH',
    path: string,
    options?: { readonly body?: unknown; readonly signal?: AbortSignal; readonly doing?: string },
  ): Promise<T>;
}

export interface ScaleTargetRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
}

/** Where a kind is served. */
export interface ResolvedKind {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
}

export interface ScaleReading {
  /** `spec.replicas` of the scale: what the target is asked to run. */
  readonly specReplicas: number;
  /** `status.replicas`: what it runs. */
  readonly statusReplicas: number;
  /** `status.selector` (a label selector string); null when the kind publishes none. */
  readonly selector: string | null;
}

export type TargetProblem = 'TargetNotFound' | 'KindNotFound' | 'NotScalable' | 'ApiError';

/** Why the target cannot be read or scaled; `reason` is the condition reason to publish. */
export class TargetError extends Error {
  override readonly name = 'TargetError';
  constructor(
    readonly reason: TargetProblem,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export const isTargetError = (e: unknown): e is TargetError => e instanceof TargetError;

const statusOf = (e: unknown): number | undefined =>
  typeof e === 'object' && e !== null && typeof (e as { status?: unknown }).status === 'number'
    ? (e as { status: number }).status
    : undefined;

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The URL prefix of a group-version: `/api/v1` for the core group, `/apis/g/v` otherwise. */
export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

export function scalePath(
  kind: ResolvedKind,
  ref: Pick<ScaleTargetRef, 'namespace' | 'name'>,
): string {
  const ns = encodeURIComponent(ref.namespace);
  const name = encodeURIComponent(ref.name);
  return `${groupVersionPath(kind.group, kind.version)}/namespaces/${ns}/${kind.plural}/${name}/scale`;
}

interface ApiResourceList {
  readonly resources?: readonly {
    readonly name: string;
    readonly kind: string;
    readonly namespaced?: boolean;
  }[];
}

interface Discovered {
  readonly at: number;
  readonly list: ApiResourceList | null;
}

/** Resolves kinds to resources through discovery, with a cache. */
export class KindResolver {
  readonly #api: ApiRequester;
  readonly #now: () => number;
  readonly #rediscoverMs: number;
  readonly #cache = new Map<string, Discovered>();

  constructor(
    api: ApiRequester,
    options: { readonly now: () => number; readonly rediscoverMs?: number },
  ) {
    this.#api = api;
    this.#now = options.now;
    this.#rediscoverMs = options.rediscoverMs ?? 30_000;
  }

  /** The kind's resource; a TargetError when it is not served or has no `/scale`. */
  async resolve(apiVersion: string, kind: string, signal?: AbortSignal): Promise<ResolvedKind> {
    const { group, version } = splitApiVersion(apiVersion);
    let list = await this.#discover(group, version, false, signal);
    let found = findKind(list, kind);
    if (found === null) {
      list = await this.#discover(group, version, true, signal);
      found = findKind(list, kind);
    }
    if (found === null) {
      throw new TargetError(
        'KindNotFound',
        `the API server does not serve kind ${kind} in ${apiVersion} (is its CRD installed?)`,
        true,
      );
    }
    if (!found.scalable) {
      throw new TargetError(
        'NotScalable',
        `${kind} in ${apiVersion} has no /scale subresource: Tide scales only kinds that have one`,
        false,
      );
    }
    return { group, version, plural: found.plural };
  }

  async #discover(
    group: string,
    version: string,
    refresh: boolean,
    signal?: AbortSignal,
  ): Promise<ApiResourceList | null> {
    const key = `${group}/${version}`;
    const cached = this.#cache.get(key);
    const fresh = cached !== undefined && this.#now() - cached.at < this.#rediscoverMs;
    if (cached !== undefined && (fresh || !refresh)) return cached.list;
    let list: ApiResourceList | null;
    try {
      list = await this.#api.request<ApiResourceList>('GET', groupVersionPath(group, version), {
        ...(signal === undefined ? {} : { signal }),
        doing: `discovering ${key === '/v1' ? 'v1' : key}`,
      });
    } catch (e) {
      if (statusOf(e) !== 404) throw new TargetError('ApiError', messageOf(e), true);
      list = null;
    }
    this.#cache.set(key, { at: this.#now(), list });
    return list;
  }
}

function findKind(
  list: ApiResourceList | null,
  kind: string,
): { plural: string; scalable: boolean } | null {
  const resources = list?.resources ?? [];
  const main = resources.find((r) => r.kind === kind && !r.name.includes('/'));
  if (main === undefined) return null;
  return { plural: main.name, scalable: resources.some((r) => r.name === `${main.name}/scale`) };
}

interface ScaleObject {
  readonly spec?: { readonly replicas?: number };
  readonly status?: { readonly replicas?: number; readonly selector?: string };
}

function notFound(ref: ScaleTargetRef, e: unknown): TargetError {
  return statusOf(e) === 404
    ? new TargetError('TargetNotFound', `${ref.kind} ${ref.namespace}/${ref.name} not found`, true)
    : new TargetError('ApiError', messageOf(e), true);
}

/** Reads the target's scale. */
export async function readScale(
  api: ApiRequester,
  kind: ResolvedKind,
  ref: ScaleTargetRef,
  signal?: AbortSignal,
): Promise<ScaleReading> {
  let scale: ScaleObject;
  try {
    scale = await api.request<ScaleObject>('GET', scalePath(kind, ref), {
      ...(signal === undefined ? {} : { signal }),
      doing: `reading the scale of ${ref.kind} ${ref.namespace}/${ref.name}`,
    });
  } catch (e) {
    throw notFound(ref, e);
  }
  const specReplicas = scale.spec?.replicas ?? 0;
  return {
    specReplicas,
    statusReplicas: scale.status?.replicas ?? specReplicas,
    selector:
      scale.status?.selector === undefined || scale.status.selector === ''
        ? null
        : scale.status.selector,
  };
}

/** Sets the target's `spec.replicas` through `/scale` (a merge patch: no resourceVersion race). */
export async function patchScale(
  api: ApiRequester,
  change: { readonly kind: ResolvedKind; readonly ref: ScaleTargetRef; readonly replicas: number },
  signal?: AbortSignal,
): Promise<void> {
  const { kind, ref, replicas } = change;
  try {
    await api.request('PATCH', scalePath(kind, ref), {
      body: { spec: { replicas } },
      ...(signal === undefined ? {} : { signal }),
      doing: `scaling ${ref.kind} ${ref.namespace}/${ref.name} to ${replicas}`,
    });
  } catch (e) {
    throw notFound(ref, e);
  }
}
