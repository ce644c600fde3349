/**
 * The LeaderElector's Lease API (coordination.k8s.io/v1) over the controller's REST client: its
 * requests share the controller's rate limit, and 404 and 409 come back as the elector's typed
 * errors.
 *
 * @module
 */
import { LeaseError, type LeaseClient, type LeaseRef, type StoredLease } from './lease.js';
import { isKubeApiError, type KubeRest } from './rest.js';

interface LeaseObject {
  readonly metadata: { readonly resourceVersion?: string };
  readonly spec?: Record<string, unknown>;
}

const leasesPath = (ref: LeaseRef): string =>
  `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(ref.namespace)}/leases`;

function typed(e: unknown): LeaseError {
  if (isKubeApiError(e) && e.status === 404)
    return new LeaseError('NotFound', e.message, { cause: e });
  if (isKubeApiError(e) && e.status === 409)
    return new LeaseError('Conflict', e.message, { cause: e });
  if (isKubeApiError(e) && e.status === 0 && /within|abort/i.test(e.message)) {
    return new LeaseError('Timeout', e.message, { cause: e });
  }
  return new LeaseError('Failed', e instanceof Error ? e.message : String(e), { cause: e });
}

/** A Lease's spec as the elector reads it; fields the API left out take their zero values. */
function stored(o: LeaseObject): StoredLease {
  const spec = o.spec ?? {};
  const text = (k: string): string => (typeof spec[k] === 'string' ? spec[k] : '');
  const count = (k: string): number => (typeof spec[k] === 'number' ? spec[k] : 0);
  return {
    resourceVersion: o.metadata.resourceVersion ?? '',
    record: {
      holderIdentity: text('holderIdentity'),
      leaseDurationSeconds: count('leaseDurationSeconds'),
      acquireTime: text('acquireTime'),
      renewTime: text('renewTime'),
      leaseTransitions: count('leaseTransitions'),
    },
  };
}

export function restLeaseClient(rest: KubeRest): LeaseClient {
  const call = async (
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    options: { body?: unknown; signal: AbortSignal },
  ): Promise<StoredLease> => {
    try {
      return stored(
        await rest.request<LeaseObject>(method, path, { ...options, doing: `${method} ${path}` }),
      );
    } catch (e) {
      throw typed(e);
    }
  };
  return {
    get: (ref, signal) =>
      call('GET', `${leasesPath(ref)}/${encodeURIComponent(ref.name)}`, { signal }),
    create: (ref, record, signal) =>
      call('POST', leasesPath(ref), {
        signal,
        body: {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: ref.name, namespace: ref.namespace },
          spec: record,
        },
      }),
    replace: (ref, lease, signal) =>
      call('PUT', `${leasesPath(ref)}/${encodeURIComponent(ref.name)}`, {
        signal,
        body: {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: {
            name: ref.name,
            namespace: ref.namespace,
            resourceVersion: lease.resourceVersion,
          },
          spec: lease.record,
        },
      }),
  };
}
