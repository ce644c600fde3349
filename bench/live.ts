/**
 * `npm run bench:live`: Tide under real HTTP load on this machine, and the same trace through
 * `tide backtest`, so the live and simulated orders can be compared. Replays four hours of the
 * bundled NASA trace (traces/nasa_http_jul1995_1min.csv, day 2 from 06:00) compressed 80× into
 * three minutes against examples/cpu-service.mjs under `tide run --time-scale 80`, once with an
 * HPA-like spec (prediction off) and once with Tide's default (prediction on), both on the proxy's
 * concurrency (0.7 in flight per replica, the analogue of the HPA's 70 % CPU for a
 * one-request-at-a-time service). An open-loop generator sends the trace's arrivals whatever the
 * answers, and its achieved rate is printed against the trace's. Prints, per run, p50/p95/p99
 * latency, errors, replica-seconds and seconds whose p95 is above the SLO, Tide's ratios to the
 * HPA-like run, then `tide backtest --policy oracle,hpa,tide` on the same four hours with the same
 * start-up and peak. A benchmark prints figures; it never asserts (shared machines are noisy).
 *
 * Time is compressed alike everywhere through the engine's clock (`--time-scale`): the specs are
 * written in the trace's time (15 s sync, the 300 s scale-down window, 120 s start-up) and the
 * service's real 1.5 s start-up is 120 s of trace time. Each request holds one slot of its replica
 * for 20 ms of wall time (the service's WAIT_SLOTS mode), so a 2-core machine can run the dozen
 * replicas the peak needs at a fixed capacity each (50 req/s), without the load generator, the
 * proxy and the replicas competing for CPU as CPU-bound replicas would.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const TRACE = join(root, 'traces/nasa_http_jul1995_1min.csv');
/** Day 2, 06:00 to 10:00: the morning rise. */
const SLICE = { fromMinute: 1440 + 6 * 60, minutes: 240 };
const COMPRESSION = 80;
/** The busiest minute of the slice is sent at this rate. */
const PEAK_RPS = 400;
/** Each request holds one slot of its replica for this long: 50 req/s a replica at most. */
const WORK_MS = 20;
const STARTUP_MS = 1500;
const SLO_MS = 100;
/** Replicas the peak needs at the SLO line (90 % busy), for the backtest's `--peak-replicas`. */
const PEAK_REPLICAS = Math.ceil((PEAK_RPS * WORK_MS) / 1000 / 0.9);
/** The service's real start-up in the trace's time. */
const STARTUP_SECONDS = (STARTUP_MS / 1000) * COMPRESSION;

interface Outcome {
  /** Seconds since the run's start when it was due. */
  readonly second: number;
  readonly latencyMs: number;
  readonly ok: boolean;
}

/** The slice's requests per minute. */
function traceSlice(): number[] {
  const rows = readFileSync(TRACE, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => Number(line.split(',')[1]));
  return rows.slice(SLICE.fromMinute, SLICE.fromMinute + SLICE.minutes);
}

/** Requests per second at each second of the compressed run. */
function compressed(slice: readonly number[]): number[] {
  const peak = Math.max(...slice);
  const seconds = Math.round((SLICE.minutes * 60) / COMPRESSION);
  return Array.from({ length: seconds }, (_, s) => {
    const at = (s * COMPRESSION) / 60;
    const i = Math.floor(at);
    const a = slice[i] ?? 0;
    const b = slice[i + 1] ?? a;
    return ((a + (b - a) * (at - i)) / peak) * PEAK_RPS;
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function spec(kind: 'hpa' | 'tide', ports: { listen: number; base: number }): string {
  return JSON.stringify({
    scalers: [
      {
        name: `bench-${kind}`,
        minReplicas: 1,
        maxReplicas: 2 * PEAK_REPLICAS,
        startupSeconds: STARTUP_SECONDS,
        syncPeriodSeconds: 15,
        target: {
          process: {
            command: process.execPath,
            args: [join(root, 'examples/cpu-service.mjs')],
            basePort: ports.base,
            listenPort: ports.listen,
          },
        },
        triggers: [
          {
            name: 'inflight',
            type: 'proxy',
            metric: 'concurrency',
            target: { type: 'AverageValue', value: 0.7 },
          },
        ],
        ...(kind === 'hpa' ? { prediction: { mode: 'off' } } : {}),
        processOptions: {
          healthCheck: { type: 'http', path: '/healthz' },
          drainSeconds: 5,
          env: { WORK_MS: String(WORK_MS), WAIT_SLOTS: '1', STARTUP_DELAY_MS: String(STARTUP_MS) },
        },
      },
    ],
  });
}

async function get(url: string, agent?: http.Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, agent === undefined ? {} : { agent }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const ok = await get(url).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`${url} never became ready`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Sends the trace's arrivals open-loop (evenly spaced within each 10 ms slot). */
async function generate(rates: readonly number[], url: string): Promise<Outcome[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const outcomes: Outcome[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  let owed = 0;
  let last = start;
  for (;;) {
    const now = performance.now();
    const second = Math.floor((now - start) / 1000);
    if (second >= rates.length) break;
    owed += ((rates[second] ?? 0) * (now - last)) / 1000;
    last = now;
    for (; owed >= 1; owed -= 1) {
      const due = performance.now();
      const done = get(url, agent).then(
        (r) => r.status < 500,
        () => false,
      );
      pending.push(
        done.then((ok) => {
          outcomes.push({ second, latencyMs: performance.now() - due, ok });
        }),
      );
    }
    await sleep(10);
  }
  await Promise.all(pending);
  agent.destroy();
  return outcomes;
}

/** Integrates the current replica count from /api/scalers once a second until `stop`. */
function sampleReplicas(api: string, stop: AbortSignal): Promise<number> {
  return new Promise((resolve) => {
    let total = 0;
    const timer = setInterval(() => {
      get(api).then(
        (r) => {
          const views = (JSON.parse(r.body) as { scalers: { currentReplicas: number }[] }).scalers;
          total += views[0]?.currentReplicas ?? 0;
        },
        () => undefined,
      );
    }, 1000);
    stop.addEventListener('abort', () => {
      clearInterval(timer);
      resolve(total);
    });
  });
}

interface Figures {
  readonly sent: number;
  readonly expected: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly errors: number;
  readonly replicaSeconds: number;
  readonly secondsAboveSlo: number;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

function figures(
  outcomes: readonly Outcome[],
  rates: readonly number[],
  replicaSeconds: number,
): Figures {
  const latency = (o: Outcome): number => (o.ok ? o.latencyMs : Number.POSITIVE_INFINITY);
  const sorted = outcomes.map(latency).sort((a, b) => a - b);
  const bySecond = new Map<number, number[]>();
  for (const o of outcomes) bySecond.set(o.second, [...(bySecond.get(o.second) ?? []), latency(o)]);
  const above = [...bySecond.values()].filter(
    (l) =>
      quantile(
        [...l].sort((a, b) => a - b),
        0.95,
      ) > SLO_MS,
  ).length;
  return {
    sent: outcomes.length,
    expected: rates.reduce((s, r) => s + r, 0),
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    errors: outcomes.filter((o) => !o.ok).length,
    replicaSeconds,
    secondsAboveSlo: above,
  };
}

async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => child.once('exit', () => resolve()));
}

async function runOnce(kind: 'hpa' | 'tide', rates: readonly number[]): Promise<Figures> {
  const [listen, base, metrics] = [await freePort(), await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'tide-bench-live-'));
  const file = join(dir, `${kind}.yaml`);
  writeFileSync(file, spec(kind, { listen, base }));
  const cli = join(root, 'dist/src/cli/index.js');
  const args = [cli, 'run', '-c', file, '--no-history', '--log-level', 'error'];
  args.push('--time-scale', String(COMPRESSION));
  const child = spawn(process.execPath, [...args, '--metrics-address', `127.0.0.1:${metrics}`], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitReady(`http://127.0.0.1:${metrics}/readyz`);
    await waitReady(`http://127.0.0.1:${listen}/healthz`);
    const stop = new AbortController();
    const replicas = sampleReplicas(`http://127.0.0.1:${metrics}/api/scalers`, stop.signal);
    const outcomes = await generate(rates, `http://127.0.0.1:${listen}/`);
    stop.abort();
    return figures(outcomes, rates, await replicas);
  } finally {
    child.kill('SIGINT');
    await exited(child);
  }
}

const f1 = (v: number): string => (Number.isFinite(v) ? v.toFixed(1) : '∞');

function row(name: string, f: Figures): string {
  const achieved = f.expected === 0 ? 0 : f.sent / f.expected;
  return [
    name.padEnd(6),
    `${f.sent}`.padStart(6),
    `${(achieved * 100).toFixed(1)}%`.padStart(8),
    f1(f.p50).padStart(8),
    f1(f.p95).padStart(8),
    f1(f.p99).padStart(8),
    `${f.errors}`.padStart(7),
    f1(f.replicaSeconds).padStart(10),
    `${f.secondsAboveSlo}`.padStart(9),
  ].join(' ');
}

const ratio = (a: number, b: number): string =>
  b === 0 ? (a === 0 ? '1.00' : '∞') : (a / b).toFixed(2);

interface Simulated {
  readonly policy: string;
  readonly replicaHours: number;
  readonly oracleRatio: number;
  readonly tauU: number;
  readonly sloViolationMinutes: number;
}

/** The slice through `tide backtest` with the live runs' start-up and peak. */
function backtest(slice: readonly number[]): Simulated[] {
  const dir = mkdtempSync(join(tmpdir(), 'tide-bench-live-trace-'));
  const file = join(dir, 'nasa-slice.csv');
  writeFileSync(file, `timestamp,value\n${slice.map((v, i) => `${i * 60},${v}`).join('\n')}\n`);
  const cli = join(root, 'dist/src/cli/index.js');
  const args = [cli, 'backtest', '--trace', file, '--policy', 'oracle,hpa,tide', '--json'];
  args.push('--quiet', '--jobs', '1', '--startup-seconds', String(STARTUP_SECONDS));
  args.push('--peak-replicas', String(PEAK_REPLICAS));
  const out = execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  const report = JSON.parse(out) as { traces: { results: Simulated[] }[] };
  return report.traces[0]?.results ?? [];
}

export async function run(): Promise<void> {
  const slice = traceSlice();
  const rates = compressed(slice);
  process.stdout.write(
    `trace ${TRACE.slice(root.length + 1)}, minutes ${SLICE.fromMinute}–${SLICE.fromMinute + SLICE.minutes} compressed ${COMPRESSION}× into ${rates.length} s per run; peak ${PEAK_RPS} req/s, each request holding a replica for ${WORK_MS} ms (one at a time); start-up ${STARTUP_MS} ms real = ${STARTUP_SECONDS} s of trace time; SLO p95 ≤ ${SLO_MS} ms\n`,
  );
  const results: [string, Figures][] = [];
  for (const kind of ['hpa', 'tide'] as const) {
    process.stdout.write(`running ${kind}…\n`);
    results.push([kind, await runOnce(kind, rates)]);
  }
  process.stdout.write(
    `\n${'spec'.padEnd(6)} ${'sent'.padStart(6)} ${'of trace'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(7)} ${'replica·s'.padStart(10)} ${'s > SLO'.padStart(9)}\n`,
  );
  for (const [name, f] of results) process.stdout.write(`${row(name, f)}\n`);
  const [hpa, tide] = [results[0]?.[1], results[1]?.[1]];
  if (hpa === undefined || tide === undefined) return;
  process.stdout.write(
    `\ntide / hpa: p50 ${ratio(tide.p50, hpa.p50)}, p95 ${ratio(tide.p95, hpa.p95)}, p99 ${ratio(tide.p99, hpa.p99)}, errors ${ratio(tide.errors, hpa.errors)}, replica-seconds ${ratio(tide.replicaSeconds, hpa.replicaSeconds)}, seconds above the SLO ${ratio(tide.secondsAboveSlo, hpa.secondsAboveSlo)}\n`,
  );
  printBacktest(backtest(slice), { hpa, tide });
}

/** The simulated figures beside the live ones, in the trace's time. */
function printBacktest(
  simulated: readonly Simulated[],
  live: { hpa: Figures; tide: Figures },
): void {
  process.stdout.write(
    `\ntide backtest on the same four hours (--startup-seconds ${STARTUP_SECONDS} --peak-replicas ${PEAK_REPLICAS}):\n`,
  );
  process.stdout.write(
    `${'policy'.padEnd(7)} ${'replica-h'.padStart(10)} ${'×oracle'.padStart(8)} ${'τU %'.padStart(7)} ${'SLO min'.padStart(8)} ${'live replica-h'.padStart(15)}\n`,
  );
  const liveHours = (f: Figures): number => (f.replicaSeconds * COMPRESSION) / 3600;
  for (const r of simulated) {
    const l = r.policy === 'hpa' ? live.hpa : r.policy === 'tide' ? live.tide : undefined;
    process.stdout.write(
      `${r.policy.padEnd(7)} ${r.replicaHours.toFixed(1).padStart(10)} ${r.oracleRatio.toFixed(3).padStart(8)} ${r.tauU.toFixed(2).padStart(7)} ${r.sloViolationMinutes.toFixed(0).padStart(8)} ${(l === undefined ? '' : liveHours(l).toFixed(1)).padStart(15)}\n`,
    );
  }
  const by = Object.fromEntries(simulated.map((r) => [r.policy, r]));
  const [h, t] = [by.hpa, by.tide];
  if (h === undefined || t === undefined) return;
  process.stdout.write(
    `tide / hpa replica-hours: simulated ${ratio(t.replicaHours, h.replicaHours)}, live ${ratio(live.tide.replicaSeconds, live.hpa.replicaSeconds)}; short: simulated τU ${t.tauU.toFixed(2)} vs ${h.tauU.toFixed(2)} %, live seconds above the SLO ${live.tide.secondsAboveSlo} vs ${live.hpa.secondsAboveSlo}\n`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
