/**
 * Every case of `../shared/conformance/hpa-cases.json` (one `it` per case id) and of
 * `test/conformance/cases/hpa-*.json`, run through the `kubernetes-hpa` runner. A missing shared
 * file fails the suite: it never skips.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runHpaCaseFile } from '../../src/conformance/hpa.js';
import { runCaseFile } from '../../src/conformance/run.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const sharedFile = resolve(repo, '../shared/conformance/hpa-cases.json');
const localDir = join(repo, 'test/conformance/cases');

interface CaseLike {
  id: string;
}

function caseIds(file: Record<string, unknown>): string[] {
  const rc = (file['replica_calculator'] ?? {}) as Record<string, CaseLike[] | undefined>;
  const lists = [
    rc['calculator_cases'],
    rc['group_pods_cases'],
    rc['request_cases'],
    file['controller'] as CaseLike[] | undefined,
    file['behavior'] as CaseLike[] | undefined,
  ];
  return lists.flatMap((l) => (l ?? []).map((c) => c.id));
}

function suite(label: string, path: string): void {
  describe(label, () => {
    it('exists and is a kubernetes-hpa case file', () => {
      expect(existsSync(path), `${path} must exist`).toBe(true);
    });
    if (!existsSync(path)) return;
    const file = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    const results = new Map(runCaseFile(file).map((r) => [r.id, r]));
    const ids = caseIds(file);
    it('has cases and unique ids', () => {
      expect(ids.length).toBeGreaterThan(0);
      expect(new Set(ids).size).toBe(ids.length);
    });
    it.each(ids)('%s', (id) => {
      const r = results.get(id);
      expect(r, `no result for ${id}`).toBeDefined();
      expect(r?.diff ?? []).toEqual([]);
      expect(r?.status).toBe('pass');
    });
  });
}

suite('shared hpa-cases.json', sharedFile);

const local = existsSync(localDir)
  ? readdirSync(localDir)
      .filter((f) => /^hpa-.*\.json$/.test(f))
      .sort()
  : [];
for (const f of local) suite(`local ${f}`, join(localDir, f));

describe('runner', () => {
  it('reports a case whose expectation differs as a failure with a readable diff', () => {
    const results = runHpaCaseFile({
      behavior: [
        {
          id: 'x',
          function: 'convertDesiredReplicasWithRules',
          input: {
            current_replicas: 5,
            desired_replicas: 7,
            min_replicas: 3,
            max_replicas: 8,
            scale_up_limit_factor: 2,
            scale_up_limit_minimum: 4,
          },
          expected: { replicas: 6, limiting_reason: 'DesiredWithinRange' },
        },
      ],
    });
    expect(results[0]?.status).toBe('fail');
    expect(results[0]?.diff).toEqual(['replicas: expected 6, got 7']);
  });
});
