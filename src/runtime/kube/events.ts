/**
 * Kubernetes Events (events.k8s.io/v1) about an ElasticScaler: one on every scale and on every
 * condition change, with the decision's reason codes. Each object may emit a burst of 25 and then
 * one per 5 minutes, as client-go's event correlator allows, so a flapping scaler cannot flood
 * the API server. Sending never throws: an Event that cannot be written is logged and dropped.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../log.js';
import type { KubeRest } from './rest.js';

export interface InvolvedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
}

export interface ScalerEvent {
  readonly type: 'Normal' | 'Warning';
  /** PascalCase, ≤ 128 characters (the decision's or the condition's reason). */
  readonly reason: string;
  /** PascalCase, what the controller did: Scale, Update, Decide. */
  readonly action: string;
  readonly note: string;
}

export const REPORTING_CONTROLLER = 'tide.dev/controller';
const BURST = 25;
const REFILL_MS = 300_000;

/** `2026-12-07T19:20:01.123000Z`: the API's MicroTime wants six fractional digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class EventRecorder {
  readonly #rest: KubeRest;
  readonly #instance: string;
  readonly #now: () => number;
  readonly #log: Logger;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(options: {
    readonly rest: KubeRest;
    readonly instance: string;
    readonly now: () => number;
    readonly log: Logger;
  }) {
    this.#rest = options.rest;
    this.#instance = options.instance;
    this.#now = options.now;
    this.#log = options.log;
  }

  /** Emits one Event; resolves false when it was rate-limited or could not be written. */
  async emit(regarding: InvolvedObject, event: ScalerEvent): Promise<boolean> {
    const key = `${regarding.namespace}/${regarding.name}`;
    if (!this.#take(key)) return false;
    const now = this.#now();
    const body = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: {
        name: `${regarding.name}.${now.toString(16)}${randomBytes(3).toString('hex')}`,
        namespace: regarding.namespace,
      },
      eventTime: microTime(now),
      reportingController: REPORTING_CONTROLLER,
      reportingInstance: this.#instance.slice(0, 128),
      action: event.action,
      reason: event.reason.slice(0, 128),
      note: event.note.slice(0, 1024),
      type: event.type,
      regarding,
    };
    try {
      await this.#rest.request(
        'POST',
        `/apis/events.k8s.io/v1/namespaces/${encodeURIComponent(regarding.namespace)}/events`,
        {
          body,
          doing: `writing an Event about ElasticScaler ${key}`,
        },
      );
      return true;
    } catch (e) {
      this.#log.warn(
        { scaler: key, reason: event.reason, err: (e as Error).message },
        'could not write an Event',
      );
      return false;
    }
  }

  /** Forgets a deleted object's rate limit. */
  forget(namespace: string, name: string): void {
    this.#buckets.delete(`${namespace}/${name}`);
  }

  #take(key: string): boolean {
    const now = this.#now();
    const b = this.#buckets.get(key) ?? { tokens: BURST, at: now };
    const refilled = Math.min(BURST, b.tokens + Math.floor((now - b.at) / REFILL_MS));
    const at = refilled > b.tokens ? now : b.at;
    if (refilled < 1) {
      this.#buckets.set(key, { tokens: refilled, at });
      return false;
    }
    this.#buckets.set(key, { tokens: refilled - 1, at });
    return true;
  }
}
