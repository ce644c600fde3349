import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiException } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiErrorCode,
  apiErrorMessage,
  createKubeClients,
  createLeaseClient,
  withSignal,
} from './api.js';
import { isLeaseError, type LeaseRecord } from './lease.js';
import type { TokenBucket } from './rate-limiter.js';

const token = 'sekret-token-0123456789';

/**
 * A Lease endpoint on loopback that behaves as the API server does for what we send: 404, 409 on
 * a stale resourceVersion or an existing name, 422 on a MicroTime without six fractional digits,
 * 401 without the token. A path ending in `/hang` never answers.
 */
async function startLeaseServer() {
  let stored: { metadata: { resourceVersion: string } } | undefined;
  let version = 0;
  const bodies: string[] = [];
  const failure = (code: number, reason: string, message: string): [number, unknown] => [
    code,
    { kind: 'Status', status: 'Failure', code, reason, message },
  ];
  const save = (code: number, lease: Lease): [number, unknown] => {
    for (const key of ['acquireTime', 'renewTime'] as const) {
      const time = lease.spec[key] ?? '';
      if (!/\.\d{6}Z$/.test(time)) {
        return failure(422, 'Invalid', `spec.${key}: Invalid value: "${time}"`);
      }
    }
    version += 1;
    stored = { ...lease, metadata: { ...lease.metadata, resourceVersion: String(version) } };
    return [code, stored];
  };
  type Lease = { metadata: { resourceVersion?: string }; spec: Record<string, string> };
  const answer = (method: string, lease: Lease): [number, unknown] => {
    if (method === 'GET' && stored !== undefined) return [200, stored];
    if (method === 'POST' && stored === undefined) return save(201, lease);
    if (method === 'POST') return failure(409, 'AlreadyExists', 'leases "tide" already exists');
    if (method === 'PUT' && stored?.metadata.resourceVersion === lease.metadata.resourceVersion) {
      return save(200, lease);
    }
    if (method === 'PUT' && stored !== undefined) {
      const message =
        'Operation cannot be fulfilled on leases "tide": the object has been modified';
      return failure(409, 'Conflict', message);
    }
    return failure(404, 'NotFound', 'leases.coordination.k8s.io "tide" not found');
  };
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      if (req.url?.endsWith('/hang')) return;
      bodies.push(text);
      const lease = (text === '' ? {} : JSON.parse(text)) as Lease;
      const [code, body] =
        req.headers.authorization === `Bearer ${token}`
          ? answer(req.method ?? '', lease)
          : failure(401, 'Unauthorized', 'Unauthorized');
      res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const dir = await mkdtemp(join(tmpdir(), 'tide-kube-api-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'c',
        cluster: { server: `http://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true },
      },
    ],
    users: [{ name: 'u', user: { token } }],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'x',
  };
  await writeFile(kubeconfig, JSON.stringify(config));
  return {
    kubeconfig,
    bodies,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const ref = { namespace: 'tide-system', name: 'tide' };
const record: LeaseRecord = {
  holderIdentity: 'a',
  leaseDurationSeconds: 15,
  acquireTime: '2024-01-01T00:00:00.123000Z',
  renewTime: '2024-01-01T00:00:02.456000Z',
  leaseTransitions: 0,
};

function countingBucket(): TokenBucket & { taken: number } {
  const bucket = {
    taken: 0,
    reserve: () => 0,
    acquire: () => {
      bucket.taken += 1;
      return Promise.resolve();
    },
  };
  return bucket;
}

describe('createLeaseClient over a Lease endpoint', () => {
  let server: Awaited<ReturnType<typeof startLeaseServer>>;
  beforeAll(async () => {
    server = await startLeaseServer();
  });
  afterAll(() => server.close());

  it('gets, creates and replaces a Lease, with MicroTimes and resourceVersions as the API wants', async () => {
    const bucket = countingBucket();
    const clients = createKubeClients(server.kubeconfig, { bucket });
    const leases = createLeaseClient(clients.coordination);
    const signal = new AbortController().signal;

    const missing = await leases.get(ref, signal).catch((e: unknown) => e);
    expect(isLeaseError(missing, 'NotFound')).toBe(true);
    expect(String(missing)).toContain('reading lease tide-system/tide: 404 NotFound');

    const created = await leases.create(ref, record, signal);
    expect(created).toEqual({ record, resourceVersion: '1' });
    expect(server.bodies.at(-1)).toContain('"renewTime":"2024-01-01T00:00:02.456000Z"');
    expect(await leases.get(ref, signal)).toEqual(created);

    const again = await leases.create(ref, record, signal).catch((e: unknown) => e);
    expect(isLeaseError(again, 'Conflict')).toBe(true);

    const renewed = { ...record, renewTime: '2024-01-01T00:00:04.000000Z' };
    const replaced = await leases.replace(ref, { record: renewed, resourceVersion: '1' }, signal);
    expect(replaced).toEqual({ record: renewed, resourceVersion: '2' });
    const stale = await leases
      .replace(ref, { record: renewed, resourceVersion: '1' }, signal)
      .catch((e: unknown) => e);
    expect(isLeaseError(stale, 'Conflict')).toBe(true);
    expect(String(stale)).toContain('409 Conflict: Operation cannot be fulfilled');
    expect(String(stale)).not.toContain(token);
    expect(bucket.taken).toBe(6); // one token per request
  });

  it('aborts a request at the shared timeout, and at the call’s own signal', async () => {
    const clients = createKubeClients(server.kubeconfig, { requestTimeoutMs: 200 });
    const started = Date.now();
    const timedOut = await clients.core.readNamespace({ name: 'hang' }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(apiErrorCode(timedOut)).toBeUndefined();
    expect(apiErrorMessage(timedOut)).toBe('request aborted (timeout or cancel)');

    const slow = createKubeClients(server.kubeconfig, { requestTimeoutMs: 60_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('closing')), 100);
    const aborted = await slow.core
      .readNamespace({ name: 'hang' }, withSignal(controller.signal))
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(apiErrorMessage(aborted)).toBe('request aborted (timeout or cancel)');
  });

  it('reports a refused token without the token', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tide-kube-api-'));
    const wrong = join(dir, 'kubeconfig');
    const text = await readFile(server.kubeconfig, 'utf8');
    await writeFile(wrong, text.replace(token, 'wrong-token-abcdef'));
    const clients = createKubeClients(wrong);
    const e = await clients.core.readNamespace({ name: 'x' }).catch((err: unknown) => err);
    expect(apiErrorCode(e)).toBe(401);
    expect(apiErrorMessage(e)).toBe('401');
    expect(apiErrorMessage(e)).not.toContain('wrong-token');
  });
});

describe('apiErrorMessage', () => {
  it.each([
    [
      new ApiException(
        409,
        'Unknown API Status Code!',
        JSON.stringify({ reason: 'Conflict', message: 'the object has been modified' }),
        { authorization: `Bearer ${token}` },
      ),
      '409 Conflict: the object has been modified',
    ],
    [
      new ApiException(500, 'x', `upstream said Authorization: Bearer ${token}`, {}),
      '500: upstream said Authorization: ***',
    ],
    [
      new Error(`request to https://admin:${token}@10.0.0.1/api failed, reason: ECONNREFUSED`),
      'request to https://***@10.0.0.1/api failed, reason: ECONNREFUSED',
    ],
    [new Error(`bad header "authorization": "Basic ${token}"`), 'bad header "authorization": ***'],
    ['plain text', 'plain text'],
  ])('%#: never shows a credential', (error, expected) => {
    expect(apiErrorMessage(error)).toBe(expected);
    expect(apiErrorMessage(error)).not.toContain(token);
  });

  it('apiErrorCode is the HTTP status of an ApiException only', () => {
    expect(apiErrorCode(new ApiException(404, 'x', '{}', {}))).toBe(404);
    expect(apiErrorCode(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBeUndefined();
  });
});

describe('createKubeClients', () => {
  it('refuses a kubeconfig without a current cluster', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tide-kube-api-'));
    const path = join(dir, 'kubeconfig');
    await writeFile(path, JSON.stringify({ apiVersion: 'v1', kind: 'Config' }));
    expect(() => createKubeClients(path)).toThrow('no current cluster');
  });
});
