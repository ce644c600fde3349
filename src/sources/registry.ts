/**
 * Every source type, alphabetically, with its strict config schema and its factory (KEDA's
 * scaler switch). A trigger's own keys (everything but the common trigger keys) are its source's
 * config; `validateTriggerConfig` checks them with path-named issues, `createSource` builds the
 * source.
 *
 * @module
 */
import type { z } from 'zod';
import type { TriggerSpec } from '../core/model.js';
import { formatPath, type ParseResult, type SpecIssue } from '../core/spec.js';
import { createHttpSource, httpSchema } from './http.js';
import { createKafkaSource, kafkaSchema } from './kafka.js';
import { createKubernetesCustomSource, kubernetesCustomSchema } from './kubernetes-custom.js';
import { createKubernetesExternalSource, kubernetesExternalSchema } from './kubernetes-external.js';
import { createKubernetesResourceSource, kubernetesResourceSchema } from './kubernetes-resource.js';
import { createMysqlSource, mysqlSchema } from './mysql.js';
import { createNatsSource, natsSchema } from './nats.js';
import { createPostgresqlSource, postgresqlSchema } from './postgresql.js';
import { createPrometheusSource, prometheusSchema } from './prometheus.js';
import { createProxySource, proxySchema, type ProxyDeps } from './proxy.js';
import { createRabbitmqSource, rabbitmqSchema } from './rabbitmq.js';
import { createRedisSource, redisSchema } from './redis.js';
import type { KubeDeps } from './kube.js';
import type { Source, SourceDeps } from './source.js';

export interface SourceType<C> {
  readonly schema: z.ZodType<C>;
  readonly create: (config: C, deps: SourceDeps) => Source;
  /**
   * Common trigger keys this source also reads (e.g. `resource`, `container`; `target` for a
   * source whose reading depends on the target, as KEDA's kafka cap does on lagThreshold).
   */
  readonly triggerKeys?: readonly ('resource' | 'container' | 'target')[];
}

const sourceType = <C>(entry: SourceType<C>): SourceType<unknown> => entry as SourceType<unknown>;

const kubernetesResource = sourceType({
  schema: kubernetesResourceSchema,
  create: createKubernetesResourceSource,
  triggerKeys: ['resource', 'container'],
});

/** Source types by trigger `type`, alphabetically. `resource` is kubernetes-resource's alias. */
export const sourceTypes: Readonly<Record<string, SourceType<unknown>>> = {
  http: sourceType({ schema: httpSchema, create: createHttpSource }),
  kafka: sourceType({ schema: kafkaSchema, create: createKafkaSource, triggerKeys: ['target'] }),
  'kubernetes-custom': sourceType({
    schema: kubernetesCustomSchema,
    create: createKubernetesCustomSource,
  }),
  'kubernetes-external': sourceType({
    schema: kubernetesExternalSchema,
    create: createKubernetesExternalSource,
  }),
  'kubernetes-resource': kubernetesResource,
  mysql: sourceType({ schema: mysqlSchema, create: createMysqlSource }),
  nats: sourceType({ schema: natsSchema, create: createNatsSource }),
  postgresql: sourceType({ schema: postgresqlSchema, create: createPostgresqlSource }),
  prometheus: sourceType({ schema: prometheusSchema, create: createPrometheusSource }),
  proxy: sourceType({ schema: proxySchema, create: createProxySource }),
  rabbitmq: sourceType({ schema: rabbitmqSchema, create: createRabbitmqSource }),
  redis: sourceType({ schema: redisSchema, create: createRedisSource }),
  resource: kubernetesResource,
};

/** Trigger types the engine evaluates itself from `now` (checked by the spec schema): no source. */
export const engineTriggerTypes: ReadonlySet<string> = new Set(['cron']);

function configInput(trigger: TriggerSpec, entry: SourceType<unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = { ...trigger.config };
  for (const key of entry.triggerKeys ?? []) {
    if (trigger[key] !== undefined) input[key] = trigger[key];
  }
  return input;
}

function show(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value);
}

/**
 * Checks a trigger's config against its source's schema. Issue paths are the user's:
 * `prefix` + key, e.g. `triggers[0].query` with prefix `triggers[0]`.
 */
export function validateTriggerConfig(trigger: TriggerSpec, prefix = ''): ParseResult<unknown> {
  const at = (key: string): string => (prefix === '' ? key : `${prefix}.${key}`);
  if (engineTriggerTypes.has(trigger.type)) return { ok: true, value: trigger.config };
  const entry = sourceTypes[trigger.type];
  if (entry === undefined) {
    const known = Object.keys(sourceTypes).join(', ');
    return {
      ok: false,
      issues: [
        {
          path: at('type'),
          message: `${at('type')} = ${JSON.stringify(trigger.type)}: unknown source type, must be one of ${known}`,
        },
      ],
    };
  }
  const input = configInput(trigger, entry);
  const result = entry.schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  const issues: SpecIssue[] = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const path = at(issue.keys.join(', '));
      return { path, message: `${path}: unknown key for a ${trigger.type} trigger` };
    }
    const path = at(formatPath(issue.path));
    if (issue.code === 'custom') return { path, message: `${path}: ${issue.message}` };
    const found = issue.path.reduce<unknown>(
      (cur, key) =>
        cur !== null && typeof cur === 'object'
          ? (cur as Record<PropertyKey, unknown>)[key]
          : undefined,
      input,
    );
    return { path, message: `${path} = ${show(found)}: ${issue.message}` };
  });
  return { ok: false, issues };
}

/** Builds the source of a trigger; throws (a startup failure) when its config is invalid. */
export function createSource(trigger: TriggerSpec, deps: KubeDeps & ProxyDeps): Source {
  const checked = validateTriggerConfig(trigger, `trigger "${trigger.name}"`);
  if (!checked.ok) throw new Error(checked.issues.map((i) => i.message).join('; '));
  const entry = sourceTypes[trigger.type];
  if (entry === undefined) throw new Error(`unknown source type ${trigger.type}`);
  return entry.create(checked.value, deps);
}
