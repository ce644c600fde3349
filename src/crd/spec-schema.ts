/**
 * The `spec` of an ElasticScaler: core/spec.ts's ScalerSpec as a structural schema, with its
 * cross-field rules (the schema's `superRefine`) as CEL `x-kubernetes-validations`. What differs
 * from a spec file, on purpose:
 * - `target` is only the Kubernetes form `{apiVersion, kind, name}`, in the scaler's namespace
 *   (no `process`, which is the local runner's, and no `namespace`);
 * - no `name`: the scaler's name is `metadata.name`;
 * - no defaults (see json-schema.ts): the rules below write each default in, read from
 *   `defaultSpec()`, so that a rule never judges a field the user left out by another value.
 * Rules that CEL cannot express (the cron settings of a cron trigger, the names a scalingModifiers
 * formula reads, trigger names derived from the type and index) stay with zod: the controller
 * reports them in the scaler's conditions.
 *
 * @module
 */
import { defaultSpec, scalerSpecSchema, targetRefSchema } from '../core/spec.js';
import { openApiFromZod, toStructural, type CelRule, type JsonSchema } from './json-schema.js';

/** The structural `spec` schema, with its CEL rules. */
export function specSchema(): JsonSchema {
  const raw = openApiFromZod(scalerSpecSchema);
  // No `name`: a scaler's name is its metadata.name.
  const rest = { ...(raw.properties as Record<string, unknown>) };
  delete rest.name;
  // The union of target forms is replaced before the rest is made structural.
  const spec = toStructural({ ...raw, properties: { ...rest, target: targetJson() } }, '.spec');
  const properties: Record<string, JsonSchema> = { ...spec.properties };
  properties.triggers = triggersSchema(required(properties.triggers, 'triggers'));
  return {
    ...spec,
    description: 'What to scale, between which bounds, on which triggers (docs/examples).',
    properties,
    'x-kubernetes-validations': specRules(),
  };
}

function targetJson(): Record<string, unknown> {
  const kubernetes = targetRefSchema.options[0].omit({ namespace: true });
  return {
    ...openApiFromZod(kubernetes),
    description:
      "The object to scale, through its /scale subresource, in the scaler's own namespace (e.g. {apiVersion: apps/v1, kind: Deployment, name: checkout}).",
  };
}

function triggersSchema(triggers: JsonSchema): JsonSchema {
  const item = required(triggers.items, 'triggers[]');
  return {
    ...triggers,
    description:
      "Each trigger proposes a replica count; the largest wins. Keys other than the common ones are the source's own settings (docs/sources.md), kept as written.",
    'x-kubernetes-validations': [uniqueTriggerNames],
    items: { ...item, 'x-kubernetes-validations': triggerRules() },
  };
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the ScalerSpec schema has no ${what}`);
  return value;
}

/**
 * A CEL message expression: `'…%d…'.format([args])`. Not `'…' + string(x)`: the API server
 * cannot bound the length of `string(x)` and refuses the rule's estimated cost.
 */
const format = (template: string, ...args: string[]): string =>
  `'${template.replaceAll("'", "\\'")}'.format([${args.join(', ')}])`;

/** `has(x) ? x : default`, for a field of `self`. */
const orDefault = (field: string, fallback: string): string =>
  `(has(self.${field}) ? self.${field} : ${fallback})`;

function specRules(): CelRule[] {
  const defaults = defaultSpec();
  const min = orDefault('minReplicas', String(defaults.minReplicas));
  const max = orDefault('maxReplicas', String(defaults.maxReplicas));
  return [
    {
      rule: `${min} <= ${max}`,
      message: 'minReplicas must be at most maxReplicas',
      messageExpression: format('minReplicas (%d) must be at most maxReplicas (%d)', min, max),
      fieldPath: '.minReplicas',
    },
    {
      rule: `!has(self.idleReplicas) || self.idleReplicas < ${min}`,
      message: 'idleReplicas must be less than minReplicas',
      messageExpression: format(
        'idleReplicas (%d) must be less than minReplicas (%d)',
        'self.idleReplicas',
        min,
      ),
      fieldPath: '.idleReplicas',
    },
    ceilingRule(defaults.triggers[0]?.target.value ?? 0),
  ];
}

/**
 * The SLO ceiling is a load one replica carries, so at least the first trigger's target: the
 * default trigger's when `triggers` is left out, a cron trigger's 1 per replica when it has none.
 */
function ceilingRule(defaultTarget: number): CelRule {
  const first =
    `(!has(self.triggers) ? ${defaultTarget.toFixed(1)} : size(self.triggers) == 0 ? 0.0 : ` +
    `has(self.triggers[0].target) ? self.triggers[0].target.value : 1.0)`;
  const ceiling = 'self.prediction.ceiling';
  return {
    rule: `!has(self.prediction) || !has(${ceiling}) || ${ceiling} >= ${first}`,
    message:
      "prediction.ceiling must be at least the first trigger's target: it is the load one replica carries within its SLO, the target keeps a buffer below it",
    messageExpression: format(
      "prediction.ceiling (%s) must be at least the first trigger's target (%s): it is the load one replica carries within its SLO, the target keeps a buffer below it",
      ceiling,
      first,
    ),
    fieldPath: '.prediction.ceiling',
  };
}

const uniqueTriggerNames: CelRule = {
  rule: 'self.all(t, !has(t.name) || self.exists_one(u, has(u.name) && u.name == t.name))',
  message: 'trigger names must be unique',
};

/** The metricType a trigger gets when it names none (core/spec.ts, defaultMetricType). */
const metricType =
  "(has(self.metricType) ? self.metricType : self.type != 'resource' ? 'External' : " +
  "has(self.container) ? 'ContainerResource' : 'Resource')";
const isResource = `${metricType} in ['Resource', 'ContainerResource']`;

function triggerRules(): CelRule[] {
  return [
    {
      rule: "self.type == 'cron' || has(self.target)",
      message: 'target is required (except for cron triggers)',
      fieldPath: '.target',
    },
    {
      rule: `!has(self.target) || self.target.type != 'Utilization' || ${isResource}`,
      message: 'target.type Utilization is allowed only for Resource and ContainerResource metrics',
      messageExpression: format(
        "target.type Utilization is allowed only for Resource and ContainerResource metrics (this trigger's metricType is %s)",
        metricType,
      ),
      fieldPath: '.target.type',
    },
    {
      rule: `!(${isResource}) || has(self.resource)`,
      message: 'resource (cpu or memory) is required for Resource and ContainerResource metrics',
      messageExpression: format('resource (cpu or memory) is required for %s metrics', metricType),
      fieldPath: '.resource',
    },
  ];
}
