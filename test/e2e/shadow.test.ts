/**
 * Shadow mode beside the real HPA controller (kube-controller-manager) on the same target: the
 * HPA is imported with `tide import --dry-run` into an ElasticScaler, both read CPU utilization
 * from the real metrics-server (KWOK reports each pod's annotated usage), and the test checks
 * that the shadow publishes the same desired counts as the HPA, in the same order, while never
 * writing `/scale` itself. Run by scripts/test-e2e.sh.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apply,
  cli,
  condition,
  createNamespace,
  deleteNamespace,
  deployment,
  deploymentReplicas,
  getJson,
  kubectl,
  scalerStatus,
  sleep,
  startController,
  waitFor,
  type ControllerProcess,
} from './cluster.js';

let ns = '';
let controller: ControllerProcess;

const hpa = (namespace: string): string => `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: cpu, namespace: ${namespace}}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: cpu}
  minReplicas: 1
  maxReplicas: 6
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
  behavior:
    scaleDown: {stabilizationWindowSeconds: 0}
`;

interface HpaStatus {
  readonly status?: { readonly desiredReplicas?: number; readonly currentReplicas?: number };
}

/** Collapses repeats: [3, 3, 6, 6, 6, 2] → [3, 6, 2]. */
const distinct = (values: readonly number[]): number[] =>
  values.filter((v, i) => i === 0 || v !== values[i - 1]);

/** Every element of `part` appears in `whole`, in the same order. */
function isSubsequence(part: readonly number[], whole: readonly number[]): boolean {
  let i = 0;
  for (const w of whole) if (i < part.length && part[i] === w) i += 1;
  return i === part.length;
}

beforeAll(async () => {
  ns = createNamespace('tide-shadow');
  controller = await startController({ namespace: ns, identity: 'e2e-shadow' });
});

afterAll(async () => {
  await controller?.stop();
  deleteNamespace(ns);
});

describe('shadow mode beside a real HPA', () => {
  it('tide import --dry-run of the HPA publishes the same desired counts, and never scales', async () => {
    // 150m used of 100m requested: 150 % against a 50 % target, so the HPA climbs to its max.
    apply(ns, deployment('cpu', 1, { cpuRequest: '100m', cpuUsage: '150m' }));
    const file = join(tmpdir(), `hpa-${ns}.yaml`);
    writeFileSync(file, hpa(ns));
    const imported = spawnSync(process.execPath, [cli, 'import', '--dry-run', file], {
      encoding: 'utf8',
    });
    expect(imported.status, imported.stderr).toBe(0);
    apply(ns, imported.stdout);
    apply(ns, hpa(ns));
    await waitFor('the shadow to decide', () =>
      scalerStatus(ns, 'cpu').desiredReplicas === undefined ? undefined : true,
    );
    expect(condition(ns, 'cpu', 'AbleToScale')).toMatchObject({
      status: 'False',
      reason: 'DryRun',
    });

    // Sample both every second: the HPA's status.desiredReplicas and the shadow's.
    const hpaSeen: number[] = [];
    const tideSeen: number[] = [];
    const sample = (): void => {
      const h = getJson<HpaStatus>(ns, 'hpa/cpu').status?.desiredReplicas;
      if (h !== undefined && h > 0) hpaSeen.push(h);
      const t = scalerStatus(ns, 'cpu').desiredReplicas;
      if (t !== undefined) tideSeen.push(t);
    };
    const until = async (what: string, done: () => boolean, timeoutMs: number): Promise<void> => {
      await waitFor(
        what,
        () => {
          sample();
          return done() ? true : undefined;
        },
        { timeoutMs, intervalMs: 1000 },
      );
    };
    // metrics-server sees a new pod 15–45 s after it starts, and the HPA syncs every 15 s.
    await until('the HPA to reach 6', () => deploymentReplicas(ns, 'cpu') === 6, 180_000);
    await until('the shadow to publish 6', () => tideSeen.at(-1) === 6, 60_000);

    // Load falls: 20m of 100m is 20 % → the HPA steps down to its minimum.
    kubectl([
      '-n',
      ns,
      'annotate',
      'pods',
      '-l',
      'app=cpu',
      'kwok.x-k8s.io/usage-cpu=20m',
      '--overwrite',
    ]);
    // (Only the running pods: a change of the pod template would roll the Deployment.)
    // 20 % of a 50 % target steps down 6 → 3 → 2 → 1, one step per sync: wait for the end, where
    // both stay (comparing on the way down races the two 15 s ticks, which are out of phase).
    await until(
      'the HPA and the shadow to settle at the minimum',
      () => deploymentReplicas(ns, 'cpu') === 1 && hpaSeen.at(-1) === 1 && tideSeen.at(-1) === 1,
      300_000,
    );
    await sleep(1000);
    sample();

    // Both start from the Deployment's 1 replica; the HPA publishes its first count (3) only
    // once it has metrics, the shadow publishes 1 until then. Compare what follows the start.
    const steps = (seen: readonly number[]): number[] => {
      const d = distinct(seen);
      return d[0] === 1 ? d.slice(1) : d;
    };
    const hpaSteps = steps(hpaSeen);
    const tideSteps = steps(tideSeen);
    const detail = `HPA ${hpaSteps.join('→')} vs Tide ${tideSteps.join('→')}`;
    // The two sync every 15 s, out of phase: when the HPA moves first, the shadow's next tick
    // starts from the HPA's new count, so it may skip a step the HPA took (6→3→2 against 6→2).
    // It never publishes a count the HPA did not, never in another order, and ends where the
    // HPA ends.
    expect(isSubsequence(tideSteps, hpaSteps), detail).toBe(true);
    expect(tideSteps, detail).toContain(6);
    expect(tideSteps.at(-1), detail).toBe(hpaSteps.at(-1));
    expect(tideSteps.length, detail).toBeGreaterThanOrEqual(3); // up, 6, and down again

    // The shadow never wrote /scale: every scale came from the HPA.
    const scaled = controller.lines().filter((l) => l['msg'] === 'scaled');
    expect(scaled).toEqual([]);
  }, 600_000);
});
