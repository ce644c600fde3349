import https from 'node:https';
import { describe, expect, it } from 'vitest';
import { quantityMilli, tlsOptions } from './kube.js';
import { durationSeconds } from './kubernetes-resource.js';

describe('quantityMilli', () => {
  it.each([
    ['250m', 250],
    ['1', 1000],
    ['1.5', 1500],
    ['0.1', 100],
    ['123456789n', 124],
    ['1500u', 2],
    ['2k', 2_000_000],
    ['1Ki', 1_024_000],
    ['128Mi', 134_217_728_000],
    ['1Gi', 1_073_741_824_000],
    ['1e3', 1_000_000],
    ['12', 12_000],
  ])('%s → %d', (q, milli) => {
    expect(quantityMilli(q)).toBe(milli);
  });

  it.each([['abc'], ['1X'], [''], ['1.2.3']])('rejects %j', (q) => {
    expect(() => quantityMilli(q)).toThrow(/is not a Kubernetes quantity/);
  });
});

describe('durationSeconds', () => {
  it.each([
    ['15s', 15],
    ['30.015s', 30.015],
    ['1m0s', 60],
    ['1h2m3s', 3723],
    ['500ms', 0.5],
  ])('%s → %d', (d, s) => {
    expect(durationSeconds(d)).toBeCloseTo(s, 9);
  });
  it('rejects garbage', () => {
    expect(() => durationSeconds('soon')).toThrow(/not a Go duration/);
  });
});

describe('tlsOptions', () => {
  const agent = new https.Agent();
  const applied: https.RequestOptions = {
    agent,
    ca: 'CA',
    cert: 'CERT',
    key: 'KEY',
    headers: { authorization: 'Bearer t' },
  };

  it("drops client-node's agent (no keep-alive) and keeps what identifies the connection", () => {
    expect(tlsOptions(applied, false)).toEqual({
      ca: 'CA',
      cert: 'CERT',
      key: 'KEY',
      headers: { authorization: 'Bearer t' },
    });
  });

  it('keeps the agent when the kubeconfig names a proxy: that agent speaks to it', () => {
    expect(tlsOptions(applied, true).agent).toBe(agent);
  });
});
