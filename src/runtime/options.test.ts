import { describe, expect, it } from 'vitest';
import { parseRunOptions, runOptionInfo } from './options.js';

describe('parseRunOptions', () => {
  it('applies the defaults', () => {
    expect(parseRunOptions({ config: 'f.yaml' }, {})).toEqual({
      ok: true,
      value: { config: 'f.yaml', dryRun: false, readConcurrency: 4, readTimeoutMs: 30_000 },
    });
  });

  it('reads env twins and lets flags win over them', () => {
    const env = {
      TIDE_CONFIG: 'env.yaml',
      TIDE_DRY_RUN: 'true',
      TIDE_READ_CONCURRENCY: '8',
      TIDE_REPLICAS: '3',
    };
    expect(parseRunOptions({ readConcurrency: '2' }, env)).toEqual({
      ok: true,
      value: {
        config: 'env.yaml',
        dryRun: true,
        replicas: 3,
        readConcurrency: 2,
        readTimeoutMs: 30_000,
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
  ])('reports %j %j naming the flag and its variable', (flags, env, message) => {
    const result = parseRunOptions(flags, env);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues.map((i) => i.message).join('\n')).toContain(message);
  });

  it('gives every option a TIDE_ env twin', () => {
    for (const info of runOptionInfo) expect(info.env).toMatch(/^TIDE_[A-Z_]+$/);
  });
});
