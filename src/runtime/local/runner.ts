/**
 * The local runner's loop: one scaler's sources opened once, a tick every `syncPeriodSeconds`
 * carrying the engine's state from tick to tick, and the sources closed at the end.
 *
 * @module
 */
import { initialState, type ScalerSpec } from '../../core/model.js';
import { withoutRescale } from '../../core/steps/record.js';
import type { KubeDeps } from '../../sources/kube.js';
import { createSource, engineTriggerTypes } from '../../sources/registry.js';
import type { Source } from '../../sources/source.js';
import type { Clock } from '../clock.js';
import { seedFromHistory } from '../history.js';
import { tick, type TickResult } from '../tick.js';

/** Opens a source for every trigger that needs one (cron triggers are the engine's own). */
export function openSources(spec: ScalerSpec, deps: KubeDeps): Map<string, Source> {
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
  while (!loop.signal.aborted && (loop.ticks === undefined || done < loop.ticks)) {
    if (done > 0) {
      const slept = await loop.clock.sleep(loop.spec.syncPeriodSeconds * 1000, loop.signal).then(
        () => true,
        () => false,
      );
      if (!slept) break;
    }
    const began = performance.now();
    const result = await tick({
      spec: loop.spec,
      sources: loop.sources,
      state,
      currentReplicas: loop.currentReplicas(),
      clock: loop.clock,
      readConcurrency: loop.readConcurrency,
      readTimeoutMs: loop.readTimeoutMs,
      signal: loop.signal,
    });
    // Nothing acts in a dry run: carry on only what was applied (no scale events never made).
    state = withoutRescale(state, result.decision.state);
    done += 1;
    loop.onTick(result, { durationMs: performance.now() - began });
  }
  return done;
}
