/**
 * KEDA conformance: one test per applicable case of ../shared/conformance/keda-cases.json and of
 * the extra cases in test/conformance/cases/keda-*.json (transcribed from KEDA's tests for
 * branches the shared file misses). Not-applicable cases are counted and listed, never hidden.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCaseFile } from '../../src/conformance/run.js';
import type { CaseResult } from '../../src/conformance/result.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// TIDE_SHARED_DIR: where ../shared is when the checkout is a worktree elsewhere.
const sharedDir = process.env.TIDE_SHARED_DIR ?? resolve(repoRoot, '../shared');
const sharedFile = resolve(sharedDir, 'conformance/keda-cases.json');
const extraDir = join(repoRoot, 'test/conformance/cases');

function load(path: string): CaseResult[] {
  return runCaseFile(JSON.parse(readFileSync(path, 'utf8')) as unknown);
}

const files = [
  sharedFile,
  ...(existsSync(extraDir)
    ? readdirSync(extraDir)
        .filter((f) => /^keda-.*\.json$/.test(f))
        .map((f) => join(extraDir, f))
    : []),
];

for (const path of files) {
  describe(`KEDA conformance: ${path.replace(repoRoot, '.')}`, () => {
    it('case file exists', () => {
      expect(existsSync(path), `${path} is missing`).toBe(true);
    });
    if (!existsSync(path)) return;
    const results = load(path);
    const applicable = results.filter((r) => r.status !== 'not-applicable');
    const notApplicable = results.filter((r) => r.status === 'not-applicable');

    it.each(applicable.map((r) => [r.id, r] as const))('%s', (_id, r) => {
      expect(r.diff, r.message ?? '').toEqual([]);
      expect(r.status, r.message ?? '').toBe('pass');
    });

    it(`lists ${notApplicable.length} not-applicable cases`, () => {
      for (const r of notApplicable) expect(r.message, r.id).toBeTruthy();
      console.info(
        `${path.replace(repoRoot, '.')}: ${applicable.filter((r) => r.status === 'pass').length} pass, ` +
          `${applicable.filter((r) => r.status === 'fail').length} fail ` +
          `(${applicable.filter((r) => r.conditional && r.status === 'fail').length} of them conditional), ` +
          `${notApplicable.length} not applicable: ${notApplicable.map((r) => r.id).join(', ')}`,
      );
    });
  });
}
