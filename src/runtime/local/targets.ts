/**
 * The local runner's targets: a `process` target per scaler (targets/process-pool.ts), started
 * before the first tick and closed (every replica drained and stopped) after the last.
 *
 * @module
 */
import type { ScalerSpec } from '../../core/spec.js';
import {
  ProcessPool,
  type ProcessTargetOptions,
  type ProcessTargetSpec,
} from '../../targets/process-pool.js';
import type { Target } from '../../targets/target.js';
import type { Logger } from '../log.js';

/** One scaler of a local-runner file, parsed. */
export interface LocalScaler {
  readonly name: string;
  readonly spec: ScalerSpec;
  readonly processOptions: ProcessTargetOptions;
}

/** The scaler's process target, or why `tide run` cannot act on its target. */
export function processTargetOf(spec: ScalerSpec): ProcessTargetSpec | string {
  const target = spec.target;
  if (target === undefined) {
    return 'target is missing: tide run acts on a process target (target: {process: {command: ...}}); use --dry-run to decide without acting';
  }
  if ('process' in target) return target.process;
  return `target = ${target.kind}/${target.name}: tide run acts only on process targets (Kubernetes targets are the controller's); use --dry-run to decide without acting`;
}

export interface StartDeps {
  /** The environment every replica inherits. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: Logger;
  /** Replicas each pool starts with; default each spec's minReplicas. */
  readonly replicas?: number | undefined;
}

/**
 * Starts a pool per scaler (proxy listening, first replicas starting); on a failure closes those
 * already started and throws the first error (it names the scaler and the address).
 */
export async function startProcessTargets(
  scalers: readonly LocalScaler[],
  deps: StartDeps,
): Promise<Map<string, ProcessPool>> {
  const pools = new Map<string, ProcessPool>();
  try {
    for (const s of scalers) {
      const process = processTargetOf(s.spec);
      if (typeof process === 'string') throw new Error(`scaler "${s.name}": ${process}`);
      const pool = new ProcessPool({
        name: s.name,
        process,
        options: s.processOptions,
        env: deps.env,
        log: deps.log,
      });
      pools.set(s.name, pool);
      const initial = Math.min(deps.replicas ?? s.spec.minReplicas, s.spec.maxReplicas);
      await pool.start(initial);
    }
  } catch (error) {
    await closeTargets(pools);
    throw error;
  }
  return pools;
}

/**
 * The target as the engine sees it when its clock runs faster than real time: the replicas' start
 * and readiness instants mapped onto the engine's clock (`ScaledClock.fromReal`); everything else
 * is the target's own.
 */
export function inEngineTime(target: Target, engineTime: (realMs: number) => number): Target {
  const pods = target.pods?.bind(target);
  if (pods === undefined) return target;
  return {
    currentReplicas: () => target.currentReplicas(),
    scale: (replicas) => target.scale(replicas),
    pods: () =>
      pods().map((p) => ({
        ...p,
        startTime: p.startTime === null ? null : engineTime(p.startTime),
        ready:
          p.ready === null
            ? null
            : { ...p.ready, lastTransitionTime: engineTime(p.ready.lastTransitionTime) },
      })),
    ...(target.problem === undefined ? {} : { problem: target.problem.bind(target) }),
    close: () => target.close(),
  };
}

/** Drains and stops every replica of every pool. */
export async function closeTargets(pools: ReadonlyMap<string, ProcessPool>): Promise<void> {
  await Promise.all([...pools.values()].map((p) => p.close()));
}
