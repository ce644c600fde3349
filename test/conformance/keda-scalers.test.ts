/**
 * KEDA's scaler metadata tables (`cases/scalers-keda.json`, transcribed from KEDA's
 * `pkg/scalers/*_scaler_test.go`) for the trigger types `tide import` converts: a ScaledObject
 * holding the row's trigger is imported as the CLI does (every trigger checked against its
 * source's schema). A row KEDA rejects must be refused; a row KEDA accepts must import, except
 * where the row names a `departure`: a setting Tide documents it cannot express, which the import
 * must then refuse as unsupported on exactly that field (never silently drop). The value cases
 * run KEDA's response decoding tests against the source Tide maps the trigger to.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeHttpValue } from '../../src/sources/http.js';
import { importWithChecks } from './keda-import-checked.js';

const here = dirname(fileURLToPath(import.meta.url));

interface MetadataCase {
  readonly source: string;
  readonly scaler: string;
  readonly metadata: Record<string, string>;
  /** The trigger's `metricType`. */
  readonly metricType?: string;
  /** Parameters KEDA's test resolves from authentication: here a TriggerAuthentication's Secret. */
  readonly authParams?: Record<string, string>;
  /** The TriggerAuthentication's `podIdentity.provider`. */
  readonly podIdentity?: string;
  readonly isError: boolean;
  /**
   * A field KEDA accepts that Tide refuses as unsupported: `metadata.<key>` of the trigger, a
   * field of the fixture's TriggerAuthentication (`TriggerAuthentication default/auth spec...`),
   * or of the Tide spec the import writes (`spec (Tide: triggers[0].host)`).
   */
  readonly departure?: string | readonly string[];
  /** Why, where the departure is not plain from its field. */
  readonly departureWhy?: string;
}

interface ValueCase {
  readonly source: string;
  readonly scaler: 'metrics-api';
  /** KEDA's `format`: json, yaml, xml or prometheus. */
  readonly format: string;
  readonly valueLocation: string;
  /** The response document (json rows). */
  readonly body?: unknown;
  readonly isError: boolean;
  readonly expectVal?: number;
  readonly departure?: string;
}

interface Cases {
  readonly metadata: readonly MetadataCase[];
  readonly values: readonly ValueCase[];
}

const cases = JSON.parse(readFileSync(resolve(here, 'cases/scalers-keda.json'), 'utf8')) as Cases;

/** The row's trigger in a ScaledObject, and a TriggerAuthentication for its auth parameters. */
function documents(c: MetadataCase): unknown[] {
  const auth = c.authParams ?? {};
  const withAuth = Object.keys(auth).length > 0 || c.podIdentity !== undefined;
  const so = {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: 'case', namespace: 'default' },
    spec: {
      scaleTargetRef: { name: 'app' },
      // KEDA's webhook refuses only-cpu/memory objects that may scale to 0; the scaler test has
      // no ScaledObject, so the fixture keeps one replica.
      ...(c.scaler === 'cpu' || c.scaler === 'memory' ? { minReplicaCount: 1 } : {}),
      triggers: [
        {
          type: c.scaler,
          ...(c.metricType === undefined ? {} : { metricType: c.metricType }),
          metadata: c.metadata,
          ...(withAuth ? { authenticationRef: { name: 'auth' } } : {}),
        },
      ],
    },
  };
  if (!withAuth) return [so];
  const ta = {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'TriggerAuthentication',
    metadata: { name: 'auth', namespace: 'default' },
    spec: {
      ...(c.podIdentity === undefined ? {} : { podIdentity: { provider: c.podIdentity } }),
      ...(Object.keys(auth).length === 0
        ? {}
        : {
            secretTargetRef: Object.keys(auth).map((parameter) => ({
              parameter,
              name: 'auth-secret',
              key: parameter,
            })),
          }),
    },
  };
  return [so, ta];
}

function importRow(c: MetadataCase): { kind: string; field: string; message: string }[] {
  return importWithChecks(documents(c)).issues.map((i) => ({
    kind: i.kind,
    field: i.field,
    message: i.message,
  }));
}

/** A row KEDA accepts and Tide documents it cannot express: refused as unsupported, on those fields. */
function expectDeparture(
  issues: ReturnType<typeof importRow>,
  departure: string | readonly string[],
  why?: string,
): void {
  const fields = (typeof departure === 'string' ? [departure] : departure).map((d) =>
    d.startsWith('TriggerAuthentication ') || d.startsWith('spec ') ? d : `spec.triggers[0].${d}`,
  );
  expect(issues.length, JSON.stringify(issues)).toBeGreaterThan(0);
  for (const issue of issues) {
    // A departure with a stated reason may be any kind of issue, on the listed fields only.
    if (why === undefined) expect(issue.kind, issue.message).toBe('unsupported');
    expect(fields, issue.message).toContain(issue.field);
  }
}

describe('KEDA scaler metadata tables through tide import', () => {
  it.each(cases.metadata.map((c) => [c.source, c] as const))('%s', (_, c) => {
    const issues = importRow(c);
    if (c.isError) {
      expect(issues.length, `KEDA rejects this trigger; Tide imported it`).toBeGreaterThan(0);
    } else if (c.departure === undefined) {
      expect(issues).toEqual([]);
    } else {
      expectDeparture(issues, c.departure, c.departureWhy);
    }
  });
});

describe('KEDA metrics-api response decoding (TestGetValueFromResponse) through the imported source', () => {
  it.each(cases.values.map((c) => [c.source, c] as const))('%s', (_, c) => {
    const row: MetadataCase = {
      source: c.source,
      scaler: c.scaler,
      metadata: {
        url: 'http://dummy:1230/api/v1/',
        valueLocation: c.valueLocation,
        targetValue: '1',
        format: c.format,
      },
      isError: false,
    };
    if (c.departure !== undefined) {
      expectDeparture(importRow(row), c.departure);
      return;
    }
    const imported = importWithChecks(documents(row));
    expect(imported.issues).toEqual([]);
    const spec = imported.objects[0]?.spec as { triggers: { valuePath: string }[] } | undefined;
    const valuePath = spec?.triggers[0]?.valuePath;
    if (valuePath === undefined) throw new Error('no imported valuePath');
    if (c.isError) {
      expect(() => decodeHttpValue(c.body, valuePath)).toThrow();
      return;
    }
    expect(decodeHttpValue(c.body, valuePath) / 1000).toBe(c.expectVal);
  });
});
