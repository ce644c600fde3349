/**
 * The end-to-end tests' harness: the real control plane started by scripts/test-e2e.sh
 * (scripts/k8s/cluster.sh), kubectl from its build, the built CLI as the controller, a test
 * exporter that Prometheus scrapes, and bounded waits. Every helper fails with what it waited for
 * and what it saw last; nothing here skips.
 *
 * @module
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const cli = path.join(root, 'dist/src/cli/index.js');

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(
      `${name} is not set: run the end-to-end tests with scripts/test-e2e.sh, which builds and starts the control plane and exports it`,
    );
  }
  return value;
}

export const kubeconfig = (): string => required('TIDE_TEST_KUBECONFIG');
export const k8sBin = (): string => required('TIDE_TEST_K8S_BIN');
export const clusterScript = (): string => required('TIDE_TEST_K8S_SCRIPT');
export const prometheusAddress = (): string => `http://${required('TIDE_TEST_PROMETHEUS')}`;

/** A tool's exit, output and errors (a timeout or a missing binary is a failure too). */
function runTool(
  bin: string,
  args: readonly string[],
  input?: string,
): { ok: boolean; out: string; err: string } {
  const result = spawnSync(bin, args, { input, encoding: 'utf8', timeout: 120_000 });
  const err =
    result.error === undefined ? result.stderr : `${result.error.message}\n${result.stderr}`;
  return { ok: result.status === 0, out: result.stdout ?? '', err };
}

function orThrow(what: string, result: { ok: boolean; out: string; err: string }): string {
  if (!result.ok) throw new Error(`${what}: ${result.err}`);
  return result.out;
}

interface KubeconfigFile {
  clusters: { cluster: { server: string } }[];
  users: { name: string; user: Record<string, unknown> }[];
}

/** The API server's address, from the test kubeconfig. */
export function apiServer(): { readonly host: string; readonly port: number } {
  const config = parse(readFileSync(kubeconfig(), 'utf8')) as KubeconfigFile;
  const server = config.clusters[0]?.cluster.server;
  if (server === undefined) throw new Error(`${kubeconfig()}: no cluster`);
  const url = new URL(server);
  return { host: url.hostname, port: Number(url.port) };
}

let kubeconfigDir: string | null = null;

/**
 * A copy of the test kubeconfig whose server is `https://127.0.0.1:<port>` (a proxy in front of
 * the API server: the serving certificate names 127.0.0.1, so TLS still verifies) and, with
 * `token`, whose user sends that bearer token instead of the admin certificate. Returns its path.
 */
export function kubeconfigVia(port: number, options: { readonly token?: string } = {}): string {
  const config = parse(readFileSync(kubeconfig(), 'utf8')) as KubeconfigFile;
  for (const c of config.clusters) c.cluster.server = `https://127.0.0.1:${port}`;
  if (options.token !== undefined) {
    for (const u of config.users) u.user = { token: options.token };
  }
  kubeconfigDir ??= mkdtempSync(path.join(tmpdir(), 'tide-e2e-kubeconfig-'));
  const file = path.join(
    kubeconfigDir,
    `${port}-${options.token === undefined ? 'admin' : 'token'}.yaml`,
  );
  writeFileSync(file, stringify(config), { mode: 0o600 });
  return file;
}

/** kubectl that reports failure instead of throwing (for "the API server rejects this"). */
export function kubectlResult(
  args: readonly string[],
  input?: string,
  config = kubeconfig(),
): { ok: boolean; out: string; err: string } {
  return runTool(path.join(k8sBin(), 'kubectl'), ['--kubeconfig', config, ...args], input);
}

/** Runs kubectl against the test cluster; throws with its stderr on a non-zero exit. */
export const kubectl = (args: readonly string[], input?: string): string =>
  orThrow(`kubectl ${args.join(' ')}`, kubectlResult(args, input));

/** Helm, built from the Go module proxy by scripts/k8s/build-helm.sh (test-e2e.sh exports it). */
export const helmResult = (args: readonly string[]): { ok: boolean; out: string; err: string } =>
  runTool(required('TIDE_TEST_HELM'), args);

/** Runs Helm; throws with its stderr on a non-zero exit. */
export const helm = (args: readonly string[]): string =>
  orThrow(`helm ${args.join(' ')}`, helmResult(args));

export const apply = (namespace: string, yaml: string): string =>
  kubectl(['-n', namespace, 'apply', '-f', '-'], yaml);

/** `kubectl get RESOURCE... -o json` in a namespace (`resource` may carry flags: 'pods -l app=x'). */
export function getJson<T = Record<string, unknown>>(namespace: string, resource: string): T {
  return JSON.parse(kubectl(['-n', namespace, 'get', ...resource.split(' '), '-o', 'json'])) as T;
}

/** A fresh namespace for one test file; delete it in afterAll. */
export function createNamespace(prefix: string): string {
  const name = `${prefix}-${Date.now().toString(36)}`;
  kubectl(['create', 'namespace', name]);
  return name;
}

export function deleteNamespace(name: string): void {
  kubectlResult(['delete', 'namespace', name, '--wait=false']);
}

/** Polls `probe` until it returns a value that is not undefined; fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  options: { readonly timeoutMs?: number; readonly intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let last: unknown = 'nothing yet';
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      last = e instanceof Error ? e.message : e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what} (last error: ${String(last)})`);
    await sleep(options.intervalMs ?? 500);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Scale {
  readonly spec: { readonly replicas?: number };
  readonly status: {
    readonly replicas?: number;
    readonly readyReplicas?: number;
    readonly availableReplicas?: number;
  };
}

export const deploymentReplicas = (namespace: string, name: string): number =>
  getJson<Scale>(namespace, `deployment/${name}`).spec.replicas ?? 0;

export const readyReplicas = (namespace: string, name: string): number =>
  getJson<Scale>(namespace, `deployment/${name}`).status.readyReplicas ?? 0;

/** Running, ready pods with `app=<name>`. */
export function runningPods(namespace: string, app: string): number {
  const pods = getJson<{
    items: { status?: { phase?: string }; metadata?: { deletionTimestamp?: string } }[];
  }>(namespace, `pods -l app=${app}`);
  return pods.items.filter(
    (p) => p.status?.phase === 'Running' && p.metadata?.deletionTimestamp === undefined,
  ).length;
}

export interface ScalerStatusView {
  readonly observedGeneration?: number;
  readonly currentReplicas?: number;
  readonly desiredReplicas?: number;
  readonly reasons?: readonly { code: string; message: string }[];
  readonly conditions?: readonly {
    type: string;
    status: string;
    reason: string;
    message: string;
  }[];
  readonly engineState?: {
    scaleUpEvents?: unknown[];
    scaleDownEvents?: unknown[];
    recommendations?: unknown[];
  };
}

export function scalerStatus(namespace: string, name: string): ScalerStatusView {
  return getJson<{ status?: ScalerStatusView }>(namespace, `elasticscaler/${name}`).status ?? {};
}

export function condition(
  namespace: string,
  name: string,
  type: string,
): { status: string; reason: string; message: string } | undefined {
  return scalerStatus(namespace, name).conditions?.find((c) => c.type === type);
}

/** The ElasticScaler's Events (events.k8s.io/v1), oldest first. */
export function scalerEvents(
  namespace: string,
  name: string,
): { reason: string; type: string; note: string }[] {
  const list = getJson<{
    items: {
      reason?: string;
      type?: string;
      note?: string;
      regarding?: { kind?: string; name?: string };
      eventTime?: string;
    }[];
  }>(namespace, 'events.events.k8s.io');
  return list.items
    .filter((e) => e.regarding?.kind === 'ElasticScaler' && e.regarding.name === name)
    .sort((a, b) => String(a.eventTime).localeCompare(String(b.eventTime)))
    .map((e) => ({ reason: e.reason ?? '', type: e.type ?? '', note: e.note ?? '' }));
}

/** A Deployment of fake pods (KWOK runs them) with `app=<name>` and optional CPU usage. */
export function deployment(
  name: string,
  replicas: number,
  options: { cpuRequest?: string; cpuUsage?: string } = {},
): string {
  const annotations =
    options.cpuUsage === undefined ? '{}' : `{kwok.x-k8s.io/usage-cpu: "${options.cpuUsage}"}`;
  const resources =
    options.cpuRequest === undefined ? '{}' : `{requests: {cpu: "${options.cpuRequest}"}}`;
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}, annotations: ${annotations}}
    spec:
      containers: [{name: app, image: fake.invalid/${name}, resources: ${resources}}]
`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A running `tide controller`: its process, log lines and HTTP port. */
export interface ControllerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly identity: string;
  readonly logs: string[];
  readonly exited: Promise<number | null>;
  /** Parsed JSON log lines. */
  lines(): Record<string, unknown>[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts the built CLI as the controller, watching one namespace with its own Lease. */
export async function startController(options: {
  readonly namespace: string;
  readonly identity: string;
  /** Default: the admin's (TIDE_TEST_KUBECONFIG). */
  readonly kubeconfig?: string;
  /** Default: `namespace`. */
  readonly leaseNamespace?: string;
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}): Promise<ControllerProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      cli,
      'controller',
      '--kubeconfig',
      options.kubeconfig ?? kubeconfig(),
      '--namespace',
      options.namespace,
      '--lease-namespace',
      options.leaseNamespace ?? options.namespace,
      '--identity',
      options.identity,
      '--metrics-address',
      `127.0.0.1:${port}`,
      '--log-level',
      'debug',
      ...(options.args ?? []),
    ],
    { env: { ...process.env, ...(options.env ?? {}) }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const logs: string[] = [];
  const collect = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) if (line !== '') logs.push(line);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const proc: ControllerProcess = {
    child,
    port,
    identity: options.identity,
    logs,
    exited,
    lines: () =>
      logs.flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      }),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  await waitFor(
    `controller ${options.identity} serving /healthz`,
    async () => {
      if (child.exitCode !== null)
        throw new Error(`controller exited ${child.exitCode}: ${logs.slice(-5).join('\n')}`);
      return (await httpGet(`http://127.0.0.1:${port}/healthz`)).status === 200 ? true : undefined;
    },
    { timeoutMs: 30_000 },
  );
  return proc;
}

/**
 * A kubeconfig that authenticates as a ServiceAccount with a token from the TokenRequest API
 * (`kubectl create token`), beside the admin's cluster and CA; returns its path.
 */
export function serviceAccountKubeconfig(namespace: string, name: string, dir: string): string {
  const token = kubectl(['-n', namespace, 'create', 'token', name, '--duration=2h']).trim();
  const admin = parse(readFileSync(kubeconfig(), 'utf8')) as {
    clusters: { name: string; cluster: Record<string, unknown> }[];
  };
  const file = path.join(dir, `${namespace}-${name}.kubeconfig`);
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: admin.clusters,
    users: [{ name, user: { token } }],
    contexts: [{ name, context: { cluster: admin.clusters[0]?.name, user: name, namespace } }],
    'current-context': name,
  };
  writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
  return file;
}

export function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** The Prometheus test exporter (scripts/services/prometheus.sh scrapes it every second). */
export class Exporter {
  readonly #values = new Map<string, number>();
  #server: http.Server | null = null;

  set(series: string, value: number): void {
    this.#values.set(series, value);
  }

  delete(series: string): void {
    this.#values.delete(series);
  }

  /** Sets `tide_e2e_load{scaler="<scaler>"}` and waits until Prometheus has scraped it. */
  async load(scaler: string, value: number): Promise<void> {
    const series = `tide_e2e_load{scaler="${scaler}"}`;
    this.set(series, value);
    await waitFor(`Prometheus to scrape ${series} = ${value}`, async () =>
      (await prometheusValue(`sum(${series})`)) === value ? true : undefined,
    );
  }

  async start(): Promise<void> {
    const port = Number(process.env['TIDE_PROMETHEUS_EXPORTER_PORT'] ?? '19101');
    const server = http.createServer((_req, res) => {
      const lines = [...this.#values].map(([series, value]) => `${series} ${value}`);
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(`${lines.join('\n')}\n`);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.#server = server;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * An ElasticScaler (sync every 2 s, no prediction, 1–10 replicas) with one Prometheus trigger
 * reading the exporter's `sum(<metric>{scaler="<name>"})` against 10 per replica, its password
 * from the controller's TIDE_TEST_SECRET; `extra` is appended under `spec`.
 */
export function prometheusScaler(options: {
  readonly name: string;
  readonly target: { readonly apiVersion: string; readonly kind: string; readonly name: string };
  readonly metric: string;
  readonly scaleDownWindowSeconds: number;
  readonly extra?: string;
}): string {
  const { name, target, metric } = options;
  return `apiVersion: tide.dev/v1alpha1
kind: ElasticScaler
metadata: {name: ${name}}
spec:
  target: {apiVersion: ${target.apiVersion}, kind: ${target.kind}, name: ${target.name}}
  minReplicas: 1
  maxReplicas: 10
  syncPeriodSeconds: 2
  prediction: {mode: "off"}
  behavior:
    scaleDown: {stabilizationWindowSeconds: ${options.scaleDownWindowSeconds}}
  triggers:
    - name: load
      type: prometheus
      serverAddress: ${prometheusAddress()}
      username: tide
      password: {fromEnv: TIDE_TEST_SECRET}
      query: 'sum(${metric}{scaler="${name}"})'
      target: {type: AverageValue, value: 10}
${options.extra ?? ''}`;
}

/**
 * Sets `metric{scaler="<scaler>"}` on the exporter and waits until Prometheus has scraped it
 * (`sum(...)` returns the value).
 */
export async function publishLoad(
  exporter: Exporter,
  series: { readonly metric: string; readonly scaler: string },
  value: number,
): Promise<void> {
  const selector = `${series.metric}{scaler="${series.scaler}"}`;
  exporter.set(selector, value);
  await waitFor(`Prometheus to scrape ${selector} = ${value}`, async () =>
    (await prometheusValue(`sum(${selector})`)) === value ? true : undefined,
  );
}

/** The value Prometheus returns for an instant query (after a scrape); undefined when none. */
export async function prometheusValue(query: string): Promise<number | undefined> {
  const url = `${prometheusAddress()}/api/v1/query?query=${encodeURIComponent(query)}`;
  const auth = Buffer.from('tide:tide-test-password').toString('base64');
  const body = await new Promise<string>((resolve, reject) => {
    const req = http.get(
      url,
      { headers: { authorization: `Basic ${auth}` }, timeout: 5000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      },
    );
    req.on('error', reject);
  });
  const parsed = JSON.parse(body) as { data?: { result?: { value?: [number, string] }[] } };
  const value = parsed.data?.result?.[0]?.value?.[1];
  return value === undefined ? undefined : Number(value);
}

/** The CRD the tests install: the generated one from deploy/ (tide crd). */
export const crdFile = path.join(root, 'deploy/crd/elasticscaler.yaml');

/** The Helm chart. */
export const chartDir = path.join(root, 'deploy/helm/tide');
export const repoRoot = root;
