import { describe, expect, it } from 'vitest';
import {
  KindResolver,
  TargetError,
  patchScale,
  readScale,
  scalePath,
  type ApiRequester,
} from './kubernetes-scale.js';

const apps = {
  resources: [
    { name: 'deployments', kind: 'Deployment' },
    { name: 'deployments/scale', kind: 'Scale' },
    { name: 'deployments/status', kind: 'Deployment' },
    { name: 'controllerrevisions', kind: 'ControllerRevision' },
  ],
};

/** A requester answering from a table of paths; records every call. */
function fake(answers: Record<string, unknown>): ApiRequester & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    request: <T>(method: string, path: string, options?: { body?: unknown }): Promise<T> => {
      calls.push(
        `${method} ${path}${options?.body === undefined ? '' : ` ${JSON.stringify(options.body)}`}`,
      );
      const answer = answers[`${method} ${path}`];
      if (answer === undefined)
        return Promise.reject(Object.assign(new Error('404 NotFound'), { status: 404 }));
      if (answer instanceof Error) return Promise.reject(answer);
      return Promise.resolve(answer as T);
    },
  };
}

describe('KindResolver', () => {
  it('finds the resource and its /scale through discovery, once per group-version', async () => {
    const api = fake({ 'GET /apis/apps/v1': apps });
    const kinds = new KindResolver(api, { now: () => 0 });
    expect(await kinds.resolve('apps/v1', 'Deployment')).toEqual({
      group: 'apps',
      version: 'v1',
      plural: 'deployments',
    });
    await kinds.resolve('apps/v1', 'Deployment');
    expect(api.calls).toEqual(['GET /apis/apps/v1']);
  });

  it.each([
    {
      name: 'a kind without /scale',
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      reason: 'NotScalable',
      message: /has no \/scale subresource/,
    },
    {
      name: 'a kind not served',
      apiVersion: 'apps/v1',
      kind: 'Rollout',
      reason: 'KindNotFound',
      message: /does not serve kind Rollout in apps\/v1 \(is its CRD installed\?\)/,
    },
    {
      name: 'a group not served',
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      reason: 'KindNotFound',
      message: /does not serve kind Rollout/,
    },
  ])('$name is a TargetError naming it', async ({ apiVersion, kind, reason, message }) => {
    const kinds = new KindResolver(fake({ 'GET /apis/apps/v1': apps }), { now: () => 0 });
    const error = await kinds.resolve(apiVersion, kind).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TargetError);
    expect(error).toMatchObject({ reason });
    expect((error as Error).message).toMatch(message);
  });

  it('looks a missing kind up again once the cache is old (a CRD installed later)', async () => {
    let now = 0;
    const answers: Record<string, unknown> = {};
    const kinds = new KindResolver(fake(answers), { now: () => now, rediscoverMs: 30_000 });
    await expect(kinds.resolve('example.com/v1', 'Pool')).rejects.toMatchObject({
      reason: 'KindNotFound',
    });
    answers['GET /apis/example.com/v1'] = {
      resources: [
        { name: 'pools', kind: 'Pool' },
        { name: 'pools/scale', kind: 'Scale' },
      ],
    };
    now = 31_000;
    expect(await kinds.resolve('example.com/v1', 'Pool')).toMatchObject({ plural: 'pools' });
  });

  it('uses /api/v1 for the core group', async () => {
    const api = fake({
      'GET /api/v1': {
        resources: [
          { name: 'replicationcontrollers', kind: 'ReplicationController' },
          { name: 'replicationcontrollers/scale', kind: 'Scale' },
        ],
      },
    });
    const kind = await new KindResolver(api, { now: () => 0 }).resolve(
      'v1',
      'ReplicationController',
    );
    expect(scalePath(kind, { namespace: 'ns', name: 'rc' })).toBe(
      '/api/v1/namespaces/ns/replicationcontrollers/rc/scale',
    );
  });
});

describe('readScale / patchScale', () => {
  const kind = { group: 'apps', version: 'v1', plural: 'deployments' };
  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop' };
  const path = '/apis/apps/v1/namespaces/shop/deployments/web/scale';

  it('reads spec and status replicas and the selector', async () => {
    const api = fake({
      [`GET ${path}`]: { spec: { replicas: 3 }, status: { replicas: 2, selector: 'app=web' } },
    });
    expect(await readScale(api, kind, ref)).toEqual({
      specReplicas: 3,
      statusReplicas: 2,
      selector: 'app=web',
    });
  });

  it('a target at zero with no selector yet', async () => {
    const api = fake({ [`GET ${path}`]: { spec: {}, status: {} } });
    expect(await readScale(api, kind, ref)).toEqual({
      specReplicas: 0,
      statusReplicas: 0,
      selector: null,
    });
  });

  it('a missing target is TargetNotFound; another failure is an ApiError', async () => {
    await expect(readScale(fake({}), kind, ref)).rejects.toMatchObject({
      reason: 'TargetNotFound',
      message: 'Deployment shop/web not found',
    });
    const down = fake({
      [`GET ${path}`]: Object.assign(new Error('connect ECONNREFUSED'), { status: 0 }),
    });
    await expect(readScale(down, kind, ref)).rejects.toMatchObject({
      reason: 'ApiError',
      retryable: true,
    });
  });

  it('patches spec.replicas through /scale only', async () => {
    const api = fake({ [`PATCH ${path}`]: {} });
    await patchScale(api, { kind, ref, replicas: 7 });
    expect(api.calls).toEqual([`PATCH ${path} {"spec":{"replicas":7}}`]);
  });
});
