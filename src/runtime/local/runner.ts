/**
 * The local runner's loop: one scaler's sources opened once, a tick every `syncPeriodSeconds`
 * carrying the engine's state from tick to tick, and the sources closed at the end. With a
 * target, each tick decides from the target's own replica count and pods, and scales the target
 * when the decision asks for another count (never when `dryRun: true`).
 *
 * @module
 */
import { condition, setCondition } from '../../core/conditions.js';
import {
  initialState,
  type Decision,
  type ScalerSpec,
  type ScalerState,
} from '../../core/model.js';
import { withoutRescale } from '../../core/steps/record.js';
import type { KubeDeps } from '../../sources/kube.js';
import type { ProxyDeps } from '../../sources/proxy.js';
import { createSource, engineTriggerTypes } from '../../sources/registry.js';
import type { Source } from '../../sources/source.js';
import type { Target, TargetProblem } from '../../targets/target.js';
import type { Clock } from '../clock.js';
import { seedFromHistory } from '../history.js';
import type { Logger } from '../log.js';
import { tick, type TickResult } from '../tick.js';

/** Opens a source for every trigger that needs one (cron triggers are the engine's own). */
export function openSources(spec: ScalerSpec, deps: KubeDeps & ProxyDeps): Map<string, Source> {
  const sources = new Map<string, Source>();
  try {
    for (const trigger of spec.triggers) {
      if (!engineTriggerTypes.has(trigger.type))
        sources.set(trigger.name, createSource(trigger, deps));
    }
  } catch (e) {
    void closeSources(sources);
    throw e;
  }
  return sources;
}

export async function closeSources(sources: ReadonlyMap<string, Source>): Promise<void> {
  await Promise.all([...sources.values()].map((s) => s.close().catch(() => undefined)));
}

export interface ScalerLoop {
  readonly spec: ScalerSpec;
  /** The scaler's name in logs; default the spec's. */
  readonly name?: string | undefined;
  readonly sources: ReadonlyMap<string, Source>;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  /** The target's current replica count at each tick. */
  readonly currentReplicas: () => number;
  readonly readConcurrency: number;
  readonly readTimeoutMs: number;
  /** Stop after this many ticks; undefined = until the signal aborts. */
  readonly ticks?: number | undefined;
  /** After each tick; `durationMs` is the tick's wall time (read every trigger, decide). */
  readonly onTick: (result: TickResult, timing: { readonly durationMs: number }) => void;
  /**
   * Read the first trigger's recent history from its metric source before the first tick, to
   * seed the forecaster (runtime/history.ts); default true.
   */
  readonly readHistory?: boolean | undefined;
  /** Notes for people, once per loop (e.g. what history was read, or why none was). */
  readonly onNote?: ((message: string) => void) | undefined;
  /** What the loop scales; without one it only decides (a dry run). */
  readonly target?: Target | undefined;
  /** Decisions that change the count, scale actions, trigger failures and recoveries. */
  readonly log?: Logger | undefined;
}

/** The decision with the target's problem as its AbleToScale condition (False). */
export function withTargetProblem(decision: Decision, problem: TargetProblem | null): Decision {
  if (problem === null) return decision;
  const able = condition('AbleToScale', false, problem.reason, problem.message);
  return { ...decision, conditions: setCondition(decision.conditions, able) };
}

/** Each trigger's last error message (null = it read fine), to log only changes. */
type TriggerErrors = Map<string, string | null>;

/** Logs a trigger that starts failing (or fails differently) and one that recovers. */
export function logTriggerChanges(
  log: Logger,
  scaler: string,
  decision: Decision,
  seen: TriggerErrors,
): void {
  for (const t of decision.triggers) {
    const before = seen.get(t.name);
    const now = t.error === null ? null : `${t.error.code}: ${t.error.message}`;
    seen.set(t.name, now);
    if (now === before || (before === undefined && now === null)) continue;
    if (now === null) log.info({ scaler, trigger: t.name }, 'trigger reads again');
    else log.warn({ scaler, trigger: t.name, error: now }, 'trigger read failed');
  }
}

/**
 * Scales the target when the decision asks for another count; logs the decision and the act.
 * Resolves true when the target now runs what the decision asked for.
 */
async function apply(loop: ScalerLoop, decision: Decision): Promise<boolean> {
  const target = loop.target;
  if (target === undefined) return false;
  const from = target.currentReplicas();
  const to = decision.desiredReplicas;
  if (to === from) return true;
  const scaler = loop.name ?? loop.spec.name;
  const reasons = decision.reasons.map((r) => `${r.code}: ${r.message}`);
  loop.log?.info({ scaler, from, to, reasons }, `decided to scale from ${from} to ${to}`);
  if (loop.spec.dryRun) {
    loop.log?.info({ scaler, from, to }, 'dryRun: true in the spec: not scaling');
    return false;
  }
  const began = performance.now();
  await target.scale(to);
  const ms = Math.round(performance.now() - began);
  loop.log?.info({ scaler, from, to, ms }, `scaled from ${from} to ${to}`);
  return true;
}

/** One tick of the loop: read, decide, log, apply; the decision carries the target's problem. */
async function tickOnce(
  loop: ScalerLoop,
  state: ScalerState,
  triggerErrors: TriggerErrors,
): Promise<{ result: TickResult; applied: boolean }> {
  const began = performance.now();
  const target = loop.target;
  const pods = target?.pods?.();
  const result = await tick({
    spec: loop.spec,
    sources: loop.sources,
    state,
    currentReplicas: target === undefined ? loop.currentReplicas() : target.currentReplicas(),
    ...(pods === undefined ? {} : { pods }),
    clock: loop.clock,
    readConcurrency: loop.readConcurrency,
    readTimeoutMs: loop.readTimeoutMs,
    signal: loop.signal,
  });
  if (loop.log) logTriggerChanges(loop.log, loop.name ?? '', result.decision, triggerErrors);
  const durationMs = performance.now() - began;
  const applied = !loop.signal.aborted && (await apply(loop, result.decision));
  const problem = target?.problem === undefined ? null : target.problem();
  const shown = { ...result, decision: withTargetProblem(result.decision, problem) };
  loop.onTick(shown, { durationMs });
  return { result: shown, applied };
}

/**
 * Ticks until `ticks` are done or the signal aborts; resolves with the number of ticks run. The
 * first tick starts from the history the metric source holds (see `readHistory`).
 */
export async function runScalerLoop(loop: ScalerLoop): Promise<number> {
  let state = initialState();
  if (loop.readHistory !== false) {
    const seeded = await seedFromHistory(loop.spec, loop.sources, loop.clock, loop.signal);
    state = seeded.state;
    loop.onNote?.(seeded.message);
  }
  let done = 0;
  const triggerErrors: TriggerErrors = new Map();
  while (!loop.signal.aborted && (loop.ticks === undefined || done < loop.ticks)) {
    if (done > 0) {
      const slept = await loop.clock.sleep(loop.spec.syncPeriodSeconds * 1000, loop.signal).then(
        () => true,
        () => false,
      );
      if (!slept) break;
    }
    const { result, applied } = await tickOnce(loop, state, triggerErrors);
    // A change not applied (a dry run, no target) leaves no scale event behind.
    state = applied ? result.decision.state : withoutRescale(state, result.decision.state);
    done += 1;
  }
  return done;
}
