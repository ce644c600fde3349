import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKubeApi, type FakeKubeApi } from './kube-fake.js';
import {
  createKubernetesResourceSource,
  decodePodMetrics,
  decodePods,
  kubernetesResourceSchema,
} from './kubernetes-resource.js';
import { errorChainText } from './contract.js';

// Responses as metrics-server and the API server send them (trimmed to the fields read).
const podMetrics = {
  kind: 'PodMetricsList',
  apiVersion: 'metrics.k8s.io/v1beta1',
  metadata: {},
  items: [
    {
      metadata: { name: 'checkout-7d4b9-abcde', namespace: 'shop', labels: { app: 'checkout' } },
      timestamp: '2024-01-01T00:00:00Z',
      window: '15.012s',
      containers: [
        { name: 'app', usage: { cpu: '250m', memory: '128Mi' } },
        { name: 'proxy', usage: { cpu: '12345678n', memory: '20Mi' } },
      ],
    },
    {
      metadata: { name: 'checkout-7d4b9-fghij', namespace: 'shop' },
      timestamp: '2024-01-01T00:00:05Z',
      window: '30s',
      containers: [{ name: 'app', usage: { cpu: '1', memory: '256Mi' } }],
    },
  ],
};

const pods = {
  kind: 'PodList',
  apiVersion: 'v1',
  metadata: { resourceVersion: '12345' },
  items: [
    {
      metadata: { name: 'checkout-7d4b9-abcde', namespace: 'shop' },
      spec: {
        initContainers: [
          { name: 'log-shipper', restartPolicy: 'Always', resources: { requests: { cpu: '50m' } } },
          { name: 'migrate', resources: { requests: { cpu: '1' } } },
        ],
        containers: [
          { name: 'app', resources: { requests: { cpu: '500m', memory: '256Mi' } } },
          { name: 'proxy', resources: {} },
        ],
      },
      status: {
        phase: 'Running',
        startTime: '2023-12-31T23:50:00Z',
        conditions: [
          { type: 'Initialized', status: 'True', lastTransitionTime: '2023-12-31T23:50:01Z' },
          { type: 'Ready', status: 'True', lastTransitionTime: '2023-12-31T23:50:30Z' },
        ],
      },
    },
    {
      metadata: {
        name: 'checkout-7d4b9-fghij',
        namespace: 'shop',
        deletionTimestamp: '2024-01-01T00:00:02Z',
      },
      spec: { containers: [{ name: 'app', resources: { requests: { cpu: '500m' } } }] },
      status: { phase: 'Pending' },
    },
  ],
};

const t = (iso: string) => Date.parse(iso);

describe('kubernetesResourceSchema', () => {
  it('applies defaults and keeps the trigger keys', () => {
    expect(kubernetesResourceSchema.parse({ resource: 'cpu', labelSelector: 'app=x' })).toEqual({
      namespace: 'default',
      labelSelector: 'app=x',
      resource: 'cpu',
      timeoutMs: 5000,
    });
  });
  it.each([
    [{ resource: 'gpu' }, 'resource'],
    [{ resource: 'cpu', namespace: '' }, 'namespace'],
  ])('rejects %j', (c, path) => {
    expect(
      kubernetesResourceSchema.safeParse(c).error?.issues.map((i) => i.path.join('.')),
    ).toContain(path);
  });
});

describe('decoding', () => {
  it('turns pod metrics into per-container samples of one resource', () => {
    expect(decodePodMetrics(podMetrics, 'cpu')).toEqual([
      {
        pod: 'checkout-7d4b9-abcde',
        timestamp: t('2024-01-01T00:00:00Z'),
        windowSeconds: 15.012,
        containers: [
          { name: 'app', usageMilli: 250 },
          { name: 'proxy', usageMilli: 13 },
        ],
      },
      {
        pod: 'checkout-7d4b9-fghij',
        timestamp: t('2024-01-01T00:00:05Z'),
        windowSeconds: 30,
        containers: [{ name: 'app', usageMilli: 1000 }],
      },
    ]);
    expect(decodePodMetrics(podMetrics, 'memory')[0]?.containers?.[0]?.usageMilli).toBe(
      128 * 2 ** 20 * 1000,
    );
  });

  it('turns pods into PodInfo with requests, readiness, sidecars and deletion', () => {
    expect(decodePods(pods)).toEqual([
      {
        name: 'checkout-7d4b9-abcde',
        phase: 'Running',
        deleted: false,
        startTime: t('2023-12-31T23:50:00Z'),
        ready: { status: true, lastTransitionTime: t('2023-12-31T23:50:30Z') },
        containers: [
          { name: 'app', requests: { cpu: 500, memory: 256 * 2 ** 20 * 1000 } },
          { name: 'proxy', requests: { cpu: null, memory: null } },
        ],
        initContainers: [
          { name: 'log-shipper', requests: { cpu: 50, memory: null }, restartAlways: true },
          { name: 'migrate', requests: { cpu: 1000, memory: null }, restartAlways: false },
        ],
      },
      {
        name: 'checkout-7d4b9-fghij',
        phase: 'Pending',
        deleted: true,
        startTime: null,
        ready: null,
        containers: [{ name: 'app', requests: { cpu: 500, memory: null } }],
      },
    ]);
  });
});

describe('createKubernetesResourceSource against recorded API responses', () => {
  const token = 'kube-token-Zq81';
  let api: FakeKubeApi;
  beforeAll(async () => {
    api = await startFakeKubeApi({
      token,
      responses: {
        '/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?labelSelector=app=checkout': podMetrics,
        '/api/v1/namespaces/shop/pods?labelSelector=app=checkout': pods,
        '/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?labelSelector=app=idle': {
          kind: 'PodMetricsList',
          items: [],
        },
        '/api/v1/namespaces/shop/pods?labelSelector=app=idle': { kind: 'PodList', items: [] },
      },
    });
  });
  afterAll(() => api.close());

  const make = (config: Record<string, unknown>, kubeconfig = api.kubeconfig) =>
    createKubernetesResourceSource(
      kubernetesResourceSchema.parse({ kubeconfig, namespace: 'shop', resource: 'cpu', ...config }),
      { now: () => Date.UTC(2024, 0, 1), env: {} },
    );
  const never = new AbortController().signal;

  it('reads samples and pods with the bearer token from the kubeconfig', async () => {
    const source = make({ labelSelector: 'app=checkout' });
    const reading = await source.read(never);
    await source.close();
    expect(reading.timestamp).toBe(t('2024-01-01T00:00:05Z'));
    expect(reading.podSamples?.map((s) => s.pod)).toEqual([
      'checkout-7d4b9-abcde',
      'checkout-7d4b9-fghij',
    ]);
    expect(reading.pods?.map((p) => p.name)).toEqual([
      'checkout-7d4b9-abcde',
      'checkout-7d4b9-fghij',
    ]);
  });

  it.each([
    [{ labelSelector: 'app=idle' }, 'NoData', true],
    [{ labelSelector: 'app=missing' }, 'BadQuery', false],
    [{}, 'Config', false],
  ])('fails on %j with %s', async (config, code, retryable) => {
    const source = make(config);
    await expect(source.read(never)).rejects.toMatchObject({ code, retryable });
    await source.close();
  });

  it('fails with Unauthorized on a wrong token, never showing it', async () => {
    const wrong = await startFakeKubeApi({
      token: 'the-right-one',
      kubeconfigToken: token,
      responses: {},
    });
    const source = make({ labelSelector: 'app=checkout' }, wrong.kubeconfig);
    const error = await source.read(never).catch((e: unknown) => e);
    await source.close();
    await wrong.close();
    expect(error).toMatchObject({ code: 'Unauthorized', retryable: false });
    expect(errorChainText(error)).not.toContain(token);
  });
});
