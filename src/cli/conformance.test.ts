import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CaseResult } from '../conformance/result.js';
import {
  exitCode,
  formatResults,
  formatSummary,
  runConformance,
  summarize,
} from './conformance.js';

const r = (
  id: string,
  status: CaseResult['status'],
  extra: Partial<CaseResult> = {},
): CaseResult => ({
  id,
  group: 'behavior',
  status,
  upstreamSkipped: false,
  conditional: false,
  diff: [],
  ...extra,
});

const clampCase = (replicas: number) => ({
  format: 'autoscaler-anchor-cases/v1',
  system: 'kubernetes-hpa',
  behavior: [
    {
      id: 'c1',
      function: 'convertDesiredReplicasWithRules',
      input: {
        current_replicas: 5,
        desired_replicas: 7,
        min_replicas: 3,
        max_replicas: 8,
        scale_up_limit_factor: 2,
        scale_up_limit_minimum: 4,
      },
      expected: { replicas, limiting_reason: 'DesiredWithinRange' },
    },
  ],
});

function write(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'tide-conf-')), 'cases.json');
  writeFileSync(path, content);
  return path;
}

describe('summarize', () => {
  it('counts upstream-skipped cases apart', () => {
    const s = summarize([
      r('a', 'pass'),
      r('b', 'fail'),
      r('c', 'not-applicable'),
      r('d', 'fail', { upstreamSkipped: true }),
    ]);
    expect(s).toEqual({
      passed: 1,
      failed: 1,
      notApplicable: 1,
      upstreamSkipped: 1,
      conditional: 0,
    });
    expect(formatSummary(s)).toBe(
      '1 passed, 1 failed, 1 not applicable, 1 upstream-skipped, 0 conditional',
    );
    expect(exitCode(s)).toBe(1);
  });

  it('prints failures with their diff, indented', () => {
    expect(
      formatResults([r('a', 'pass'), r('b', 'fail', { diff: ['replicas: expected 1, got 2'] })]),
    ).toEqual(['PASS a (behavior)', 'FAIL b (behavior)', '    replicas: expected 1, got 2']);
  });
});

describe('runConformance', () => {
  it.each<[string, string, number, string]>([
    ['a passing file', JSON.stringify(clampCase(7)), 0, '1 passed, 0 failed'],
    ['a failing file', JSON.stringify(clampCase(6)), 1, '0 passed, 1 failed'],
    ['invalid JSON', '{', 2, 'reading case file'],
    [
      'an unknown system',
      JSON.stringify({ format: 'autoscaler-anchor-cases/v1', system: 'nope' }),
      2,
      'system = "nope"',
    ],
  ])('%s', (_name, content, code, text) => {
    const lines: string[] = [];
    expect(runConformance([write(content)], (l) => lines.push(l))).toBe(code);
    expect(lines.join('\n')).toContain(text);
  });

  it('exits 2 on a missing file', () => {
    const lines: string[] = [];
    expect(runConformance(['/nonexistent/cases.json'], (l) => lines.push(l))).toBe(2);
    expect(lines[0]).toContain('ENOENT');
  });
});
