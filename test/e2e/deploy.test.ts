/**
 * The Helm chart (deploy/helm/tide) on a real control plane, as the issue asks: `helm template |
 * kubectl apply` installs cleanly; the controller, run with the chart's ServiceAccount identity (a
 * token from the TokenRequest API), scales Deployments and is refused what it must not do; an
 * upgrade (a re-apply with changed values, the controller's pods replaced) keeps the running
 * ElasticScalers scaling; deleting what was applied leaves nothing behind. The chart's own pods
 * run on the KWOK node (they never execute), so the controller under test is the built CLI,
 * started here with the ServiceAccount's kubeconfig, two replicas like the chart's. Run by
 * scripts/test-e2e.sh; the tests depend on each other and run in order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  Exporter,
  apply,
  chartDir,
  condition,
  crdFile,
  createNamespace,
  deleteNamespace,
  deployment,
  deploymentReplicas,
  getJson,
  helm,
  kubectl,
  kubectlResult,
  prometheusScaler,
  publishLoad,
  scalerEvents,
  scalerStatus,
  serviceAccountKubeconfig,
  startController,
  waitFor,
  type ControllerProcess,
} from './cluster.js';

const RELEASE = 'tide';
const INSTANCE = `app.kubernetes.io/instance=${RELEASE}`;
const exporter = new Exporter();
const dir = mkdtempSync(path.join(tmpdir(), 'tide-e2e-deploy-'));
let releaseNs = '';
let appNs = '';
let saConfig = '';
let rendered = '';
let controllers: ControllerProcess[] = [];

const render = (extra: readonly string[] = []): string =>
  helm(['template', RELEASE, chartDir, '--namespace', releaseNs, ...extra]);

/** kind/name (and namespace) of every object in a rendered manifest. */
function objectsOf(manifest: string): { kind: string; name: string; namespace?: string }[] {
  return parseAllDocuments(manifest)
    .map((d) => d.toJS() as { kind?: string; metadata?: { name?: string; namespace?: string } })
    .filter((o) => o?.kind !== undefined)
    .map((o) => ({
      kind: o.kind ?? '',
      name: o.metadata?.name ?? '',
      ...(o.metadata?.namespace === undefined ? {} : { namespace: o.metadata.namespace }),
    }));
}

const nsArgs = (o: { namespace?: string }): string[] =>
  o.namespace === undefined ? [] : ['-n', o.namespace];

/** As the chart's ServiceAccount: kubectl with its token. */
const asTide = (args: readonly string[], input?: string): ReturnType<typeof kubectlResult> =>
  kubectlResult(args, input, saConfig);

const scaler = (name: string, target: { kind: string; apiVersion: string }): string =>
  prometheusScaler({
    name,
    target: { ...target, name },
    metric: 'tide_e2e_deploy_load',
    scaleDownWindowSeconds: 0,
  });

const load = (name: string, value: number): Promise<void> =>
  publishLoad(exporter, { metric: 'tide_e2e_deploy_load', scaler: name }, value);

/** Two controller replicas with the ServiceAccount's identity, like the chart's Deployment. */
async function startReplicas(names: readonly string[]): Promise<ControllerProcess[]> {
  const started: ControllerProcess[] = [];
  for (const identity of names) {
    started.push(
      await startController({
        namespace: appNs,
        identity,
        kubeconfig: saConfig,
        leaseNamespace: releaseNs,
        env: { TIDE_TEST_SECRET: 'tide-test-password' },
      }),
    );
  }
  return started;
}

const leaseHolder = (): string | undefined =>
  getJson<{ spec?: { holderIdentity?: string } }>(releaseNs, 'lease/tide-controller').spec
    ?.holderIdentity;

const replicas = (kind: string, name: string): number =>
  getJson<{ spec?: { replicas?: number } }>(appNs, `${kind}/${name}`).spec?.replicas ?? 0;

beforeAll(async () => {
  await exporter.start();
  releaseNs = createNamespace('tide-system');
  appNs = createNamespace('tide-apps');
});

afterAll(async () => {
  await Promise.all(controllers.map((c) => c.stop()));
  await exporter.close();
  // A run that failed before the uninstall test: remove the chart's cluster-wide objects.
  kubectlResult(['delete', 'clusterrole,clusterrolebinding', '-l', INSTANCE, '--ignore-not-found']);
  deleteNamespace(appNs);
  deleteNamespace(releaseNs);
  // The uninstall deleted the CRD; later test files need it back.
  kubectl(['apply', '-f', crdFile]);
  kubectl(['wait', '--for=condition=Established', 'crd/elasticscalers.tide.dev', '--timeout=60s']);
  rmSync(dir, { recursive: true, force: true });
});

describe('the Helm chart on a real control plane', () => {
  it('installs cleanly with helm template | kubectl apply', async () => {
    rendered = render();
    const out = kubectl(['apply', '-n', releaseNs, '-f', '-'], rendered);
    const objects = objectsOf(rendered);
    expect(objects.map((o) => o.kind).sort()).toEqual([
      'ClusterRole',
      'ClusterRoleBinding',
      'CustomResourceDefinition',
      'Deployment',
      'PodDisruptionBudget',
      'Role',
      'RoleBinding',
      'Service',
      'ServiceAccount',
    ]);
    // One line per object, none with a warning; the CRD was there already (test-e2e.sh).
    expect(out.trim().split('\n')).toHaveLength(objects.length);
    kubectl([
      'wait',
      '--for=condition=Established',
      'crd/elasticscalers.tide.dev',
      '--timeout=60s',
    ]);
    for (const o of objects) kubectl(['get', ...nsArgs(o), `${o.kind}/${o.name}`, '-o', 'name']);
    kubectl([
      '-n',
      releaseNs,
      'wait',
      '--for=condition=Available',
      'deployment/tide',
      '--timeout=120s',
    ]);
    const pods = await waitFor('the chart’s 2 pods Running and ready', () => {
      const list = getJson<{ items: { status?: { phase?: string } }[] }>(
        releaseNs,
        `pods -l ${INSTANCE}`,
      );
      const running = list.items.filter((p) => p.status?.phase === 'Running');
      return running.length === 2 ? list.items : undefined;
    });
    expect(pods).toHaveLength(2);
  });

  it('the controller with the chart’s ServiceAccount token scales Deployments (Prometheus and CPU triggers)', async () => {
    saConfig = serviceAccountKubeconfig(releaseNs, 'tide', dir);
    expect(asTide(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']).out).toBe(
      `system:serviceaccount:${releaseNs}:tide`,
    );
    controllers = await startReplicas(['tide-a', 'tide-b']);
    const leader = await waitFor('a leader', leaseHolder);
    expect(['tide-a', 'tide-b']).toContain(leader);

    apply(appNs, deployment('web', 1));
    await load('web', 5);
    apply(appNs, scaler('web', { apiVersion: 'apps/v1', kind: 'Deployment' }));
    await waitFor('Ready=True', () =>
      condition(appNs, 'web', 'Ready')?.status === 'True' ? true : undefined,
    );
    await load('web', 35); // 35 / 10 per replica → 4
    await waitFor('4 replicas', () => (deploymentReplicas(appNs, 'web') === 4 ? true : undefined));
    expect(scalerStatus(appNs, 'web').desiredReplicas).toBe(4);
    expect(scalerEvents(appNs, 'web').some((e) => e.reason === 'SuccessfulRescale')).toBe(true);

    // A resource trigger: pods (list) and metrics.k8s.io through the same identity.
    apply(appNs, deployment('cpu', 1, { cpuRequest: '100m', cpuUsage: '80m' }));
    apply(
      appNs,
      `apiVersion: tide.dev/v1alpha1
kind: ElasticScaler
metadata: {name: cpu}
spec:
  target: {apiVersion: apps/v1, kind: Deployment, name: cpu}
  minReplicas: 1
  maxReplicas: 10
  syncPeriodSeconds: 2
  prediction: {mode: "off"}
  triggers:
    - {type: resource, resource: cpu, target: {type: Utilization, value: 40}}
`,
    );
    // 80 % of the request against a 40 % target → 2 (once the pod's metrics are past the CPU
    // initialization period, or ready and its sample taken after readiness, as upstream).
    await waitFor(
      '2 replicas on CPU',
      () => (deploymentReplicas(appNs, 'cpu') >= 2 ? true : undefined),
      {
        timeoutMs: 180_000,
      },
    );
  });

  it('the same identity is refused Secrets, kinds not in rbac.scaleTargets, other namespaces’ Leases and non-scale writes', async () => {
    apply(appNs, 'apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: x}\n');
    apply(
      appNs,
      `apiVersion: v1
kind: ReplicationController
metadata: {name: legacy}
spec:
  replicas: 1
  selector: {app: legacy}
  template:
    metadata: {labels: {app: legacy}}
    spec: {containers: [{name: app, image: fake.invalid/legacy}]}
`,
    );
    const lease = (ns: string, name: string): string =>
      `apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: ${name}, namespace: ${ns}}\nspec: {holderIdentity: intruder}\n`;
    kubectl(['apply', '-f', '-'], lease(appNs, 'tide-controller'));
    const refused: { what: string; args: string[]; input?: string }[] = [
      { what: 'read a Secret', args: ['-n', appNs, 'get', 'secret/db'] },
      { what: 'list Secrets everywhere', args: ['get', 'secrets', '-A'] },
      {
        what: 'scale a ReplicationController',
        args: ['-n', appNs, 'scale', 'rc/legacy', '--replicas=3'],
      },
      {
        what: 'change a Deployment other than through /scale',
        args: ['-n', appNs, 'patch', 'deployment/web', '-p', '{"spec":{"paused":true}}'],
      },
      { what: 'delete a pod', args: ['-n', appNs, 'delete', 'pods', '-l', 'app=web'] },
      {
        what: 'change an ElasticScaler’s spec',
        args: [
          '-n',
          appNs,
          'patch',
          'elasticscaler/web',
          '--type=merge',
          '-p',
          '{"spec":{"maxReplicas":99}}',
        ],
      },
      {
        what: 'create a Lease in another namespace',
        args: ['create', '-f', '-'],
        input: lease(appNs, 'other'),
      },
      {
        what: 'update a Lease in another namespace',
        args: ['replace', '-f', '-'],
        input: lease(appNs, 'tide-controller'),
      },
      {
        what: 'read a Lease in another namespace',
        args: ['-n', appNs, 'get', 'lease/tide-controller'],
      },
      {
        what: 'read another Lease in its own namespace',
        args: ['-n', releaseNs, 'get', 'lease/someone-else'],
      },
    ];
    for (const r of refused) {
      const result = asTide(r.args, r.input);
      expect(result.ok, `${r.what} should be refused`).toBe(false);
      expect(result.err, r.what).toMatch(/forbidden/i);
    }
    // What it may do, for contrast: scale through /scale.
    expect(
      asTide(['-n', appNs, 'get', 'deployment/web', '--subresource=scale', '-o', 'name']).ok,
    ).toBe(true);

    // Through the controller: a ReplicationController is not among the kinds it may scale.
    await load('legacy', 30);
    apply(appNs, scaler('legacy', { apiVersion: 'v1', kind: 'ReplicationController' }));
    const c = await waitFor('Ready=False naming the refusal', () => {
      const r = condition(appNs, 'legacy', 'Ready');
      return r?.status === 'False' && /forbidden/i.test(r.message) ? r : undefined;
    });
    expect(c.message).toContain('replicationcontrollers/scale');
    expect(replicas('rc', 'legacy')).toBe(1);
  });

  it('an upgrade (re-applied with changed values, the pods replaced) keeps the running ElasticScalers scaling', async () => {
    rendered = render([
      '--set',
      'controller.logLevel=debug',
      '--set-json',
      'rbac.scaleTargets=[{"apiGroup":"apps","resources":["deployments","statefulsets","replicasets"]},{"apiGroup":"","resources":["replicationcontrollers"]}]',
    ]);
    const generation = getJson<{ metadata: { generation: number } }>(releaseNs, 'deployment/tide')
      .metadata.generation;
    kubectl(['apply', '-n', releaseNs, '-f', '-'], rendered);
    expect(
      getJson<{ metadata: { generation: number } }>(releaseNs, 'deployment/tide').metadata
        .generation,
    ).toBeGreaterThan(generation);
    kubectl(['-n', releaseNs, 'rollout', 'status', 'deployment/tide', '--timeout=120s']);

    // A rolling update of the controller: new replicas start, the old ones stop (the leader
    // releases the Lease, a new one takes it over).
    const old = controllers;
    const fresh = await startReplicas(['tide-c', 'tide-d']);
    controllers = [...old, ...fresh];
    for (const c of old) expect(await c.stop()).toBe(0);
    controllers = fresh;
    await waitFor('a new leader', () => {
      const h = leaseHolder();
      return h === 'tide-c' || h === 'tide-d' ? h : undefined;
    });

    await load('web', 65); // → 7
    await waitFor('7 replicas', () => (deploymentReplicas(appNs, 'web') === 7 ? true : undefined));
    await load('web', 15); // → 2 (no scale-down window)
    await waitFor('2 replicas', () => (deploymentReplicas(appNs, 'web') === 2 ? true : undefined));
    // The new value took effect: the ReplicationController now scales (30 / 10 → 3).
    await waitFor('the ReplicationController at 3', () =>
      replicas('rc', 'legacy') === 3 ? true : undefined,
    );
    expect(condition(appNs, 'legacy', 'Ready')?.status).toBe('True');
    expect(condition(appNs, 'web', 'Ready')?.status).toBe('True');
  });

  it('deleting what was applied leaves nothing behind', async () => {
    await Promise.all(controllers.map((c) => c.stop()));
    controllers = [];
    kubectl(['delete', '-n', releaseNs, '-f', '-', '--wait=true', '--timeout=120s'], rendered);
    for (const o of objectsOf(rendered)) {
      const r = kubectlResult(['get', ...nsArgs(o), `${o.kind}/${o.name}`]);
      expect(r.ok, `${o.kind}/${o.name} is still there`).toBe(false);
      expect(r.err).toMatch(/NotFound|not found/);
    }
    // Nothing labelled with the release anywhere (pods and ReplicaSets included), once the
    // garbage collector has run.
    const kinds = kubectl(['api-resources', '--verbs=list', '-o', 'name'])
      .trim()
      .split('\n')
      .filter((k) => !k.endsWith('.metrics.k8s.io'))
      .join(',');
    await waitFor(
      'no object labelled with the release',
      () => {
        const left = kubectl(['get', kinds, '-A', '-l', INSTANCE, '-o', 'name']).trim();
        if (left !== '') throw new Error(`left behind: ${left}`);
        return true;
      },
      { timeoutMs: 90_000 },
    );
    // What the running controller made in its namespace: only the Lease it held.
    const leftInNs = kubectl([
      '-n',
      releaseNs,
      'get',
      'all,leases,roles,rolebindings,serviceaccounts',
      '-o',
      'name',
    ])
      .trim()
      .split('\n');
    expect(leftInNs.sort()).toEqual([
      'lease.coordination.k8s.io/tide-controller',
      'serviceaccount/default',
    ]);
  });
});
