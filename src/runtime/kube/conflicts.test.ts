import { describe, expect, it } from 'vitest';
import { conflictMessage, findOwner, sameTarget, type Owner } from './conflicts.js';

const deployment = (name: string, apiVersion = 'apps/v1') => ({
  apiVersion,
  kind: 'Deployment',
  name,
});
const scaler = (name: string, createdAt: number, target = deployment('web')): Owner => ({
  kind: 'ElasticScaler',
  namespace: 'shop',
  name,
  target,
  createdAt,
});
const hpa: Owner = {
  kind: 'HorizontalPodAutoscaler',
  namespace: 'shop',
  name: 'web-hpa',
  target: deployment('web'),
  createdAt: 9,
};

describe('sameTarget', () => {
  it.each([
    [deployment('web'), deployment('web', 'apps/v1beta2'), true],
    [deployment('web'), deployment('api'), false],
    [deployment('web'), { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web' }, false],
    [deployment('web'), { apiVersion: 'example.com/v1', kind: 'Deployment', name: 'web' }, false],
  ])('%j vs %j → %s', (a, b, same) => expect(sameTarget(a, b)).toBe(same));
});

describe('findOwner', () => {
  it('an HPA on the target always owns it, whatever its age', () => {
    expect(findOwner(scaler('a', 1), [hpa])).toBe(hpa);
  });

  it('the older ElasticScaler keeps the target, then the first by name', () => {
    const old = scaler('z-old', 1);
    const young = scaler('a-young', 2);
    expect(findOwner(young, [old, young])).toBe(old);
    expect(findOwner(old, [old, young])).toBeNull();
    const twinA = scaler('a', 5);
    const twinB = scaler('b', 5);
    expect(findOwner(twinB, [twinA, twinB])).toBe(twinA);
    expect(findOwner(twinA, [twinA, twinB])).toBeNull();
  });

  it('ignores other namespaces and other targets', () => {
    expect(
      findOwner(scaler('a', 2), [
        { ...hpa, namespace: 'other' },
        scaler('b', 1, deployment('api')),
      ]),
    ).toBeNull();
  });

  it('says who owns it and what to do', () => {
    expect(conflictMessage(scaler('a', 1), hpa)).toMatch(
      /HorizontalPodAutoscaler web-hpa: Tide will not fight it; delete the HPA .* dryRun: true/,
    );
  });
});
