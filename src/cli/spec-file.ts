/**
 * Reading ScalerSpecs from files: YAML (one or several documents) or JSON. A document may be a
 * bare spec, an `ElasticScaler` object (its `.spec` is used), or a local-runner file with a
 * `scalers:` list of named specs.
 */
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { processOptionsKey } from '../runtime/local/config.js';

export interface SpecDocument {
  /** Where it came from, for messages: `file.yaml`, `file.yaml#2`, `file.yaml: scalers[1]`. */
  readonly where: string;
  readonly input: unknown;
  /** A local-runner file's `processOptions` beside the spec (runtime/local/config.ts). */
  readonly processOptions?: unknown;
}

export class SpecFileError extends Error {}

export async function readSpecDocuments(path: string): Promise<SpecDocument[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SpecFileError(`reading ${path}: ${(error as Error).message}`, { cause: error });
  }
  const docs = parseAllDocuments(text);
  const out: SpecDocument[] = [];
  for (const [i, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
    if (doc.errors.length > 0) {
      const first = doc.errors[0];
      throw new SpecFileError(`parsing ${path}: ${first?.message ?? 'invalid YAML'}`);
    }
    const where = docs.length > 1 ? `${path}#${i + 1}` : path;
    out.push(...unwrap(where, doc.toJS() as unknown));
  }
  if (out.length === 0) throw new SpecFileError(`${path}: no spec found (the file is empty)`);
  return out;
}

function unwrap(where: string, input: unknown): SpecDocument[] {
  if (input === null || input === undefined) return [];
  if (typeof input !== 'object' || Array.isArray(input)) return [{ where, input }];
  const obj = input as Record<string, unknown>;
  if (obj.kind === 'ElasticScaler') return [{ where, input: obj.spec }];
  if (Array.isArray(obj.scalers)) {
    return obj.scalers.map((s: unknown, i) => scalerEntry(`${where}: scalers[${i}]`, s));
  }
  return [{ where, input }];
}

/** A `scalers:` entry: its spec, and the local runner's own keys beside it. */
function scalerEntry(where: string, entry: unknown): SpecDocument {
  if (entry === null || typeof entry !== 'object' || !(processOptionsKey in entry)) {
    return { where, input: entry };
  }
  const { [processOptionsKey]: processOptions, ...input } = entry as Record<string, unknown>;
  return { where, input, processOptions };
}
