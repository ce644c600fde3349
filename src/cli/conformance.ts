/**
 * `tide conformance FILE...`: runs upstream autoscalers' case files through the engine and prints
 * per case pass/fail (with the readable diff of each failure) and a summary line. Exit code 1 on
 * any failure, 2 when a file cannot be read or is not a case file Tide knows.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CaseResult } from '../conformance/result.js';
import { runCaseFile } from '../conformance/run.js';

export interface Summary {
  readonly passed: number;
  readonly failed: number;
  readonly notApplicable: number;
  /** Cases that never ran upstream (or run only under a condition): counted apart. */
  readonly upstreamSkipped: number;
  readonly conditional: number;
}

const apart = (r: CaseResult): boolean => r.upstreamSkipped || r.conditional;

export function summarize(results: readonly CaseResult[]): Summary {
  const core = results.filter((r) => !apart(r));
  return {
    passed: core.filter((r) => r.status === 'pass').length,
    failed: core.filter((r) => r.status === 'fail').length,
    notApplicable: core.filter((r) => r.status === 'not-applicable').length,
    upstreamSkipped: results.filter((r) => r.upstreamSkipped).length,
    conditional: results.filter((r) => r.conditional && !r.upstreamSkipped).length,
  };
}

function label(r: CaseResult): string {
  const status = r.status === 'not-applicable' ? 'N/A ' : r.status.toUpperCase();
  const tags = [r.upstreamSkipped ? 'upstream-skipped' : '', r.conditional ? 'conditional' : '']
    .filter(Boolean)
    .join(', ');
  return `${status} ${r.id} (${r.group}${tags ? `; ${tags}` : ''})`;
}

/** One line per case; failures (and not-applicable reasons) follow with their diff, indented. */
export function formatResults(results: readonly CaseResult[]): string[] {
  return results.flatMap((r) => {
    const detail = r.status === 'pass' ? [] : r.diff.length > 0 ? r.diff : [r.message ?? ''];
    return [label(r), ...detail.filter(Boolean).map((d) => `    ${d}`)];
  });
}

export function formatSummary(s: Summary): string {
  return (
    `${s.passed} passed, ${s.failed} failed, ${s.notApplicable} not applicable, ` +
    `${s.upstreamSkipped} upstream-skipped, ${s.conditional} conditional`
  );
}

/** Exit code for a run: 1 when any counted case failed (upstream-skipped cases are reported apart). */
export function exitCode(s: Summary): number {
  return s.failed > 0 ? 1 : 0;
}

function readCaseFile(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (error) {
    throw new Error(
      `reading case file ${path}: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
}

export function runConformance(files: readonly string[], write: (line: string) => void): number {
  const all: CaseResult[] = [];
  for (const path of files) {
    let results: CaseResult[];
    try {
      results = runCaseFile(readCaseFile(path));
    } catch (error) {
      write(`tide conformance: ${path}: ${error instanceof Error ? error.message : String(error)}`);
      return 2;
    }
    write(`# ${path}`);
    for (const line of formatResults(results)) write(line);
    all.push(...results);
  }
  const summary = summarize(all);
  write(formatSummary(summary));
  return exitCode(summary);
}

export function register(program: Command): void {
  program
    .command('conformance')
    .description(
      'run upstream autoscaler case files (autoscaler-anchor-cases/v1) through the engine',
    )
    .argument('<files...>', 'case files, e.g. ../shared/conformance/hpa-cases.json')
    .action((files: string[]) => {
      process.exitCode = runConformance(files, (line) => process.stdout.write(`${line}\n`));
    });
}
