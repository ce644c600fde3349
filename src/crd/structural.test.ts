import { describe, expect, it } from 'vitest';
import type { JsonSchema } from './json-schema.js';
import { structuralViolations } from './structural.js';

const object = (properties: Record<string, JsonSchema>): JsonSchema => ({
  type: 'object',
  properties,
});

describe('structuralViolations', () => {
  it('accepts typed nodes and free-form nodes that keep unknown fields', () => {
    const schema = object({
      a: { type: 'string' },
      b: { type: 'array', items: { type: 'integer' } },
      c: { 'x-kubernetes-preserve-unknown-fields': true },
      d: {
        type: 'object',
        'x-kubernetes-preserve-unknown-fields': true,
        properties: { e: { type: 'number', nullable: true } },
      },
    });
    expect(structuralViolations(schema)).toEqual([]);
  });

  it.each<[string, JsonSchema, string]>([
    ['an untyped node', object({ a: {} }), '.a: has no type'],
    ['an unknown type', object({ a: { type: 'null' as never } }), '.a: type null is not one of'],
    ['a union', object({ a: { type: 'string', anyOf: [] } }), '.a: uses anyOf'],
    ['a reference', object({ a: { type: 'object', $ref: '#/x' } }), '.a: uses $ref'],
    ['definitions', { ...object({}), definitions: {} }, '(root): uses definitions'],
    ['a default', object({ a: { type: 'integer', default: 1 } }), '.a: uses default'],
    [
      'additionalProperties',
      object({ a: { type: 'object', additionalProperties: false } }),
      '.a: uses additionalProperties',
    ],
    ['an array without items', object({ a: { type: 'array' } }), '.a: is an array without items'],
    ['an item without a type', object({ a: { type: 'array', items: {} } }), '.a[]: has no type'],
    [
      'properties on a string',
      object({ a: { type: 'string', properties: {} } }),
      '.a: has properties but is not an object',
    ],
    [
      'an undeclared required field',
      { ...object({}), required: ['x'] },
      '(root): requires x, which it does not declare',
    ],
  ])('reports %s', (_what, schema, problem) => {
    expect(structuralViolations(schema).join('\n')).toContain(problem);
  });
});
