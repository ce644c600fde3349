import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { elasticScalerCrd, printerColumns } from './crd.js';
import type { JsonSchema } from './json-schema.js';
import { hasKubernetesTarget, toElasticScaler } from './manifest.js';
import { structuralViolations } from './structural.js';

const crd = elasticScalerCrd();
const version = crd.spec.versions[0];
const root = version?.schema.openAPIV3Schema ?? {};
const spec = root.properties?.spec ?? {};

const dir = join(import.meta.dirname, '../../docs/examples');
const examples = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .map((file) => ({
    file,
    spec: parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>,
  }));

/**
 * Every key of the value is declared where the schema is closed, every required key is there, and
 * scalars have the declared type: the part of the API server's validation a unit test can check
 * without a validator. The end-to-end test (test/e2e/crd.test.ts) sends the same objects to a
 * real API server, which also runs the CEL rules.
 */
function shapeProblems(schema: JsonSchema, value: unknown, path: string): string[] {
  if (path === '.metadata') return []; // ObjectMeta: the API server's own schema
  if (value === null) return schema.nullable === true ? [] : [`${path}: null`];
  if (schema.type === 'object' && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const missing = (schema.required ?? [])
      .filter((k) => !(k in record))
      .map((k) => `${path}.${k}: required`);
    return [
      ...missing,
      ...Object.entries(record).flatMap(([key, child]) => {
        const childSchema = schema.properties?.[key];
        if (childSchema !== undefined) return shapeProblems(childSchema, child, `${path}.${key}`);
        return schema['x-kubernetes-preserve-unknown-fields'] === true
          ? []
          : [`${path}.${key}: unknown field`];
      }),
    ];
  }
  if (schema.type === 'array' && Array.isArray(value)) {
    return value.flatMap((item, i) => shapeProblems(schema.items ?? {}, item, `${path}[${i}]`));
  }
  const type = Number.isInteger(value) ? ['integer', 'number'] : [typeof value];
  return schema.type === undefined || type.includes(schema.type)
    ? []
    : [`${path}: ${typeof value}, not ${schema.type}`];
}

describe('the ElasticScaler CRD', () => {
  it('is tide.dev/v1alpha1 ElasticScaler, namespaced, short name es, with a status subresource', () => {
    expect(crd.metadata.name).toBe('elasticscalers.tide.dev');
    expect(crd.spec.names).toMatchObject({
      kind: 'ElasticScaler',
      plural: 'elasticscalers',
      shortNames: ['es'],
    });
    expect(crd.spec.scope).toBe('Namespaced');
    expect(version).toMatchObject({
      name: 'v1alpha1',
      served: true,
      storage: true,
      subresources: { status: {} },
    });
  });

  it('has a structural schema', () => {
    expect(structuralViolations(root)).toEqual([]);
    expect(JSON.stringify(root)).not.toMatch(/"(\$ref|definitions|anyOf|oneOf|allOf|default)"/);
  });

  it("takes only the Kubernetes form of a target, in the scaler's namespace, and no name", () => {
    expect(Object.keys(spec.properties?.target?.properties ?? {})).toEqual([
      'apiVersion',
      'kind',
      'name',
    ]);
    expect(spec.properties).not.toHaveProperty('name');
  });

  it('keeps the free-form source settings of a trigger', () => {
    expect(spec.properties?.triggers?.items?.['x-kubernetes-preserve-unknown-fields']).toBe(true);
  });

  it('checks the cross-field rules with CEL, defaults written in', () => {
    const rules = (spec['x-kubernetes-validations'] ?? []).map((r) => r.rule);
    expect(rules).toContain(
      '(has(self.minReplicas) ? self.minReplicas : 1) <= (has(self.maxReplicas) ? self.maxReplicas : 100)',
    );
    expect(rules).toContain(
      '!has(self.idleReplicas) || self.idleReplicas < (has(self.minReplicas) ? self.minReplicas : 1)',
    );
  });

  it('bounds what its CEL rules iterate over', () => {
    expect(spec.properties?.triggers?.maxItems).toBeGreaterThan(0);
    expect(spec.properties?.triggers?.items?.properties?.name?.maxLength).toBe(63);
  });

  it('lists Kind, Target, Min, Max, Current, Desired, Mode and Age', () => {
    expect(printerColumns.map((c) => c.name)).toEqual([
      'Kind',
      'Target',
      'Min',
      'Max',
      'Current',
      'Desired',
      'Mode',
      'Age',
    ]);
  });

  const kubernetes = examples.filter((e) => hasKubernetesTarget(e.spec));
  it('has docs examples to check', () => expect(kubernetes.length).toBeGreaterThan(1));
  it.each(kubernetes)(
    'docs/examples/$file fits the schema as an ElasticScaler',
    ({ file, spec: example }) => {
      const object = toElasticScaler(example, {
        name: file.replace(/\.yaml$/, ''),
        namespace: 'default',
      });
      expect(shapeProblems(root, object, '')).toEqual([]);
    },
  );

  it('finds what the schema rejects', () => {
    const object = toElasticScaler(
      { minReplicas: 'two', target: { process: { command: 'x' } }, extra: 1 },
      { name: 'x' },
    );
    expect(shapeProblems(root, object, '')).toEqual([
      '.spec.minReplicas: string, not integer',
      '.spec.target.apiVersion: required',
      '.spec.target.kind: required',
      '.spec.target.name: required',
      '.spec.target.process: unknown field',
      '.spec.extra: unknown field',
    ]);
  });
});
