import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { decide } from '../core/decide.js';
import { initialState, type Observation } from '../core/model.js';
import { parseSpec, type ScalerSpec } from '../core/spec.js';
import { validateTriggerConfig } from '../sources/registry.js';
import { commands } from './commands.js';
import { runImport } from './import.js';

const dir = join(import.meta.dirname, '../../docs/examples/import');
const options = { local: false, secretDir: '/etc/tide/secrets', clusterAuthNamespace: 'keda' };
const t0 = Date.UTC(2024, 0, 1);

function load(file: string): unknown[] {
  return parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => d.toJS() as unknown);
}

function imported(file: string): ScalerSpec[] {
  const result = runImport(load(file), options);
  expect(result.issues).toEqual([]);
  return result.objects.map((o) => {
    const parsed = parseSpec(o.spec);
    if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('; '));
    return parsed.value;
  });
}

async function tide(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  const program = new Command().exitOverride();
  for (const register of commands) register(program);
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  process.exitCode = 0;
  await program.parseAsync(['node', 'tide', ...args]);
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  vi.restoreAllMocks();
  return { out, err, code };
}

afterEach(() => vi.restoreAllMocks());

describe('tide import: the documentation examples', () => {
  it.each([
    ['hpa-php-apache.yaml', 1],
    ['hpa-v1-php-apache.yaml', 1],
    ['hpa-multiple-metrics.yaml', 1],
    ['hpa-behavior.yaml', 1],
    ['keda-rabbitmq.yaml', 1],
    ['keda-prometheus.yaml', 1],
    ['keda-scaling-modifiers.yaml', 1],
  ])('%s: every output passes parseSpec and each trigger its source schema', (file, count) => {
    const specs = imported(file);
    expect(specs).toHaveLength(count);
    for (const spec of specs) {
      spec.triggers.forEach((t, i) =>
        expect(validateTriggerConfig(t, `triggers[${i}]`)).toMatchObject({ ok: true }),
      );
    }
  });

  it('keeps what the HPA example means: legacy path, bounds, metrics from the same APIs', () => {
    const [spec] = imported('hpa-multiple-metrics.yaml');
    expect(spec).toMatchObject({
      minReplicas: 1,
      maxReplicas: 10,
      behavior: null,
      target: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'php-apache' },
    });
    expect(spec?.triggers.map((t) => [t.type, t.metricType, t.target, t.config])).toEqual([
      ['resource', 'Resource', { type: 'Utilization', value: 50 }, {}],
      [
        'kubernetes-custom',
        'Pods',
        { type: 'AverageValue', value: 1000 },
        { metricName: 'packets-per-second', namespace: 'default', labelSelector: 'run=php-apache' },
      ],
      [
        'kubernetes-custom',
        'Object',
        { type: 'Value', value: 10000 },
        {
          metricName: 'requests-per-second',
          namespace: 'default',
          object: { resource: 'ingresses.networking.k8s.io', name: 'main-route' },
        },
      ],
      [
        'kubernetes-external',
        'External',
        { type: 'AverageValue', value: 30 },
        {
          metricName: 'queue_messages_ready',
          metricSelector: 'queue=worker_tasks',
          namespace: 'default',
        },
      ],
    ]);
  });

  it('keeps what the ScaledObject example means: KEDA defaults, behavior, fallback, secrets by reference', () => {
    const result = runImport(load('keda-prometheus.yaml'), options);
    const doc = result.objects[0]?.document;
    expect(doc).toMatchObject({
      apiVersion: 'tide.dev/v1alpha1',
      kind: 'ElasticScaler',
      metadata: {
        name: 'http-app',
        namespace: 'web',
        annotations: { 'tide.dev/keda-hpa-name': 'keda-hpa-http-app' },
      },
      spec: {
        target: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'http-app' },
        minReplicas: 1,
        maxReplicas: 100,
        syncPeriodSeconds: 15,
        event: {
          cooldownSeconds: 300,
          initialCooldownSeconds: 60,
          scalingModifiers: null,
          paused: null,
        },
        fallback: { failureThreshold: 3, replicas: 6 },
        triggers: [
          {
            type: 'prometheus',
            target: { type: 'AverageValue', value: 100 },
            activation: 5,
            bearerToken: { fromFile: '/etc/tide/secrets/keda/keda-prom-secret/bearerToken' },
          },
        ],
      },
    });
    expect(JSON.stringify(doc)).not.toContain('namespace":"web"},"minReplicas'); // target has no namespace
    expect(result.secrets).toEqual([
      {
        namespace: 'keda',
        name: 'keda-prom-secret',
        key: 'bearerToken',
        path: '/etc/tide/secrets/keda/keda-prom-secret/bearerToken',
      },
    ]);
  });

  it('maps pause annotations and scalingModifiers', () => {
    const [spec] = imported('keda-scaling-modifiers.yaml');
    expect(spec?.event).toMatchObject({
      paused: { replicas: 0 },
      scalingModifiers: {
        formula: 'primary ?? secondary ?? 8',
        target: 2,
        activationTarget: 1,
        metricType: 'AverageValue',
      },
    });
    expect(spec?.fallback).toEqual({
      failureThreshold: 3,
      replicas: 5,
      behavior: 'scalingModifiers',
    });
  });

  it('names the object and the field of what Tide cannot express, and writes nothing for it', () => {
    const result = runImport(load('keda-kafka.yaml'), options);
    expect(result.objects).toEqual([]);
    const auth = 'TriggerAuthentication default/keda-trigger-auth-kafka-credential';
    expect(result.issues.map((i) => [i.object, i.field, i.kind])).toEqual([
      [
        'keda.sh/v1alpha1 ScaledObject default/kafka-scaledobject',
        `${auth} spec.secretTargetRef[1]`,
        'unsupported',
      ],
      [
        'keda.sh/v1alpha1 ScaledObject default/kafka-scaledobject',
        `${auth} spec.secretTargetRef[0]`,
        'unsupported',
      ],
    ]);
    expect(result.issues[0]?.message).toContain(
      'username of a kafka trigger comes from Secret default/keda-kafka-secrets key username',
    );
  });
});

describe('tide import decides as the originals', () => {
  const pods = (n: number, cpuMilli: number): Observation => ({
    currentReplicas: n,
    pods: Array.from({ length: n }, (_, i) => ({
      name: `p${i}`,
      phase: 'Running' as const,
      startTime: t0 - 3_600_000,
      ready: { status: true, lastTransitionTime: t0 - 3_600_000 },
      containers: [{ name: 'php', requests: { cpu: 200 } }],
    })),
    metrics: {
      'resource-0': {
        status: 'ok',
        timestamp: t0,
        podSamples: Array.from({ length: n }, (_, i) => ({
          pod: `p${i}`,
          timestamp: t0,
          windowSeconds: 30,
          containers: [{ name: 'php', usageMilli: cpuMilli }],
        })),
      },
    },
  });

  it.each([
    // current pods, CPU per pod (of a 200 m request) → the HPA's answer at 50 %
    [1, 500, 4], // 250 % → ceil(5), the legacy scale-up limit max(2 × 1, 4) = 4 (no behavior)
    [2, 150, 3], // 75 % → ceil(2 × 1.5) = 3
    [4, 105, 4], // 52.5 %: within the 0.1 tolerance
  ])('php-apache v2 and v1 at %i pods using %i m → %i', (n, cpu, expected) => {
    for (const file of ['hpa-php-apache.yaml', 'hpa-v1-php-apache.yaml']) {
      const [spec] = imported(file);
      if (spec === undefined) throw new Error('no spec');
      const d = decide(spec, pods(n, cpu), initialState(), t0);
      expect(d.desiredReplicas, file).toBe(expected);
    }
  });
});

describe('tide import (command)', () => {
  it('writes ElasticScalers and exits 0', async () => {
    const { out, err, code } = await tide('import', join(dir, 'keda-rabbitmq.yaml'));
    expect(code).toBe(0);
    expect(out).toContain('# reads Secret default/keda-rabbitmq-secret key password');
    const docs = parseAllDocuments(out).map(
      (d) => d.toJS() as { kind: string; spec: { triggers: unknown[] } },
    );
    expect(docs[0]?.kind).toBe('ElasticScaler');
    expect(docs[0]?.spec.triggers[0]).toMatchObject({
      type: 'rabbitmq',
      protocol: 'amqp',
      host: 'rabbitmq.default.svc.cluster.local',
      port: 5672,
      vhost: 'vhost',
      username: 'autoscaler',
      password: { fromFile: '/etc/tide/secrets/default/keda-rabbitmq-secret/password' },
      queue: 'testqueue',
      metric: 'messagesReady', // KEDA's QueueLength over AMQP: a passive declare's ready count
      target: { type: 'AverageValue', value: 20 },
      activation: 1,
    });
    expect(err).toContain('pollingInterval = 30');
  });

  it('writes a local-runner file with --local', async () => {
    const { out, code } = await tide('import', '--local', join(dir, 'hpa-behavior.yaml'));
    expect(code).toBe(0);
    const file = parse(out) as { scalers: { name: string; target: unknown }[] };
    expect(file.scalers[0]).toMatchObject({
      name: 'web',
      target: { name: 'web', namespace: 'shop' },
    });
  });

  it('exits 1 and names the object and field with --json', async () => {
    const { out, code } = await tide(
      'import',
      '--json',
      join(dir, 'keda-kafka.yaml'),
      join(dir, 'hpa-php-apache.yaml'),
    );
    expect(code).toBe(1);
    const result = JSON.parse(out) as { objects: unknown[]; issues: { object: string }[] };
    expect(result.objects).toHaveLength(1);
    expect(result.issues[0]?.object).toBe(
      'keda.sh/v1alpha1 ScaledObject default/kafka-scaledobject',
    );
  });
});

describe('tide import --dry-run: shadow scalers', () => {
  it('marks every scaler dryRun and quotes "off" so that kubectl (YAML 1.1) keeps it a string', async () => {
    const { out, code } = await tide('import', '--dry-run', join(dir, 'hpa-behavior.yaml'));
    expect(code).toBe(0);
    expect(out).toMatch(/mode: "off"|mode: 'off'/);
    const doc = parse(out.replace(/^#.*\n/gm, ''), { version: '1.1' }) as {
      spec: { dryRun: boolean; prediction: { mode: unknown } };
    };
    expect(doc.spec.dryRun).toBe(true);
    expect(doc.spec.prediction.mode).toBe('off');
    expect(parseSpec(doc.spec).ok).toBe(true);
  });
});
