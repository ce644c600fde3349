/**
 * A checker of the structural-schema rules the ElasticScaler CRD relies on (apiextensions.k8s.io/v1,
 * "Specifying a structural schema"), so that a change to the spec that the API server would refuse
 * fails a unit test first. It is stricter than the API server in two ways we choose: no defaults
 * (the controller applies zod's) and no logical junctors at all.
 *
 * @module
 */
import type { JsonSchema } from './json-schema.js';

const types = ['object', 'array', 'string', 'integer', 'number', 'boolean'];
const junctors = ['anyOf', 'oneOf', 'allOf', 'not'];
const references = ['$ref', '$defs', 'definitions', '$schema', 'default'];

/** Every violation, each with the path of its node (`.spec.triggers[]`); empty when structural. */
export function structuralViolations(schema: JsonSchema, path = ''): string[] {
  const at = path === '' ? '(root)' : path;
  const problems = nodeViolations(schema).map((p) => `${at}: ${p}`);
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    problems.push(...structuralViolations(child, `${path}.${name}`));
  }
  if (schema.items !== undefined) problems.push(...structuralViolations(schema.items, `${path}[]`));
  return problems;
}

/** Each rule: the problem it names when its test fails on a node. */
const nodeRules: readonly [(node: JsonSchema) => boolean, (node: JsonSchema) => string][] = [
  [
    (n) => n.type !== undefined || n['x-kubernetes-preserve-unknown-fields'] === true,
    () => 'has no type',
  ],
  [
    (n) => n.type === undefined || types.includes(n.type),
    (n) => `type ${String(n.type)} is not one of ${types.join(', ')}`,
  ],
  [(n) => !('additionalProperties' in n), () => 'uses additionalProperties'],
  [(n) => n.type !== 'array' || n.items !== undefined, () => 'is an array without items'],
  [
    (n) => n.properties === undefined || n.type === 'object',
    () => 'has properties but is not an object',
  ],
  [
    (n) => n.nullable === undefined || typeof n.nullable === 'boolean',
    () => 'nullable is not a boolean',
  ],
];

function nodeViolations(node: JsonSchema): string[] {
  const problems = nodeRules.filter(([ok]) => !ok(node)).map(([, problem]) => problem(node));
  for (const key of [...junctors, ...references]) {
    if (key in node) problems.push(`uses ${key}`);
  }
  problems.push(...requiredViolations(node));
  return problems;
}

function requiredViolations(node: JsonSchema): string[] {
  return (node.required ?? [])
    .filter((name) => node.properties?.[name] === undefined)
    .map((name) => `requires ${name}, which it does not declare`);
}
