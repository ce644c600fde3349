/**
 * The `kubernetes-hpa` case-file runner: every case kind of `hpa-cases.json` (FORMAT.md §3).
 * Calculator, grouping and request cases run against `core/policy/hpa`; controller cases run
 * through `decide`; behavior cases run against the step functions. Only `expected` is compared.
 *
 * @module
 */
import { runBehaviorCase } from './hpa-behavior.js';
import {
  runCalculatorCase,
  runGroupPodsCase,
  runRequestCase,
  type CalculatorCaseInput,
  type GroupPodsCaseInput,
  type RequestCaseInput,
} from './hpa-calculator.js';
import { runControllerCase, type ControllerCase } from './hpa-controller.js';
import { diffExpected, type CaseFileRunner, type CaseResult } from './result.js';

interface HpaCase {
  id: string;
  function: string;
  input: unknown;
  expected: Record<string, unknown>;
  upstream_skipped?: boolean;
}

interface HpaFile {
  replica_calculator?: {
    calculator_cases?: HpaCase[];
    group_pods_cases?: HpaCase[];
    request_cases?: HpaCase[];
  };
  controller?: HpaCase[];
  behavior?: HpaCase[];
}

type Run = (c: HpaCase) => string[];

function result(group: string, c: HpaCase, run: Run): CaseResult {
  const upstreamSkipped = c.upstream_skipped === true;
  try {
    const diff = run(c);
    return {
      id: c.id,
      group,
      status: diff.length === 0 ? 'pass' : 'fail',
      upstreamSkipped,
      conditional: false,
      diff,
    };
  } catch (error) {
    const message = `running case ${c.id}: ${error instanceof Error ? error.message : String(error)}`;
    return {
      id: c.id,
      group,
      status: 'fail',
      upstreamSkipped,
      conditional: false,
      diff: [message],
      message,
    };
  }
}

const calculator: Run = (c) =>
  diffExpected(
    c.expected,
    runCalculatorCase(c.function, c.input as CalculatorCaseInput, c.expected),
  );
const groupPods: Run = (c) =>
  diffExpected(c.expected, runGroupPodsCase(c.input as GroupPodsCaseInput));
const requests: Run = (c) =>
  diffExpected(c.expected, runRequestCase(c.input as RequestCaseInput, c.expected));
const controller: Run = (c) =>
  diffExpected(c.expected, runControllerCase(c as unknown as ControllerCase));
const behavior: Run = (c) => {
  const actual = runBehaviorCase(c.function, c.input as Record<string, unknown>);
  if ('up' in actual && 'down' in actual) {
    return [
      ...diffExpected(c.expected, actual.up).map((d) => `scale-up list: ${d}`),
      ...diffExpected(c.expected, actual.down).map((d) => `scale-down list: ${d}`),
    ];
  }
  return diffExpected(c.expected, actual);
};

/** Runs every case of a parsed `kubernetes-hpa` case file. */
export const runHpaCaseFile: CaseFileRunner = (file) => {
  const f = file as HpaFile;
  const rc = f.replica_calculator ?? {};
  const groups: [string, HpaCase[] | undefined, Run][] = [
    ['calculator', rc.calculator_cases, calculator],
    ['group_pods', rc.group_pods_cases, groupPods],
    ['requests', rc.request_cases, requests],
    ['controller', f.controller, controller],
    ['behavior', f.behavior, behavior],
  ];
  return groups.flatMap(([group, cases, run]) => (cases ?? []).map((c) => result(group, c, run)));
};
