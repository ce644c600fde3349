/**
 * The controller's Kubernetes API clients (`@kubernetes/client-node` 1.4), built once from a
 * kubeconfig, every request passing one middleware that waits for a token of a shared bucket
 * (kube-controller-manager's 20 qps / burst 30) and then bounds the request with a timeout.
 * Also: reading ApiException errors without leaking credentials, and the LeaseClient leader
 * election uses.
 *
 * Two traps of the 1.4 generated code shape this file: a request's middleware list is reversed
 * in place after each call (so the order of several static middlewares flips from call to call:
 * keep one), and the object-parameter APIs take Observable middleware, not Promise middleware.
 *
 * @module
 */
import {
  ApiException,
  ApisApi,
  AppsV1Api,
  AutoscalingV2Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  KubeConfig,
  Observable,
  ServerConfiguration,
  V1MicroTime,
  createConfiguration,
  type ConfigurationOptions,
  type ObservableMiddleware,
  type RequestContext,
  type ResponseContext,
  type V1Lease,
} from '@kubernetes/client-node';
import { systemClock, type Clock } from '../clock.js';
import { LeaseError, type LeaseClient, type LeaseRecord, type StoredLease } from './lease.js';
import { apiClientRateLimit, createTokenBucket, type TokenBucket } from './rate-limiter.js';

export interface KubeClients {
  /** For informers and watches, which take a KubeConfig. */
  readonly kubeConfig: KubeConfig;
  readonly apis: ApisApi;
  readonly apps: AppsV1Api;
  readonly autoscaling: AutoscalingV2Api;
  readonly coordination: CoordinationV1Api;
  readonly core: CoreV1Api;
  readonly customObjects: CustomObjectsApi;
  readonly events: EventsV1Api;
}

export interface KubeClientOptions {
  /** Each request's own time limit, after its wait for a token; default 30 s. */
  readonly requestTimeoutMs?: number;
  /** Shared by every request; default 20 qps / burst 30 on `clock`. */
  readonly bucket?: TokenBucket;
  /** Default the system clock. */
  readonly clock?: Clock;
  /** A kubeconfig context other than the current one. */
  readonly context?: string;
}

export const defaultRequestTimeoutMs = 30_000;

/**
 * Clients for the cluster of `kubeconfigPath` (default: $KUBECONFIG, ~/.kube/config, or the
 * in-cluster service account).
 */
export function createKubeClients(
  kubeconfigPath: string | undefined,
  options: KubeClientOptions = {},
): KubeClients {
  const kubeConfig = new KubeConfig();
  if (kubeconfigPath === undefined) kubeConfig.loadFromDefault();
  else kubeConfig.loadFromFile(kubeconfigPath);
  if (options.context !== undefined) kubeConfig.setCurrentContext(options.context);
  const cluster = kubeConfig.getCurrentCluster();
  if (cluster === null) {
    throw new Error(`kubeconfig ${kubeconfigPath ?? '(default)'}: no current cluster`);
  }
  const bucket =
    options.bucket ??
    createTokenBucket(
      apiClientRateLimit.qps,
      apiClientRateLimit.burst,
      options.clock ?? systemClock,
    );
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kubeConfig },
    middleware: [limitRequests(bucket, options.requestTimeoutMs ?? defaultRequestTimeoutMs)],
  });
  return {
    kubeConfig,
    apis: new ApisApi(configuration),
    apps: new AppsV1Api(configuration),
    autoscaling: new AutoscalingV2Api(configuration),
    coordination: new CoordinationV1Api(configuration),
    core: new CoreV1Api(configuration),
    customObjects: new CustomObjectsApi(configuration),
    events: new EventsV1Api(configuration),
  };
}

function middleware(pre: (ctx: RequestContext) => Promise<RequestContext>): ObservableMiddleware {
  return {
    pre: (ctx) => new Observable(pre(ctx)),
    post: (ctx: ResponseContext) => new Observable(Promise.resolve(ctx)),
  };
}

/** Waits for a token (giving up when the call's own signal aborts), then starts the timeout. */
function limitRequests(bucket: TokenBucket, timeoutMs: number): ObservableMiddleware {
  return middleware(async (ctx) => {
    const own = ctx.getSignal();
    await bucket.acquire(own);
    const timeout = AbortSignal.timeout(timeoutMs);
    ctx.setSignal(own === undefined ? timeout : AbortSignal.any([own, timeout]));
    return ctx;
  });
}

/**
 * Per-call options that abort the request with `signal` (on top of the shared timeout):
 * `await clients.core.readNamespace({ name }, withSignal(signal))`.
 */
export function withSignal(signal: AbortSignal): ConfigurationOptions {
  const setSignal = middleware((ctx) => {
    ctx.setSignal(signal);
    return Promise.resolve(ctx);
  });
  return { middleware: [setSignal], middlewareMergeStrategy: 'prepend' };
}

/** The HTTP status of a failed API call; undefined for network errors, aborts and bugs. */
export function apiErrorCode(e: unknown): number | undefined {
  return e instanceof ApiException ? (e as ApiException<unknown>).code : undefined;
}

/**
 * A failed API call in words, from the Status the server sent (`409 Conflict: Operation cannot
 * be fulfilled on leases.coordination.k8s.io "tide": the object has been modified`) or the
 * network error. Never the request or response headers; bearer and basic credentials and URL
 * user-info are masked in whatever text remains.
 */
export function apiErrorMessage(e: unknown): string {
  if (e instanceof ApiException) {
    const { code, body } = e as ApiException<unknown>;
    return maskCredentials(statusText(code, body));
  }
  if (e instanceof Error && e.name === 'AbortError') return 'request aborted (timeout or cancel)';
  const message = e instanceof Error ? e.message : String(e);
  return maskCredentials(message);
}

function statusText(code: number, body: unknown): string {
  const status = parseStatus(body);
  const reason = typeof status?.reason === 'string' ? ` ${status.reason}` : '';
  const message = typeof status?.message === 'string' ? `: ${status.message}` : '';
  return `${code}${reason}${message}`;
}

function parseStatus(body: unknown): { reason?: unknown; message?: unknown } | undefined {
  if (typeof body === 'object' && body !== null) return body;
  if (typeof body !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return { message: body.slice(0, 500) };
  }
}

const credentialPatterns: readonly [RegExp, string][] = [
  [/("?authorization"?\s*[:=]\s*)("[^"]*"|(?:(?:Bearer|Basic)\s+)?[^\s,}]+)/gi, '$1***'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 ***'],
  [/(\/\/)[^/\s:@]+:[^/\s@]+@/g, '$1***@'],
];

function maskCredentials(text: string): string {
  return credentialPatterns.reduce((out, [pattern, mask]) => out.replace(pattern, mask), text);
}

/** The LeaseClient of leader election over coordination.k8s.io/v1. */
export function createLeaseClient(api: CoordinationV1Api): LeaseClient {
  return {
    get: (ref, signal) =>
      leaseCall(`reading lease ${ref.namespace}/${ref.name}`, () =>
        api.readNamespacedLease(ref, withSignal(signal)),
      ),
    create: (ref, record, signal) =>
      leaseCall(`creating lease ${ref.namespace}/${ref.name}`, () =>
        api.createNamespacedLease(
          { namespace: ref.namespace, body: toLease(ref.name, record) },
          withSignal(signal),
        ),
      ),
    replace: (ref, lease, signal) =>
      leaseCall(`updating lease ${ref.namespace}/${ref.name}`, () =>
        api.replaceNamespacedLease(
          { ...ref, body: toLease(ref.name, lease.record, lease.resourceVersion) },
          withSignal(signal),
        ),
      ),
  };
}

async function leaseCall(doing: string, send: () => Promise<V1Lease>): Promise<StoredLease> {
  try {
    return fromLease(await send());
  } catch (e) {
    const code = apiErrorCode(e);
    const kind = code === 404 ? 'NotFound' : code === 409 ? 'Conflict' : 'Failed';
    throw new LeaseError(kind, `${doing}: ${apiErrorMessage(e)}`);
  }
}

function toLease(name: string, record: LeaseRecord, resourceVersion?: string): V1Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, ...(resourceVersion === undefined ? {} : { resourceVersion }) },
    spec: {
      holderIdentity: record.holderIdentity,
      leaseDurationSeconds: record.leaseDurationSeconds,
      ...microTime('acquireTime', record.acquireTime),
      ...microTime('renewTime', record.renewTime),
      leaseTransitions: record.leaseTransitions,
    },
  };
}

/** V1MicroTime serializes as `.123000Z`; a plain Date's `.123Z` is refused by the API server. */
function microTime<K extends string>(key: K, text: string): { [P in K]?: V1MicroTime } {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? {} : ({ [key]: new V1MicroTime(ms) } as { [P in K]: V1MicroTime });
}

/** Responses carry MicroTimes as strings (the generated model types them as Dates). */
function microTimeText(value: unknown): string {
  if (typeof value === 'string') return value;
  return value instanceof Date ? new V1MicroTime(value.getTime()).toISOString() : '';
}

function fromLease(lease: V1Lease): StoredLease {
  const spec = lease.spec ?? {};
  return {
    resourceVersion: lease.metadata?.resourceVersion ?? '',
    record: {
      holderIdentity: spec.holderIdentity ?? '',
      leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
      acquireTime: microTimeText(spec.acquireTime),
      renewTime: microTimeText(spec.renewTime),
      leaseTransitions: spec.leaseTransitions ?? 0,
    },
  };
}
