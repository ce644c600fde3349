import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCaseFile } from '../../src/conformance/run.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const sharedFile = resolve(root, '../shared/conformance/kpa-cases.json');
const casesDir = join(dirname(fileURLToPath(import.meta.url)), 'cases');

interface CaseFile {
  readonly counts?: { readonly cases?: number };
  readonly [group: string]: unknown;
}

function load(path: string): CaseFile {
  // Missing shared cases must fail the suite, never skip it.
  return JSON.parse(readFileSync(path, 'utf8')) as CaseFile;
}

function caseIds(file: CaseFile): string[] {
  return [
    'autoscaler',
    'autoscaler_creation',
    'scale_to_zero',
    'target_resolution',
    'windows',
  ].flatMap((group) => ((file[group] ?? []) as { id: string }[]).map((c) => c.id));
}

function suite(name: string, path: string): void {
  describe(name, () => {
    const file = load(path);
    const results = new Map(runCaseFile(file).map((r) => [r.id, r]));
    const ids = caseIds(file);

    it('runs every case in the file', () => {
      expect(ids.length).toBeGreaterThan(0);
      expect([...results.keys()].sort()).toEqual([...ids].sort());
    });

    it.each(ids)('%s', (id) => {
      const result = results.get(id);
      expect(result, `no result for ${id}`).toBeDefined();
      expect({ diff: result?.diff, message: result?.message }).toEqual({
        diff: [],
        message: undefined,
      });
      expect(result?.status).toBe('pass');
    });
  });
}

describe('shared kpa-cases.json', () => {
  it('is present and holds 63 cases', () => {
    const file = load(sharedFile);
    expect(caseIds(file)).toHaveLength(63);
    expect(file.counts?.cases).toBe(63);
  });
});

suite('shared kpa-cases.json', sharedFile);

for (const name of readdirSync(casesDir)
  .filter((f) => /^kpa-.*\.json$/.test(f))
  .sort()) {
  suite(`transcribed ${name}`, join(casesDir, name));
}
