/**
 * The ElasticScaler CRD on a real API server: it is accepted and becomes Established, every docs
 * example with a Kubernetes target (or none) is accepted as an ElasticScaler and stored unchanged,
 * and the API server refuses what the schema and its CEL rules refuse, with their messages — the
 * same specs zod refuses, so that `tide validate` and `kubectl apply` agree.
 *
 * Run by scripts/test-e2e.sh, which starts the control plane and exports TIDE_TEST_KUBECONFIG;
 * fails without it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import {
  ApiException,
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseSpec } from '../../src/core/spec.js';
import {
  CRD_GROUP,
  CRD_PLURAL,
  CRD_VERSION,
  elasticScalerCrd,
  printerColumns,
} from '../../src/crd/crd.js';
import { hasKubernetesTarget, toElasticScaler } from '../../src/crd/manifest.js';
import { initialState } from '../../src/core/model.js';
import { persistState, type ScalerStatus } from '../../src/runtime/kube/status.js';
import { kubeconfig, waitFor } from './cluster.js';

const kc = new KubeConfig();
kc.loadFromFile(kubeconfig());
const crds = kc.makeApiClient(ApiextensionsV1Api);
const core = kc.makeApiClient(CoreV1Api);
const objects = kc.makeApiClient(CustomObjectsApi);
const crd = elasticScalerCrd();
const namespace = `tide-crd-${Date.now().toString(36)}`;
const where = { group: CRD_GROUP, version: CRD_VERSION, plural: CRD_PLURAL, namespace };

/** Creates an ElasticScaler as kubectl does (field validation Strict); returns what was stored. */
async function create(name: string, spec: Record<string, unknown>, extra: object = {}) {
  const body = {
    apiVersion: `${CRD_GROUP}/${CRD_VERSION}`,
    kind: 'ElasticScaler',
    metadata: { name, namespace },
    spec,
    ...extra,
  };
  return (await objects.createNamespacedCustomObject({
    ...where,
    body,
    fieldValidation: 'Strict',
  })) as { spec: unknown; status?: unknown };
}

/** A valid object name for a test case: `ok-a-cron-trigger-without-a-target`. */
const objectName = (prefix: string, what: string): string =>
  `${prefix}-${what.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`.slice(0, 60).replace(/-+$/, '');

/** The API server's answer to a call that must fail: its HTTP code and message. */
async function refusal(call: () => Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await call();
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const body = JSON.parse(String(error.body)) as { message: string };
    return { code: error.code, message: body.message };
  }
  throw new Error('the API server accepted it');
}

/** GET as a Table, the way kubectl asks for its columns. */
async function table(
  path: string,
): Promise<{ columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] }> {
  const url = new URL(path, kc.getCurrentCluster()?.server);
  const options = { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } };
  await kc.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    request(url, options, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () =>
        res.statusCode === 200
          ? resolve(JSON.parse(text))
          : reject(new Error(`${res.statusCode}: ${text}`)),
      );
    })
      .on('error', reject)
      .end();
  });
}

beforeAll(async () => {
  await crds.patchCustomResourceDefinition(
    { name: crd.metadata.name, body: crd, fieldManager: 'tide-e2e', force: true },
    setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
  );
  await waitFor('the CRD to be Established', async () => {
    const read = await crds.readCustomResourceDefinition({ name: crd.metadata.name });
    const established = read.status?.conditions?.find((c) => c.type === 'Established');
    return established?.status === 'True' ? true : undefined;
  });
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  // Established can come a moment before the new resource is served.
  await waitFor('the ElasticScaler resource to be served', () =>
    objects.listNamespacedCustomObject(where),
  );
});

afterAll(async () => {
  // Without a controller manager the namespace stays Terminating; the objects go with it.
  await core.deleteNamespace({ name: namespace }).catch(() => undefined);
});

const dir = join(import.meta.dirname, '../../docs/examples');
const examples = readdirSync(dir)
  .filter((file) => file.endsWith('.yaml'))
  .map((file) => ({
    file,
    spec: parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>,
  }))
  .filter(({ spec }) => hasKubernetesTarget(spec));

describe('the ElasticScaler CRD on a real API server', () => {
  it('is Established with the names asked for', async () => {
    const read = await crds.readCustomResourceDefinition({ name: crd.metadata.name });
    expect(read.status?.acceptedNames).toMatchObject({
      kind: 'ElasticScaler',
      plural: 'elasticscalers',
      shortNames: ['es'],
    });
  });

  it('has docs examples to create', () => expect(examples.length).toBeGreaterThan(1));

  it.each(examples)(
    'accepts docs/examples/$file and stores it unchanged (nothing pruned)',
    async ({ file, spec }) => {
      const scaler = toElasticScaler(spec, { name: file.replace(/\.yaml$/, '') });
      const stored = await create(scaler.metadata.name, scaler.spec);
      expect(stored.spec).toEqual(scaler.spec);
    },
  );

  it.each<[string, Record<string, unknown>]>([
    ['an empty spec (every default)', {}],
    ['behavior: null (the HPA legacy path)', { behavior: null }],
    [
      'idleReplicas 0 below minReplicas 1, nulls where nullable',
      { idleReplicas: 0, fallback: null, prediction: { ceiling: null } },
    ],
    [
      'a cron trigger without a target',
      {
        triggers: [
          {
            type: 'cron',
            timezone: 'Etc/UTC',
            start: '0 8 * * *',
            end: '0 9 * * *',
            desiredReplicas: 2,
          },
        ],
      },
    ],
    [
      'a container resource trigger',
      {
        triggers: [
          {
            type: 'resource',
            resource: 'memory',
            container: 'app',
            target: { type: 'Utilization', value: 80 },
          },
        ],
      },
    ],
    [
      "a ceiling at the first trigger's target",
      { prediction: { mode: 'forecastOnly', ceiling: 70 } },
    ],
    [
      '32 triggers',
      {
        triggers: Array.from({ length: 32 }, (_, i) => ({
          name: `t${i}`,
          type: 'cron',
          timezone: 'Etc/UTC',
          start: '0 8 * * *',
          end: '0 9 * * *',
          desiredReplicas: 1,
        })),
      },
    ],
  ])('accepts %s, as zod does', async (what, spec) => {
    expect(parseSpec(spec).ok).toBe(true);
    const stored = await create(objectName('ok', what), spec);
    expect(stored.spec).toEqual(spec);
  });

  type Refusal = [what: string, spec: Record<string, unknown>, code: number, message: string];
  const refuses = async (
    what: string,
    spec: Record<string, unknown>,
  ): Promise<{ code: number; message: string }> =>
    refusal(() => create(objectName('bad', what), spec));

  it.each<Refusal>([
    [
      'minReplicas above maxReplicas',
      { minReplicas: 5, maxReplicas: 3 },
      422,
      'spec.minReplicas: Invalid value: "object": minReplicas (5) must be at most maxReplicas (3)',
    ],
    [
      'minReplicas above the default maxReplicas',
      { minReplicas: 150 },
      422,
      'minReplicas (150) must be at most maxReplicas (100)',
    ],
    [
      'idleReplicas equal to minReplicas',
      { minReplicas: 2, idleReplicas: 2 },
      422,
      'spec.idleReplicas: Invalid value: "object": idleReplicas (2) must be less than minReplicas (2)',
    ],
    [
      'idleReplicas above the default minReplicas',
      { idleReplicas: 3 },
      422,
      'idleReplicas (3) must be less than minReplicas (1)',
    ],
    ['an unknown field', { minReplica: 2 }, 400, 'unknown field "spec.minReplica"'],
    [
      'a string where an integer goes',
      { maxReplicas: 'ten' },
      422,
      'spec.maxReplicas in body must be of type integer: "string"',
    ],
    [
      'a negative minReplicas',
      { minReplicas: -1 },
      422,
      'spec.minReplicas in body should be greater than or equal to 0',
    ],
    [
      'an unknown prediction mode',
      { prediction: { mode: 'auto' } },
      422,
      'spec.prediction.mode: Unsupported value: "auto"',
    ],
    [
      "a ceiling below the default trigger's target",
      { prediction: { ceiling: 50 } },
      422,
      "prediction.ceiling (50) must be at least the first trigger's target (70)",
    ],
    [
      "a ceiling below the first trigger's target",
      {
        prediction: { ceiling: 10.5 },
        triggers: [{ type: 'prometheus', query: 'q', target: { type: 'Value', value: 12.25 } }],
      },
      422,
      "prediction.ceiling (10.5) must be at least the first trigger's target (12.25)",
    ],
    [
      'two triggers of one name',
      {
        triggers: [
          { name: 'a', type: 'cron' },
          { name: 'a', type: 'cron' },
        ],
      },
      422,
      'spec.triggers: Invalid value: "array": trigger names must be unique',
    ],
    [
      'a trigger without a target',
      { triggers: [{ type: 'prometheus', query: 'q' }] },
      422,
      'spec.triggers[0].target: Invalid value: "object": target is required (except for cron triggers)',
    ],
    [
      'Utilization on an External metric',
      {
        triggers: [{ type: 'prometheus', query: 'q', target: { type: 'Utilization', value: 50 } }],
      },
      422,
      "target.type Utilization is allowed only for Resource and ContainerResource metrics (this trigger's metricType is External)",
    ],
    [
      'a resource trigger without its resource',
      { triggers: [{ type: 'resource', target: { type: 'Utilization', value: 50 } }] },
      422,
      'spec.triggers[0].resource: Invalid value: "object": resource (cpu or memory) is required for Resource metrics',
    ],
    [
      '33 triggers',
      { triggers: Array.from({ length: 33 }, (_, i) => ({ name: `t${i}`, type: 'cron' })) },
      422,
      'spec.triggers: Too many: 33: must have at most 32 items',
    ],
  ])('refuses %s, as zod does', async (what, spec, code, message) => {
    expect(parseSpec(spec).ok).toBe(false);
    expect(await refuses(what, spec)).toEqual({ code, message: expect.stringContaining(message) });
  });

  // The CRD's own limits: a scaler's target is a Kubernetes object in its namespace; its name is
  // metadata.name. A spec file may have all three (`tide run`, backtests).
  it.each<Refusal>([
    [
      'a process target',
      { target: { process: { command: 'serve' } } },
      400,
      'unknown field "spec.target.process"',
    ],
    [
      'a target in another namespace',
      { target: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'a', namespace: 'b' } },
      400,
      'unknown field "spec.target.namespace"',
    ],
    ['a name in the spec', { name: 'checkout' }, 400, 'unknown field "spec.name"'],
  ])('refuses %s, which a spec file may have', async (what, spec, code, message) => {
    expect(parseSpec(spec).ok).toBe(true);
    expect(await refuses(what, spec)).toEqual({ code, message: expect.stringContaining(message) });
  });

  it('keeps status apart (the status subresource) and stores what the controller writes', async () => {
    const name = 'status';
    const created = await create(
      name,
      { target: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } },
      { status: { desiredReplicas: 9 } },
    );
    expect(created.status).toBeUndefined();
    // What the controller writes (runtime/kube/status.ts), with the engine's real initial state.
    const controllerStatus: ScalerStatus = {
      observedGeneration: 1,
      currentReplicas: 3,
      desiredReplicas: 4,
      predictedReplicas: 5,
      lastScaleTime: '2026-01-01T00:00:00Z',
      selector: 'app=web',
      reasons: [{ code: 'WithinBounds', message: '4 is within [1, 100]' }],
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'ScalerReady',
          message: '',
          lastTransitionTime: '2026-01-01T00:00:00Z',
          observedGeneration: 1,
        },
      ],
      engineState: persistState(initialState()),
    };
    const status = { ...controllerStatus, mode: 'DryRun', leader: 'tide-0_5f1c' };
    // As the controller writes it: a JSON patch that adds the whole status.
    const written = (await objects.patchNamespacedCustomObjectStatus(
      {
        ...where,
        name,
        body: [{ op: 'add', path: '/status', value: status }],
        fieldValidation: 'Strict',
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    )) as { status: unknown };
    expect(written.status).toEqual(status);
    const rows = await table(
      `/apis/${CRD_GROUP}/${CRD_VERSION}/namespaces/${namespace}/${CRD_PLURAL}/${name}`,
    );
    expect(rows.columnDefinitions.map((c) => c.name)).toEqual([
      'Name',
      ...printerColumns.map((c) => c.name),
    ]);
    expect(rows.rows[0]?.cells.slice(0, 8)).toEqual([
      name,
      'Deployment',
      'web',
      null,
      null,
      3,
      4,
      'DryRun',
    ]);
  });

  it('refuses a status condition that is not a metav1.Condition', async () => {
    const name = 'bad-status';
    await create(name, {});
    const write = () =>
      objects.patchNamespacedCustomObjectStatus(
        {
          ...where,
          name,
          body: {
            status: {
              conditions: [
                {
                  type: 'Ready',
                  status: 'Maybe',
                  reason: 'X',
                  message: '',
                  lastTransitionTime: '2026-01-01T00:00:00Z',
                },
              ],
            },
          },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    expect(await refusal(write)).toEqual({
      code: 422,
      message: expect.stringContaining('status.conditions[0].status: Unsupported value: "Maybe"'),
    });
  });
});
