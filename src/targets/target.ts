/**
 * The one interface every scale target implements (DESIGN.md, "Layers": `targets/`). A target is
 * what the runtime scales: a local process pool, a Kubernetes `/scale` subresource. It owns its
 * connections or child processes and releases them in `close()`.
 *
 * @module
 */
import type { PodInfo } from '../core/model.js';

/** Why a target cannot reach the count it was asked for (a condition's reason and message). */
export interface TargetProblem {
  /** Stable PascalCase code, e.g. `ReplicaFailedToStart`. */
  readonly reason: string;
  /** For people: names the command, its exit status or the tail of its stderr. */
  readonly message: string;
}

export interface Target {
  /** The replica count the target was last asked for and is running or starting. */
  currentReplicas(): number;
  /** Asks for `replicas`; resolves once the change is under way (not when replicas are ready). */
  scale(replicas: number): Promise<void>;
  /** The replicas with their readiness and start times, when the target knows them. */
  pods?(): readonly PodInfo[];
  /** What keeps the target from its count, or null when nothing does. */
  problem?(): TargetProblem | null;
  /** Stops every replica it started and releases its resources; safe to call twice. */
  close(): Promise<void>;
}
