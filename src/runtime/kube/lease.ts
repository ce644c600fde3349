/**
 * Leader election over a coordination.k8s.io/v1 Lease, so that only one of several controller
 * replicas acts: a port of client-go's `tools/leaderelection` (32ce75a).
 *
 * - Acquire: try every retryPeriod, jittered up to ×2.2 (client-go JitterFactor 1.2), until it
 *   succeeds.
 * - One try (tryAcquireOrRenew): a leader whose lease is still valid replaces its cached Lease at
 *   once (its resourceVersion makes a race fail with 409); otherwise GET (CREATE on 404), and when
 *   the record changed note the LOCAL time it was seen. Another holder's lease counts as valid
 *   until that local time + leaseDurationSeconds: the remote renewTime is never compared with our
 *   clock, so clock skew between replicas does not matter (a different clock rate would).
 * - Renew: every retryPeriod; when no renewal succeeded within renewDeadlineSeconds of the start of
 *   the last one that did (or another holder is seen), leadership is lost. client-go counts the
 *   deadline from the start of a renew round (one retryPeriod later) and keeps trying after seeing
 *   another holder; both changes only stop a stale leader sooner.
 * - A lost leader does not try again: the owner should exit (controller-runtime's guidance).
 * - close() aborts the guarded work, waits for it to settle, and only then releases the lease
 *   (holder "", leaseDurationSeconds 1, retried on 409), so the next leader never overlaps with
 *   work still running here (kubernetes#71490). There is no fencing.
 *
 * Times on the wire are MicroTime with six fractional digits (`.123000Z`): the API server rejects
 * a plain Date's `.123Z`.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';

export interface LeaseRef {
  readonly namespace: string;
  readonly name: string;
}

/** The Lease's spec as leader election reads and writes it. */
export interface LeaseRecord {
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  /** MicroTime: `2024-01-01T00:00:00.123000Z`. */
  readonly acquireTime: string;
  /** MicroTime; written by the holder, never compared with our clock. */
  readonly renewTime: string;
  readonly leaseTransitions: number;
}

/** A Lease as stored: its record and the resourceVersion a replace must carry. */
export interface StoredLease {
  readonly record: LeaseRecord;
  readonly resourceVersion: string;
}

export type LeaseErrorCode = 'NotFound' | 'Conflict' | 'Timeout' | 'Failed';

/** An expected failure of a Lease request: 404 `NotFound`, 409 `Conflict`, `Timeout`, `Failed`. */
export class LeaseError extends Error {
  override readonly name = 'LeaseError';
  readonly code: LeaseErrorCode;

  constructor(code: LeaseErrorCode, message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isLeaseError(e: unknown, code?: LeaseErrorCode): e is LeaseError {
  return e instanceof LeaseError && (code === undefined || e.code === code);
}

/** The narrow client leader election needs; a test fake is a Map and a counter. */
export interface LeaseClient {
  /** Rejects with LeaseError `NotFound` when there is no such Lease. */
  get(ref: LeaseRef, signal: AbortSignal): Promise<StoredLease>;
  /** Rejects with LeaseError `Conflict` when it already exists. */
  create(ref: LeaseRef, record: LeaseRecord, signal: AbortSignal): Promise<StoredLease>;
  /** A PUT carrying `lease.resourceVersion`; rejects with LeaseError `Conflict` when it is stale. */
  replace(ref: LeaseRef, lease: StoredLease, signal: AbortSignal): Promise<StoredLease>;
}

/** Epoch ms as a MicroTime: `Date.UTC(2024, 0, 1, 0, 0, 0, 123)` → `2024-01-01T00:00:00.123000Z`. */
export function formatMicroTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, -1) + '000Z';
}

export interface LeaderElectionTimings {
  readonly leaseDurationSeconds: number;
  readonly renewDeadlineSeconds: number;
  readonly retryPeriodSeconds: number;
}

/** component-base and controller-runtime defaults. */
export const defaultLeaderElectionTimings: LeaderElectionTimings = {
  leaseDurationSeconds: 15,
  renewDeadlineSeconds: 10,
  retryPeriodSeconds: 2,
};

/** client-go's wait.Jitter factor: a wait of d lasts between d and 2.2 d. */
const jitterFactor = 1.2;

/** client-go's rules: leaseDuration > renewDeadline > 1.2 × retryPeriod, all positive. */
export function leaderElectionTimingIssues(t: LeaderElectionTimings): string[] {
  const keys = ['leaseDurationSeconds', 'renewDeadlineSeconds', 'retryPeriodSeconds'] as const;
  const issues = keys
    .filter((key) => !(Number.isFinite(t[key]) && t[key] > 0))
    .map((key) => `${key} = ${String(t[key])}, must be a positive number`);
  if (issues.length > 0) return issues;
  if (t.leaseDurationSeconds <= t.renewDeadlineSeconds) {
    issues.push(
      `leaseDurationSeconds = ${t.leaseDurationSeconds}, must be greater than renewDeadlineSeconds (${t.renewDeadlineSeconds})`,
    );
  }
  const minRenew = jitterFactor * t.retryPeriodSeconds;
  if (t.renewDeadlineSeconds <= minRenew) {
    issues.push(
      `renewDeadlineSeconds = ${t.renewDeadlineSeconds}, must be greater than ${jitterFactor} × retryPeriodSeconds (${Number(minRenew.toFixed(6))})`,
    );
  }
  return issues;
}

/** controller-runtime's identity: `<hostname>_<uuid>`, unique per process. */
export function defaultLeaderIdentity(): string {
  return `${hostname()}_${randomUUID()}`;
}

export interface LeaderElectorOptions extends Partial<LeaderElectionTimings> {
  readonly lease: LeaseRef;
  /** Default `defaultLeaderIdentity()`. */
  readonly identity?: string;
  readonly clock: Clock;
  readonly client: LeaseClient;
  readonly logger: Logger;
  /** The guarded work: runs while leading; `signal` aborts when leadership ends. */
  readonly onStartedLeading: (signal: AbortSignal) => Promise<void> | void;
  /**
   * Once, when the elector stops: as soon as leadership is lost (the work's signal is aborted
   * already; the process should exit), at the end of close(), or at close() when it never led.
   */
  readonly onStoppedLeading?: () => void;
  /** Each time the observed holder changes ("" once a holder has released the lease). */
  readonly onNewLeader?: (identity: string) => void;
  /** Random numbers in [0, 1) for the acquire jitter; default Math.random. */
  readonly random?: () => number;
}

type Ending = 'closed' | 'lost';

/**
 * Campaigns for the Lease after start() and runs `onStartedLeading` while it holds it. A lost
 * leadership is final for this elector; close() ends the campaign and releases a held lease.
 */
export class LeaderElector {
  readonly #options: LeaderElectorOptions;
  readonly #identity: string;
  readonly #log: Logger;
  readonly #leaseMs: number;
  readonly #renewDeadlineMs: number;
  readonly #retryMs: number;
  readonly #requestTimeoutMs: number;
  readonly #stop = new AbortController();
  #run: Promise<void> | undefined;
  #leading = false;
  #stoppedCalled = false;
  /** The last Lease read or written (its resourceVersion is what a replace carries). */
  #stored: StoredLease | undefined;
  /** The last record seen to change, and the local time it was seen. */
  #observed: LeaseRecord | undefined;
  #observedAt = 0;
  #reportedLeader: string | undefined;

  constructor(options: LeaderElectorOptions) {
    const d = defaultLeaderElectionTimings;
    const timings: LeaderElectionTimings = {
      leaseDurationSeconds: options.leaseDurationSeconds ?? d.leaseDurationSeconds,
      renewDeadlineSeconds: options.renewDeadlineSeconds ?? d.renewDeadlineSeconds,
      retryPeriodSeconds: options.retryPeriodSeconds ?? d.retryPeriodSeconds,
    };
    const issues = leaderElectionTimingIssues(timings);
    if (issues.length > 0) throw new Error(`leader election: ${issues.join('; ')}`);
    this.#options = options;
    this.#identity = options.identity ?? defaultLeaderIdentity();
    this.#leaseMs = timings.leaseDurationSeconds * 1000;
    this.#renewDeadlineMs = timings.renewDeadlineSeconds * 1000;
    this.#retryMs = timings.retryPeriodSeconds * 1000;
    this.#requestTimeoutMs = Math.max(this.#renewDeadlineMs / 2, 1000);
    this.#log = options.logger.child({
      lease: `${options.lease.namespace}/${options.lease.name}`,
      identity: this.#identity,
    });
  }

  get identity(): string {
    return this.#identity;
  }

  /** True from acquiring the lease until leadership ends (lost, or close() began). */
  isLeader(): boolean {
    return this.#leading;
  }

  /** The holder last observed (possibly this elector); undefined when none was seen or it released. */
  leader(): string | undefined {
    const holder = this.#observed?.holderIdentity;
    return holder === undefined || holder === '' ? undefined : holder;
  }

  start(): void {
    if (this.#run !== undefined || this.#stop.signal.aborted) {
      throw new Error('LeaderElector: start() may be called once, before close()');
    }
    this.#run = this.#main();
  }

  /** Ends the campaign; when leading, stops the guarded work, waits for it, then releases. */
  async close(): Promise<void> {
    this.#leading = false;
    this.#stop.abort(new Error('leader elector closed'));
    await this.#run;
    this.#stopped();
  }

  async #main(): Promise<void> {
    try {
      const acquiredAt = await this.#acquire();
      if (acquiredAt === undefined) return;
      // A try that won while close() was being called: give the lease back without leading.
      if (this.#stop.signal.aborted) await this.#release();
      else await this.#lead(acquiredAt);
    } catch (e) {
      this.#log.error({ err: e }, 'leader election failed');
    } finally {
      this.#leading = false;
      this.#stopped();
    }
  }

  /** Tries every retry period (jittered) until it holds the lease; the start of the winning try. */
  async #acquire(): Promise<number | undefined> {
    this.#log.info('trying to acquire the lease');
    for (;;) {
      const start = this.#options.clock.now();
      const ok = await this.#tryAcquireOrRenew(undefined);
      this.#reportLeader();
      if (ok) return start;
      const random = this.#options.random ?? Math.random;
      const waitMs = this.#retryMs * (1 + jitterFactor * random());
      if (!(await this.#pause(waitMs))) return undefined;
    }
  }

  async #lead(acquiredAt: number): Promise<void> {
    this.#leading = true;
    this.#log.info('acquired the lease: leading');
    const work = new AbortController();
    const guarded = this.#guard(work.signal);
    const ending = await this.#renewLoop(acquiredAt);
    this.#leading = false;
    work.abort(new Error(ending === 'lost' ? 'leader election lost' : 'leader elector closed'));
    if (ending === 'lost') {
      this.#log.error('leader election lost: stopped leading');
      this.#stopped();
    }
    await guarded;
    if (ending === 'closed') await this.#release();
  }

  async #guard(signal: AbortSignal): Promise<void> {
    try {
      await this.#options.onStartedLeading(signal);
    } catch (e) {
      this.#log.error({ err: e }, 'the guarded work failed');
    }
  }

  async #renewLoop(acquiredAt: number): Promise<Ending> {
    let renewedAt = acquiredAt;
    for (;;) {
      if (!(await this.#pause(this.#retryMs))) return 'closed';
      const next = await this.#renewBy(renewedAt + this.#renewDeadlineMs);
      if (next === undefined) return this.#stop.signal.aborted ? 'closed' : 'lost';
      renewedAt = next;
    }
  }

  /** Tries every retry period until `deadline`; the start of the renewal that succeeded. */
  async #renewBy(deadline: number): Promise<number | undefined> {
    const { clock } = this.#options;
    for (;;) {
      const start = clock.now();
      if (start >= deadline) return undefined;
      const ok = await this.#tryAcquireOrRenew(deadline);
      this.#reportLeader();
      if (ok) return start;
      if (!this.#holds()) return undefined;
      const waitMs = Math.min(this.#retryMs, deadline - clock.now());
      if (waitMs > 0 && !(await this.#pause(waitMs))) return undefined;
    }
  }

  /** One try; `deadline` (epoch ms) cuts every request short when renewing. */
  async #tryAcquireOrRenew(deadline: number | undefined): Promise<boolean> {
    const now = this.#options.clock.now();
    const desired: LeaseRecord = {
      holderIdentity: this.#identity,
      leaseDurationSeconds: this.#leaseMs / 1000,
      acquireTime: formatMicroTime(now),
      renewTime: formatMicroTime(now),
      leaseTransitions: 0,
    };
    if (await this.#renewCached(desired, now, deadline)) return true;
    const current = await this.#get(deadline);
    if (current === 'failed') return false;
    if (current === 'missing') return this.#write('create', desired, deadline);
    const held = current.record.holderIdentity !== '';
    if (held && this.#leaseValid(now) && !this.#holds()) {
      this.#log.debug({ holder: current.record.holderIdentity }, 'the lease is held by another');
      return false;
    }
    const record: LeaseRecord = this.#holds()
      ? sameTerm(desired, current.record)
      : { ...desired, leaseTransitions: current.record.leaseTransitions + 1 };
    return this.#write('replace', record, deadline);
  }

  /** The fast path of a valid holder: the cached resourceVersion makes a concurrent write 409. */
  async #renewCached(
    desired: LeaseRecord,
    now: number,
    deadline: number | undefined,
  ): Promise<boolean> {
    const observed = this.#observed;
    if (observed === undefined || !this.#holds() || !this.#leaseValid(now)) return false;
    return this.#write('replace', sameTerm(desired, observed), deadline);
  }

  async #get(deadline: number | undefined): Promise<StoredLease | 'missing' | 'failed'> {
    const { client, lease } = this.#options;
    try {
      const current = await this.#request((s) => client.get(lease, s), deadline);
      this.#stored = current;
      if (!sameRecord(current.record, this.#observed)) this.#observe(current.record);
      return current;
    } catch (e) {
      if (isLeaseError(e, 'NotFound')) return 'missing';
      this.#warn('reading the lease', e);
      return 'failed';
    }
  }

  /** A create, or a replace carrying the cached resourceVersion; false when it failed. */
  async #write(
    how: 'create' | 'replace',
    record: LeaseRecord,
    deadline: number | undefined,
  ): Promise<boolean> {
    const { client, lease } = this.#options;
    const resourceVersion = this.#stored?.resourceVersion ?? '';
    const send = (signal: AbortSignal): Promise<StoredLease> =>
      how === 'create'
        ? client.create(lease, record, signal)
        : client.replace(lease, { record, resourceVersion }, signal);
    try {
      this.#stored = await this.#request(send, deadline);
      this.#observe(record);
      return true;
    } catch (e) {
      this.#warn(how === 'create' ? 'creating the lease' : 'updating the lease', e);
      return false;
    }
  }

  /** Gives up the lease: holder "" and a 1 s duration, re-reading and retrying on 409. */
  async #release(): Promise<void> {
    const { clock } = this.#options;
    const deadline = clock.now() + this.#renewDeadlineMs;
    for (let attempt = 0; attempt < 5 && this.#holds(); attempt++) {
      const now = clock.now();
      const record: LeaseRecord = {
        holderIdentity: '',
        leaseDurationSeconds: 1,
        acquireTime: formatMicroTime(now),
        renewTime: formatMicroTime(now),
        leaseTransitions: this.#observed?.leaseTransitions ?? 0,
      };
      if (await this.#write('replace', record, deadline)) {
        this.#log.info('released the lease');
        this.#reportLeader();
        return;
      }
      if ((await this.#get(deadline)) === 'failed') return;
    }
  }

  #observe(record: LeaseRecord): void {
    this.#observed = record;
    this.#observedAt = this.#options.clock.now();
  }

  #holds(): boolean {
    return this.#observed?.holderIdentity === this.#identity;
  }

  /** Valid until the local time it was seen + its duration; never the remote renewTime. */
  #leaseValid(now: number): boolean {
    const seconds = this.#observed?.leaseDurationSeconds ?? 0;
    return this.#observedAt + seconds * 1000 > now;
  }

  #reportLeader(): void {
    const holder = this.#observed?.holderIdentity;
    if (holder === undefined || holder === this.#reportedLeader) return;
    this.#reportedLeader = holder;
    if (holder !== this.#identity) this.#log.info({ holder }, 'new leader observed');
    try {
      this.#options.onNewLeader?.(holder);
    } catch (e) {
      this.#log.error({ err: e }, 'onNewLeader failed');
    }
  }

  #stopped(): void {
    if (this.#stoppedCalled) return;
    this.#stoppedCalled = true;
    try {
      this.#options.onStoppedLeading?.();
    } catch (e) {
      this.#log.error({ err: e }, 'onStoppedLeading failed');
    }
  }

  /** Sleeps on the clock; false when close() interrupted it. */
  async #pause(ms: number): Promise<boolean> {
    try {
      await this.#options.clock.sleep(ms, this.#stop.signal);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * One request under max(renewDeadline / 2, 1 s), cut short at `deadline` and by close();
   * it rejects then even when the client ignores its signal.
   */
  async #request<T>(
    send: (signal: AbortSignal) => Promise<T>,
    deadline: number | undefined,
  ): Promise<T> {
    const { clock } = this.#options;
    const untilDeadline = deadline === undefined ? Infinity : deadline - clock.now();
    const timeoutMs = Math.max(0, Math.min(this.#requestTimeoutMs, untilDeadline));
    const done = new AbortController();
    // Requests before close() stop with it; the release, which runs after it, must not.
    const stop = this.#stop.signal.aborted ? [] : [this.#stop.signal];
    const signal = AbortSignal.any([done.signal, ...stop]);
    const expired = clock.sleep(timeoutMs, signal).then(() => {
      throw new LeaseError('Timeout', `no answer within ${timeoutMs} ms`);
    });
    try {
      return await Promise.race([send(signal), expired]);
    } finally {
      done.abort(new Error('request finished'));
      expired.catch(() => undefined);
    }
  }

  #warn(doing: string, e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    this.#log.warn({ code: isLeaseError(e) ? e.code : undefined }, `${doing}: ${message}`);
  }
}

/** A holder's renewal keeps the term it is in: its acquireTime and transition count. */
function sameTerm(desired: LeaseRecord, current: LeaseRecord): LeaseRecord {
  return {
    ...desired,
    acquireTime: current.acquireTime,
    leaseTransitions: current.leaseTransitions,
  };
}

function sameRecord(a: LeaseRecord, b: LeaseRecord | undefined): boolean {
  return (
    b !== undefined &&
    a.holderIdentity === b.holderIdentity &&
    a.leaseDurationSeconds === b.leaseDurationSeconds &&
    a.acquireTime === b.acquireTime &&
    a.renewTime === b.renewTime &&
    a.leaseTransitions === b.leaseTransitions
  );
}
