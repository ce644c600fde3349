import { describe, expect, it } from 'vitest';
import { pluralResource, selectorString } from './kube-refs.js';

describe('selectorString', () => {
  it.each([
    [undefined, undefined],
    [{}, undefined],
    [{ matchLabels: { app: 'web', tier: 'front' } }, 'app=web,tier=front'],
    [
      {
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['a', 'b'] },
          { key: 'x', operator: 'NotIn', values: ['c'] },
          { key: 'y', operator: 'Exists' },
          { key: 'z', operator: 'DoesNotExist' },
        ],
      },
      'app=web,env in (a,b),x notin (c),y,!z',
    ],
    [{ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, null],
    ['app=web', null],
  ])('%j → %j', (selector, expected) => {
    expect(selectorString(selector)).toBe(expected);
  });
});

describe('pluralResource', () => {
  it.each([
    ['Ingress', 'networking.k8s.io/v1', 'ingresses.networking.k8s.io', false],
    ['Service', 'v1', 'services', false],
    ['Queue', 'example.com/v1', 'queues.example.com', true],
    ['Policy', 'example.com/v1', 'policies.example.com', true],
    ['Box', 'v1', 'boxes', true],
  ])('%s (%s) → %s', (kind, apiVersion, resource, guessed) => {
    expect(pluralResource(kind, apiVersion)).toEqual({ resource, guessed });
  });
});
