/**
 * (b) `tide controller` scales on CPU utilization from the real metrics-server: a Deployment of
 * KWOK pods requesting 100m whose usage annotation is 90m (90 % of requests) under an
 * ElasticScaler with `{type: resource, resource: cpu, target: {type: Utilization, value: 50}}`.
 * The controller fills the trigger's namespace and pod selector from the target's `/scale`.
 * Replicas rise as the HPA computes them, step by step:
 *   2 pods at 90 %: ceil(2 × 90/50) = ceil(3.6) = 4;
 *   4 pods, 2 of them without metrics yet: on a scale-up the HPA counts a pod without metrics
 *     as 0 % → (90 + 90 + 0 + 0) / 4 = 45 %, ratio 0.9, which would be a scale-down: hold at 4;
 *   4 pods at 90 % once metrics-server has scraped the new ones: ceil(4 × 1.8) = 8 → max 6.
 * Run by scripts/test-e2e.sh; fails, naming it, when TIDE_TEST_KUBECONFIG is unset.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apply,
  condition,
  createNamespace,
  deleteNamespace,
  deployment,
  deploymentReplicas,
  kubeconfig,
  runningPods,
  scalerStatus,
  startController,
  waitFor,
  type ControllerProcess,
} from './cluster.js';

// Without the control plane the file fails here, naming the variable (nothing is skipped).
kubeconfig();

let ns = '';
let controller: ControllerProcess | undefined;

beforeAll(async () => {
  ns = createNamespace('tide-cpu');
  controller = await startController({ namespace: ns, identity: 'e2e-cpu' });
});

afterAll(async () => {
  await controller?.stop();
  if (ns !== '') deleteNamespace(ns);
});

const cpuScaler = `apiVersion: tide.dev/v1alpha1
kind: ElasticScaler
metadata: {name: cpu}
spec:
  target: {apiVersion: apps/v1, kind: Deployment, name: cpu}
  minReplicas: 1
  maxReplicas: 6
  syncPeriodSeconds: 2
  prediction: {mode: "off"}
  triggers:
    - {name: cpu, type: resource, resource: cpu, target: {type: Utilization, value: 50}}
`;

/** The `scaled` log lines of one scaler: the counts the controller wrote to /scale, in order. */
const scaledTo = (c: ControllerProcess, name: string): unknown[] =>
  c
    .lines()
    .filter((l) => l['msg'] === 'scaled' && l['scaler'] === `${ns}/${name}`)
    .map((l) => l['to']);

describe('tide controller scales on CPU utilization from metrics-server', () => {
  it('(b) 90 % of requests against a 50 % target: 2 → 4, held while the new pods have no metrics, then 6 (max)', async () => {
    const c = controller as ControllerProcess;
    const created = Date.now();
    apply(ns, deployment('cpu', 2, { cpuRequest: '100m', cpuUsage: '90m' }));
    await waitFor('2 running pods', () => (runningPods(ns, 'cpu') === 2 ? true : undefined));
    apply(ns, cpuScaler);

    // Until metrics-server has scraped the new pods, the trigger has no data: no scaling.
    const four = await waitFor(
      '4 replicas (ceil(2 × 90/50))',
      () => (deploymentReplicas(ns, 'cpu') === 4 ? Date.now() : undefined),
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    const status = scalerStatus(ns, 'cpu');
    expect(status.desiredReplicas).toBe(4);
    // metrics-server's rate is 90m ± a few nanocores, rounded up to 90m or 91m: 90 % or 91 %.
    expect(status.reasons?.find((r) => r.code === 'Proposal')?.message).toMatch(
      /^trigger "cpu" reads 9[01]% of requested cpu \(target 50%\) and proposes 4 replicas$/,
    );
    expect(condition(ns, 'cpu', 'Ready')?.status).toBe('True');

    // The next ticks at 4: the two new pods have no metrics yet and count as 0 % on a scale-up,
    // so the proposal holds at 4 instead of ceil(4 × 1.8) = 8.
    const held = await waitFor('a status written at 4 current replicas', () => {
      const s = scalerStatus(ns, 'cpu');
      return s.currentReplicas === 4 ? s : undefined;
    });
    expect(held.reasons?.find((r) => r.code === 'Proposal')?.message).toMatch(
      /proposes 4 replicas$/,
    );
    const six = await waitFor(
      '6 replicas (ceil(4 × 90/50) = 8, clamped to maxReplicas)',
      () => (deploymentReplicas(ns, 'cpu') === 6 ? Date.now() : undefined),
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    // The new pods' CPU counted only once metrics-server had scraped them: at least one
    // 15 s resolution after they started, many 2 s sync periods.
    expect(six - four).toBeGreaterThanOrEqual(10_000);
    // The log line follows the /scale patch; the pipe may deliver it a moment after.
    const scaled = await waitFor("the controller's second 'scaled' log line", () => {
      const to = scaledTo(c, 'cpu');
      return to.length >= 2 ? to : undefined;
    });
    expect(scaled).toEqual([4, 6]);
    await waitFor('6 running pods', () => (runningPods(ns, 'cpu') === 6 ? true : undefined));
    // The status of the next tick: 6 current, 6 desired, the maximum holding the count.
    const last = await waitFor('status currentReplicas 6', () => {
      const s = scalerStatus(ns, 'cpu');
      return s.currentReplicas === 6 ? s : undefined;
    });
    expect(last.desiredReplicas).toBe(6);
    console.log(
      `(b) lags: 4 replicas ${((four - created) / 1000).toFixed(1)} s after the Deployment, ` +
        `6 replicas ${((six - four) / 1000).toFixed(1)} s after that; reasons at 6: ` +
        JSON.stringify(last.reasons),
    );
  });
});
