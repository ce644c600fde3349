/**
 * A test metrics adapter for the end-to-end tests: a Node https server on 127.0.0.1 (a
 * self-signed certificate made with openssl) serving the custom metrics API
 * (`custom.metrics.k8s.io/v1beta2`) and the external metrics API (`external.metrics.k8s.io/v1beta1`)
 * with values the test sets, registered with the real API server's aggregation layer the way
 * scripts/k8s/cluster.sh registers metrics-server: an ExternalName Service `localhost` and one
 * APIService per group (`insecureSkipTLSVerify`). Sources then read it through the API server.
 *
 * Responses follow kubernetes-sigs/custom-metrics-apiserver: a MetricValueList or an
 * ExternalMetricValueList, a 404 Status "the server could not find the metric …" for a metric
 * the test has not set, and a 400 Status for a label selector it cannot parse.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { apply, kubectlResult, waitFor } from './cluster.js';

const CUSTOM = 'custom.metrics.k8s.io';
const CUSTOM_VERSION = 'v1beta2';
const EXTERNAL = 'external.metrics.k8s.io';
const EXTERNAL_VERSION = 'v1beta1';

/** One series of an external metric: its labels and value (a Kubernetes quantity). */
export interface ExternalSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: string;
}

/** What one request asked for, to check what the API server passed on. */
export interface AdapterRequest {
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly user: string | undefined;
}

interface Status {
  readonly code: number;
  readonly reason: string;
  readonly message: string;
}

/** A tiny label-selector parser: `k=v`, `k==v`, `k!=v`, `k`, `!k`, comma-separated. */
function parseSelector(
  text: string,
): ((labels: Readonly<Record<string, string>>) => boolean) | null {
  if (text === '') return () => true;
  const tests: ((l: Readonly<Record<string, string>>) => boolean)[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(!?)([A-Za-z0-9._/-]+)\s*(?:(==|=|!=)\s*([A-Za-z0-9._-]*))?\s*$/.exec(part);
    if (m === null) return null;
    const [, not = '', key = '', op, value = ''] = m;
    if (op === undefined) tests.push((l) => (not === '') === key in l);
    else if (not !== '') return null;
    else if (op === '!=') tests.push((l) => l[key] !== value);
    else tests.push((l) => l[key] === value);
  }
  return (labels) => tests.every((t) => t(labels));
}

type Answer = [number, unknown];
type Selector = (labels: Readonly<Record<string, string>>) => boolean;

const statusOf = (s: Status): Answer => [
  s.code,
  { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', ...s },
];

/** The query's label selector, or the 400 a real adapter answers for one it cannot parse. */
function selectorIn(query: URLSearchParams, key: string): Selector | Answer {
  const text = query.get(key) ?? '';
  return (
    parseSelector(text) ??
    statusOf({
      code: 400,
      reason: 'BadRequest',
      message: `unable to parse ${key} ${JSON.stringify(text)}`,
    })
  );
}

const resourceList = (group: string, version: string, names: readonly string[]): unknown => ({
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: `${group}/${version}`,
  resources: names.map((name) => ({
    name,
    singularName: '',
    namespaced: true,
    kind: group === CUSTOM ? 'MetricValueList' : 'ExternalMetricValueList',
    verbs: ['get'],
  })),
});

const groupOf = (group: string, version: string): unknown => ({
  name: group,
  versions: [{ groupVersion: `${group}/${version}`, version }],
  preferredVersion: { groupVersion: `${group}/${version}`, version },
});

export class MetricsAdapter {
  /** `namespace/pod/metric` → value. */
  readonly #podValues = new Map<string, string>();
  /** `namespace/resource/name/metric` → value. */
  readonly #objectValues = new Map<string, string>();
  /** `namespace/metric` → series. */
  readonly #external = new Map<string, readonly ExternalSeries[]>();
  readonly #registered: string[] = [];
  #server: https.Server | null = null;
  #tls: https.ServerOptions = {};
  #paused = 0;
  #dir: string | null = null;
  /** Every metric request seen, oldest first. */
  readonly requests: AdapterRequest[] = [];

  get port(): number {
    return (this.#server?.address() as AddressInfo | null)?.port ?? 0;
  }

  /** Pods metric: `metric` of `pod` (which must carry `labels`, see `setPodLabels`). */
  setPodValue(namespace: string, pod: string, metric: string, value: string): void {
    this.#podValues.set(`${namespace}/${pod}/${metric}`, value);
  }

  /** Object metric of one object, e.g. `ingresses.networking.k8s.io` `main`. */
  setObjectValue(
    namespace: string,
    object: { readonly resource: string; readonly name: string },
    metric: string,
    value: string,
  ): void {
    this.#objectValues.set(`${namespace}/${object.resource}/${object.name}/${metric}`, value);
  }

  setExternal(namespace: string, metric: string, series: readonly ExternalSeries[]): void {
    this.#external.set(`${namespace}/${metric}`, series);
  }

  /** Labels of the pods a Pods metric's `labelSelector` picks from. */
  readonly podLabels = new Map<string, Readonly<Record<string, string>>>();

  /** Starts serving on 127.0.0.1 (any free port) with a fresh self-signed certificate. */
  async start(): Promise<number> {
    const dir = mkdtempSync(path.join(tmpdir(), 'tide-adapter-'));
    this.#dir = dir;
    const made = spawnSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1'],
        ...['-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
        ...['-keyout', path.join(dir, 'tls.key'), '-out', path.join(dir, 'tls.crt')],
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (made.status !== 0) throw new Error(`openssl: a self-signed certificate: ${made.stderr}`);
    this.#tls = {
      key: readFileSync(path.join(dir, 'tls.key')),
      cert: readFileSync(path.join(dir, 'tls.crt')),
    };
    await this.#listen(0);
    return this.port;
  }

  /** Stops listening and cuts every connection: to the API server, the adapter is down. */
  async pause(): Promise<void> {
    this.#paused = this.port;
    await this.#stop();
  }

  /** Listens again on the same port. */
  async resume(): Promise<void> {
    await this.#listen(this.#paused);
  }

  async #listen(port: number): Promise<void> {
    const server = https.createServer(this.#tls, (req, res) => {
      const url = new URL(req.url ?? '/', 'https://localhost');
      const [status, body] = this.#answer(url, req.headers['x-remote-user']);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.#server = server;
  }

  async #stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * Registers both groups with the API server: an ExternalName Service `localhost` in
   * `namespace` and the two APIServices; waits (bounded) until both are Available.
   */
  async register(namespace: string): Promise<void> {
    const port = this.port;
    const apiService = (group: string, version: string): string => `---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: ${version}.${group}}
spec:
  group: ${group}
  version: ${version}
  groupPriorityMinimum: 100
  versionPriority: 100
  insecureSkipTLSVerify: true
  service: {name: tide-test-adapter, namespace: ${namespace}, port: ${port}}
`;
    apply(
      namespace,
      `apiVersion: v1
kind: Service
metadata: {name: tide-test-adapter}
spec:
  type: ExternalName
  externalName: localhost
  ports: [{name: https, port: ${port}, targetPort: ${port}}]
${apiService(CUSTOM, CUSTOM_VERSION)}${apiService(EXTERNAL, EXTERNAL_VERSION)}`,
    );
    this.#registered.push(`${CUSTOM_VERSION}.${CUSTOM}`, `${EXTERNAL_VERSION}.${EXTERNAL}`);
    for (const name of this.#registered) {
      await waitFor(
        `APIService ${name} Available`,
        () => {
          const r = kubectlResult(['get', 'apiservice', name, '-o', 'json']);
          if (!r.ok) throw new Error(r.err);
          const conditions = (
            JSON.parse(r.out) as {
              status?: { conditions?: { type: string; status: string; message?: string }[] };
            }
          ).status?.conditions;
          const available = conditions?.find((c) => c.type === 'Available');
          if (available?.status === 'True') return true;
          throw new Error(`Available=${available?.status ?? '?'}: ${available?.message ?? ''}`);
        },
        { timeoutMs: 60_000 },
      );
    }
  }

  /** Unregisters the APIServices and stops serving. */
  async close(): Promise<void> {
    for (const name of this.#registered.splice(0)) {
      kubectlResult(['delete', 'apiservice', name, '--wait=false']);
    }
    await this.#stop();
    if (this.#dir !== null) rmSync(this.#dir, { recursive: true, force: true });
    this.#dir = null;
  }

  #answer(url: URL, user: string | string[] | undefined): Answer {
    const parts = url.pathname
      .split('/')
      .filter((p) => p !== '')
      .map(decodeURIComponent);
    if (url.pathname === '/apis') {
      return [
        200,
        {
          kind: 'APIGroupList',
          apiVersion: 'v1',
          groups: [groupOf(CUSTOM, CUSTOM_VERSION), groupOf(EXTERNAL, EXTERNAL_VERSION)],
        },
      ];
    }
    const [apis, group, version, ...rest] = parts;
    if (apis !== 'apis') return statusOf({ code: 404, reason: 'NotFound', message: 'not found' });
    if (rest.length > 0) {
      this.requests.push({
        path: `/${parts.join('/')}`,
        query: Object.fromEntries(url.searchParams),
        user: Array.isArray(user) ? user[0] : user,
      });
    }
    if (group === CUSTOM && version === CUSTOM_VERSION) return this.#custom(rest, url.searchParams);
    if (group === EXTERNAL && version === EXTERNAL_VERSION)
      return this.#externalAnswer(rest, url.searchParams);
    return statusOf({ code: 404, reason: 'NotFound', message: `no group ${String(group)}` });
  }

  #custom(rest: readonly string[], query: URLSearchParams): Answer {
    if (rest.length === 0) {
      const names = new Set<string>();
      for (const key of this.#podValues.keys()) names.add(`pods/${key.split('/')[2] ?? ''}`);
      for (const key of this.#objectValues.keys()) {
        const [, resource = '', , metric = ''] = key.split('/');
        names.add(`${resource}/${metric}`);
      }
      return [200, resourceList(CUSTOM, CUSTOM_VERSION, [...names])];
    }
    const [namespaces, namespace = '', resource = '', name = '', metric = ''] = rest;
    if (namespaces !== 'namespaces' || rest.length !== 5) {
      return statusOf({
        code: 404,
        reason: 'NotFound',
        message: `no such path /${rest.join('/')}`,
      });
    }
    // Object values carry no labels here: the selector is only checked, as an adapter would.
    const metricSelector = selectorIn(query, 'metricLabelSelector');
    if (Array.isArray(metricSelector)) return metricSelector;
    const now = new Date().toISOString();
    const item = (kind: string, objectName: string, value: string): unknown => ({
      describedObject: {
        kind,
        namespace,
        name: objectName,
        apiVersion: kind === 'Pod' ? '/v1' : '',
      },
      metric: { name: metric },
      timestamp: now,
      windowSeconds: 60,
      value,
    });
    if (resource === 'pods' && name === '*') return this.#pods(namespace, metric, query, item);
    const value = this.#objectValues.get(`${namespace}/${resource}/${name}/${metric}`);
    if (value === undefined) {
      return statusOf({
        code: 404,
        reason: 'NotFound',
        message: `the server could not find the metric ${metric} for ${resource} ${name}`,
      });
    }
    return [
      200,
      {
        kind: 'MetricValueList',
        apiVersion: `${CUSTOM}/${CUSTOM_VERSION}`,
        metadata: {},
        items: [item(resource, name, value)],
      },
    ];
  }

  #pods(
    namespace: string,
    metric: string,
    query: URLSearchParams,
    item: (kind: string, name: string, value: string) => unknown,
  ): Answer {
    const selector = selectorIn(query, 'labelSelector');
    if (Array.isArray(selector)) return selector;
    const items: unknown[] = [];
    let known = false;
    for (const [key, value] of this.#podValues) {
      const [ns, pod = '', m] = key.split('/');
      if (ns !== namespace || m !== metric) continue;
      known = true;
      if (selector(this.podLabels.get(`${ns}/${pod}`) ?? {})) items.push(item('Pod', pod, value));
    }
    if (!known) {
      return statusOf({
        code: 404,
        reason: 'NotFound',
        message: `the server could not find the metric ${metric} for pods`,
      });
    }
    return [
      200,
      { kind: 'MetricValueList', apiVersion: `${CUSTOM}/${CUSTOM_VERSION}`, metadata: {}, items },
    ];
  }

  #externalAnswer(rest: readonly string[], query: URLSearchParams): Answer {
    if (rest.length === 0) {
      const names = [...this.#external.keys()].map((k) => k.split('/')[1] ?? '');
      return [200, resourceList(EXTERNAL, EXTERNAL_VERSION, [...new Set(names)])];
    }
    const [namespaces, namespace = '', metric = ''] = rest;
    if (namespaces !== 'namespaces' || rest.length !== 3) {
      return statusOf({
        code: 404,
        reason: 'NotFound',
        message: `no such path /${rest.join('/')}`,
      });
    }
    const selector = selectorIn(query, 'labelSelector');
    if (Array.isArray(selector)) return selector;
    const series = this.#external.get(`${namespace}/${metric}`);
    if (series === undefined) {
      return statusOf({
        code: 404,
        reason: 'NotFound',
        message: `the server could not find the descriptor for metric ${metric}`,
      });
    }
    const now = new Date().toISOString();
    return [
      200,
      {
        kind: 'ExternalMetricValueList',
        apiVersion: `${EXTERNAL}/${EXTERNAL_VERSION}`,
        metadata: {},
        items: series
          .filter((s) => selector(s.labels))
          .map((s) => ({
            metricName: metric,
            metricLabels: s.labels,
            timestamp: now,
            window: 60,
            value: s.value,
          })),
      },
    ];
  }
}
