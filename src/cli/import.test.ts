import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { decide } from '../core/decide.js';
import { initialState, type Observation } from '../core/model.js';
import { parseSpec, type ScalerSpec } from '../core/spec.js';
import { runKedaScenario, type ScenarioInput } from '../conformance/keda-scenario.js';
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

/**
 * n ready pods, each using `cpuMilli` of a 200 m request in container `container`, read by the
 * resource trigger `name`.
 */
function hpaPods(n: number, cpuMilli: number, name: string, container = 'app'): Observation {
  return {
    currentReplicas: n,
    pods: Array.from({ length: n }, (_, i) => ({
      name: `p${i}`,
      phase: 'Running' as const,
      startTime: t0 - 3_600_000,
      ready: { status: true, lastTransitionTime: t0 - 3_600_000 },
      containers: [{ name: container, requests: { cpu: 200 } }],
    })),
    metrics: {
      [name]: {
        status: 'ok',
        timestamp: t0,
        podSamples: Array.from({ length: n }, (_, i) => ({
          pod: `p${i}`,
          timestamp: t0,
          windowSeconds: 30,
          containers: [{ name: container, usageMilli: cpuMilli }],
        })),
      },
    },
  };
}

describe('tide import decides as the originals', () => {
  const pods = (n: number, cpuMilli: number): Observation =>
    hpaPods(n, cpuMilli, 'resource-0', 'php');

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

describe('tide import decides as the originals: the HPA behavior example', () => {
  // docs/examples/import/hpa-behavior.yaml: CPU 60 %, scale up max(+100 %, +4 pods) per 15 s,
  // scale down min(-10 %, -5 pods) per 60 s after a 300 s window. The HPA's first sync, worked:
  it.each([
    [2, 360, 6], // 300 % → 10 wanted; up-limit max(2 + 100 %, 2 + 4) = 6
    [10, 240, 20], // 200 % → 20 wanted; up-limit max(20, 14) = 20
    [10, 180, 15], // 150 % → 15, within the limit
    [10, 60, 10], // 30 % → 5 wanted, but a fresh HPA's window is seeded with the current 10
    [10, 114, 10], // 95 %... of 60 %: ratio 0.95, within the 0.1 tolerance
  ])('%i pods using %i m of 200 m → %i', (n, cpu, expected) => {
    const [spec] = imported('hpa-behavior.yaml');
    if (spec === undefined) throw new Error('no spec');
    const obs = hpaPods(n, cpu, spec.triggers[0]?.name ?? '');
    expect(decide(spec, obs, initialState(), t0).desiredReplicas).toBe(expected);
  });
});

describe('tide import decides as the originals: the HPA behavior example, scaling down', () => {
  it('holds 10 for the 300 s window, then steps down by the smaller policy (-10 %: 9)', () => {
    const [spec] = imported('hpa-behavior.yaml');
    if (spec === undefined) throw new Error('no spec');
    let state = initialState();
    let current = 10;
    const steps: { at: number; replicas: number }[] = [];
    for (let at = 0; at <= 360; at += 15) {
      const d = decide(
        spec,
        hpaPods(current, 60, spec.triggers[0]?.name ?? ''),
        state,
        t0 + at * 1000,
      );
      state = d.state;
      if (d.desiredReplicas !== current) steps.push({ at, replicas: d.desiredReplicas });
      current = d.desiredReplicas;
    }
    // 30 % of 60 %: 5 wanted. The first change comes once the seeded 10 leaves the window, and is
    // min(-10 % of 10, -5) = -1; the next a period (60 s) later: the HPA truncates 9 × 0.9 to 8.
    // The HPA keeps only recommendations strictly newer than now − 300 s: the seed is out at 300.
    expect(steps[0]).toEqual({ at: 300, replicas: 9 });
    expect(steps[1]).toEqual({ at: 360, replicas: 8 });
  });
});

describe('tide import decides as the originals: the KEDA examples', () => {
  // Each ScaledObject's own fields as KEDA's e2e semantics engine takes them (the conformance
  // scenario model, checked against KEDA's e2e tests); the imported spec must settle where the
  // original does, for every trigger value. The expected counts are KEDA's arithmetic: inactive
  // (value ≤ activation) → idleReplicaCount or 0; active → ceil(value / target) within bounds.
  const scenario = (
    file: string,
    so: Omit<ScenarioInput['scaled_object'], 'triggers'> & {
      triggers: Omit<ScenarioInput['scaled_object']['triggers'][number], 'name'>[];
    },
  ): ((
    value: number | 'failing',
    before: number,
  ) => { imported: number | null; original: number | null }) => {
    const [spec] = imported(file);
    if (spec === undefined) throw new Error('no spec');
    const triggers = so.triggers.map((t, i) => ({ ...t, name: spec.triggers[i]?.name ?? null }));
    return (value, before) => {
      const input: ScenarioInput = {
        scaled_object: { ...so, triggers },
        replicas_before: before,
        trigger_values: triggers.map(() => value),
      };
      return {
        imported: runKedaScenario(input, spec).replicas,
        original: runKedaScenario(input).replicas,
      };
    };
  };

  it.each([
    [0, 3, 0],
    [1, 3, 0], // equal to activationValue 1: inactive
    [2, 0, 1],
    [45, 0, 3],
    [5000, 2, 30],
  ])(
    'rabbitmq (value 20, activation 1, 0–30): queue %s from %i → %i',
    (queue, before, expected) => {
      const run = scenario('keda-rabbitmq.yaml', {
        min_replica_count: 0,
        max_replica_count: 30,
        idle_replica_count: null,
        cooldown_period_s: 300,
        polling_interval_s: 30,
        hpa_scale_down_stabilization_s: null,
        fallback: null,
        scaling_modifiers: null,
        triggers: [
          { type: 'rabbitmq', metric_type: null, target_value: 20, activation_target_value: 1 },
        ],
      });
      expect(run(queue, before)).toEqual({ imported: expected, original: expected });
    },
  );

  it.each([
    [0, 4, 0], // inactive: idleReplicaCount 0
    [5, 4, 0], // equal to activationThreshold 5: inactive
    [6, 0, 1], // active from idle: minReplicaCount 1
    [250, 1, 3],
    [50000, 3, 100],
    ['failing' as const, 2, 6], // fallback: 6 replicas after 3 failures
  ])(
    'prometheus (threshold 100, activation 5, idle 0, 1–100): %s from %i → %i',
    (rate, before, expected) => {
      const run = scenario('keda-prometheus.yaml', {
        min_replica_count: 1,
        max_replica_count: 100,
        idle_replica_count: 0,
        cooldown_period_s: 300,
        polling_interval_s: 30,
        hpa_scale_down_stabilization_s: 300,
        fallback: { failure_threshold: 3, replicas: 6, behavior: null },
        scaling_modifiers: null,
        triggers: [
          { type: 'prometheus', metric_type: null, target_value: 100, activation_target_value: 5 },
        ],
      });
      expect(run(rate, before)).toEqual({ imported: expected, original: expected });
    },
  );
});

describe('tide import decides as the originals: the KEDA scaling-modifiers example', () => {
  // docs/examples/import/keda-scaling-modifiers.yaml: `primary ?? secondary ?? 8`, target 2,
  // activationTarget 1, 0–20, fallback behavior scalingModifiers (3 failures, 5 replicas).
  function importedUnpaused(): ScalerSpec {
    const docs = load('keda-scaling-modifiers.yaml') as { metadata: { annotations?: object } }[];
    for (const d of docs) delete d.metadata.annotations;
    const result = runImport(docs, options);
    expect(result.issues).toEqual([]);
    const parsed = parseSpec(result.objects[0]?.spec);
    if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('; '));
    return parsed.value;
  }
  const so: ScenarioInput['scaled_object'] = {
    min_replica_count: 0,
    max_replica_count: 20,
    idle_replica_count: null,
    cooldown_period_s: 300,
    polling_interval_s: 30,
    hpa_scale_down_stabilization_s: null,
    fallback: { failure_threshold: 3, replicas: 5, behavior: 'scalingModifiers' },
    scaling_modifiers: {
      formula: 'primary ?? secondary ?? 8',
      target: '2',
      activation_target: '1',
      metric_type: 'AverageValue',
    },
    triggers: [
      {
        name: 'primary',
        type: 'metrics-api',
        metric_type: null,
        target_value: 1,
        activation_target_value: null,
      },
      {
        name: 'secondary',
        type: 'redis',
        metric_type: null,
        target_value: 5,
        activation_target_value: null,
      },
    ],
  };

  it.each([
    [[6, 10], 0, 3], // primary 6 / target 2
    [['failing', 10], 3, 5], // primary nil past 3 failures: secondary 10 / 2
    [['failing', 'failing'], 3, 4], // both nil: the formula's 8 / 2 (fallback.replicas unused)
    [[1, 40], 2, 0], // composite 1 is not above activationTarget 1: inactive → 0
  ] as const)('values %j from %i → %i', (values, before, expected) => {
    const input: ScenarioInput = {
      scaled_object: so,
      replicas_before: before,
      trigger_values: values,
    };
    expect(runKedaScenario(input, importedUnpaused()).replicas).toBe(expected);
    expect(runKedaScenario(input).replicas).toBe(expected);
  });

  it('as written (paused-replicas "0"): held at 0 whatever the triggers say', () => {
    const [spec] = imported('keda-scaling-modifiers.yaml');
    if (spec === undefined) throw new Error('no spec');
    const input: ScenarioInput = {
      scaled_object: so,
      replicas_before: 3,
      trigger_values: [40, 40],
    };
    expect(runKedaScenario(input, spec).replicas).toBe(0);
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
