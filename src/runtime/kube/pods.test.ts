import { describe, expect, it } from 'vitest';
import type { Logger } from '../log.js';
import { PodIndex } from './pods.js';

const warnings: string[] = [];
const log = {
  warn: (_o: unknown, msg: string) => warnings.push(msg),
} as unknown as Logger;

const pod = (namespace: string, name: string, labels: Record<string, string>, ready = true) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace, name, labels },
  spec: { containers: [{ name: 'app', resources: { requests: { cpu: '100m' } } }] },
  status: {
    phase: 'Running',
    startTime: '2024-01-01T00:00:00Z',
    conditions: [
      {
        type: 'Ready',
        status: ready ? 'True' : 'False',
        lastTransitionTime: '2024-01-01T00:00:10Z',
      },
    ],
  },
});

describe('PodIndex', () => {
  it("selects a namespace's pods by the scale's selector, following adds, updates and deletes", () => {
    const index = new PodIndex(log);
    index.apply(pod('web', 'web-1', { app: 'web' }), 'add');
    index.apply(pod('web', 'web-2', { app: 'web' }, false), 'add');
    index.apply(pod('web', 'db-1', { app: 'db' }), 'add');
    index.apply(pod('other', 'web-1', { app: 'web' }), 'add');
    const names = (ns: string, selector: string) =>
      index.select(ns, selector)?.map((p) => `${p.name}:${p.ready?.status}`);
    expect(names('web', 'app=web')).toEqual(['web-1:true', 'web-2:false']);
    expect(names('web', 'app in (web,db)')).toEqual(['web-1:true', 'web-2:false', 'db-1:true']);
    expect(names('nowhere', 'app=web')).toEqual([]);

    index.apply(pod('web', 'web-2', { app: 'web' }, true), 'update');
    index.apply(pod('web', 'web-1', { app: 'web' }), 'delete');
    expect(names('web', 'app=web')).toEqual(['web-2:true']);
    // The PodInfo is what the LIST path decodes: requests in milli-units, times in ms.
    expect(index.select('web', 'app=web')?.[0]).toMatchObject({
      phase: 'Running',
      startTime: Date.UTC(2024, 0, 1),
      ready: { status: true, lastTransitionTime: Date.UTC(2024, 0, 1, 0, 0, 10) },
      containers: [{ name: 'app', requests: { cpu: 100 } }],
    });
  });

  it('leaves out a pod that does not decode (logged once), and reads no selector it cannot parse', () => {
    const index = new PodIndex(log);
    warnings.length = 0;
    const broken = { metadata: { namespace: 'web', name: 'x', labels: { app: 'web' } } };
    index.apply(broken, 'add');
    index.apply(broken, 'update');
    expect(index.select('web', 'app=web')).toEqual([]);
    expect(warnings).toEqual(['a pod that does not decode is left out of its target']);
    // A pod that stops decoding leaves the index.
    index.apply(pod('web', 'y', { app: 'web' }), 'add');
    index.apply({ ...broken, metadata: { ...broken.metadata, name: 'y' } }, 'update');
    expect(index.select('web', 'app=web')).toEqual([]);
    expect(index.select('web', 'app in web')).toBeUndefined();
  });
});
