import http from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiResource, createKubeRest, type ApiResponse } from './rest.js';

describe('apiResource', () => {
  it.each([
    ['/apis/apps/v1/namespaces/web/deployments/checkout/scale', 'deployments/scale'],
    ['/api/v1/namespaces/web/pods?labelSelector=app%3Dweb', 'pods'],
    ['/apis/tide.dev/v1alpha1/namespaces/web/elasticscalers/app/status', 'elasticscalers/status'],
    ['/apis/tide.dev/v1alpha1/elasticscalers', 'elasticscalers'],
    ['/apis/events.k8s.io/v1/namespaces/web/events', 'events'],
    ['/apis/coordination.k8s.io/v1/namespaces/default/leases/tide-controller', 'leases'],
    ['/api/v1/namespaces/web', 'namespaces'],
    ['/api/v1/namespaces', 'namespaces'],
    ['/apis/apps/v1', 'discovery'],
    ['/api', 'discovery'],
    ['/version', 'discovery'],
  ])('%s → %s', (path, resource) => {
    expect(apiResource(path)).toBe(resource);
  });
});

describe('createKubeRest onResponse', () => {
  let server: http.Server;
  let url = '';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url?.includes('/missing')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', reason: 'NotFound', message: 'not found' }));
        return;
      }
      res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('reports the verb, the resource and the status of every request, failed ones too', async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: url, skipTLSVerify: true }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const seen: ApiResponse[] = [];
    const rest = createKubeRest({ kubeConfig: kc, onResponse: (r) => seen.push(r) });
    await rest.request('GET', '/apis/apps/v1/namespaces/a/deployments/web/scale');
    await rest.request('POST', '/apis/events.k8s.io/v1/namespaces/a/events', { body: {} });
    await expect(rest.request('GET', '/api/v1/namespaces/a/pods/missing')).rejects.toThrow(
      /404 NotFound/,
    );
    rest.close();
    expect(seen).toEqual([
      { verb: 'GET', resource: 'deployments/scale', status: 200 },
      { verb: 'POST', resource: 'events', status: 201 },
      { verb: 'GET', resource: 'pods', status: 404 },
    ]);
  });
});
