import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKubeApi, type FakeKubeApi } from './kube-fake.js';
import {
  createKubernetesExternalSource,
  decodeExternalValues,
  kubernetesExternalSchema,
} from './kubernetes-external.js';

// An ExternalMetricValueList as KEDA's metrics server returns it.
const list = {
  kind: 'ExternalMetricValueList',
  apiVersion: 'external.metrics.k8s.io/v1beta1',
  metadata: {},
  items: [
    {
      metricName: 's0-rabbitmq-orders',
      metricLabels: { q: 'a' },
      timestamp: '2024-01-01T00:00:00Z',
      value: '12',
    },
    {
      metricName: 's0-rabbitmq-orders',
      metricLabels: { q: 'b' },
      timestamp: '2024-01-01T00:00:03Z',
      value: '500m',
    },
  ],
};

describe('decodeExternalValues', () => {
  it('keeps every series (the engine sums them)', () => {
    expect(decodeExternalValues(list, 'd')).toEqual({
      timestamp: Date.parse('2024-01-01T00:00:03Z'),
      valuesMilli: [12_000, 500],
    });
  });
  it.each([
    [{ items: [] }, 'NoData'],
    [{ nope: 1 }, 'BadValue'],
  ])('fails on %j with %s', (body, code) => {
    expect(() => decodeExternalValues(body, 'd')).toThrow(expect.objectContaining({ code }));
  });
});

describe('createKubernetesExternalSource against recorded API responses', () => {
  let api: FakeKubeApi;
  beforeAll(async () => {
    api = await startFakeKubeApi({
      token: 'kube-token-8Hq2',
      responses: {
        '/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/s0-rabbitmq-orders?labelSelector=scaledobject=orders':
          list,
      },
    });
  });
  afterAll(() => api.close());

  it('reads the metric with its selector', async () => {
    const source = createKubernetesExternalSource(
      kubernetesExternalSchema.parse({
        kubeconfig: api.kubeconfig,
        namespace: 'shop',
        metricName: 's0-rabbitmq-orders',
        metricSelector: 'scaledobject=orders',
      }),
      { now: () => 0, env: {} },
    );
    const reading = await source.read(new AbortController().signal);
    await source.close();
    expect(reading.valuesMilli).toEqual([12_000, 500]);
  });

  it('names the metric when the API does not serve it', async () => {
    const source = createKubernetesExternalSource(
      kubernetesExternalSchema.parse({
        kubeconfig: api.kubeconfig,
        namespace: 'shop',
        metricName: 'nope',
      }),
      { now: () => 0, env: {} },
    );
    await expect(source.read(new AbortController().signal)).rejects.toMatchObject({
      code: 'BadQuery',
      message: expect.stringContaining('"nope"'),
    });
    await source.close();
  });
});
