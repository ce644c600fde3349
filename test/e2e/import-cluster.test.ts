/**
 * `tide import --from-cluster` on a real API server: HPAs and KEDA ScaledObjects (with the
 * TriggerAuthentication and ClusterTriggerAuthentication they reference) read through the API,
 * the same specs as importing `kubectl get -o yaml` of the same objects from a file,
 * `--namespace` / `--all-namespaces` / `--selector` honoured, an HPA's Pods metric given its
 * target's selector, and a cluster without KEDA's CRDs read for its HPAs with a note.
 *
 * KEDA's CRDs come from test/e2e/fixtures/keda-crds.yaml (names and scope as KEDA's, the rest
 * preserved as written); they are installed by this file and removed after it.
 *
 * Run by scripts/test-e2e.sh, which starts the control plane and exports TIDE_TEST_KUBECONFIG;
 * fails without it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apply,
  cli,
  createNamespace,
  deleteNamespace,
  deployment,
  kubeconfig,
  kubectl,
  kubectlResult,
  repoRoot,
  waitFor,
} from './cluster.js';

const crds = path.join(repoRoot, 'test/e2e/fixtures/keda-crds.yaml');
const crdNames = [
  'scaledobjects.keda.sh',
  'triggerauthentications.keda.sh',
  'clustertriggerauthentications.keda.sh',
];

interface Imported {
  objects: { from: { kind: string; namespace: string; name: string }; spec: unknown }[];
  issues: { object: string; message: string }[];
  notes: { object: string; message: string }[];
  secrets: { namespace: string; name: string; key: string; path: string }[];
}

/** `tide import ... --json`: exit code, parsed output, stderr. */
function tideImport(args: readonly string[]): { code: number; out: Imported; err: string } {
  const r = spawnSync(process.execPath, [cli, 'import', '--json', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.error !== undefined) throw r.error;
  const out = (r.stdout.trim() === '' ? {} : JSON.parse(r.stdout)) as Imported;
  return { code: r.status ?? -1, out, err: r.stderr };
}

const names = (r: Imported): string[] =>
  r.objects.map((o) => `${o.from.kind} ${o.from.namespace}/${o.from.name}`).sort();

const hpa = (name: string, labels: string, metrics: string): string => `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: ${name}, labels: {${labels}}}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: ${name}}
  minReplicas: 2
  maxReplicas: 12
  metrics: ${metrics}
  behavior: {scaleDown: {stabilizationWindowSeconds: 120}}
`;

const cpu =
  '[{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}}]';
const pods =
  '[{type: Pods, pods: {metric: {name: packets-per-second}, target: {type: AverageValue, averageValue: 1k}}}]';

const scaledObject = `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: orders, labels: {team: shop}}
spec:
  scaleTargetRef: {name: orders}
  minReplicaCount: 0
  maxReplicaCount: 20
  cooldownPeriod: 120
  fallback: {failureThreshold: 3, replicas: 4}
  triggers:
    - type: prometheus
      metadata:
        serverAddress: http://prometheus.monitoring:9090
        query: sum(rate(orders_total[1m]))
        threshold: "20"
        activationThreshold: "2"
        authModes: bearer
      authenticationRef: {name: prom-auth}
    - type: redis
      metadata: {address: redis.shop:6379, listName: jobs, listLength: "10"}
      authenticationRef: {name: redis-auth, kind: ClusterTriggerAuthentication}
---
apiVersion: keda.sh/v1alpha1
kind: TriggerAuthentication
metadata: {name: prom-auth}
spec:
  secretTargetRef: [{parameter: bearerToken, name: prom, key: token}]
`;

const clusterAuth = `apiVersion: keda.sh/v1alpha1
kind: ClusterTriggerAuthentication
metadata: {name: redis-auth}
spec:
  secretTargetRef: [{parameter: password, name: redis, key: password}]
`;

let shop = '';
let other = '';

describe('tide import --from-cluster', () => {
  beforeAll(() => {
    shop = createNamespace('tide-import');
    other = createNamespace('tide-import-other');
    apply(shop, deployment('web', 2) + '---\n' + hpa('web', 'team: shop', cpu));
    apply(shop, deployment('edge', 2) + '---\n' + hpa('edge', 'team: net', pods));
    apply(other, hpa('api', 'team: shop', cpu));
  }, 120_000);

  afterAll(() => {
    kubectlResult(['delete', '-f', crds, '--ignore-not-found', '--wait=false']);
    if (shop !== '') deleteNamespace(shop);
    if (other !== '') deleteNamespace(other);
  });

  it('without KEDA installed: reads the HPAs and notes that there are no ScaledObjects', () => {
    for (const crd of crdNames) {
      expect(kubectlResult(['get', 'crd', crd]).ok, `${crd} must not be installed yet`).toBe(false);
    }
    const r = tideImport(['--from-cluster', '--kubeconfig', kubeconfig(), '-n', shop]);
    expect(r.out.issues).toEqual([]);
    expect(r.code).toBe(0);
    expect(names(r.out)).toEqual([
      `HorizontalPodAutoscaler ${shop}/edge`,
      `HorizontalPodAutoscaler ${shop}/web`,
    ]);
    expect(r.err).toMatch(/serves no scaledobjects\.keda\.sh \(KEDA's CRDs are not installed\)/);
  });

  it('reads ScaledObjects with their (Cluster)TriggerAuthentications, as a file import of the same objects', async () => {
    kubectl(['apply', '-f', crds]);
    for (const crd of crdNames) {
      await waitFor(`${crd} Established`, () =>
        kubectlResult(['wait', '--for=condition=Established', `crd/${crd}`, '--timeout=10s']).ok
          ? true
          : undefined,
      );
    }
    await waitFor('ScaledObjects accepted', () =>
      kubectlResult(['-n', shop, 'apply', '-f', '-'], scaledObject).ok ? true : undefined,
    );
    kubectl(['apply', '-f', '-'], clusterAuth);

    const r = tideImport(['--from-cluster', '--kubeconfig', kubeconfig(), '-n', shop]);
    expect(r.out.issues).toEqual([]);
    expect(r.code).toBe(0);
    expect(names(r.out)).toEqual([
      `HorizontalPodAutoscaler ${shop}/edge`,
      `HorizontalPodAutoscaler ${shop}/web`,
      `ScaledObject ${shop}/orders`,
    ]);
    // Secrets by reference, never inlined: the namespaced one, and the cluster one in keda.
    expect(r.out.secrets.map((s) => `${s.namespace}/${s.name}/${s.key}`).sort()).toEqual([
      'keda/redis/password',
      `${shop}/prom/token`,
    ]);

    // The same objects exported with kubectl and imported from a file give the same specs.
    const dir = mkdtempSync(path.join(tmpdir(), 'tide-import-'));
    const file = path.join(dir, 'current.yaml');
    writeFileSync(
      file,
      kubectl([
        '-n',
        shop,
        'get',
        'hpa,scaledobjects.keda.sh,triggerauthentications.keda.sh,deployments',
        '-o',
        'yaml',
      ]) +
        '---\n' +
        kubectl(['get', 'clustertriggerauthentications.keda.sh', '-o', 'yaml']),
    );
    const fromFile = tideImport([file]);
    expect(fromFile.out.issues).toEqual([]);
    const byName = (x: Imported): Record<string, unknown> =>
      Object.fromEntries(x.objects.map((o) => [o.from.name, o.spec]));
    expect(byName(r.out)).toEqual(byName(fromFile.out));

    // The Pods metric got its target's selector from the Deployment read through the API.
    const edge = byName(r.out)['edge'] as { triggers: { config?: { selector?: string } }[] };
    expect(JSON.stringify(edge.triggers)).toContain('app=edge');
  }, 120_000);

  it('--selector picks HPAs and ScaledObjects by label; --all-namespaces reads every namespace', () => {
    const selected = tideImport([
      '--from-cluster',
      '--kubeconfig',
      kubeconfig(),
      '-A',
      '-l',
      'team=shop',
    ]);
    expect(selected.out.issues).toEqual([]);
    const ours = names(selected.out).filter((n) => n.includes(shop) || n.includes(other));
    expect(ours).toEqual(
      [
        `HorizontalPodAutoscaler ${other}/api`,
        `HorizontalPodAutoscaler ${shop}/web`,
        `ScaledObject ${shop}/orders`,
      ].sort(),
    );

    const net = tideImport([
      '--from-cluster',
      '--kubeconfig',
      kubeconfig(),
      '-n',
      shop,
      '-l',
      'team=net',
    ]);
    expect(names(net.out)).toEqual([`HorizontalPodAutoscaler ${shop}/edge`]);
  });

  it('refuses contradictory options and names an unreachable API server', () => {
    const both = tideImport(['--from-cluster', '--kubeconfig', kubeconfig(), '-n', shop, '-A']);
    expect(both.code).toBe(1);
    expect(both.err).toMatch(/--namespace and --all-namespaces exclude each other/);
    const stray = tideImport(['-n', shop, '-']);
    expect(stray.code).toBe(1);
    expect(stray.err).toMatch(/--namespace only apply with --from-cluster/);

    const dir = mkdtempSync(path.join(tmpdir(), 'tide-import-'));
    const dead = path.join(dir, 'kubeconfig');
    writeFileSync(
      dead,
      `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]
users: [{name: u, user: {token: not-a-secret-but-never-printed}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
    );
    const down = tideImport(['--from-cluster', '--kubeconfig', dead]);
    expect(down.code).toBe(1);
    expect(down.err).toMatch(
      /tide import: reading the cluster: listing horizontalpodautoscalers\.autoscaling/,
    );
    expect(down.err).not.toContain('not-a-secret-but-never-printed');
  });
});
