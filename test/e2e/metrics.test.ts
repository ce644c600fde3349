/**
 * The Kubernetes metric sources against the real API server (run by scripts/test-e2e.sh):
 *  - `kubernetes-resource` through `metrics.k8s.io`, served by the real metrics-server scraping
 *    KWOK's kubelet-shaped endpoint, which reports each pod's `kwok.x-k8s.io/usage-cpu`
 *    annotation: the source contract (a value change takes one or two metrics-server scrapes,
 *    15–30 s; every wait is bounded) and a pod's annotated usage arriving as its per-pod usage;
 *  - `kubernetes-custom` and `kubernetes-external` through the aggregation layer, served by the
 *    test adapter (metrics-adapter.ts): the contract, per-pod values, selectors passed on, and a
 *    missing metric as a clear, non-retryable SourceError.
 * The sources under the contract reach the API server through its TCP proxy, with a kubeconfig
 * pointing there (kubeconfigVia). Fails, naming it, when TIDE_TEST_KUBECONFIG is unset.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSourceContract, type Endpoint } from '../../src/sources/contract.js';
import {
  createKubernetesCustomSource,
  kubernetesCustomSchema,
} from '../../src/sources/kubernetes-custom.js';
import {
  createKubernetesExternalSource,
  kubernetesExternalSchema,
} from '../../src/sources/kubernetes-external.js';
import {
  createKubernetesResourceSource,
  kubernetesResourceSchema,
} from '../../src/sources/kubernetes-resource.js';
import { isSourceError, type Reading, type Source } from '../../src/sources/source.js';
import {
  apiServer,
  apply,
  createNamespace,
  deleteNamespace,
  deployment,
  kubeconfig,
  kubeconfigVia,
  kubectl,
  waitFor,
} from './cluster.js';
import { MetricsAdapter } from './metrics-adapter.js';

// Without the control plane the file fails here, naming the variable (nothing is skipped).
kubeconfig();

const deps = { now: () => Date.now(), env: {} };
const never = new AbortController().signal;
const WRONG_TOKEN = 'tide-wrong-token-Xq9v';
const adapter = new MetricsAdapter();
/** Measured lags, printed at the end: what each wait for metrics-server took. */
const lags: string[] = [];
let ns = '';

beforeAll(async () => {
  ns = createNamespace('tide-metrics');
  // Created now so metrics-server's first scrape of these pods overlaps the first suites.
  apply(ns, deployment('contract', 1, { cpuRequest: '100m', cpuUsage: '300m' }));
  apply(ns, deployment('usage', 2, { cpuRequest: '100m', cpuUsage: '250m' }));
  await adapter.start();
  await adapter.register(ns);
});

afterAll(async () => {
  await adapter.close();
  if (ns !== '') deleteNamespace(ns);
  if (lags.length > 0) console.log(`metrics-server lags:\n  ${lags.join('\n  ')}`);
});

async function readError(source: Source): Promise<unknown> {
  try {
    return new Error(`expected the read to fail, got ${JSON.stringify(await source.read(never))}`);
  } catch (e) {
    return e;
  }
}

// ---------------------------------------------------------------------------------------------
// kubernetes-resource through metrics-server
// ---------------------------------------------------------------------------------------------

interface PodMetricsList {
  items: { metadata: { name: string }; containers: { usage: { cpu?: string } }[] }[];
}

/** CPU nanocores → milli-CPU, as the source reads it (rounded up, like MilliValue()). */
const milliOf = (cpu: string): number =>
  cpu.endsWith('n') ? Math.ceil(Number(cpu.slice(0, -1)) / 1e6) : Number.NaN;

/** The pods' CPU as metrics.k8s.io serves it now, in milli-CPU, by pod name. */
function servedCpu(app: string): Map<string, number> {
  const list = JSON.parse(
    kubectl([
      'get',
      '--raw',
      `/apis/metrics.k8s.io/v1beta1/namespaces/${ns}/pods?labelSelector=app%3D${app}`,
    ]),
  ) as PodMetricsList;
  return new Map(
    list.items.map((i) => [
      i.metadata.name,
      i.containers.reduce((sum, c) => sum + milliOf(c.usage.cpu ?? 'NaN'), 0),
    ]),
  );
}

/** The contract's value v is v × 100m of CPU on the one pod; ±1 m of rate noise rounds away. */
const hundreds = (milli: number): number => Math.round(milli / 100);

async function waitForServedCpu(app: string, value: number, since: number): Promise<void> {
  await waitFor(
    `metrics.k8s.io to serve ${value * 100}m for the pod of ${app}`,
    () => {
      const served = [...servedCpu(app).values()];
      if (served.length === 1 && hundreds(served[0] ?? -1) === value) return true;
      throw new Error(`serving ${JSON.stringify(served)}`);
    },
    { timeoutMs: 90_000, intervalMs: 1000 },
  );
  lags.push(`${app} → ${value * 100}m visible after ${((Date.now() - since) / 1000).toFixed(1)} s`);
}

/** Through the contract's proxy (and with a bearer token) when `via` is given, else direct. */
const kubeconfigOf = (via?: { readonly port: number; readonly token?: string }): string =>
  via === undefined
    ? kubeconfig()
    : kubeconfigVia(via.port, via.token === undefined ? {} : { token: via.token });

type Via = Parameters<typeof kubeconfigOf>[0];

const resourceSource = (config: Record<string, unknown>, via?: Via): Source =>
  createKubernetesResourceSource(
    kubernetesResourceSchema.parse({
      kubeconfig: kubeconfigOf(via),
      namespace: ns,
      resource: 'cpu',
      ...config,
    }),
    deps,
  );

/** The contract's source: its deployment's pods, through the proxy at `endpoint`. */
const contractSource = (
  endpoint: Endpoint,
  extra: { timeoutMs?: number; labelSelector?: string; token?: string } = {},
): Source => {
  const { token, ...config } = extra;
  return resourceSource(
    { labelSelector: 'app=contract', ...config },
    token === undefined ? endpoint : { port: endpoint.port, token },
  );
};

const cpuSum = (reading: Reading): number =>
  (reading.podSamples ?? []).reduce(
    (sum, s) => sum + (s.containers ?? []).reduce((a, c) => a + (c.usageMilli ?? 0), 0),
    0,
  );

runSourceContract({
  name: 'kubernetes-resource (metrics-server on KWOK)',
  server: () => apiServer(),
  create: (endpoint, { timeoutMs }) => contractSource(endpoint, { timeoutMs }),
  setUp: async () => {
    const created = Date.now();
    await waitForServedCpu('contract', 3, created);
    lags[lags.length - 1] += ' (a new pod)';
  },
  setValue: async (value) => {
    if (hundreds([...servedCpu('contract').values()][0] ?? -1) === value) return;
    const since = Date.now();
    kubectl([
      '-n',
      ns,
      'annotate',
      'pods',
      '-l',
      'app=contract',
      '--overwrite',
      `kwok.x-k8s.io/usage-cpu=${value * 100}m`,
    ]);
    await waitForServedCpu('contract', value, since);
  },
  numberOf: (reading) => hundreds(cpuSum(reading)),
  badCredentials: {
    secret: WRONG_TOKEN,
    create: (endpoint) => contractSource(endpoint, { token: WRONG_TOKEN }),
  },
  badQuery: {
    query: 'app in (contract',
    create: (endpoint) => contractSource(endpoint, { labelSelector: 'app in (contract' }),
  },
  // The metrics and the pods are read side by side: two keep-alive connections.
  maxConnections: 2,
});

describe('kubernetes-resource through metrics.k8s.io', () => {
  it("reads each pod's annotated CPU (250m) as its per-pod usage, with the pods' requests and readiness", async () => {
    const source = resourceSource({ labelSelector: 'app=usage', resource: 'cpu' });
    try {
      const reading = await waitFor(
        'a reading with both pods of deployment usage',
        async () => {
          const r = await source.read(never);
          if (r.podSamples?.length === 2) return r;
          throw new Error(`${r.podSamples?.length ?? 0} pod samples`);
        },
        { timeoutMs: 90_000, intervalMs: 1000 },
      );
      const pods = reading.pods ?? [];
      expect(pods.map((p) => p.name).sort()).toEqual(reading.podSamples?.map((s) => s.pod).sort());
      for (const sample of reading.podSamples ?? []) {
        // metrics-server's rate over KWOK's cumulative counter is 250m ± a few nanocores, and
        // the source rounds nanocores up to milli-CPU as the HPA's MilliValue() does.
        expect(sample.containers?.map((c) => c.name)).toEqual(['app']);
        const usage = sample.containers?.[0]?.usageMilli ?? 0;
        expect(usage, `pod ${sample.pod}`).toBeGreaterThanOrEqual(250);
        expect(usage, `pod ${sample.pod}`).toBeLessThanOrEqual(251);
        expect(sample.windowSeconds).toBeGreaterThan(10);
        expect(sample.windowSeconds).toBeLessThan(40);
        expect(Date.now() - sample.timestamp).toBeLessThan(90_000);
      }
      for (const pod of pods) {
        expect(pod.phase).toBe('Running');
        expect(pod.ready?.status).toBe(true);
        expect(pod.startTime).not.toBeNull();
        expect(pod.containers).toEqual([{ name: 'app', requests: { cpu: 100, memory: null } }]);
      }
    } finally {
      await source.close();
    }
  });

  it('reads memory too (KWOK reports 1Mi when no memory annotation is set)', async () => {
    const source = resourceSource({ labelSelector: 'app=usage', resource: 'memory' });
    try {
      const reading = await source.read(never);
      const usages = (reading.podSamples ?? []).map((s) => s.containers?.[0]?.usageMilli);
      expect(usages).toEqual([1024 * 1024 * 1000, 1024 * 1024 * 1000]);
    } finally {
      await source.close();
    }
  });

  it('no pod matching the selector is a retryable NoData error naming the selector', async () => {
    const source = resourceSource({ labelSelector: 'app=nothing-here', resource: 'cpu' });
    try {
      const error = await readError(source);
      expect(isSourceError(error), String(error)).toBe(true);
      expect(error).toMatchObject({ code: 'NoData', retryable: true });
      expect((error as Error).message).toContain('app=nothing-here');
    } finally {
      await source.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// kubernetes-custom and kubernetes-external through the aggregation layer
// ---------------------------------------------------------------------------------------------

const ingress = { resource: 'ingresses.networking.k8s.io', name: 'main' };

const customSource = (config: Record<string, unknown>, via?: Via): Source =>
  createKubernetesCustomSource(
    kubernetesCustomSchema.parse({ kubeconfig: kubeconfigOf(via), namespace: ns, ...config }),
    deps,
  );

const externalSource = (config: Record<string, unknown>, via?: Via): Source =>
  createKubernetesExternalSource(
    kubernetesExternalSchema.parse({ kubeconfig: kubeconfigOf(via), namespace: ns, ...config }),
    deps,
  );

runSourceContract({
  name: 'kubernetes-custom object metric (aggregation layer)',
  server: () => apiServer(),
  create: (endpoint, { timeoutMs }) =>
    customSource({ metricName: 'requests_per_second', object: ingress, timeoutMs }, endpoint),
  setValue: (value) => {
    adapter.setObjectValue(ns, ingress, 'requests_per_second', String(value));
    return Promise.resolve();
  },
  badCredentials: {
    secret: WRONG_TOKEN,
    create: (endpoint) =>
      customSource(
        { metricName: 'requests_per_second', object: ingress },
        { port: endpoint.port, token: WRONG_TOKEN },
      ),
  },
  badQuery: {
    query: 'no_such_metric',
    create: (endpoint) => customSource({ metricName: 'no_such_metric', object: ingress }, endpoint),
  },
});

runSourceContract({
  name: 'kubernetes-external (aggregation layer)',
  server: () => apiServer(),
  create: (endpoint, { timeoutMs }) =>
    externalSource({ metricName: 'queue_depth', timeoutMs }, endpoint),
  setValue: (value) => {
    // Two series of v/2 each, written in milli-units: the engine sums them as the HPA does.
    adapter.setExternal(ns, 'queue_depth', [
      { labels: { queue: 'a' }, value: `${value * 500}m` },
      { labels: { queue: 'b' }, value: `${value * 500}m` },
    ]);
    return Promise.resolve();
  },
  badCredentials: {
    secret: WRONG_TOKEN,
    create: (endpoint) =>
      externalSource({ metricName: 'queue_depth' }, { port: endpoint.port, token: WRONG_TOKEN }),
  },
  badQuery: {
    query: 'no_such_metric',
    create: (endpoint) => externalSource({ metricName: 'no_such_metric' }, endpoint),
  },
});

describe('kubernetes-custom and kubernetes-external through the aggregation layer', () => {
  it('a Pods metric: one sample per selected pod, the selector passed on by the API server', async () => {
    adapter.podLabels.set(`${ns}/web-1`, { app: 'web' });
    adapter.podLabels.set(`${ns}/web-2`, { app: 'web' });
    adapter.podLabels.set(`${ns}/other-1`, { app: 'other' });
    adapter.setPodValue(ns, 'web-1', 'inflight', '12');
    adapter.setPodValue(ns, 'web-2', 'inflight', '2500m');
    adapter.setPodValue(ns, 'other-1', 'inflight', '99');
    const source = customSource({ metricName: 'inflight', labelSelector: 'app=web' });
    try {
      const reading = await source.read(never);
      const samples = [...(reading.podSamples ?? [])].sort((a, b) => a.pod.localeCompare(b.pod));
      expect(samples.map((s) => [s.pod, s.valueMilli, s.windowSeconds])).toEqual([
        ['web-1', 12_000, 60],
        ['web-2', 2_500, 60],
      ]);
      const request = adapter.requests.at(-1);
      expect(request?.path).toBe(
        `/apis/custom.metrics.k8s.io/v1beta2/namespaces/${ns}/pods/*/inflight`,
      );
      expect(request?.query).toEqual({ labelSelector: 'app=web' });
      // The aggregator forwards the caller it authenticated (the admin certificate's CN).
      expect(request?.user).toBe('tide-test-admin');
    } finally {
      await source.close();
    }
  });

  it('metricSelector narrows the series (metricLabelSelector / labelSelector on the wire)', async () => {
    adapter.setObjectValue(ns, ingress, 'hits', '40');
    adapter.setExternal(ns, 'backlog', [
      { labels: { queue: 'a' }, value: '3' },
      { labels: { queue: 'b' }, value: '4' },
    ]);
    const custom = customSource({
      metricName: 'hits',
      object: ingress,
      metricSelector: 'code=200',
    });
    const external = externalSource({ metricName: 'backlog', metricSelector: 'queue=b' });
    try {
      expect((await custom.read(never)).valuesMilli).toEqual([40_000]);
      expect(adapter.requests.at(-1)?.query).toEqual({ metricLabelSelector: 'code=200' });
      expect((await external.read(never)).valuesMilli).toEqual([4_000]);
      expect(adapter.requests.at(-1)?.query).toEqual({ labelSelector: 'queue=b' });
    } finally {
      await custom.close();
      await external.close();
    }
  });

  it.each([
    [
      'a custom object metric',
      () => customSource({ metricName: 'missing_metric', object: ingress }),
    ],
    [
      'a custom Pods metric',
      () => customSource({ metricName: 'missing_metric', labelSelector: 'app=web' }),
    ],
    ['an external metric', () => externalSource({ metricName: 'missing_metric' })],
  ])(
    "a missing metric (%s) is a non-retryable SourceError naming the metric and the adapter's reason",
    async (_, make) => {
      const source = make();
      try {
        const error = await readError(source);
        expect(isSourceError(error), String(error)).toBe(true);
        expect(error).toMatchObject({ code: 'BadQuery', retryable: false });
        const message = (error as Error).message;
        expect(message).toContain('"missing_metric"');
        expect(message).toContain(`namespace ${ns}`);
        expect(message).toContain('HTTP 404');
        expect(message).toMatch(/could not find the (metric|descriptor for metric) missing_metric/);
      } finally {
        await source.close();
      }
    },
  );

  it('an external metric with no series left after the selector is NoData, never zero', async () => {
    adapter.setExternal(ns, 'backlog', [{ labels: { queue: 'a' }, value: '3' }]);
    const source = externalSource({ metricName: 'backlog', metricSelector: 'queue=zzz' });
    try {
      const error = await readError(source);
      expect(error).toMatchObject({ code: 'NoData', retryable: true });
      expect((error as Error).message).toContain('"backlog"');
    } finally {
      await source.close();
    }
  });

  it('the adapter down: a retryable Unavailable error (503 from the aggregator), then recovery', async () => {
    adapter.setExternal(ns, 'backlog', [{ labels: { queue: 'a' }, value: '3' }]);
    const source = externalSource({ metricName: 'backlog' });
    try {
      expect((await source.read(never)).valuesMilli).toEqual([3_000]);
      await adapter.pause();
      const error = await readError(source);
      expect(isSourceError(error), String(error)).toBe(true);
      expect(error).toMatchObject({ code: 'Unavailable', retryable: true });
      expect((error as Error).message).toContain('"backlog"');
      await adapter.resume();
      const back = await waitFor(
        'a read once the adapter is back',
        async () => (await source.read(never)).valuesMilli,
      );
      expect(back).toEqual([3_000]);
    } finally {
      await source.close();
    }
  });
});
