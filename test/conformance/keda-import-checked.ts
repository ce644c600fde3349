/**
 * `tide import` of KEDA documents as the CLI runs it (every trigger checked against its source's
 * schema), for the tests that import KEDA's own ScaledObjects (the CLI module is not importable).
 */
import { parseSpec, type ScalerSpec, type TriggerSpec } from '../../src/core/spec.js';
import { importDocuments, type ImportResult } from '../../src/migrate/import.js';
import { validateTriggerConfig } from '../../src/sources/registry.js';

export type CheckedImport =
  | { readonly ok: false; readonly issues: readonly string[] }
  | { readonly ok: true; readonly spec: ScalerSpec };

/** `tide import` of `docs` as the CLI runs it: every trigger checked against its source's schema. */
export function importWithChecks(docs: readonly unknown[]): ImportResult {
  return importDocuments(docs, {
    local: true,
    secretDir: '/secrets',
    clusterAuthNamespace: 'keda',
    checkTrigger: (trigger: TriggerSpec, path: string) => {
      const r = validateTriggerConfig(trigger, path);
      return r.ok ? [] : r.issues;
    },
  });
}

/** Imports `docs` and parses the first object's spec; the import's issues when it failed. */
export function importChecked(docs: readonly unknown[]): CheckedImport {
  const result = importWithChecks(docs);
  const spec = result.objects[0]?.spec;
  if (result.issues.length > 0 || spec === undefined) {
    return { ok: false, issues: result.issues.map((i) => i.message) };
  }
  const parsed = parseSpec(spec);
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('; '));
  return { ok: true, spec: parsed.value };
}
