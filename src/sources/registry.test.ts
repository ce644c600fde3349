import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { scalerSpecSchema } from '../core/spec.js';
import { createSource, sourceTypes, validateTriggerConfig } from './registry.js';

const trigger = (raw: Record<string, unknown>) =>
  scalerSpecSchema.parse({ triggers: [{ target: { type: 'AverageValue', value: 10 }, ...raw }] })
    .triggers[0]!;

describe('registry', () => {
  it('lists source types alphabetically', () => {
    const names = Object.keys(sourceTypes);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(
      expect.arrayContaining([
        'http',
        'kafka',
        'kubernetes-custom',
        'kubernetes-external',
        'kubernetes-resource',
        'mysql',
        'nats',
        'postgresql',
        'prometheus',
        'rabbitmq',
        'redis',
        'resource',
      ]),
    );
  });

  it('accepts a valid trigger and returns its parsed config with defaults', () => {
    const result = validateTriggerConfig(trigger({ type: 'redis', host: 'r', key: 'jobs' }));
    expect(result).toEqual({
      ok: true,
      value: expect.objectContaining({ host: 'r', port: 6379, metric: 'listLength' }),
    });
  });

  it('reads the resource trigger keys for kubernetes-resource and its alias', () => {
    const t = trigger({
      type: 'resource',
      resource: 'memory',
      labelSelector: 'app=x',
      target: { type: 'Utilization', value: 70 },
    });
    expect(validateTriggerConfig(t)).toEqual({
      ok: true,
      value: expect.objectContaining({ resource: 'memory' }),
    });
  });

  it.each([
    [
      { type: 'sqs' },
      'triggers[0].type',
      'triggers[0].type = "sqs": unknown source type, must be one of http, kafka',
    ],
    [
      { type: 'redis', key: 'k' },
      'triggers[0].host',
      'triggers[0].host: missing: set host (and port) or address',
    ],
    [{ type: 'redis', host: 'r', key: 'k', port: 0 }, 'triggers[0].port', 'triggers[0].port = 0: '],
    [
      { type: 'redis', host: 'r', key: 'k', pasword: 'x' },
      'triggers[0].pasword',
      'triggers[0].pasword: unknown key for a redis trigger',
    ],
    [
      { type: 'redis', host: 'r', key: 'k', metric: 'streamLag' },
      'triggers[0].group',
      'triggers[0].group: group is required for metric streamLag',
    ],
    [
      { type: 'prometheus', serverAddress: 'http://p', query: 'up', password: { fromEnv: 'X' } },
      'triggers[0].password',
      'password requires username',
    ],
  ])('reports %j at its path', (raw, path, message) => {
    const result = validateTriggerConfig(trigger(raw), 'triggers[0]');
    expect(result.ok).toBe(false);
    const issue = result.ok ? undefined : result.issues.find((i) => i.path === path);
    expect(issue?.message).toContain(message);
  });

  it('refuses to create a source from an invalid trigger', () => {
    expect(() =>
      createSource(trigger({ type: 'redis', key: 'k' }), { now: () => 0, env: {} }),
    ).toThrow(/trigger "redis-0"\.host: missing/);
  });

  it('creates a source without connecting', async () => {
    const source = createSource(trigger({ type: 'redis', host: '127.0.0.1', port: 1, key: 'k' }), {
      now: () => 0,
      env: {},
    });
    await source.close();
    expect(typeof source.read).toBe('function');
  });
});

describe('docs/examples', () => {
  const dir = join(import.meta.dirname, '../../docs/examples');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  it.each(files)('%s: every trigger config is valid for its source', (file) => {
    const spec = scalerSpecSchema.parse(parse(readFileSync(join(dir, file), 'utf8')));
    const issues = spec.triggers.flatMap((t, i) => {
      const result = validateTriggerConfig(t, `triggers[${i}]`);
      return result.ok ? [] : result.issues.map((issue) => issue.message);
    });
    expect(issues).toEqual([]);
  });
});
