/**
 * `tide controller` under faults, on the real control plane with the built CLI:
 *
 * (e) two replicas on one Lease: the leader SIGKILLed, the standby takes over within the lease
 *     duration (+ the stated slack) and every scale step happens exactly once across the handover
 *     (the Deployment's ScalingReplicaSet Events, the ElasticScaler's SuccessfulRescale Events and
 *     the controllers' `scaled` lines agree); a SIGTERMed leader releases the Lease (the next one
 *     takes over well before the lease duration) and exits 0.
 * (f) a controller restarted inside the scale-down window keeps it: no scale-down before the
 *     window, measured from the drop of the load, then the scale-down.
 * (g) a metric source that goes down (a server that stops, Prometheus returning no series): with
 *     a fallback the target goes to the fallback count and Fallback=True; without one the count
 *     holds; the conditions name the failure and no secret.
 * (h) the API server restarted mid-run: the controller keeps running, a load change after it is
 *     back still scales the target, and a spec change reaches it once its watch is back.
 *
 * One namespace for the file; each test runs its own controllers on its own Lease and deletes its
 * scalers at the end. Run by scripts/test-e2e.sh (it exports TIDE_TEST_K8S_SCRIPT for (h)).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  Exporter,
  apply,
  clusterScript,
  condition,
  createNamespace,
  deleteNamespace,
  deployment,
  deploymentReplicas,
  getJson,
  kubectl,
  kubectlResult,
  prometheusAddress,
  prometheusValue,
  scalerStatus,
  sleep,
  startController,
  waitFor,
  type ControllerProcess,
} from './cluster.js';

const exporter = new Exporter();
let ns = '';
/** Controllers started by the current test; stopped (killed if need be) after it. */
const controllers: ControllerProcess[] = [];
const PROM_SECRET = 'tide-test-password';
const FAKE_SECRET = 'fake-prom-s3cret-9f2c';
const SYNC_SECONDS = 2;

async function controller(identity: string, args: readonly string[]): Promise<ControllerProcess> {
  const c = await startController({
    namespace: ns,
    identity,
    args,
    env: { TIDE_TEST_SECRET: PROM_SECRET, TIDE_FAKE_SECRET: FAKE_SECRET },
  });
  controllers.push(c);
  return c;
}

/** Epoch ms of the controller's first log line with this message. */
function loggedAt(c: ControllerProcess, msg: string): number | undefined {
  const line = c.lines().find((l) => l['msg'] === msg);
  return line === undefined ? undefined : Date.parse(String(line['time']));
}

const leadingSince = (c: ControllerProcess): number | undefined =>
  loggedAt(c, 'acquired the lease: leading');

const scaledLines = (c: ControllerProcess, scaler: string): Record<string, unknown>[] =>
  c.lines().filter((l) => l['msg'] === 'scaled' && l['scaler'] === `${ns}/${scaler}`);

/** The counts a controller logged `scaled` to for one scaler, in order. */
const scaledTo = (c: ControllerProcess, scaler: string): unknown[] =>
  scaledLines(c, scaler).map((l) => l['to']);

/**
 * The same, once at least `n` lines are in: a line written just before the Event or the status
 * the test saw may still sit in the pipe (it is read between polls, not during a kubectl call).
 */
async function scaledBy(c: ControllerProcess, scaler: string, n: number): Promise<unknown[]> {
  await waitFor(`${c.identity} to log ${n} scale(s) of ${scaler}`, () =>
    scaledTo(c, scaler).length >= n ? true : undefined,
  );
  return scaledTo(c, scaler);
}

interface ScalerOptions {
  readonly windowSeconds?: number;
  readonly extra?: string;
  /** A trigger block replacing the default (Prometheus, `tide_e2e_load{scaler=name}`). */
  readonly trigger?: string;
  readonly minReplicas?: number;
}

function promTrigger(name: string): string {
  return `    - name: load
      type: prometheus
      serverAddress: ${prometheusAddress()}
      username: tide
      password: {fromEnv: TIDE_TEST_SECRET}
      query: 'sum(tide_e2e_load{scaler="${name}"})'
      target: {type: AverageValue, value: 10}
`;
}

function scaler(name: string, o: ScalerOptions = {}): string {
  return `apiVersion: tide.dev/v1alpha1
kind: ElasticScaler
metadata: {name: ${name}}
spec:
  target: {apiVersion: apps/v1, kind: Deployment, name: ${name}}
  minReplicas: ${o.minReplicas ?? 1}
  maxReplicas: 10
  syncPeriodSeconds: ${SYNC_SECONDS}
  prediction: {mode: "off"}
  behavior:
    scaleDown: {stabilizationWindowSeconds: ${o.windowSeconds ?? 10}}
${o.extra ?? ''}  triggers:
${o.trigger ?? promTrigger(name)}`;
}

const load = (name: string, value: number): Promise<void> => exporter.load(name, value);

async function replicas(name: string, n: number, timeoutMs = 60_000): Promise<number> {
  return waitFor(
    `deployment ${name} at ${n} replicas`,
    () => (deploymentReplicas(ns, name) === n ? Date.now() : undefined),
    { timeoutMs, intervalMs: 250 },
  );
}

/** The Deployment's ReplicaSet scale steps (core Events `ScalingReplicaSet`), as "1→3", oldest first. */
function deploymentSteps(name: string): string[] {
  const list = getJson<{
    items: {
      reason?: string;
      message?: string;
      count?: number;
      involvedObject?: { kind?: string; name?: string };
      firstTimestamp?: string;
      metadata?: { creationTimestamp?: string; name?: string };
    }[];
  }>(ns, 'events');
  return list.items
    .filter(
      (e) =>
        e.reason === 'ScalingReplicaSet' &&
        e.involvedObject?.kind === 'Deployment' &&
        e.involvedObject.name === name,
    )
    .sort((a, b) =>
      String(a.firstTimestamp ?? a.metadata?.creationTimestamp).localeCompare(
        String(b.firstTimestamp ?? b.metadata?.creationTimestamp),
      ),
    )
    .flatMap((e) => {
      const m = /from (\d+) to (\d+)/.exec(e.message ?? '');
      const step = m === null ? `? ${e.message ?? ''}` : `${m[1]}→${m[2]}`;
      // A repeated identical message is folded into one Event with a count: unfold it.
      return Array.from({ length: e.count ?? 1 }, () => step);
    });
}

/** The ElasticScaler's SuccessfulRescale Events: the new size and the replica that wrote it. */
function rescales(name: string): { size: number; by: string }[] {
  const list = getJson<{
    items: {
      reason?: string;
      note?: string;
      eventTime?: string;
      reportingInstance?: string;
      regarding?: { kind?: string; name?: string };
    }[];
  }>(ns, 'events.events.k8s.io');
  return list.items
    .filter(
      (e) =>
        e.reason === 'SuccessfulRescale' &&
        e.regarding?.kind === 'ElasticScaler' &&
        e.regarding.name === name,
    )
    .sort((a, b) => String(a.eventTime).localeCompare(String(b.eventTime)))
    .map((e) => ({
      size: Number(/New size: (\d+)/.exec(e.note ?? '')?.[1] ?? NaN),
      by: e.reportingInstance ?? '',
    }));
}

function leaseHolder(lease: string): string {
  const l = getJson<{ spec?: { holderIdentity?: string } }>(ns, `lease/${lease}`);
  return l.spec?.holderIdentity ?? '';
}

/** Runs a command without blocking this process (the controllers' log pipes keep draining). */
function run(
  command: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** A stand-in Prometheus (`/api/v1/query`, `/api/v1/query_range`) that can be stopped. */
class FakePrometheus {
  value = 0;
  #server: http.Server | null = null;
  port = 0;

  async start(): Promise<void> {
    const expected = `Basic ${Buffer.from(`tide:${FAKE_SECRET}`).toString('base64')}`;
    const server = http.createServer((req, res) => {
      if (req.headers.authorization !== expected) {
        res.writeHead(401).end();
        return;
      }
      const range = (req.url ?? '').startsWith('/api/v1/query_range');
      const data = range
        ? { resultType: 'matrix', result: [] }
        : {
            resultType: 'vector',
            result: [{ metric: {}, value: [Date.now() / 1000, String(this.value)] }],
          };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', data }));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    this.port = typeof address === 'object' && address !== null ? address.port : 0;
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

beforeAll(async () => {
  await exporter.start();
  ns = createNamespace('tide-faults');
});

afterEach(async () => {
  kubectlResult(['-n', ns, 'delete', 'elasticscalers', '--all', '--wait=false']);
  for (const c of controllers.splice(0)) {
    const stopped = c.stop();
    const exited = await Promise.race([stopped, sleep(15_000).then(() => 'timeout' as const)]);
    if (exited === 'timeout') await c.stop('SIGKILL');
    // Kept with the control plane's logs when the run fails (scripts/test-e2e.sh).
    const dir = process.env['TIDE_TEST_K8S_DIR'];
    if (dir !== undefined)
      writeFileSync(path.join(dir, `controller-${c.identity}.log`), c.logs.join('\n'));
  }
});

afterAll(async () => {
  await exporter.close();
  deleteNamespace(ns);
});

/** Lease timings for (e): a standby may take over 6 s after it last saw the leader renew. */
const LEASE_SECONDS = 6;
const fastLease = (name: string): string[] => [
  '--lease-name',
  name,
  '--lease-duration-seconds',
  String(LEASE_SECONDS),
  '--renew-deadline-seconds',
  '4',
  '--retry-period-seconds',
  '1',
];

describe('tide controller under faults', () => {
  it('(e) the leader SIGKILLed: the standby takes over within the lease duration, each step once; a SIGTERMed leader releases the Lease and exits 0', async () => {
    const lease = fastLease('faults-e');
    apply(ns, deployment('ha', 1));
    await load('ha', 5);
    const a = await controller('e-a', lease);
    await waitFor('e-a to lead', () => leadingSince(a));
    const b = await controller('e-b', lease);
    apply(ns, scaler('ha', { windowSeconds: 8 }));
    await waitFor('Ready=True', () =>
      condition(ns, 'ha', 'Ready')?.status === 'True' ? true : undefined,
    );

    // Step 1 (1 → 3) by the leader a.
    await load('ha', 25);
    await replicas('ha', 3);
    expect(leaseHolder('faults-e')).toBe('e-a');

    // The leader dies without a word; the load rises while nobody leads.
    const killedAt = Date.now();
    a.child.kill('SIGKILL');
    await a.exited;
    await load('ha', 45);
    const bLeads = await waitFor('e-b to take over', () => leadingSince(b), { timeoutMs: 30_000 });
    const takeoverMs = bLeads - killedAt;
    // b waits for the lease to run out, counted from when it last saw a renew (up to one jittered
    // retry, 2.2 s, before or after the kill), and then tries every 1–2.2 s: takeover lies in
    // [6 − 2.2, 6 + 2.2 + 2.2] s; 1.6 s more for API calls on a loaded 2-core machine.
    console.log(`(e) takeover after SIGKILL: ${takeoverMs} ms (lease ${LEASE_SECONDS} s)`);
    expect(takeoverMs).toBeGreaterThanOrEqual((LEASE_SECONDS - 2.2) * 1000 - 500);
    expect(takeoverMs).toBeLessThanOrEqual((LEASE_SECONDS + 6) * 1000);

    // Step 2 (3 → 5) by the new leader, then step 3 (5 → 2) after the 8 s window.
    await replicas('ha', 5);
    await load('ha', 15);
    await replicas('ha', 2, 60_000);

    // A third replica stands by; the leader b is SIGTERMed: it releases the Lease and exits 0.
    const c = await controller('e-c', lease);
    await waitFor('e-c to see e-b holding the lease', () =>
      c.lines().some((l) => l['msg'] === 'new leader observed' && l['holder'] === 'e-b')
        ? true
        : undefined,
    );
    expect(leadingSince(c)).toBeUndefined();
    const termAt = Date.now();
    expect(await b.stop('SIGTERM')).toBe(0);
    const releasedAt = loggedAt(b, 'released the lease');
    expect(releasedAt).toBeDefined();
    const cLeads = await waitFor('e-c to take over', () => leadingSince(c), { timeoutMs: 30_000 });
    const handoverMs = cLeads - termAt;
    console.log(
      `(e) takeover after SIGTERM: ${handoverMs} ms (${cLeads - (releasedAt ?? 0)} ms after the release)`,
    );
    // Released: c takes it at its next try (≤ 2.2 s) instead of waiting out the 6 s lease.
    expect(cLeads - (releasedAt ?? 0)).toBeLessThanOrEqual(2200 + 1000);
    expect(handoverMs).toBeLessThan((LEASE_SECONDS - 2) * 1000);

    // Step 4 (2 → 4) by c.
    await load('ha', 35);
    await replicas('ha', 4);

    // Every step exactly once, by the replica that led at the time.
    await waitFor('four SuccessfulRescale Events', () =>
      rescales('ha').length >= 4 ? true : undefined,
    );
    expect(rescales('ha')).toEqual([
      { size: 3, by: 'e-a' },
      { size: 5, by: 'e-b' },
      { size: 2, by: 'e-b' },
      { size: 4, by: 'e-c' },
    ]);
    await waitFor('five ScalingReplicaSet Events', () =>
      deploymentSteps('ha').length >= 5 ? true : undefined,
    );
    // 0→1 is the Deployment's creation.
    expect(deploymentSteps('ha')).toEqual(['0→1', '1→3', '3→5', '5→2', '2→4']);
    expect(scaledTo(a, 'ha')).toEqual([3]); // killed long ago: its lines are all in
    expect(await scaledBy(b, 'ha', 2)).toEqual([5, 2]);
    expect(await scaledBy(c, 'ha', 1)).toEqual([4]);
  });

  it('(f) a controller restarted inside the scale-down window keeps it: no scale-down before the window, measured from the drop, then the scale-down', async () => {
    const WINDOW = 30;
    // The default --state-write-seconds (60): the engine state is not written on every tick.
    const args = ['--lease-name', 'faults-f'];
    apply(ns, deployment('sticky', 1));
    await load('sticky', 5);
    const first = await controller('f-1', args);
    apply(ns, scaler('sticky', { windowSeconds: WINDOW }));
    await waitFor('Ready=True', () =>
      condition(ns, 'sticky', 'Ready')?.status === 'True' ? true : undefined,
    );
    await load('sticky', 45); // → 5
    await replicas('sticky', 5);
    // The load stays high for four sync periods: the recommendation history moves on while the
    // status (written at the scale) does not, so a restart must not fall back to the scale's time.
    await sleep(4 * SYNC_SECONDS * 1000);
    /** The time of the last recommendation of 5 in the stored engine state. */
    const lastHigh = (): number => {
      const stored = scalerStatus(ns, 'sticky').engineState?.recommendations as
        { replicas: number; timestamp: number }[] | undefined;
      return Math.max(...(stored ?? []).filter((r) => r.replicas === 5).map((r) => r.timestamp));
    };

    const before = lastHigh();
    const droppedAt = Date.now();
    exporter.set('tide_e2e_load{scaler="sticky"}', 15); // → 2 once the window has passed
    // Restart at once, before the first controller sees the drop: the status it last wrote is
    // from the scale (the engine state alone is written at most every 60 s), so what it held back
    // since must reach the status on the way out.
    expect(before).toBeLessThan(droppedAt - 2 * SYNC_SECONDS * 1000);
    expect(await first.stop('SIGTERM')).toBe(0);
    // The last recommendation of 5 was made at most one sync period before the drop.
    expect(lastHigh()).toBeGreaterThanOrEqual(droppedAt - SYNC_SECONDS * 1000 - 500);
    await load('sticky', 15);
    const second = await controller('f-2', args);

    await replicas('sticky', 2, (WINDOW + 30) * 1000);
    // When f-2 patched /scale, by its own log line.
    const downAt = await waitFor('f-2 to log its scale', () => {
      const line = scaledLines(second, 'sticky')[0];
      return line === undefined ? undefined : Date.parse(String(line['time']));
    });
    const heldMs = downAt - droppedAt;
    console.log(
      `(f) scale-down ${heldMs} ms after the drop (window ${WINDOW} s, restart inside it)`,
    );
    // The window runs from the last recommendation of 5: at most one sync period before the drop.
    expect(heldMs).toBeGreaterThanOrEqual((WINDOW - SYNC_SECONDS) * 1000);
    expect(heldMs).toBeLessThanOrEqual((WINDOW + 15) * 1000);
    expect(loggedAt(second, 'resumed the engine state stored in the status')).toBeDefined();
    expect(scaledTo(first, 'sticky')).toEqual([5]); // exited: its lines are all in
    expect(await scaledBy(second, 'sticky', 1)).toEqual([2]);
    expect(deploymentSteps('sticky')).toEqual(['0→1', '1→5', '5→2']);
  });

  it('(g) a metric source that goes down: fallback replicas with a fallback, the count held without; the conditions name the failure and no secret', async () => {
    const fake = new FakePrometheus();
    fake.value = 25; // → 3
    await fake.start();
    const fakeTrigger = `    - name: load
      type: prometheus
      serverAddress: http://127.0.0.1:${fake.port}
      username: tide
      password: {fromEnv: TIDE_FAKE_SECRET}
      query: 'sum(tide_fake_load)'
      target: {type: AverageValue, value: 10}
`;
    const fallback = '  fallback: {failureThreshold: 3, replicas: 6}\n';
    // A zero scale-down window: a failure read as a low value would shrink the target at once.
    const cases = [
      { name: 'fb-down', trigger: fakeTrigger, extra: fallback },
      { name: 'hold-down', trigger: fakeTrigger },
      { name: 'fb-empty', extra: fallback },
      { name: 'hold-empty' },
    ];
    for (const c of cases) apply(ns, deployment(c.name, 1));
    await load('fb-empty', 25);
    await load('hold-empty', 25);
    const ctl = await controller('g', ['--lease-name', 'faults-g']);
    for (const { name, ...o } of cases) apply(ns, scaler(name, { windowSeconds: 0, ...o }));
    for (const c of cases) await replicas(c.name, 3);

    // The sources fail: the server stops (connection refused); Prometheus has no series.
    const downAt = Date.now();
    await fake.stop();
    exporter.delete('tide_e2e_load{scaler="fb-empty"}');
    exporter.delete('tide_e2e_load{scaler="hold-empty"}');
    await waitFor('Prometheus to return no series', async () =>
      (await prometheusValue('sum(tide_e2e_load{scaler=~"fb-empty|hold-empty"})')) === undefined
        ? true
        : undefined,
    );
    const fallbackAt = await replicas('fb-down', 6);
    await replicas('fb-empty', 6);
    console.log(
      `(g) fb-down at 6 replicas ${fallbackAt - downAt} ms after its source stopped (threshold 3, sync ${SYNC_SECONDS} s); steps ${deploymentSteps('fb-down').join(', ')}`,
    );
    for (const name of ['fb-down', 'fb-empty']) {
      // The status is written just after the scale.
      const fb = await waitFor(`Fallback=True on ${name}`, () => {
        const c = condition(ns, name, 'Fallback');
        return c?.status === 'True' ? c : undefined;
      });
      expect(fb.reason, name).toBe('FallbackExists');
    }
    const failed = await waitFor('the held scalers to report their failures', () => {
      const down = condition(ns, 'hold-down', 'Ready');
      const empty = condition(ns, 'hold-empty', 'Ready');
      return down?.status === 'False' && empty?.status === 'False' ? { down, empty } : undefined;
    });
    // Nothing may happen to the held scalers: watch three more sync periods, then look at the
    // whole history (Events, logs), which would show even a scale-down undone in between.
    await sleep(3 * SYNC_SECONDS * 1000);
    for (const name of ['hold-down', 'hold-empty']) {
      expect(deploymentReplicas(ns, name), name).toBe(3);
      expect(scalerStatus(ns, name).desiredReplicas, name).toBe(3);
      expect(deploymentSteps(name), name).toEqual(['0→1', '1→3']);
      expect(await scaledBy(ctl, name, 1), name).toEqual([3]);
      expect(condition(ns, name, 'Fallback')?.status, name).toBe('False');
    }
    console.log(`(g) Ready of hold-down: ${failed.down.reason}: ${failed.down.message}`);
    console.log(`(g) Ready of hold-empty: ${failed.empty.reason}: ${failed.empty.message}`);
    expect(failed.down.message).toContain(`127.0.0.1:${fake.port}`);
    expect(failed.down.message).toMatch(/ECONNREFUSED|connect/);
    expect(failed.empty.message).toContain('empty vector');
    for (const name of ['fb-down', 'fb-empty']) {
      // Deciding (on the fallback), so Ready, and the message names the failure.
      const ready = condition(ns, name, 'Ready');
      expect(ready?.status, name).toBe('True');
      expect(ready?.message, name).toMatch(name === 'fb-down' ? /ECONNREFUSED/ : /empty vector/);
    }
    // No secret anywhere we publish: status, Events, logs.
    const published = [
      ...cases.map((c) => JSON.stringify(scalerStatus(ns, c.name))),
      kubectl(['-n', ns, 'get', 'events.events.k8s.io', '-o', 'json']),
      ctl.logs.join('\n'),
    ].join('\n');
    for (const secret of [FAKE_SECRET, PROM_SECRET]) {
      expect(published).not.toContain(secret);
      expect(published).not.toContain(Buffer.from(`tide:${secret}`).toString('base64'));
    }

    // The server is back: the fallback ends and the count follows the metric again.
    await fake.start();
    await replicas('fb-down', 3);
    await waitFor('Fallback=False on fb-down', () =>
      condition(ns, 'fb-down', 'Fallback')?.status === 'False' ? true : undefined,
    );
    await fake.stop();
  });

  it('(h) the API server restarted mid-run: the controller keeps running, then scales on a load change and sees a spec change', async () => {
    apply(ns, deployment('survivor', 1));
    await load('survivor', 5);
    // A renew deadline longer than the restart (about 15 s here): a leader that cannot renew
    // within it steps down and exits by design (client-go's rule; the Deployment restarts it),
    // which is not what this test is about.
    const ctl = await controller('h', [
      '--lease-name',
      'faults-h',
      '--lease-duration-seconds',
      '60',
      '--renew-deadline-seconds',
      '45',
    ]);
    apply(ns, scaler('survivor'));
    await load('survivor', 25);
    await replicas('survivor', 3);

    const stoppedAt = Date.now();
    const restart = await run(clusterScript(), ['restart', 'apiserver'], 180_000);
    expect(restart.code, restart.output).toBe(0);
    const backAt = Date.now();
    expect(ctl.child.exitCode).toBeNull();

    await load('survivor', 45); // → 5
    const scaledAt = await replicas('survivor', 5, 90_000);
    const specAt = Date.now();
    apply(ns, scaler('survivor', { minReplicas: 7 })); // reaches the controller through its watch
    const specSeenAt = await replicas('survivor', 7, 90_000);
    console.log(
      `(h) API server down and back in ${backAt - stoppedAt} ms; then a load change scaled in ${scaledAt - backAt} ms (Prometheus scrape included) and a spec change in ${specSeenAt - specAt} ms (${specSeenAt - backAt} ms after the API server was back)`,
    );
    expect(ctl.child.exitCode).toBeNull();
    expect(ctl.child.signalCode).toBeNull();
    const msgs = ctl.lines().map((l) => l['msg']);
    expect(msgs).toContain('watch failed; restarting');
    expect(msgs).not.toContain('leader election lost: stopped leading');
    expect(msgs.filter((m) => m === 'acquired the lease: leading')).toHaveLength(1);
    expect(await scaledBy(ctl, 'survivor', 3)).toEqual([3, 5, 7]);
  });
});
