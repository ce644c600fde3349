/**
 * From a zod schema to the OpenAPI v3 subset a CustomResourceDefinition accepts (a "structural"
 * schema, apiextensions.k8s.io/v1): zod writes OpenAPI 3.0 (`nullable: true`, boolean
 * `exclusiveMinimum`), and `toStructural` removes what the API server refuses or what we keep out
 * of the CRD on purpose:
 * - `default`: the controller applies the zod defaults (they live once, in core/spec.ts), so an
 *   upgrade changes a default for every stored scaler as it does for `tide run`; a scalar default
 *   is kept as text in the field's `description` for `kubectl explain`;
 * - `additionalProperties: false`: the API server forbids it; unknown fields are pruned, or
 *   rejected with field validation `Strict` (kubectl's default);
 * - `additionalProperties: {}` (a zod loose object): becomes `x-kubernetes-preserve-unknown-fields`;
 * - any `anyOf`/`oneOf`/`allOf`/`$ref` left is an error: unions are the caller's to flatten.
 *
 * @module
 */
import { z } from 'zod';

/** One node of an OpenAPI v3 schema as a CRD holds it. */
export interface JsonSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  format?: string;
  nullable?: boolean;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-validations'?: CelRule[];
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  [keyword: string]: unknown;
}

/** A CEL rule (`x-kubernetes-validations`): `message` is the fallback of `messageExpression`. */
export interface CelRule {
  rule: string;
  message: string;
  messageExpression?: string;
  fieldPath?: string;
}

/** The zod schema's input side (defaults not required) as OpenAPI 3.0, not yet structural. */
export function openApiFromZod(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', target: 'openapi-3.0' });
}

const forbidden = ['anyOf', 'oneOf', 'allOf', 'not', '$ref', '$defs', 'definitions'] as const;

type Rewrite = (out: JsonSchema, value: unknown, path: string) => void;

/** Keywords that are not copied as they are; every other keyword is. */
const rewrites: Record<string, Rewrite> = {
  $schema: () => undefined,
  default: (out, value) => describeDefault(out, value),
  description: (out, value) => {
    out.description =
      out.description === undefined ? String(value) : `${String(value)} ${out.description}`;
  },
  additionalProperties: (out, value, path) => {
    if (isObject(value) && Object.keys(value).length === 0) {
      out['x-kubernetes-preserve-unknown-fields'] = true;
    } else if (value !== false) {
      throw new Error(`${path || '(root)'}: only additionalProperties false or {} are supported`);
    }
  },
  properties: (out, value, path) => {
    out.properties = mapValues(value, (child, name) => toStructural(child, `${path}.${name}`));
  },
  items: (out, value, path) => {
    out.items = toStructural(value as Record<string, unknown>, `${path}[]`);
  },
};

/** Rewrites one zod-generated node (and its children); `path` names it in errors. */
export function toStructural(node: Record<string, unknown>, path: string): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if ((forbidden as readonly string[]).includes(key)) {
      throw new Error(`${path || '(root)'}: ${key} has no structural form; flatten it first`);
    }
    const rewrite = rewrites[key];
    if (rewrite === undefined) out[key] = value;
    else rewrite(out, value, path);
  }
  return out;
}

/** A scalar default as text, so that `kubectl explain` shows it; structured defaults are left out. */
function describeDefault(out: JsonSchema, value: unknown): void {
  if (isObject(value) || Array.isArray(value)) return;
  const text = `Default: ${JSON.stringify(value)}.`;
  out.description = out.description === undefined ? text : `${out.description} ${text}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mapValues(
  value: unknown,
  fn: (child: Record<string, unknown>, name: string) => JsonSchema,
): Record<string, JsonSchema> {
  const entries = Object.entries(value as Record<string, Record<string, unknown>>);
  return Object.fromEntries(entries.map(([name, child]) => [name, fn(child, name)]));
}
