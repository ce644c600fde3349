/**
 * `npm run bench:controller [-- --scalers 5000]`: one `tide controller` (the built dist) against
 * N ElasticScalers on N KWOK-backed Deployments (one namespace each) on the real control plane
 * that scripts/bench-controller.sh starts, each scaler with a Prometheus trigger
 * (`sum(tide_bench_load{scaler="…"})`, AverageValue 10, 15 s sync) read from a real Prometheus
 * that scrapes one small exporter served here (one gauge per scaler, 10 = one replica). That
 * Prometheus runs without basic auth: with it, every request waits for a bcrypt check made one at
 * a time, and Prometheus, not the controller, is the bottleneck (docs/kubernetes.md "Scale").
 *
 * After a warm-up (every scaler evaluated once), it measures `--periods` sync periods. During
 * them it raises `--changes` scalers' load from 10 to 30 (three replicas), spread evenly, and
 * watches the Deployments for the patched `/scale`. It prints, per period, the share of scalers
 * evaluated in it; the gaps between a scaler's evaluations; reconcile duration and start delay
 * (the controller's histograms); the controller's CPU (cores, and CPU seconds per evaluation,
 * which contention on a shared machine distorts less) and RSS from /proc; API requests per second
 * by verb and resource and status writes per second (the controller's own
 * `tide_controller_api_requests_total`); and the time from a metric change to the patched
 * `/scale` (p50/p99). A benchmark prints figures; it asserts nothing.
 *
 * Evaluation times come from the controller's `tide_last_decision_timestamp_seconds`, scraped
 * every 5 s (each value stays current for a whole period, so none is missed); the scrape is part
 * of the controller's measured CPU, as a Prometheus scraping it would be.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { createKubeRest, isConflict, type KubeRest } from '../src/runtime/kube/rest.js';
import { freePort } from './live.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(root, 'dist/src/cli/index.js');
const PERIOD_S = 15;
const METRIC = 'tide_bench_load';
const BASE_LOAD = 10;
const RAISED_LOAD = 30;
const RAISED_REPLICAS = 3;
const LABEL = 'tide.dev/bench';
/** Pods per fake node (the cluster's own node allows 5000). */
const PODS_PER_NODE = 4000;

interface Options {
  readonly scalers: number;
  readonly periods: number;
  readonly changes: number;
  readonly prediction: string | undefined;
  readonly cpuProf: string | undefined;
  readonly controllerArgs: readonly string[];
}

function env(name: string): string {
  const v = process.env[name];
  if (v === undefined || v === '')
    throw new Error(`${name} is not set: run the benchmark with npm run bench:controller`);
  return v;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      scalers: { type: 'string', default: '1000' },
      periods: { type: 'string', default: '6' },
      changes: { type: 'string' },
      prediction: { type: 'string' },
      'cpu-prof': { type: 'string' },
      'controller-arg': { type: 'string', multiple: true, default: [] },
    },
  });
  const scalers = Number(values.scalers);
  const periods = Number(values.periods);
  if (!Number.isInteger(scalers) || scalers < 1)
    throw new Error(`--scalers ${values.scalers}: need a positive integer`);
  if (!Number.isInteger(periods) || periods < 2)
    throw new Error(`--periods ${values.periods}: need an integer ≥ 2`);
  const changes = values.changes === undefined ? Math.min(scalers, 300) : Number(values.changes);
  if (!Number.isInteger(changes) || changes < 0 || changes > scalers)
    throw new Error(`--changes ${values.changes}: need an integer between 0 and --scalers`);
  return {
    scalers,
    periods,
    changes,
    prediction: values.prediction,
    cpuProf: values['cpu-prof'],
    controllerArgs: values['controller-arg'],
  };
}

const nsOf = (i: number): string => `tide-bench-${String(i).padStart(5, '0')}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const say = (line: string): void => void process.stdout.write(`${line}\n`);

/** Runs `fn` over `items`, `limit` at a time. */
async function pool<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function waitFor(
  what: string,
  timeoutMs: number,
  check: () => Promise<string | true> | string | true,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: string;
  for (;;) {
    const r = await Promise.resolve()
      .then(check)
      .catch((e: unknown) => (e as Error).message);
    if (r === true) return;
    last = r;
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${timeoutMs / 1000} s (last: ${last})`);
    await sleep(1000);
  }
}

// ------------------------------------------------------------------------------------------------
// The cluster's objects
// ------------------------------------------------------------------------------------------------

const deploymentBody = (ns: string): object => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'app', namespace: ns, labels: { [LABEL]: '1' } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'app' } },
    template: {
      metadata: { labels: { app: 'app' } },
      spec: { containers: [{ name: 'app', image: 'fake.invalid/app' }] },
    },
  },
});

function scalerBody(ns: string, o: Options): object {
  return {
    apiVersion: 'tide.dev/v1alpha1',
    kind: 'ElasticScaler',
    metadata: { name: 'app', namespace: ns },
    spec: {
      target: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'app' },
      minReplicas: 1,
      maxReplicas: 10,
      syncPeriodSeconds: PERIOD_S,
      ...(o.prediction === undefined ? {} : { prediction: { mode: o.prediction } }),
      triggers: [
        {
          name: 'load',
          type: 'prometheus',
          serverAddress: `http://${env('TIDE_TEST_PROMETHEUS')}`,
          query: `sum(${METRIC}{scaler="${ns}"})`,
          target: { type: 'AverageValue', value: BASE_LOAD },
        },
      ],
    },
  };
}

/** Creates an object; one left by an earlier run on a kept cluster is reset instead. */
async function ensure(
  rest: KubeRest,
  path: string,
  body: object,
  reset: (name: string) => Promise<void>,
): Promise<void> {
  try {
    await rest.request('POST', path, { body });
  } catch (e) {
    if (!isConflict(e)) throw e;
    await reset(`${path}/${(body as { metadata: { name: string } }).metadata.name}`);
  }
}

async function createObjects(rest: KubeRest, o: Options): Promise<void> {
  const extraNodes = Math.max(0, Math.ceil((o.scalers + o.changes * 2) / PODS_PER_NODE) - 1);
  for (let n = 1; n <= extraNodes; n++) {
    await ensure(rest, '/api/v1/nodes', nodeBody(`kwok-bench-${n}`), () => Promise.resolve());
  }
  const indexes = Array.from({ length: o.scalers }, (_, i) => i);
  await pool(indexes, 32, async (i) => {
    const ns = nsOf(i);
    await ensure(
      rest,
      '/api/v1/namespaces',
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
      () => Promise.resolve(),
    );
    await ensure(
      rest,
      `/apis/apps/v1/namespaces/${ns}/deployments`,
      deploymentBody(ns),
      async (path) => {
        await rest.request('PATCH', path, { body: { spec: { replicas: 1 } } });
      },
    );
    const scalers = `/apis/tide.dev/v1alpha1/namespaces/${ns}/elasticscalers`;
    // A scaler from an earlier run remembers its scale-ups (stabilization): start afresh.
    await ensure(rest, scalers, scalerBody(ns, o), async (path) => {
      await rest.request('DELETE', path);
      await waitFor(`${path} deleted`, 60_000, async () =>
        rest.request('GET', path).then(
          () => 'still there',
          () => true as const,
        ),
      );
      await rest.request('POST', scalers, { body: scalerBody(ns, o) });
    });
  });
}

const nodeBody = (name: string): object => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, annotations: { 'kwok.x-k8s.io/node': 'fake' }, labels: { type: 'kwok' } },
  status: {
    allocatable: { cpu: '1000', memory: '1Ti', pods: String(PODS_PER_NODE + 1000) },
    capacity: { cpu: '1000', memory: '1Ti', pods: String(PODS_PER_NODE + 1000) },
  },
});

interface DeploymentList {
  items: {
    metadata: { namespace: string };
    spec: { replicas: number };
    status?: { readyReplicas?: number };
  }[];
}

async function waitReady(rest: KubeRest, o: Options): Promise<void> {
  await waitFor(
    `${o.scalers} Deployments with one ready pod at one replica`,
    15 * 60_000,
    async () => {
      const list = await rest.request<DeploymentList>(
        'GET',
        `/apis/apps/v1/deployments?labelSelector=${encodeURIComponent(`${LABEL}=1`)}`,
      );
      const ready = list.items.filter(
        (d) => d.spec.replicas === 1 && d.status?.readyReplicas === 1,
      ).length;
      return ready >= o.scalers ? true : `${ready} ready`;
    },
  );
}

// ------------------------------------------------------------------------------------------------
// The exporter Prometheus scrapes, and Prometheus
// ------------------------------------------------------------------------------------------------

class Exporter {
  readonly loads = new Map<string, number>();
  #server: http.Server | null = null;

  async start(port: number): Promise<void> {
    const server = http.createServer((_req, res) => {
      const lines: string[] = [];
      for (const [ns, v] of this.loads) lines.push(`${METRIC}{scaler="${ns}"} ${v}`);
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
    if (server === null) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function httpText(url: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) >= 300)
          reject(new Error(`${url}: HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
        else resolve(text);
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer within 10 s`)));
    req.on('error', reject);
  });
}

async function prometheusValue(query: string): Promise<number | undefined> {
  const body = await httpText(
    `http://${env('TIDE_TEST_PROMETHEUS')}/api/v1/query?query=${encodeURIComponent(query)}`,
  );
  const value = (JSON.parse(body) as { data?: { result?: { value?: [number, string] }[] } }).data
    ?.result?.[0]?.value?.[1];
  return value === undefined ? undefined : Number(value);
}

// ------------------------------------------------------------------------------------------------
// Watching the Deployments: when each one's replicas changed
// ------------------------------------------------------------------------------------------------

class ReplicaWatch {
  /** Per namespace: [epoch ms, spec.replicas] in the order seen. */
  readonly seen = new Map<string, [number, number][]>();
  #abort: AbortController | null = null;

  async start(kc: KubeConfig): Promise<void> {
    const watch = new Watch(kc);
    const started = new Promise<void>((resolve) => setTimeout(resolve, 3000));
    this.#abort = await watch.watch(
      '/apis/apps/v1/deployments',
      { labelSelector: `${LABEL}=1` },
      (_phase, obj: { metadata: { namespace: string }; spec: { replicas: number } }) => {
        const list = this.seen.get(obj.metadata.namespace) ?? [];
        if (list.at(-1)?.[1] !== obj.spec.replicas) list.push([Date.now(), obj.spec.replicas]);
        this.seen.set(obj.metadata.namespace, list);
      },
      (err: unknown) => {
        if (this.#abort !== null && err !== null && err !== undefined)
          say(`deployment watch ended: ${(err as Error).message ?? JSON.stringify(err)}`);
      },
    );
    await started;
  }

  /** When `ns` first showed at least `replicas` after `since`; undefined when it has not. */
  reached(ns: string, replicas: number, since: number): number | undefined {
    return this.seen.get(ns)?.find(([t, r]) => t >= since && r >= replicas)?.[0];
  }

  stop(): void {
    const a = this.#abort;
    this.#abort = null;
    a?.abort();
  }
}

// ------------------------------------------------------------------------------------------------
// The controller, its /metrics and /proc
// ------------------------------------------------------------------------------------------------

interface Controller {
  readonly child: ChildProcess;
  readonly port: number;
  readonly log: string;
}

async function startController(o: Options): Promise<Controller> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tide-bench-controller-'));
  const log = join(dir, 'controller.log');
  const fd = openSync(log, 'a');
  const prof = o.cpuProf === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${o.cpuProf}`];
  const child = spawn(
    process.execPath,
    [
      ...prof,
      cli,
      'controller',
      '--kubeconfig',
      env('TIDE_TEST_KUBECONFIG'),
      '--lease-namespace',
      'default',
      '--identity',
      'tide-bench',
      '--metrics-address',
      `127.0.0.1:${port}`,
      ...o.controllerArgs,
    ],
    { stdio: ['ignore', fd, fd], env: { ...process.env } },
  );
  await waitFor('the controller serving /readyz', 120_000, async () => {
    if (child.exitCode !== null) throw new Error(`controller exited ${child.exitCode}; log ${log}`);
    await httpText(`http://127.0.0.1:${port}/readyz`);
    return true as const;
  });
  return { child, port, log };
}

async function stopController(c: Controller): Promise<void> {
  if (c.child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => c.child.once('exit', () => resolve()));
  c.child.kill('SIGTERM');
  await Promise.race([exited, sleep(60_000)]);
}

/** CPU seconds (user + system) and RSS bytes of a process, from /proc. */
function procSample(pid: number): { cpu: number; rss: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the command: state is [0]; utime [11], stime [12] in clock ticks (100 Hz).
    const cpu = (Number(fields[11]) + Number(fields[12])) / 100;
    const rssKb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return { cpu, rss: Number(rssKb ?? 0) * 1024 };
  } catch {
    return null;
  }
}

function pidFile(file: string): number | null {
  try {
    return Number(readFileSync(file, 'utf8').trim());
  } catch {
    return null;
  }
}

interface Scrape {
  readonly at: number;
  /** scaler → last decision time (epoch ms). */
  readonly last: Map<string, number>;
  /** Every other sample: name{labels} → value. */
  readonly series: Map<string, number>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/;

async function scrape(port: number): Promise<Scrape> {
  const text = await httpText(`http://127.0.0.1:${port}/metrics`);
  const last = new Map<string, number>();
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = SAMPLE.exec(line);
    if (m === null) continue;
    const [, name, labels = '', value] = m;
    if (name === 'tide_last_decision_timestamp_seconds') {
      const scaler = /scaler="([^"]*)"/.exec(labels)?.[1] ?? '';
      last.set(scaler, Number(value) * 1000);
    } else if (name?.startsWith('tide_controller_') || name === 'tide_decisions_total') {
      series.set(`${name}${labels}`, Number(value));
    }
  }
  return { at: Date.now(), last, series };
}

/** Sum of a metric's samples whose labels match `filter`, minus the same at `before`. */
function delta(
  after: Scrape,
  before: Scrape,
  name: string,
  filter: (labels: string) => boolean = () => true,
): number {
  let sum = 0;
  for (const [key, v] of after.series) {
    const brace = key.indexOf('{');
    const n = brace < 0 ? key : key.slice(0, brace);
    const labels = brace < 0 ? '' : key.slice(brace);
    if (n !== name || !filter(labels)) continue;
    sum += v - (before.series.get(key) ?? 0);
  }
  return sum;
}

/** histogram_quantile over the buckets' increase between two scrapes (linear within a bucket). */
function histogramQuantile(after: Scrape, before: Scrape, name: string, q: number): number {
  const buckets: [number, number][] = [];
  for (const key of after.series.keys()) {
    const m = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\}$`).exec(key);
    if (m === null) continue;
    const le = m[1] === '+Inf' ? Infinity : Number(m[1]);
    buckets.push([le, (after.series.get(key) ?? 0) - (before.series.get(key) ?? 0)]);
  }
  buckets.sort((a, b) => a[0] - b[0]);
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (le === Infinity) return prevLe;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / Math.max(1, count - prevCount);
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}

// ------------------------------------------------------------------------------------------------
// The run
// ------------------------------------------------------------------------------------------------

const quantile = (sorted: readonly number[], q: number): number =>
  sorted.length === 0
    ? NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
const f = (v: number, digits = 1): string => (Number.isFinite(v) ? v.toFixed(digits) : '–');
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

interface Sampling {
  readonly evaluations: Map<string, Set<number>>;
  readonly proc: { at: number; cpu: number; rss: number }[];
  readonly others: Map<string, { at: number; cpu: number }[]>;
  scrapes: Scrape[];
  stop: () => Promise<void>;
}

function startSampling(c: Controller, others: ReadonlyMap<string, number>): Sampling {
  const s: Sampling = {
    evaluations: new Map(),
    proc: [],
    others: new Map(),
    scrapes: [],
    stop: () => Promise.resolve(),
  };
  let running = true;
  const procLoop = (async () => {
    while (running) {
      const at = Date.now();
      const p = c.child.pid === undefined ? null : procSample(c.child.pid);
      if (p !== null) s.proc.push({ at, ...p });
      for (const [name, pid] of others) {
        const o = procSample(pid);
        if (o !== null) s.others.set(name, [...(s.others.get(name) ?? []), { at, cpu: o.cpu }]);
      }
      await sleep(1000);
    }
  })();
  const scrapeLoop = (async () => {
    while (running) {
      const r = await scrape(c.port).catch(() => null);
      if (r !== null) {
        s.scrapes.push(r);
        for (const [scaler, t] of r.last) {
          const set = s.evaluations.get(scaler) ?? new Set<number>();
          set.add(t);
          s.evaluations.set(scaler, set);
        }
      }
      await sleep(5000);
    }
  })();
  s.stop = async () => {
    running = false;
    await Promise.all([procLoop, scrapeLoop]);
  };
  return s;
}

/** The scrape nearest to `at`. */
const scrapeAt = (s: Sampling, at: number): Scrape =>
  s.scrapes.reduce(
    (best, x) => (Math.abs(x.at - at) < Math.abs(best.at - at) ? x : best),
    s.scrapes[0] as Scrape,
  );

function cpuBetween(
  samples: readonly { at: number; cpu: number }[],
  from: number,
  to: number,
): number {
  const inside = samples.filter((p) => p.at >= from && p.at <= to);
  const a = inside[0];
  const b = inside.at(-1);
  return a === undefined || b === undefined || b.at === a.at
    ? NaN
    : (b.cpu - a.cpu) / ((b.at - a.at) / 1000);
}

function report(
  o: Options,
  s: Sampling,
  w: { t0: number; t1: number; changes: { ns: string; at: number }[]; watch: ReplicaWatch },
): void {
  const { t0, t1 } = w;
  const seconds = (t1 - t0) / 1000;
  say(
    `\nmeasured ${o.periods} periods of ${PERIOD_S} s (${f(seconds, 0)} s) with ${o.scalers} scalers`,
  );
  // 1. Evaluated on time: an evaluation inside each period (1 s of grace at its end).
  const scalers = [...s.evaluations.keys()].filter((k) => k.startsWith('tide-bench-'));
  const shares: string[] = [];
  for (let k = 0; k < o.periods; k++) {
    const from = t0 + k * PERIOD_S * 1000;
    const to = from + PERIOD_S * 1000 + 1000;
    const on = scalers.filter((sc) =>
      [...(s.evaluations.get(sc) ?? [])].some((t) => t >= from && t < to),
    ).length;
    shares.push(`${f((100 * on) / o.scalers)} %`);
  }
  say(`scalers evaluated in each period:        ${shares.join(', ')}`);
  const gaps: number[] = [];
  let evaluations = 0;
  for (const sc of scalers) {
    const times = [...(s.evaluations.get(sc) ?? [])]
      .filter((t) => t >= t0 && t <= t1)
      .sort((a, b) => a - b);
    evaluations += times.length;
    for (let i = 1; i < times.length; i++)
      gaps.push(((times[i] as number) - (times[i - 1] as number)) / 1000);
  }
  gaps.sort((a, b) => a - b);
  say(
    `gap between a scaler's evaluations:      p50 ${f(quantile(gaps, 0.5), 2)} s, p99 ${f(quantile(gaps, 0.99), 2)} s, max ${f(gaps.at(-1) ?? NaN, 2)} s (${evaluations} evaluations, ${f(evaluations / seconds)} /s)`,
  );
  // 2. Reconcile duration and delay (the controller's histograms).
  const a = scrapeAt(s, t1);
  const b = scrapeAt(s, t0);
  const hq = (name: string, q: number): string =>
    `${f(histogramQuantile(a, b, name, q) * 1000, 0)} ms`;
  say(
    `reconcile duration:                      p50 ${hq('tide_controller_reconcile_duration_seconds', 0.5)}, p99 ${hq('tide_controller_reconcile_duration_seconds', 0.99)}`,
  );
  say(
    `reconcile start after due:               p50 ${hq('tide_controller_reconcile_delay_seconds', 0.5)}, p99 ${hq('tide_controller_reconcile_delay_seconds', 0.99)}`,
  );
  // 3. CPU and memory.
  const cores = cpuBetween(s.proc, t0, t1);
  const inside = s.proc.filter((p) => p.at >= t0 && p.at <= t1);
  const rss = inside.map((p) => p.rss);
  const cpuSeconds = cores * seconds;
  say(
    `controller CPU:                          ${f(cores, 3)} cores (${f((cpuSeconds * 1000) / Math.max(1, evaluations), 2)} ms CPU per evaluation)`,
  );
  say(
    `controller RSS:                          mean ${mib(rss.reduce((x, y) => x + y, 0) / Math.max(1, rss.length))}, max ${mib(Math.max(0, ...rss))}`,
  );
  for (const [name, samples] of s.others)
    say(`${`${name} CPU:`.padEnd(40)} ${f(cpuBetween(samples, t0, t1), 3)} cores`);
  // 4. API requests.
  const perSecond = (filter: (labels: string) => boolean): number =>
    delta(a, b, 'tide_controller_api_requests_total', filter) / ((a.at - b.at) / 1000);
  const kinds = new Set<string>();
  for (const key of a.series.keys()) {
    const m = /^tide_controller_api_requests_total\{verb="([^"]+)",resource="([^"]+)"/.exec(key);
    if (m !== null) kinds.add(`${m[1]} ${m[2]}`);
  }
  const rows = [...kinds]
    .map((k) => {
      const [verb, resource] = k.split(' ');
      return [
        k,
        perSecond((l) => l.includes(`verb="${verb}"`) && l.includes(`resource="${resource}"`)),
      ] as const;
    })
    .filter(([, r]) => r > 0)
    .sort((x, y) => y[1] - x[1]);
  const byVerb = new Map<string, number>();
  for (const [k, r] of rows)
    byVerb.set(k.split(' ')[0] as string, (byVerb.get(k.split(' ')[0] as string) ?? 0) + r);
  say(
    `API requests per second by verb:         ${[...byVerb].map(([v, r]) => `${v} ${f(r, 2)}`).join(', ') || 'none'} (total ${f(
      [...byVerb.values()].reduce((x, y) => x + y, 0),
      2,
    )})`,
  );
  for (const [k, r] of rows)
    say(
      `  ${k.padEnd(38)} ${f(r, 2)} /s (${f(r / Math.max(1e-9, evaluations / seconds), 3)} per evaluation)`,
    );
  const errors = perSecond((l) => !/code="2\d\d"/.test(l));
  say(`API errors per second:                   ${f(errors, 2)}`);
  say(
    `status writes per second:                ${f(
      perSecond(
        (l) => l.includes('verb="PATCH"') && l.includes('resource="elasticscalers/status"'),
      ),
      2,
    )}`,
  );
  // 5. Metric change → /scale.
  const lat: number[] = [];
  for (const c of w.changes) {
    const at = w.watch.reached(c.ns, RAISED_REPLICAS, c.at);
    if (at !== undefined) lat.push((at - c.at) / 1000);
  }
  lat.sort((x, y) => x - y);
  say(
    `metric change → /scale patched:          p50 ${f(quantile(lat, 0.5))} s, p99 ${f(quantile(lat, 0.99))} s, max ${f(lat.at(-1) ?? NaN)} s (${lat.length} of ${w.changes.length} changes landed; Prometheus scrapes every 1 s)`,
  );
}

export async function run(): Promise<void> {
  const o = options();
  const began = Date.now();
  const kc = new KubeConfig();
  kc.loadFromFile(env('TIDE_TEST_KUBECONFIG'));
  const rest = createKubeRest({ kubeConfig: kc, timeoutMs: 60_000 });
  const exporter = new Exporter();
  for (let i = 0; i < o.scalers; i++) exporter.loads.set(nsOf(i), BASE_LOAD);
  await exporter.start(Number(env('TIDE_PROMETHEUS_EXPORTER_PORT')));
  const watch = new ReplicaWatch();
  let controller: Controller | null = null;
  try {
    say(`creating ${o.scalers} namespaces, Deployments and ElasticScalers…`);
    await createObjects(rest, o);
    await waitReady(rest, o);
    await waitFor(`Prometheus to hold ${o.scalers} series`, 120_000, async () => {
      const n = await prometheusValue(`count(${METRIC} == ${BASE_LOAD})`);
      return n === o.scalers ? true : `${n ?? 0} series`;
    });
    say(`cluster ready after ${f((Date.now() - began) / 1000, 0)} s`);
    await watch.start(kc);
    const startedAt = Date.now();
    controller = await startController(o);
    const others = new Map<string, number>();
    const api = pidFile(join(env('TIDE_K8S_DIR'), 'apiserver.pid'));
    const prom = pidFile(join(env('TIDE_SERVICES_DIR'), 'prometheus', 'pid'));
    if (api !== null) others.set('kube-apiserver', api);
    if (prom !== null) others.set('prometheus', prom);
    const s = startSampling(controller, others);
    await waitFor(`every scaler evaluated once`, 20 * 60_000, () => {
      const n = [...s.evaluations.keys()].filter((k) => k.startsWith('tide-bench-')).length;
      return n >= o.scalers ? true : `${n} evaluated`;
    });
    say(
      `warm-up: every scaler evaluated once ${f((Date.now() - startedAt) / 1000, 0)} s after the controller started`,
    );
    await sleep(PERIOD_S * 1000);
    const t0 = Date.now();
    const spreadMs = (o.periods - 1) * PERIOD_S * 1000;
    const changes: { ns: string; at: number }[] = [];
    const step = o.changes === 0 ? 0 : Math.floor(o.scalers / o.changes);
    for (let c = 0; c < o.changes; c++) {
      const due = t0 + (c * spreadMs) / o.changes;
      if (due > Date.now()) await sleep(due - Date.now());
      const ns = nsOf(c * step);
      exporter.loads.set(ns, RAISED_LOAD);
      changes.push({ ns, at: Date.now() });
    }
    const t1 = t0 + o.periods * PERIOD_S * 1000;
    if (t1 > Date.now()) await sleep(t1 - Date.now());
    // Late patches still count (up to two more periods), but not in the period figures.
    await sleep(Math.min(2 * PERIOD_S * 1000, 5000));
    await s.stop();
    report(o, s, { t0, t1, changes, watch });
    say(
      `controller log: ${controller.log}${o.cpuProf === undefined ? '' : `; CPU profile in ${o.cpuProf}`}`,
    );
  } finally {
    watch.stop();
    if (controller !== null) await stopController(controller);
    await exporter.close();
    rest.close();
  }
  say(`bench wall time ${f((Date.now() - began) / 1000, 0)} s`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
