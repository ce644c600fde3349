/**
 * Tide's data model: what a user declares (ScalerSpec), what sources read at one instant
 * (Observation), what the engine remembers between ticks (ScalerState) and what it returns
 * (Decision). Everything here is plain JSON-compatible data.
 *
 * Units: every instant is milliseconds since the Unix epoch (a plain number); every duration
 * carries its unit in its name (`startupSeconds`, `windowSeconds`). Metric quantities inside an
 * Observation are integer milli-units, as the Kubernetes HPA uses them (1 CPU = 1000, a custom
 * metric value of 20 = 20000).
 *
 * @module
 */

import type { TargetTrackingState } from './policy/target-tracking.js';

/** The ScalerSpec type is inferred from its zod schema in `spec.ts`; re-exported here. */
export type {
  ScalerSpec,
  TriggerSpec,
  Behavior,
  ScalingRules,
  ScalingPolicy,
  FallbackSpec,
  HpaTuning,
  KpaSpec,
  EventSpec,
  PredictionSpec,
  MetricTarget,
} from './spec.js';

// ---------------------------------------------------------------------------------------------
// Observation
// ---------------------------------------------------------------------------------------------

/** Resource requests of one container, in milli-units (`cpu: 500` = half a core). */
export interface ResourceQuantities {
  readonly cpu?: number | null;
  readonly memory?: number | null;
}

export interface ContainerInfo {
  readonly name: string;
  /** Requests by resource name; a missing or null entry means "no request set". */
  readonly requests: ResourceQuantities;
}

export interface InitContainerInfo extends ContainerInfo {
  /** A sidecar (`restartPolicy: Always`): its requests count toward the pod's. */
  readonly restartAlways: boolean;
}

export type PodPhase = 'Running' | 'Pending' | 'Failed' | 'Succeeded' | 'Unknown';

/** One pod matching the target's selector, as the HPA sees it. */
export interface PodInfo {
  readonly name: string;
  readonly phase: PodPhase;
  /** The pod has a deletion timestamp. */
  readonly deleted?: boolean;
  /** Epoch ms; null when the pod has no start time yet. */
  readonly startTime: number | null;
  /** The Ready condition; null when the pod has none. */
  readonly ready: { readonly status: boolean; readonly lastTransitionTime: number } | null;
  readonly containers: readonly ContainerInfo[];
  readonly initContainers?: readonly InitContainerInfo[];
  /** Pod-level requests (the PodLevelResources feature); absent when not set. */
  readonly podRequests?: ResourceQuantities;
}

/** One pod's sample of a per-pod metric (Resource, ContainerResource or Pods). */
export interface PodSample {
  readonly pod: string;
  /** Epoch ms of the sample. */
  readonly timestamp: number;
  /** The window the sample was averaged over. */
  readonly windowSeconds: number;
  /** Pods metrics: the pod's value in milli-units. */
  readonly valueMilli?: number;
  /** Resource metrics: per-container usage in milli-units; null usage = that container lacks it. */
  readonly containers?: readonly { readonly name: string; readonly usageMilli: number | null }[];
}

/** Why a metric could not be read. `retryable` distinguishes "down for now" from "misconfigured". */
export interface ReadingError {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
}

/** What one trigger's source returned at this tick. */
export type MetricReading =
  | {
      readonly status: 'ok';
      /** Epoch ms when the value was read (or the newest sample's time). */
      readonly timestamp: number;
      /** Per-pod metrics (Resource, ContainerResource, Pods). */
      readonly podSamples?: readonly PodSample[];
      /**
       * Object/External metrics: the values of every returned series, in milli-units.
       * Object metrics return one; External metrics are summed, as upstream does.
       */
      readonly valuesMilli?: readonly number[];
      /**
       * The value KEDA's activation compares, in milli-units, when a source reports one apart
       * from its metric (kafka: the lag with persistent lag counted, before the partition cap);
       * absent = the summed `valuesMilli`.
       */
      readonly activationValueMilli?: number;
    }
  | { readonly status: 'error'; readonly error: ReadingError };

/** Everything the engine needs to know about the world at one instant. */
export interface Observation {
  /** The target's declared replica count (`scale.spec.replicas`). */
  readonly currentReplicas: number;
  /** The target's observed replica count (`scale.status.replicas`); defaults to `currentReplicas`. */
  readonly statusReplicas?: number;
  /** Ready replicas (ready endpoints, as Knative counts them); defaults to the ready pods. */
  readonly readyReplicas?: number;
  /** Pods matching the target's selector; empty when the target exposes none. */
  readonly pods: readonly PodInfo[];
  /** Readings keyed by trigger name; a trigger without a reading counts as failed. */
  readonly metrics: Readonly<Record<string, MetricReading>>;
}

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

export interface Recommendation {
  readonly replicas: number;
  readonly timestamp: number;
}

export interface ScaleEvent {
  /** Absolute change in replicas. */
  readonly change: number;
  readonly timestamp: number;
  readonly outdated: boolean;
}

/** One reading of a metric at an instant (a revision total for the KPA). */
export interface TimedSample {
  /** Epoch ms. */
  readonly timestamp: number;
  readonly value: number;
}

/** Knative's scale-down delay: a max-window over 2-second buckets (bucket = trunc(unix s / 2)). */
export interface KpaDelayWindow {
  /** Window length in buckets: ceil(scaleDownDelaySeconds / 2). */
  readonly buckets: number;
  /** Descending maxima, oldest first: the first entry is the window's current maximum. */
  readonly entries: readonly { readonly bucket: number; readonly replicas: number }[];
}

export interface KpaState {
  /** Epoch ms when panic mode last saw the load over the threshold; null = not panicking. */
  readonly panicTime: number | null;
  readonly maxPanicPods: number;
  /** Null when the scale-down delay was 0 at creation: then there is no window at all. */
  readonly delayWindow: KpaDelayWindow | null;
  /** Recent readings of the scaling metric, for the stable and panic window averages. */
  readonly samples: readonly TimedSample[];
  /** Epoch ms since the revision counts as active (Knative's PA Active=True); null = inactive. */
  readonly activeSince: number | null;
  /** Epoch ms since the revision was marked inactive (scale-to-zero grace starts); null = not. */
  readonly inactiveSince: number | null;
  /** Ready pods have reached `kpa.initialScale` once (Knative's ScaleTargetInitialized). */
  readonly initialScaleReached: boolean;
}

export interface TriggerHealth {
  /** Consecutive failed reads. */
  readonly failures: number;
}

/**
 * Everything the engine remembers between ticks. Plain JSON: it round-trips through a CRD status
 * or a file unchanged, and a restarted controller resumes from it.
 */
export interface ScalerState {
  readonly version: 1;
  /** Raw (pre-stabilization) recommendations; null = no history yet (seeded on first decide). */
  readonly recommendations: readonly Recommendation[] | null;
  readonly scaleUpEvents: readonly ScaleEvent[];
  readonly scaleDownEvents: readonly ScaleEvent[];
  /** Epoch ms of the first decision, standing in for the object's creation time. */
  readonly createdAt: number | null;
  /** Epoch ms when any trigger was last active (KEDA's `lastActiveTime`). */
  readonly lastActiveTime: number | null;
  readonly lastScaleTime: number | null;
  readonly triggerHealth: Readonly<Record<string, TriggerHealth>>;
  readonly kpa: KpaState | null;
  /** Forecaster state (prediction); opaque to the other steps. */
  readonly forecast: unknown;
  /** The target-tracking alarms (`policy: target-tracking`); absent or null before the first. */
  readonly targetTracking?: TargetTrackingState | null;
}

export const initialState = (): ScalerState => ({
  version: 1,
  recommendations: null,
  scaleUpEvents: [],
  scaleDownEvents: [],
  createdAt: null,
  lastActiveTime: null,
  lastScaleTime: null,
  triggerHealth: {},
  kpa: null,
  forecast: null,
});

// ---------------------------------------------------------------------------------------------
// Decision
// ---------------------------------------------------------------------------------------------

/**
 * One step of the explanation chain. `code` is a stable PascalCase identifier (HPA condition
 * reasons where one exists: `ScaleDownStabilized`, `ScaleUpLimit`, ...); `message` is for people.
 */
export interface Reason {
  readonly step: string;
  readonly code: string;
  readonly message: string;
  /** The replica count after this step, when the step produces one. */
  readonly replicas?: number;
}

export interface Condition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
}

/** What one trigger proposed. */
export interface TriggerOutcome {
  readonly name: string;
  readonly type: string;
  /** The proposed replica count; null when the trigger failed. */
  readonly replicas: number | null;
  /** The metric value the proposal came from (utilization %, or average/total in units). */
  readonly value: number | null;
  /** KEDA activation: value strictly above the activation threshold. */
  readonly active: boolean;
  readonly error: ReadingError | null;
}

export interface Decision {
  readonly desiredReplicas: number;
  /** False when the engine could not decide and holds the current count (see reasons). */
  readonly valid: boolean;
  readonly reasons: readonly Reason[];
  readonly conditions: readonly Condition[];
  readonly triggers: readonly TriggerOutcome[];
  readonly state: ScalerState;
  /**
   * What prediction asked for at this tick (mode on) or would have asked for (mode
   * forecastOnly, which never acts); absent when it asked for nothing and the reactive proposal
   * stood (mode off, or the planner not confident and no seasonal raise).
   */
  readonly predictedReplicas?: number;
}
