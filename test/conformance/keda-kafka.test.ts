/**
 * KEDA's kafka scaler unit tests (`cases/kafka-scaler-keda.json`, transcribed from KEDA's
 * `pkg/scalers/kafka_scaler_test.go`), run against Tide: the metadata cases through `tide import`
 * of a ScaledObject holding that trigger (an error in KEDA must be an import error; a success
 * must give the same settings), the arithmetic cases against `sources/kafka.ts`. The e2e
 * scenarios of the same file run against a real broker in `test/integration/kafka.test.ts`.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { partitionList } from '../../src/migrate/keda-triggers.js';
import {
  activePartitions,
  factors,
  nextBalancedFactor,
  partitionLag,
  type KafkaConfig,
} from '../../src/sources/kafka.js';
import { validateTriggerConfig } from '../../src/sources/registry.js';
import { importChecked } from './keda-import-checked.js';

const here = dirname(fileURLToPath(import.meta.url));

interface MetadataCase {
  readonly source: string;
  readonly metadata: Record<string, string>;
  readonly isError: boolean;
  readonly expected?: {
    readonly brokers: string[];
    readonly group: string;
    readonly topic: string | null;
    readonly partitionLimitation: number[] | null;
    readonly offsetResetPolicy: string;
    readonly allowIdleConsumers: boolean;
    readonly excludePersistentLag: boolean;
    readonly limitToPartitionsWithLag: boolean;
    readonly ensureEvenDistributionOfPartitions: boolean;
    readonly lagThreshold: number;
    readonly activationLagThreshold: number;
  };
}

interface Cases {
  readonly metadata: MetadataCase[];
  readonly partitionLimitation: {
    source: string;
    input: string;
    expected?: number[];
    isError?: boolean;
  }[];
  readonly topicPartitions: {
    source: string;
    metadata: Record<string, string>;
    partitions: number[];
    expected: number[];
  }[];
  readonly factors: { source: string; n: number; expected: number[] }[];
  readonly nextFactor: {
    source: string;
    lag: number;
    partitions: number;
    lagThreshold: number;
    expected: number;
  }[];
  readonly partitionLag: {
    source: string;
    consumerOffset: number;
    latestOffset: number | null;
    offsetResetPolicy: 'latest' | 'earliest';
    scaleToZeroOnInvalidOffset: boolean;
    expectedLag: number;
    expectedLagWithPersistent: number;
  }[];
}

export const kafkaCases = JSON.parse(
  readFileSync(resolve(here, 'cases/kafka-scaler-keda.json'), 'utf8'),
) as Cases;

/** A ScaledObject with one kafka trigger holding `metadata`. */
function scaledObject(metadata: Record<string, string>): unknown {
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: 'consumer', namespace: 'default' },
    spec: { scaleTargetRef: { name: 'consumer' }, triggers: [{ type: 'kafka', metadata }] },
  };
}

/** The imported trigger's target, activation and full source config (defaults applied). */
function importKafka(
  metadata: Record<string, string>,
):
  | { ok: false; issues: readonly string[] }
  | { ok: true; config: KafkaConfig; target: number; activation: number } {
  const result = importChecked([scaledObject(metadata)]);
  if (!result.ok) return result;
  const trigger = result.spec.triggers[0];
  if (trigger === undefined) throw new Error('no trigger imported');
  const checked = validateTriggerConfig(trigger);
  if (!checked.ok) throw new Error(checked.issues.map((i) => i.message).join('; '));
  return {
    ok: true,
    config: checked.value as KafkaConfig,
    target: trigger.target.value,
    activation: trigger.activation,
  };
}

describe('KEDA kafka metadata (parseKafkaMetadataTestDataset) through tide import', () => {
  it.each(kafkaCases.metadata.map((c) => [c.source, c] as const))('%s', (_, c) => {
    const result = importKafka(c.metadata);
    if (c.isError) {
      expect(result.ok, JSON.stringify(result)).toBe(false);
      return;
    }
    if (!result.ok) throw new Error(`expected success, got ${result.issues.join('; ')}`);
    const e = c.expected;
    if (e === undefined) throw new Error('a success case needs expected settings');
    const { config } = result;
    expect({
      brokers: config.brokers,
      group: config.group,
      topic: config.topic ?? null,
      partitionLimitation: config.partitionLimitation ?? null,
      offsetResetPolicy: config.offsetResetPolicy,
      allowIdleConsumers: config.allowIdleConsumers,
      excludePersistentLag: config.excludePersistentLag,
      limitToPartitionsWithLag: config.limitToPartitionsWithLag,
      ensureEvenDistributionOfPartitions: config.ensureEvenDistributionOfPartitions,
      lagThreshold: result.target,
      activationLagThreshold: result.activation,
    }).toEqual(e);
    // The cap reads the trigger's target: KEDA's lagThreshold.
    expect(config.target.value).toBe(e.lagThreshold);
  });
});

describe('KEDA kafka partitionLimitation (TestKafkaParsePartitionLimitation)', () => {
  it.each(kafkaCases.partitionLimitation.map((c) => [c.source, c] as const))('%s', (_, c) => {
    expect(partitionList(c.input)).toEqual(c.isError === true ? undefined : c.expected);
  });
});

describe('KEDA kafka topic partitions (TestGetTopicPartitions)', () => {
  it.each(kafkaCases.topicPartitions.map((c) => [c.source, c] as const))('%s', (_, c) => {
    const result = importKafka(c.metadata);
    if (!result.ok) throw new Error(result.issues.join('; '));
    expect(activePartitions(c.partitions, result.config.partitionLimitation)).toEqual(c.expected);
  });
});

describe('KEDA kafka even distribution (TestFindFactors, TestGetNextFactor)', () => {
  it.each(kafkaCases.factors.map((c) => [c.n, c] as const))('factors(%d)', (_, c) => {
    expect(factors(c.n)).toEqual(c.expected);
  });
  it.each(kafkaCases.nextFactor.map((c) => [c.lag, c] as const))('lag %d', (_, c) => {
    expect(nextBalancedFactor(c.lag, c.partitions, c.lagThreshold)).toBe(c.expected);
  });
});

describe('KEDA kafka lag per partition (TestGetLagForPartition_MissingPartition)', () => {
  it.each(kafkaCases.partitionLag.map((c) => [c.source, c] as const))('%s', (_, c) => {
    const lag = partitionLag(
      {
        topic: 'test-topic',
        partition: 0,
        latest: c.latestOffset ?? undefined,
        committed: c.consumerOffset,
      },
      {
        lagThreshold: 10,
        offsetResetPolicy: c.offsetResetPolicy,
        scaleToZeroOnInvalidOffset: c.scaleToZeroOnInvalidOffset,
        allowIdleConsumers: false,
        excludePersistentLag: false,
        limitToPartitionsWithLag: false,
        ensureEvenDistributionOfPartitions: false,
      },
      undefined,
    );
    expect(lag).toEqual({ lag: c.expectedLag, withPersistent: c.expectedLagWithPersistent });
  });
});
