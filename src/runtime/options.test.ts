import { describe, expect, it } from 'vitest';
import { parseListenAddress, parseRunOptions, runOptionInfo } from './options.js';

describe('parseRunOptions', () => {
  it('applies the defaults', () => {
    expect(parseRunOptions({ config: 'f.yaml' }, {})).toEqual({
      ok: true,
      value: {
        config: 'f.yaml',
        dryRun: false,
        readConcurrency: 4,
        readTimeoutMs: 30_000,
        history: true,
        logLevel: 'info',
        timeScale: 1,
      },
    });
  });

  it.each([
    [{}, { TIDE_HISTORY: 'false' }, false],
    [{}, { TIDE_HISTORY: '1' }, true],
    [{ history: false }, { TIDE_HISTORY: 'true' }, false],
  ])('reads --no-history %j over TIDE_HISTORY %j as history = %s', (flags, env, history) => {
    const result = parseRunOptions({ config: 'f', ...flags }, env);
    expect(result.ok && result.value.history).toBe(history);
  });

  it('reads env twins and lets flags win over them', () => {
    const env = {
      TIDE_CONFIG: 'env.yaml',
      TIDE_DRY_RUN: 'true',
      TIDE_READ_CONCURRENCY: '8',
      TIDE_REPLICAS: '3',
      TIDE_LOG_LEVEL: 'debug',
      TIDE_TIME_SCALE: '80',
    };
    expect(parseRunOptions({ readConcurrency: '2' }, env)).toEqual({
      ok: true,
      value: {
        config: 'env.yaml',
        dryRun: true,
        replicas: 3,
        readConcurrency: 2,
        readTimeoutMs: 30_000,
        history: true,
        logLevel: 'debug',
        timeScale: 80,
      },
    });
  });

  it.each([
    [{}, {}, 'config / TIDE_CONFIG = missing'],
    [
      { config: 'f' },
      { TIDE_READ_CONCURRENCY: '0' },
      '--read-concurrency / TIDE_READ_CONCURRENCY = "0": Too small',
    ],
    [{ config: 'f', replicas: 'many' }, {}, '--replicas / TIDE_REPLICAS = "many"'],
    [{ config: 'f' }, { TIDE_DRY_RUN: 'yes' }, '--dry-run / TIDE_DRY_RUN = "yes"'],
    [{ config: 'f' }, { TIDE_HISTORY: 'maybe' }, '--no-history / TIDE_HISTORY = "maybe"'],
    [{ config: 'f', logLevel: 'loud' }, {}, '--log-level / TIDE_LOG_LEVEL = "loud"'],
    [{ config: 'f', timeScale: '0.5' }, {}, '--time-scale / TIDE_TIME_SCALE = "0.5": Too small'],
    [{ config: 'f' }, { TIDE_TIME_SCALE: 'fast' }, '--time-scale / TIDE_TIME_SCALE = "fast"'],
    [
      { config: 'f', metricsAddress: 'localhost' },
      {},
      '--metrics-address / TIDE_METRICS_ADDRESS = "localhost": expected host:port',
    ],
    [
      { config: 'f' },
      { TIDE_METRICS_ADDRESS: ':70000' },
      '--metrics-address / TIDE_METRICS_ADDRESS = ":70000"',
    ],
  ])('reports %j %j naming the flag and its variable', (flags, env, message) => {
    const result = parseRunOptions(flags, env);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues.map((i) => i.message).join('\n')).toContain(message);
  });

  it('gives every option a TIDE_ env twin', () => {
    for (const info of runOptionInfo) expect(info.env).toMatch(/^TIDE_[A-Z_]+$/);
  });

  it('reads the metrics address from its env twin', () => {
    const result = parseRunOptions({ config: 'f' }, { TIDE_METRICS_ADDRESS: '127.0.0.1:9464' });
    expect(result.ok && result.value.metricsAddress).toBe('127.0.0.1:9464');
  });
});

describe('parseListenAddress', () => {
  it.each([
    ['127.0.0.1:9464', { host: '127.0.0.1', port: 9464 }],
    [':9464', { host: '0.0.0.0', port: 9464 }],
    ['9464', { host: '0.0.0.0', port: 9464 }],
    ['[::1]:0', { host: '::1', port: 0 }],
    ['metrics.local:80', { host: 'metrics.local', port: 80 }],
    ['localhost', null],
    ['127.0.0.1:65536', null],
    ['::1:9464', null],
    ['', null],
  ])('%j → %j', (text, want) => {
    expect(parseListenAddress(text)).toEqual(want);
  });
});
