import { describe, expect, it } from 'vitest';
import type { PodInfo } from '../../model.js';
import { calculateRequests, type RequestsOptions } from './requests.js';

const pod = (extra: Partial<PodInfo> = {}): PodInfo => ({
  name: 'p',
  phase: 'Running',
  startTime: 0,
  ready: null,
  containers: [
    { name: 'a', requests: { cpu: 100 } },
    { name: 'b', requests: { cpu: 50 } },
  ],
  ...extra,
});
const sidecars = {
  initContainers: [
    { name: 'init', requests: { cpu: 20 }, restartAlways: false },
    { name: 'proxy', requests: { cpu: 30 }, restartAlways: true },
  ],
};
const base: RequestsOptions = { resource: 'cpu', container: null, podLevelResources: true };

describe('calculateRequests', () => {
  it.each<[string, PodInfo, Partial<RequestsOptions>, number]>([
    ['sums the containers', pod(), {}, 150],
    ['adds sidecars (restartPolicy Always), not plain init containers', pod(sidecars), {}, 180],
    [
      'pod-level requests replace the sum when the gate is on',
      pod({ podRequests: { cpu: 800 } }),
      {},
      800,
    ],
    [
      'pod-level requests are ignored when the gate is off',
      pod({ podRequests: { cpu: 800 } }),
      { podLevelResources: false },
      150,
    ],
    [
      'a named container takes precedence over pod-level requests',
      pod({ podRequests: { cpu: 800 } }),
      { container: 'a' },
      100,
    ],
    ['a named sidecar counts alone', pod(sidecars), { container: 'proxy' }, 30],
  ])('%s', (_name, p, opts, expected) => {
    const r = calculateRequests([p], { ...base, ...opts });
    expect(r).toEqual({ ok: true, requests: new Map([['p', expected]]) });
  });

  it.each<[string, PodInfo, Partial<RequestsOptions>, string]>([
    [
      'a container without a request',
      pod({ containers: [{ name: 'a', requests: { cpu: null } }] }),
      {},
      'missing request for cpu in container a of Pod p',
    ],
    [
      'the named container is absent',
      pod(),
      { container: 'zzz' },
      'container zzz not found in Pod p',
    ],
    [
      'memory not requested',
      pod(),
      { resource: 'memory' },
      'missing request for memory in container a of Pod p',
    ],
  ])('fails when %s', (_name, p, opts, error) => {
    expect(calculateRequests([p], { ...base, ...opts })).toEqual({ ok: false, error });
  });
});
