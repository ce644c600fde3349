import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKubeApi, type FakeKubeApi } from './kube-fake.js';
import {
  createKubernetesCustomSource,
  decodeMetricValues,
  kubernetesCustomSchema,
} from './kubernetes-custom.js';

// A MetricValueList as prometheus-adapter returns it.
const podsList = {
  kind: 'MetricValueList',
  apiVersion: 'custom.metrics.k8s.io/v1beta2',
  metadata: {},
  items: [
    {
      describedObject: { kind: 'Pod', namespace: 'shop', name: 'web-1', apiVersion: '/v1' },
      metric: { name: 'http_requests_per_second', selector: null },
      timestamp: '2024-01-01T00:00:00Z',
      windowSeconds: 60,
      value: '1500m',
    },
    {
      describedObject: { kind: 'Pod', namespace: 'shop', name: 'web-2', apiVersion: '/v1' },
      metric: { name: 'http_requests_per_second', selector: null },
      timestamp: '2024-01-01T00:00:10Z',
      windowSeconds: 60,
      value: '2',
    },
  ],
};
const objectList = {
  kind: 'MetricValueList',
  apiVersion: 'custom.metrics.k8s.io/v1beta2',
  metadata: {},
  items: [
    {
      describedObject: {
        kind: 'Ingress',
        namespace: 'shop',
        name: 'main',
        apiVersion: 'networking.k8s.io/v1',
      },
      metric: { name: 'requests_per_second', selector: null },
      timestamp: '2024-01-01T00:00:00Z',
      windowSeconds: 60,
      value: '250',
    },
  ],
};

describe('kubernetesCustomSchema', () => {
  it.each([
    [{ metricName: 'm' }, 'labelSelector'],
    [
      { metricName: 'm', labelSelector: 'a=b', object: { resource: 'services', name: 's' } },
      'labelSelector',
    ],
    [{ metricName: 'm', object: { resource: 'Services', name: 's' } }, 'object.resource'],
  ])('rejects %j at %s', (config, path) => {
    expect(
      kubernetesCustomSchema.safeParse(config).error?.issues.map((i) => i.path.join('.')),
    ).toContain(path);
  });
});

describe('decodeMetricValues', () => {
  it('reads a Pods metric as per-pod samples', () => {
    expect(decodeMetricValues(podsList, 'pods', 'd')).toEqual({
      timestamp: Date.parse('2024-01-01T00:00:10Z'),
      podSamples: [
        {
          pod: 'web-1',
          timestamp: Date.parse('2024-01-01T00:00:00Z'),
          windowSeconds: 60,
          valueMilli: 1500,
        },
        {
          pod: 'web-2',
          timestamp: Date.parse('2024-01-01T00:00:10Z'),
          windowSeconds: 60,
          valueMilli: 2000,
        },
      ],
    });
  });
  it('reads an Object metric as a value', () => {
    expect(decodeMetricValues(objectList, 'object', 'd')).toEqual({
      timestamp: Date.parse('2024-01-01T00:00:00Z'),
      valuesMilli: [250_000],
    });
  });
  it.each([
    [{ items: [] }, 'NoData'],
    [{ items: [{ value: 3 }] }, 'BadValue'],
  ])('fails on %j with %s', (body, code) => {
    expect(() => decodeMetricValues(body, 'pods', 'd')).toThrow(expect.objectContaining({ code }));
  });
});

describe('createKubernetesCustomSource against recorded API responses', () => {
  let api: FakeKubeApi;
  beforeAll(async () => {
    api = await startFakeKubeApi({
      token: 'kube-token-8Hq2',
      responses: {
        '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/http_requests_per_second?labelSelector=app=web':
          podsList,
        '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/ingresses.networking.k8s.io/main/requests_per_second':
          objectList,
      },
    });
  });
  afterAll(() => api.close());
  const never = new AbortController().signal;

  it.each([
    [{ metricName: 'http_requests_per_second', labelSelector: 'app=web' }, 2],
    [
      {
        metricName: 'requests_per_second',
        object: { resource: 'ingresses.networking.k8s.io', name: 'main' },
      },
      1,
    ],
  ])('reads %j', async (config, count) => {
    const source = createKubernetesCustomSource(
      kubernetesCustomSchema.parse({ kubeconfig: api.kubeconfig, namespace: 'shop', ...config }),
      { now: () => 0, env: {} },
    );
    const reading = await source.read(never);
    await source.close();
    expect((reading.podSamples ?? reading.valuesMilli ?? []).length).toBe(count);
  });
});
