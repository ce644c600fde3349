import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openApiFromZod, toStructural } from './json-schema.js';

const structural = (schema: z.ZodType) => toStructural(openApiFromZod(schema), '');

describe('toStructural', () => {
  it('keeps a scalar default as text for kubectl explain, never as a default', () => {
    expect(structural(z.object({ n: z.int().min(0).default(3) }).strict())).toEqual({
      type: 'object',
      properties: {
        n: {
          type: 'integer',
          minimum: 0,
          maximum: Number.MAX_SAFE_INTEGER,
          description: 'Default: 3.',
        },
      },
    });
  });

  it('leaves structured defaults out and adds no required field for them', () => {
    const out = structural(z.object({ o: z.object({ a: z.string() }).prefault({ a: 'x' }) }));
    expect(out.properties?.o).toEqual({
      type: 'object',
      properties: { a: { type: 'string' } },
      required: ['a'],
    });
    expect(out.required).toBeUndefined();
  });

  it('writes nullable and OpenAPI 3.0 exclusive bounds', () => {
    const out = structural(z.object({ c: z.number().positive().nullable() }));
    expect(out.properties?.c).toEqual({
      type: 'number',
      nullable: true,
      minimum: 0,
      exclusiveMinimum: true,
    });
  });

  it("drops additionalProperties false and keeps a loose object's unknown keys", () => {
    expect(structural(z.object({}).strict())).toEqual({ type: 'object', properties: {} });
    expect(structural(z.looseObject({ a: z.string() }))).toMatchObject({
      'x-kubernetes-preserve-unknown-fields': true,
    });
  });

  it('refuses a union, naming where it is', () => {
    const union = z.object({ t: z.object({ u: z.union([z.string(), z.int()]) }) });
    expect(() => structural(union)).toThrow('.t.u: anyOf has no structural form; flatten it first');
  });
});
