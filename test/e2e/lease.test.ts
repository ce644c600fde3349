/**
 * Leader election against a real API server's Lease API: two electors in one process with short
 * timings (lease 3 s, renew deadline 2 s, retry 0.5 s), each with its own clients. Needs
 * TIDE_TEST_KUBECONFIG (exported by scripts/k8s/cluster.sh); fails without it.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/runtime/clock.js';
import { KubeConfig } from '@kubernetes/client-node';
import { restLeaseClient } from '../../src/runtime/kube/lease-client.js';
import { createKubeRest, isNotFound, type KubeRest } from '../../src/runtime/kube/rest.js';
import { LeaderElector, type LeaseClient, type LeaseRef } from '../../src/runtime/kube/lease.js';
import { createLogger } from '../../src/runtime/log.js';

const timings = { leaseDurationSeconds: 3, renewDeadlineSeconds: 2, retryPeriodSeconds: 0.5 };
const leaseMs = timings.leaseDurationSeconds * 1000;
const renewDeadlineMs = timings.renewDeadlineSeconds * 1000;
/** The longest acquire wait: retry × 2.2 (jitter). */
const acquireWaitMs = timings.retryPeriodSeconds * 1000 * 2.2;
/** For a loaded 2-core machine: API latency, timers, the 50 ms sampling. */
const slackMs = 1_000;
const logger = createLogger({ level: 'silent' });

/** The test cluster's kubeconfig; every test fails (none is skipped) without it. */
function kubeconfig(): string {
  const value = process.env.TIDE_TEST_KUBECONFIG;
  if (value === undefined || value === '') {
    throw new Error(
      'TIDE_TEST_KUBECONFIG is not set: start the test control plane with scripts/k8s/cluster.sh start and export what `cluster.sh env` prints',
    );
  }
  return value;
}

/** A REST client for the test cluster. */
function rest(): KubeRest {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig());
  return createKubeRest({ kubeConfig: kc });
}

const leasePath = (ref: LeaseRef): string =>
  `/apis/coordination.k8s.io/v1/namespaces/${ref.namespace}/leases/${ref.name}`;

/** A LeaseClient whose requests all abort, on the wire, once `fault()` is called. */
function faultable(client: LeaseClient): { client: LeaseClient; fault: () => void } {
  const broken = new AbortController();
  const both = (signal: AbortSignal): AbortSignal => AbortSignal.any([signal, broken.signal]);
  return {
    client: {
      get: (ref, signal) => client.get(ref, both(signal)),
      create: (ref, record, signal) => client.create(ref, record, both(signal)),
      replace: (ref, lease, signal) => client.replace(ref, lease, both(signal)),
    },
    fault: () => broken.abort(new Error('fault injected')),
  };
}

interface Candidate {
  readonly name: string;
  readonly elector: LeaderElector;
  readonly fault: () => void;
  readonly events: string[];
}

function candidate(lease: LeaseRef, name: string): Candidate {
  const { client, fault } = faultable(restLeaseClient(rest()));
  const events: string[] = [];
  const elector = new LeaderElector({
    lease,
    identity: `${name}_${randomUUID()}`,
    ...timings,
    clock: systemClock,
    client,
    logger,
    onStartedLeading: async (signal) => {
      events.push('started');
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      events.push('work stopped');
    },
    onStoppedLeading: () => events.push('stopped'),
  });
  return { name, elector, fault, events };
}

/**
 * Samples both electors every 50 ms until `until` holds or `timeoutMs` passes; records the
 * longest time both believed they led.
 */
class Sampler {
  longestOverlapMs = 0;
  #overlapSince: number | undefined;

  constructor(readonly candidates: readonly Candidate[]) {}

  leaders(): Candidate[] {
    return this.candidates.filter((c) => c.elector.isLeader());
  }

  async waitFor(until: () => boolean, timeoutMs: number): Promise<number> {
    const start = Date.now();
    for (;;) {
      this.#sample();
      if (until()) return Date.now() - start;
      if (Date.now() - start > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Samples for `ms`, checking `check` at every sample. */
  async hold(ms: number, check: () => void): Promise<void> {
    const end = Date.now() + ms;
    await this.waitFor(() => {
      check();
      return Date.now() >= end;
    }, ms + slackMs);
  }

  #sample(): void {
    const now = Date.now();
    if (this.leaders().length < 2) {
      this.#overlapSince = undefined;
      return;
    }
    this.#overlapSince ??= now;
    this.longestOverlapMs = Math.max(this.longestOverlapMs, now - this.#overlapSince);
  }
}

describe('leader election on a real API server', () => {
  const namespace = 'default';
  let lease: LeaseRef | undefined;
  let running: Candidate[] = [];

  const start = (...names: string[]): Candidate[] => {
    const ref = { namespace, name: `tide-e2e-${randomUUID().slice(0, 8)}` };
    running = names.map((name) => candidate(ref, name));
    lease = ref;
    for (const c of running) c.elector.start();
    return running;
  };

  /** Starts a and b, waits for one to lead, and lets it hold the lease for a lease duration. */
  const electLeader = async () => {
    const sampler = new Sampler(start('a', 'b'));
    await sampler.waitFor(() => sampler.leaders().length === 1, acquireWaitMs + slackMs);
    const [leader] = sampler.leaders() as [Candidate];
    const other = running.find((c) => c !== leader) as Candidate;
    await sampler.hold(leaseMs, () => expect(sampler.leaders()).toEqual([leader]));
    return { sampler, leader, other };
  };

  const holderOnServer = async (): Promise<string | undefined> => {
    const read = await rest().request<{ spec?: { holderIdentity?: string } }>(
      'GET',
      leasePath(lease as LeaseRef),
    );
    return read.spec?.holderIdentity;
  };

  afterEach(async () => {
    await Promise.all(running.map((c) => c.elector.close()));
    running = [];
    const ref = lease;
    lease = undefined;
    if (ref === undefined) return;
    await rest()
      .request('DELETE', leasePath(ref))
      .catch((e: unknown) => {
        if (!isNotFound(e)) throw e;
      });
  });

  it('lets exactly one of two electors lead, and it keeps the lease past its duration', async () => {
    const { sampler, leader } = await electLeader();
    await sampler.hold(2 * leaseMs, () => expect(sampler.leaders()).toEqual([leader]));
    expect(await holderOnServer()).toBe(leader.elector.identity);
    for (const c of running) expect(c.elector.leader()).toBe(leader.elector.identity);
    expect(sampler.longestOverlapMs).toBe(0);
  });

  it('hands over at once when the leader closes: it releases the lease', async () => {
    const { sampler, leader, other } = await electLeader();
    await leader.elector.close();
    expect(leader.events).toEqual(['started', 'work stopped', 'stopped']);
    // Without the release the other would wait a whole lease duration (3 s) after its last look.
    const tookMs = await sampler.waitFor(() => other.elector.isLeader(), leaseMs + slackMs);
    expect(tookMs).toBeLessThan(acquireWaitMs + slackMs);
    expect(await holderOnServer()).toBe(other.elector.identity);
    expect(sampler.longestOverlapMs).toBe(0);
  });

  it('a leader whose requests fail stops by its renew deadline; the other takes over once the lease expired', async () => {
    const { sampler, leader, other } = await electLeader();
    leader.fault();
    const faultAt = Date.now();
    const stoppedMs = await sampler.waitFor(() => !leader.elector.isLeader(), 2 * leaseMs);
    // It stops within the renew deadline of its last renewal, which began ≤ one retry earlier.
    expect(stoppedMs).toBeLessThanOrEqual(renewDeadlineMs + slackMs);
    expect(leader.events).toEqual(['started', 'stopped', 'work stopped']);
    await sampler.waitFor(() => other.elector.isLeader(), 3 * leaseMs);
    const tookMs = Date.now() - faultAt;
    // Not before the lease (renewed at most one retry before the fault) expired ...
    expect(tookMs).toBeGreaterThanOrEqual(leaseMs - timings.retryPeriodSeconds * 1000);
    // ... and soon after: the lease duration after its last look, plus two acquire waits.
    expect(tookMs).toBeLessThanOrEqual(leaseMs + 2 * acquireWaitMs + slackMs);
    expect(await holderOnServer()).toBe(other.elector.identity);
    expect(sampler.longestOverlapMs).toBeLessThanOrEqual(renewDeadlineMs);
  });
});
