/**
 * `tide controller` on a real control plane: a Prometheus trigger scales a Deployment up (its new
 * pods become Running) and down after the stabilization window; a spec the engine refuses gets a
 * condition naming the path and the rule; a missing target is a condition, then scales once
 * created; an HPA on the same target is left alone. Run by scripts/test-e2e.sh.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Exporter,
  apply,
  condition,
  createNamespace,
  deleteNamespace,
  deployment,
  deploymentReplicas,
  kubectl,
  prometheusScaler,
  publishLoad,
  runningPods,
  scalerEvents,
  scalerStatus,
  startController,
  waitFor,
  type ControllerProcess,
} from './cluster.js';

const exporter = new Exporter();
let ns = '';
let controller: ControllerProcess;

/** An ElasticScaler on deployment `target` reading the exporter's `tide_e2e_load{scaler=...}`. */
function promScaler(name: string, target: string, extra = ''): string {
  return prometheusScaler({
    name,
    target: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
    metric: 'tide_e2e_load',
    scaleDownWindowSeconds: 20,
    extra,
  });
}

const load = (name: string, value: number): Promise<void> =>
  publishLoad(exporter, { metric: 'tide_e2e_load', scaler: name }, value);

beforeAll(async () => {
  await exporter.start();
  ns = createNamespace('tide-e2e');
  controller = await startController({
    namespace: ns,
    identity: 'e2e-main',
    env: { TIDE_TEST_SECRET: 'tide-test-password' },
  });
});

afterAll(async () => {
  await controller?.stop();
  await exporter.close();
  deleteNamespace(ns);
});

describe('tide controller on a real control plane', () => {
  it('(a) scales a Deployment up on a Prometheus trigger, its pods run, then scales down after the window', async () => {
    apply(ns, deployment('web', 1));
    await load('web', 5);
    apply(ns, promScaler('web', 'web'));
    await waitFor('Ready=True', () =>
      condition(ns, 'web', 'Ready')?.status === 'True' ? true : undefined,
    );
    expect(deploymentReplicas(ns, 'web')).toBe(1);

    await load('web', 45); // 45 / 10 per replica → 5
    await waitFor('5 replicas', () => (deploymentReplicas(ns, 'web') === 5 ? true : undefined));
    await waitFor('5 running pods', () => (runningPods(ns, 'web') === 5 ? true : undefined));
    const up = scalerStatus(ns, 'web');
    expect(up.desiredReplicas).toBe(5);
    expect(
      scalerEvents(ns, 'web').some(
        (e) => e.reason === 'SuccessfulRescale' && e.note.startsWith('New size: 5'),
      ),
    ).toBe(true);

    const dropped = Date.now();
    await load('web', 15); // → 2, after the 20 s scale-down window
    await waitFor('2 replicas', () => (deploymentReplicas(ns, 'web') === 2 ? true : undefined), {
      timeoutMs: 90_000,
    });
    expect(Date.now() - dropped).toBeGreaterThanOrEqual(18_000);
    await waitFor('2 running pods', () => (runningPods(ns, 'web') === 2 ? true : undefined));
    // The log line is read from the controller's output a moment after /scale shows the change.
    const scaledTo = (): unknown[] =>
      controller
        .lines()
        .filter((l) => l['msg'] === 'scaled' && l['scaler'] === `${ns}/web`)
        .map((l) => l['to']);
    await waitFor('the second scaled log line', () => (scaledTo().length >= 2 ? true : undefined));
    expect(scaledTo()).toEqual([5, 2]);
    // The password reached Prometheus through its env reference and appears nowhere we publish.
    expect(controller.logs.join('\n')).not.toContain('tide-test-password');
    expect(JSON.stringify(scalerStatus(ns, 'web'))).not.toContain('tide-test-password');
  });

  it('(c) a spec the schema admits but the engine refuses: Ready=False with the path and the rule, and no scaling', async () => {
    apply(ns, deployment('bad', 2));
    apply(
      ns,
      promScaler('bad', 'bad').replace('query: \'sum(tide_e2e_load{scaler="bad"})\'', "query: ''"),
    );
    const ready = await waitFor('the InvalidSpec condition', () => {
      const c = condition(ns, 'bad', 'Ready');
      return c?.reason === 'InvalidSpec' ? c : undefined;
    });
    expect(ready.status).toBe('False');
    expect(ready.message).toContain('spec.triggers[0].query');
    expect(
      scalerEvents(ns, 'bad').some((e) => e.reason === 'InvalidSpec' && e.type === 'Warning'),
    ).toBe(true);
    expect(deploymentReplicas(ns, 'bad')).toBe(2);
  });

  it('(d) a missing target is a condition, no crash; once created it scales', async () => {
    await load('late', 30);
    apply(ns, promScaler('late', 'late'));
    const missing = await waitFor('TargetNotFound', () => {
      const c = condition(ns, 'late', 'Ready');
      return c?.reason === 'TargetNotFound' ? c : undefined;
    });
    expect(missing.message).toContain(`Deployment ${ns}/late not found`);
    expect(controller.child.exitCode).toBeNull();
    apply(ns, deployment('late', 1));
    await waitFor('3 replicas', () => (deploymentReplicas(ns, 'late') === 3 ? true : undefined));
    expect(condition(ns, 'late', 'Ready')?.status).toBe('True');
  });

  it('(i) an HPA on the same target: ConflictingAutoscaler, and Tide leaves the count alone', async () => {
    apply(ns, deployment('owned', 2));
    apply(
      ns,
      `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: owned-hpa}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: owned}
  minReplicas: 2
  maxReplicas: 3
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}
`,
    );
    await load('owned', 90); // Tide alone would go to 9
    apply(ns, promScaler('owned', 'owned'));
    const c = await waitFor('ConflictingAutoscaler', () => {
      const r = condition(ns, 'owned', 'Ready');
      return r?.reason === 'ConflictingAutoscaler' ? r : undefined;
    });
    expect(c.message).toContain('HorizontalPodAutoscaler owned-hpa');
    await new Promise((r) => setTimeout(r, 6000)); // three sync periods
    expect(deploymentReplicas(ns, 'owned')).toBeLessThanOrEqual(3);
    const scaled = controller
      .lines()
      .filter((l) => l['msg'] === 'scaled' && l['scaler'] === `${ns}/owned`);
    expect(scaled).toEqual([]);

    // The HPA goes: the target is handed over.
    kubectl(['-n', ns, 'delete', 'hpa', 'owned-hpa']);
    await waitFor('9 replicas', () => (deploymentReplicas(ns, 'owned') === 9 ? true : undefined), {
      timeoutMs: 60_000,
    });
  });
});
