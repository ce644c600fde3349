/**
 * KEDA's end-to-end steady states (`scenarios` in ../shared/conformance/keda-cases.json and in
 * test/conformance/cases/keda-*.json), with the
 * case's ScaledObject written as YAML, run through `tide import`, and the imported spec run
 * through the same polling loop: the import decides as KEDA does. Each case's trigger sources
 * (kubernetes-workload, metrics-api, ...) become prometheus triggers with the same name,
 * metricType, target and activation: the source does not matter to the decision, only its value.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../src/core/spec.js';
import { runKedaScenario, type ScenarioInput } from '../../src/conformance/keda-scenario.js';
import { importDocuments } from '../../src/migrate/import.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const sharedDir = process.env.TIDE_SHARED_DIR ?? resolve(repoRoot, '../shared');
const sharedFile = resolve(sharedDir, 'conformance/keda-cases.json');

interface ScenarioCase {
  readonly id: string;
  readonly input: ScenarioInput;
  readonly expected: { readonly replicas: number };
}

function scaledObject(input: ScenarioInput): unknown {
  const so = input.scaled_object;
  const sm = so.scaling_modifiers;
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: 'scenario', namespace: 'e2e' },
    spec: {
      scaleTargetRef: { name: 'app' },
      minReplicaCount: so.min_replica_count,
      maxReplicaCount: so.max_replica_count,
      ...(so.idle_replica_count === null ? {} : { idleReplicaCount: so.idle_replica_count }),
      cooldownPeriod: so.cooldown_period_s,
      pollingInterval: so.polling_interval_s,
      ...(so.fallback === null
        ? {}
        : {
            fallback: {
              failureThreshold: so.fallback.failure_threshold,
              replicas: so.fallback.replicas,
              ...(so.fallback.behavior === null ? {} : { behavior: so.fallback.behavior }),
            },
          }),
      advanced: {
        ...(so.hpa_scale_down_stabilization_s === null
          ? {}
          : {
              horizontalPodAutoscalerConfig: {
                behavior: {
                  scaleDown: { stabilizationWindowSeconds: so.hpa_scale_down_stabilization_s },
                },
              },
            }),
        ...(sm === null
          ? {}
          : {
              scalingModifiers: {
                formula: sm.formula,
                target: sm.target,
                ...(sm.activation_target === null
                  ? {}
                  : { activationTarget: sm.activation_target }),
                ...(sm.metric_type === null ? {} : { metricType: sm.metric_type }),
              },
            }),
      },
      triggers: so.triggers.map((t, i) => ({
        type: 'prometheus',
        name: t.name ?? `trigger-${i}`,
        ...(t.metric_type === null ? {} : { metricType: t.metric_type }),
        metadata: {
          serverAddress: 'http://prometheus:9090',
          query: `value_${i}`,
          threshold: String(t.target_value ?? 1),
          activationThreshold: String(t.activation_target_value ?? 0),
          ignoreNullValues: 'false',
        },
      })),
    },
  };
}

// The shared file's scenarios, then those transcribed in test/conformance/cases/keda-*.json.
const extraDir = resolve(repoRoot, 'test/conformance/cases');
const scenarioFiles = [
  sharedFile,
  ...readdirSync(extraDir)
    .filter((f) => /^keda-.*\.json$/.test(f))
    .map((f) => join(extraDir, f)),
];
const cases: ScenarioCase[] = scenarioFiles
  .filter((f) => existsSync(f))
  .flatMap(
    (f) => (JSON.parse(readFileSync(f, 'utf8')) as { scenarios?: ScenarioCase[] }).scenarios ?? [],
  );

describe('KEDA e2e scenarios through tide import', () => {
  it('the shared case file exists', () => expect(existsSync(sharedFile), sharedFile).toBe(true));

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const result = importDocuments([scaledObject(c.input)], {
      local: false,
      secretDir: '/secrets',
      clusterAuthNamespace: 'keda',
    });
    expect(result.issues).toEqual([]);
    const parsed = parseSpec(result.objects[0]?.spec);
    if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('; '));
    expect(runKedaScenario(c.input, parsed.value)).toEqual(c.expected);
  });
});
