import { runHpaCaseFile } from './hpa.js';
import { runKpaCases } from './kpa.js';
import { runKedaCases } from './keda.js';
import type { CaseFileRunner, CaseResult } from './result.js';

/**
 * One runner per upstream system, keyed by the file's `system` field. Each lives in its own file
 * (`hpa.ts`, `kpa.ts`, `keda.ts`); add a line here when adding one.
 */
const runners: Readonly<Record<string, CaseFileRunner>> = {
  'kubernetes-hpa': runHpaCaseFile,
  'knative-kpa': runKpaCases,
  keda: runKedaCases,
};

export class ConformanceFileError extends Error {}

/** Runs a parsed case file; throws ConformanceFileError when the file is not a case file Tide knows. */
export function runCaseFile(file: unknown): CaseResult[] {
  if (file === null || typeof file !== 'object') {
    throw new ConformanceFileError('not a case file: expected a JSON object');
  }
  const { format, system } = file as { format?: unknown; system?: unknown };
  if (format !== 'autoscaler-anchor-cases/v1') {
    throw new ConformanceFileError(
      `format = ${JSON.stringify(format)}, must be "autoscaler-anchor-cases/v1"`,
    );
  }
  const runner = typeof system === 'string' ? runners[system] : undefined;
  if (runner === undefined) {
    throw new ConformanceFileError(
      `system = ${JSON.stringify(system)}, must be one of ${Object.keys(runners).join(', ') || '(none yet)'}`,
    );
  }
  return runner(file);
}
