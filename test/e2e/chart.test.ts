/**
 * The chart rendered by Helm (built from the Go module proxy, scripts/k8s/build-helm.sh): it lints;
 * deploy/manifests/ is what it renders; its schema refuses bad values; the rendered objects carry
 * what the issue asks (two replicas, probes, a locked-down security context, resources, the
 * Lease namespace from the downward API, least-privilege RBAC following rbac.scaleTargets); and
 * the Dockerfile's production stage, run in a clean folder (no container engine here), gives a
 * working `tide controller`. Run by scripts/test-e2e.sh, which exports TIDE_TEST_HELM.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { chartDir, helm, helmResult, repoRoot } from './cluster.js';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}
interface K8sObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: Rule[];
  spec?: Record<string, unknown>;
}

const renderObjects = (args: readonly string[] = []): K8sObject[] =>
  parseAllDocuments(helm(['template', 'tide', chartDir, '--namespace', 'tide-system', ...args]))
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);

const find = (objects: readonly K8sObject[], kind: string): K8sObject => {
  const found = objects.find((o) => o.kind === kind);
  if (found === undefined) throw new Error(`no ${kind} rendered`);
  return found;
};

function run(command: string, args: readonly string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 110_000 });
  if (result.status !== 0)
    throw new Error(
      `${command} ${args.join(' ')}: exit ${String(result.status)}: ${result.stderr}`,
    );
  return result.stdout;
}

describe('the chart rendered by Helm', () => {
  it('lints', () => {
    expect(helm(['lint', '--strict', chartDir])).toContain('0 chart(s) failed');
  });

  it('deploy/manifests/tide.yaml is what it renders (scripts/render-manifests.sh)', () => {
    const script = path.join(repoRoot, 'scripts/render-manifests.sh');
    const result = spawnSync(script, ['--stdout'], {
      encoding: 'utf8',
      env: { ...process.env, TIDE_HELM: process.env['TIDE_TEST_HELM'] },
    });
    expect(result.status, result.stderr).toBe(0);
    expect(
      readFileSync(path.join(repoRoot, 'deploy/manifests/tide.yaml'), 'utf8'),
      'deploy/manifests/tide.yaml is stale: run scripts/render-manifests.sh',
    ).toBe(result.stdout);
  });

  it.each([
    { set: 'replicaCount=two', why: 'a wrong type' },
    { set: 'replicas=2', why: 'an unknown key' },
    { set: 'controller.logLevel=loud', why: 'a value outside the enum' },
    { set: 'rbac.scaleTargets[0].resources=null', why: 'a scale target without resources' },
  ])('refuses $why ($set)', ({ set }) => {
    const result = helmResult(['template', 'tide', chartDir, '--set', set]);
    expect(result.ok).toBe(false);
    expect(result.err).toMatch(/schema/i);
  });

  it('a Deployment of two replicas: probes, non-root, read-only root, no capabilities, resources, the Lease namespace from the pod', () => {
    const deployment = find(renderObjects(), 'Deployment');
    const spec = deployment.spec as {
      replicas: number;
      template: {
        spec: {
          serviceAccountName: string;
          securityContext: { runAsNonRoot: boolean };
          containers: {
            args: string[];
            env: { name: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
            livenessProbe: { httpGet: { path: string } };
            readinessProbe: { httpGet: { path: string } };
            securityContext: {
              readOnlyRootFilesystem: boolean;
              allowPrivilegeEscalation: boolean;
              capabilities: { drop: string[] };
            };
            resources: { requests: Record<string, string>; limits: Record<string, string> };
          }[];
        };
      };
    };
    expect(spec.replicas).toBe(2);
    const pod = spec.template.spec;
    expect(pod.serviceAccountName).toBe('tide');
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    const [container] = pod.containers;
    expect(container?.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container?.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container?.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(Object.keys(container?.resources.requests ?? {}).sort()).toEqual(['cpu', 'memory']);
    expect(Object.keys(container?.resources.limits ?? {}).sort()).toEqual(['cpu', 'memory']);
    expect(container?.args).toContain('--metrics-address=0.0.0.0:9464');
    expect(container?.env).toContainEqual({
      name: 'TIDE_LEASE_NAMESPACE',
      valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
    });
  });

  it('least privilege: no Secrets, no wildcard verbs, /scale only for rbac.scaleTargets, Leases only in a Role', () => {
    const objects = renderObjects([
      '--set-json',
      'rbac.scaleTargets=[{"apiGroup":"example.com","resources":["widgets"]}]',
    ]);
    const clusterRules = find(objects, 'ClusterRole').rules ?? [];
    const all = clusterRules.flatMap((r) => r.resources);
    expect(all).not.toContain('secrets');
    expect(all).not.toContain('leases');
    expect(clusterRules.flatMap((r) => r.verbs)).not.toContain('*');
    expect(clusterRules.filter((r) => r.resources.some((x) => x.endsWith('/scale')))).toEqual([
      { apiGroups: ['example.com'], resources: ['widgets/scale'], verbs: ['get', 'patch'] },
    ]);
    const role = find(objects, 'Role');
    expect(role.metadata.namespace).toBe('tide-system');
    expect(role.rules).toEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        resourceNames: ['tide-controller'],
        verbs: ['get', 'update'],
      },
    ]);
  });

  it('watching one namespace: a Role and RoleBinding there, no cluster-wide rights', () => {
    const objects = renderObjects(['--set', 'controller.watchNamespace=apps']);
    const kinds = objects.map((o) => o.kind);
    expect(kinds).not.toContain('ClusterRole');
    expect(kinds).not.toContain('ClusterRoleBinding');
    const inApps = objects.filter((o) => o.metadata.namespace === 'apps').map((o) => o.kind);
    expect(inApps.sort()).toEqual(['Role', 'RoleBinding']);
    const deployment = JSON.stringify(find(objects, 'Deployment'));
    expect(deployment).toContain('--namespace=apps');
  });

  it('a Service and a PodDisruptionBudget; a ServiceMonitor only when enabled', () => {
    const kinds = (args: readonly string[] = []): string[] =>
      renderObjects(args).map((o) => o.kind);
    expect(kinds()).toEqual(expect.arrayContaining(['Service', 'PodDisruptionBudget']));
    expect(kinds()).not.toContain('ServiceMonitor');
    const monitor = find(renderObjects(['--set', 'serviceMonitor.enabled=true']), 'ServiceMonitor');
    expect(monitor.spec).toMatchObject({ endpoints: [{ port: 'http', path: '/metrics' }] });
    expect(kinds(['--set', 'crds.install=false'])).not.toContain('CustomResourceDefinition');
  });
});

describe('the Dockerfile’s production stage, run in a clean folder', () => {
  it('npm pack, then npm ci --omit=dev: `tide controller --help` works, no devDependency is installed', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tide-production-'));
    try {
      // The build stage: pack what package.json's "files" ships (dist/ is built by test-e2e.sh).
      run('npm', ['pack', '--pack-destination', dir, '--silent'], repoRoot);
      const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
      expect(tarball).toBeDefined();
      const app = path.join(dir, 'app');
      mkdirSync(app);
      run('tar', ['-xzf', path.join(dir, tarball ?? ''), '-C', app, '--strip-components=1'], dir);
      cpSync(path.join(repoRoot, 'package-lock.json'), path.join(app, 'package-lock.json'));
      // The production stage.
      run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], app);
      const help = run('node', ['dist/src/cli/index.js', 'controller', '--help'], app);
      expect(help).toContain('--lease-namespace');
      expect(help).toContain('--metrics-address');
      // Nothing the lockfile marks as a development-only package (@types/node stays: the
      // Kubernetes client and mysql2 depend on it).
      const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
        packages: Record<string, { dev?: boolean }>;
      };
      const devOnly = Object.entries(lock.packages)
        .filter(([p, info]) => p.startsWith('node_modules/') && info.dev === true)
        .map(([p]) => p);
      expect(devOnly).toEqual(
        expect.arrayContaining(['node_modules/typescript', 'node_modules/vitest']),
      );
      expect(devOnly.filter((p) => existsSync(path.join(app, p)))).toEqual([]);
      expect(existsSync(path.join(app, 'src'))).toBe(false);
      expect(existsSync(path.join(app, 'test'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
