import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.js';
import { createLogger } from '../log.js';
import {
  LeaderElector,
  LeaseError,
  formatMicroTime,
  leaderElectionTimingIssues,
  type LeaseClient,
  type LeaseRecord,
  type StoredLease,
} from './lease.js';

const t0 = Date.UTC(2024, 0, 1);
const logger = createLogger({ level: 'silent' });
const ref = { namespace: 'tide-system', name: 'tide-controller' };
const microTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

/**
 * An in-memory Lease API: a replace must carry the stored resourceVersion (409 otherwise), a
 * create of an existing Lease is a 409, and MicroTimes without six fractional digits are refused
 * as the API server refuses them. Each elector gets its own client, which a test can make fail
 * or hang.
 */
function fakeLeaseApi(clock: FakeClock) {
  let stored: StoredLease | undefined;
  let version = 0;
  const writes: { at: number; by: string; record: LeaseRecord }[] = [];
  const store = (record: LeaseRecord): StoredLease => {
    for (const time of [record.acquireTime, record.renewTime]) {
      if (!microTime.test(time)) throw new LeaseError('Failed', `invalid MicroTime ${time}`);
    }
    version += 1;
    stored = { record, resourceVersion: String(version) };
    return stored;
  };
  const client = (by: string) => {
    const faults = { failing: false, hanging: false };
    const call = <T>(work: () => T): Promise<T> => {
      if (faults.hanging) return new Promise<T>(() => undefined);
      if (faults.failing) return Promise.reject(new LeaseError('Failed', 'connect ECONNREFUSED'));
      return new Promise<T>((resolve) => resolve(work())); // a throw becomes a rejection
    };
    const api: LeaseClient = {
      get: () =>
        call(() => {
          if (stored === undefined) throw new LeaseError('NotFound', 'leases "x" not found');
          return stored;
        }),
      create: (_ref, record) =>
        call(() => {
          if (stored !== undefined) throw new LeaseError('Conflict', 'already exists');
          writes.push({ at: clock.now(), by, record });
          return store(record);
        }),
      replace: (_ref, lease) =>
        call(() => {
          if (stored === undefined) throw new LeaseError('NotFound', 'leases "x" not found');
          if (lease.resourceVersion !== stored.resourceVersion) {
            throw new LeaseError('Conflict', 'the object has been modified');
          }
          writes.push({ at: clock.now(), by, record: lease.record });
          return store(lease.record);
        }),
    };
    return { api, faults };
  };
  return { client, writes, store, current: () => stored };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

interface Candidate {
  readonly elector: LeaderElector;
  readonly faults: { failing: boolean; hanging: boolean };
  readonly events: string[];
  /** Aborted signals of the guarded work, in order. */
  readonly work: AbortSignal[];
}

function candidate(
  api: ReturnType<typeof fakeLeaseApi>,
  clock: FakeClock,
  identity: string,
  workStopMs = 0,
): Candidate {
  const { api: client, faults } = api.client(identity);
  const events: string[] = [];
  const work: AbortSignal[] = [];
  const elector = new LeaderElector({
    lease: ref,
    identity,
    clock,
    client,
    logger,
    random: () => 0.5, // every acquire wait is 2 s × (1 + 1.2 × 0.5) = 3.2 s
    onStartedLeading: async (signal) => {
      work.push(signal);
      events.push('started');
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      if (workStopMs > 0) await clock.sleep(workStopMs);
      events.push('work stopped');
    },
    onStoppedLeading: () => events.push('stopped'),
    onNewLeader: (id) => events.push(`leader ${id}`),
  });
  return { elector, faults, events, work };
}

/** Advances in 50 ms steps, calling `sample` after each; checks that never both lead. */
async function run(
  clock: FakeClock,
  ms: number,
  electors: readonly LeaderElector[],
  sample: () => boolean | void = () => undefined,
): Promise<void> {
  for (let t = 0; t < ms; t += 50) {
    clock.advance(50);
    await settle();
    expect(electors.filter((e) => e.isLeader()).length).toBeLessThanOrEqual(1);
    if (sample() === true) return;
  }
}

/** A alone, started and leading for `ms`. */
async function aLeads(ms: number, aWorkStopMs = 0) {
  const clock = new FakeClock(t0);
  const api = fakeLeaseApi(clock);
  const a = candidate(api, clock, 'a', aWorkStopMs);
  a.elector.start();
  await settle();
  await run(clock, ms, [a.elector]);
  return { clock, api, a };
}

/** A started first and leads; B started next and has been waiting for 5 s. */
async function aLeadsBWaits(aWorkStopMs = 0) {
  const { clock, api, a } = await aLeads(0, aWorkStopMs);
  const b = candidate(api, clock, 'b');
  b.elector.start();
  await run(clock, 5_000, [a.elector, b.elector]);
  return { clock, api, a, b };
}

function lastRenewal(api: ReturnType<typeof fakeLeaseApi>, by: string): number {
  const mine = api.writes.filter((w) => w.by === by && w.record.holderIdentity === by);
  return mine.at(-1)?.at ?? NaN;
}

describe('formatMicroTime', () => {
  it('writes six fractional digits, as the API server requires', () => {
    expect(formatMicroTime(Date.UTC(2024, 0, 1, 0, 0, 0, 123))).toBe('2024-01-01T00:00:00.123000Z');
    expect(formatMicroTime(t0)).toMatch(microTime);
  });
});

describe('leaderElectionTimingIssues', () => {
  it.each([
    [15, 10, 2, []],
    [3, 2, 0.5, []],
    [10, 10, 2, ['leaseDurationSeconds = 10, must be greater than renewDeadlineSeconds (10)']],
    [
      15,
      2.4,
      2,
      ['renewDeadlineSeconds = 2.4, must be greater than 1.2 × retryPeriodSeconds (2.4)'],
    ],
    [15, 10, 0, ['retryPeriodSeconds = 0, must be a positive number']],
    [NaN, 10, 2, ['leaseDurationSeconds = NaN, must be a positive number']],
  ])('lease %s s, renew %s s, retry %s s → %j', (lease, renew, retry, issues) => {
    const timings = {
      leaseDurationSeconds: lease,
      renewDeadlineSeconds: renew,
      retryPeriodSeconds: retry,
    };
    expect(leaderElectionTimingIssues(timings)).toEqual(issues);
  });

  it('refuses to build an elector with bad timings', () => {
    const clock = new FakeClock(t0);
    const { api } = fakeLeaseApi(clock).client('a');
    const options = { lease: ref, clock, client: api, logger, onStartedLeading: () => undefined };
    expect(() => new LeaderElector({ ...options, renewDeadlineSeconds: 15 })).toThrow(
      'leaseDurationSeconds = 15, must be greater than renewDeadlineSeconds (15)',
    );
  });
});

describe('LeaderElector', () => {
  it('has an identity of hostname_uuid by default', () => {
    const clock = new FakeClock(t0);
    const { api } = fakeLeaseApi(clock).client('a');
    const elector = new LeaderElector({
      lease: ref,
      clock,
      client: api,
      logger,
      onStartedLeading: () => undefined,
    });
    expect(elector.identity).toMatch(/^.+_[0-9a-f-]{36}$/);
  });

  it('lets exactly one of two electors lead, and the leader keeps renewing', async () => {
    const clock = new FakeClock(t0);
    const api = fakeLeaseApi(clock);
    const a = candidate(api, clock, 'a');
    const b = candidate(api, clock, 'b');
    a.elector.start();
    b.elector.start(); // both GET 404 and CREATE: one of them gets a 409
    await settle();
    expect(a.elector.isLeader()).toBe(true);
    expect(b.elector.isLeader()).toBe(false);
    await run(clock, 60_000, [a.elector, b.elector]);
    expect(a.elector.isLeader()).toBe(true);
    expect(b.elector.isLeader()).toBe(false);
    expect(b.elector.leader()).toBe('a');
    expect(a.elector.leader()).toBe('a');
    expect(b.events).toEqual(['leader a']);
    expect(a.events).toEqual(['leader a', 'started']);
    const renewals = api.writes.filter((w) => w.by === 'a').map((w) => w.at - t0);
    expect(renewals.slice(0, 4)).toEqual([0, 2000, 4000, 6000]);
    const record = api.current()?.record;
    expect(record).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 15 });
    expect(record?.acquireTime).toBe(formatMicroTime(t0));
    expect(record?.renewTime).toBe(formatMicroTime(clock.now() - (clock.now() % 2000)));
    await a.elector.close();
    await b.elector.close();
  });

  it('takes over from a leader that stopped renewing after the lease duration, not before', async () => {
    const { clock, api, a, b } = await aLeadsBWaits();
    a.faults.failing = true;
    const renewedAt = lastRenewal(api, 'a');
    let aStoppedAt = NaN;
    let bLeadsAt = NaN;
    await run(clock, 30_000, [a.elector, b.elector], () => {
      if (!a.elector.isLeader() && Number.isNaN(aStoppedAt)) aStoppedAt = clock.now();
      if (b.elector.isLeader()) bLeadsAt = clock.now();
      return !Number.isNaN(bLeadsAt);
    });
    // A stops at its renew deadline (10 s after its last renewal began) ...
    expect(aStoppedAt - renewedAt).toBe(10_000);
    // ... and B only once 15 s have passed, on its own clock, since it saw that renewal.
    expect(bLeadsAt - renewedAt).toBeGreaterThanOrEqual(15_000);
    expect(bLeadsAt - renewedAt).toBeLessThanOrEqual(15_000 + 2 * 3200);
    expect(a.events).toEqual(['leader a', 'started', 'stopped', 'work stopped']);
    expect(a.work[0]?.aborted).toBe(true);
    expect(api.current()?.record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    expect(b.events).toEqual(['leader a', 'leader b', 'started']);
    await a.elector.close();
    await b.elector.close();
    expect(a.events.filter((e) => e === 'stopped')).toHaveLength(1);
  });

  it.each([
    ['fail', 'failing'],
    ['hang', 'hanging'],
  ] as const)('stops leading at the renew deadline when its requests %s', async (_, fault) => {
    const { clock, api, a } = await aLeads(3_000);
    a.faults[fault] = true;
    const renewedAt = lastRenewal(api, 'a');
    await run(clock, 10_000 - (clock.now() - renewedAt) - 50, [a.elector]);
    expect(a.elector.isLeader()).toBe(true);
    expect(a.events).not.toContain('stopped');
    await run(clock, 50, [a.elector]);
    expect(a.elector.isLeader()).toBe(false);
    expect(a.events).toContain('stopped');
    expect(a.work[0]?.aborted).toBe(true);
    // A lost leadership is final: no more writes, even when the API answers again.
    a.faults[fault] = false;
    const writes = api.writes.length;
    await run(clock, 30_000, [a.elector]);
    expect(api.writes.length).toBe(writes);
    await a.elector.close();
  });

  it('stops at once when it sees another holder while renewing', async () => {
    const { clock, api, a } = await aLeads(1_000);
    const record = api.current()?.record as LeaseRecord;
    api.store({ ...record, holderIdentity: 'intruder' }); // A's cached resourceVersion is stale
    await run(clock, 1_050, [a.elector]);
    expect(a.elector.isLeader()).toBe(false);
    expect(a.elector.leader()).toBe('intruder');
    expect(a.events).toContain('stopped');
    await a.elector.close();
  });

  it('on close, stops the guarded work first, then releases, and the other takes over at once', async () => {
    const { clock, api, a, b } = await aLeadsBWaits(1_000); // A's work needs 1 s to stop
    const closing = a.elector.close();
    const closedAt = clock.now();
    expect(a.elector.isLeader()).toBe(false);
    await settle();
    let bLeadsAt = NaN;
    await run(clock, 10_000, [a.elector, b.elector], () => {
      if (b.elector.isLeader()) bLeadsAt = clock.now();
      return !Number.isNaN(bLeadsAt);
    });
    await closing;
    const release = api.writes.find((w) => w.record.holderIdentity === '');
    expect(release?.by).toBe('a');
    expect(release?.at).toBe(closedAt + 1_000); // after the work stopped
    expect(release?.record.leaseDurationSeconds).toBe(1);
    expect(a.events).toEqual(['leader a', 'started', 'work stopped', 'leader ', 'stopped']);
    expect(bLeadsAt - closedAt).toBeLessThanOrEqual(1_000 + 3_200 + 50);
    expect(api.current()?.record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    await b.elector.close();
  });

  it('retries a release that meets a 409', async () => {
    const { api, a } = await aLeads(1_000);
    api.store(api.current()?.record as LeaseRecord); // same record, newer resourceVersion
    await a.elector.close();
    expect(api.current()?.record.holderIdentity).toBe('');
  });

  it('calls onStoppedLeading once when closed before it ever led', async () => {
    const { api, a, b } = await aLeadsBWaits();
    await b.elector.close();
    expect(b.events).toEqual(['leader a', 'stopped']);
    expect(api.writes.every((w) => w.by === 'a')).toBe(true);
    expect(() => b.elector.start()).toThrow('start() may be called once');
    await a.elector.close();
  });

  it.each([
    ['far in the future', '2100-01-01T00:00:00.000000Z'],
    ['far in the past', '1970-01-01T00:00:00.000000Z'],
  ])(
    'ignores a remote renewTime %s: only the local time it was seen counts',
    async (_, renewTime) => {
      const clock = new FakeClock(t0);
      const api = fakeLeaseApi(clock);
      api.store({
        holderIdentity: 'elsewhere',
        leaseDurationSeconds: 15,
        acquireTime: renewTime,
        renewTime,
        leaseTransitions: 4,
      });
      const b = candidate(api, clock, 'b');
      b.elector.start();
      await settle();
      expect(b.elector.leader()).toBe('elsewhere');
      await run(clock, 14_950, [b.elector]);
      expect(b.elector.isLeader()).toBe(false);
      await run(clock, 3_300, [b.elector], () => b.elector.isLeader());
      expect(b.elector.isLeader()).toBe(true);
      expect(api.current()?.record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 5 });
      await b.elector.close();
    },
  );
});
