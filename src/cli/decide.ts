import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { decide } from '../core/decide.js';
import type { Decision } from '../core/model.js';
import { parseObservation, parseState } from '../core/observation.js';
import { parseSpec, type SpecIssue } from '../core/spec.js';
import { explainDecision } from '../report/explain.js';

/** `tide decide FILE` (JSON out) and `tide explain FILE` (reasons for people); `-` reads stdin. */
export function register(program: Command): void {
  program
    .command('decide')
    .description(
      'run the engine once on {spec, observation, state, now} and print the decision as JSON',
    )
    .argument('<file>', 'a JSON document (docs/decide-json.md); - for standard input')
    .action(async (file: string) => {
      const run = await runOnce(file);
      if (run !== null) process.stdout.write(`${JSON.stringify(run.decision, null, 2)}\n`);
    });
  program
    .command('explain')
    .description('run the engine once on {spec, observation, state, now} and explain the decision')
    .argument('<file>', 'a JSON document (docs/decide-json.md); - for standard input')
    .action(async (file: string) => {
      const run = await runOnce(file);
      if (run !== null) process.stdout.write(explainDecision(run));
    });
}

interface Run {
  readonly decision: Decision;
  readonly currentReplicas: number;
  readonly now: number;
}

async function readInput(file: string): Promise<string> {
  if (file !== '-') return readFile(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses and validates the document; prints every problem and returns null on bad input. */
async function runOnce(file: string): Promise<Run | null> {
  const where = file === '-' ? 'stdin' : file;
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(await readInput(file)) as Record<string, unknown>;
  } catch (error) {
    return fail([`${where}: ${(error as Error).message}`]);
  }
  const spec = parseSpec(doc.spec);
  const observation = parseObservation(doc.observation);
  const state = parseState(doc.state);
  const now = parseNow(doc.now);
  const issues = [
    ...issuesOf(spec, 'spec.'),
    ...issuesOf(observation, ''),
    ...issuesOf(state, ''),
    ...(typeof now === 'string' ? [now] : []),
  ];
  if (!spec.ok || !observation.ok || !state.ok || typeof now === 'string') {
    return fail(issues.map((i) => `${where}: ${i}`));
  }
  const decision = decide(spec.value, observation.value, state.value, now);
  return { decision, currentReplicas: observation.value.currentReplicas, now };
}

function issuesOf(
  r: { ok: true } | { ok: false; issues: readonly SpecIssue[] },
  prefix: string,
): string[] {
  return r.ok ? [] : r.issues.map((i) => `${prefix}${i.message}`);
}

function parseNow(input: unknown): number | string {
  if (typeof input === 'number' && Number.isFinite(input)) return input;
  if (typeof input === 'string' && !Number.isNaN(Date.parse(input))) return Date.parse(input);
  return `now = ${JSON.stringify(input)}: must be epoch milliseconds or an ISO-8601 instant`;
}

function fail(lines: readonly string[]): null {
  for (const line of lines) process.stderr.write(`${line}\n`);
  process.exitCode = 1;
  return null;
}
