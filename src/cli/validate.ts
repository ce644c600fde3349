import type { Command } from 'commander';
import { parseSpec, type ScalerSpec, type SpecIssue } from '../core/spec.js';
import { validateTriggerConfig } from '../sources/registry.js';
import { parseProcessOptions } from '../runtime/local/config.js';
import { readSpecDocuments, type SpecDocument } from './spec-file.js';

/** `tide validate FILE...`: every problem with its path, the value and the rule; exit 1 on any. */
export function register(program: Command): void {
  program
    .command('validate')
    .description('check ScalerSpec files (YAML or JSON); exit 1 on any problem')
    .argument(
      '<files...>',
      'spec files: a spec, an ElasticScaler object, or a file with scalers: [...]',
    )
    .action(async (files: string[]) => {
      let problems = 0;
      for (const file of files) problems += await validateFile(file);
      if (problems > 0) process.exitCode = 1;
    });
}

async function validateFile(file: string): Promise<number> {
  let problems = 0;
  for (const doc of await readSpecDocuments(file)) {
    const result = parseSpec(doc.input);
    const issues = result.ok
      ? [...sourceIssues(result.value), ...localIssues(doc, result.value)]
      : result.issues;
    if (issues.length === 0) process.stdout.write(`${doc.where}: ok\n`);
    for (const issue of issues) process.stdout.write(`${doc.where}: ${issue.message}\n`);
    problems += issues.length;
  }
  return problems;
}

/** A local-runner file's processOptions beside the spec. */
function localIssues(doc: SpecDocument, spec: ScalerSpec): readonly SpecIssue[] {
  if (doc.processOptions === undefined) return [];
  const r = parseProcessOptions(doc.processOptions, spec);
  return r.ok ? [] : r.issues;
}

/** Each trigger's source settings, checked against its source's own schema. */
function sourceIssues(spec: ScalerSpec): SpecIssue[] {
  return spec.triggers.flatMap((t, i) => {
    const r = validateTriggerConfig(t, `triggers[${i}]`);
    return r.ok ? [] : r.issues;
  });
}
