import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseSpec, scalerSpecSchema } from '../../core/spec.js';
import { parseProcessOptions } from './config.js';

const processSpec = scalerSpecSchema.parse({
  target: { process: { command: 'node', args: ['s.mjs'], basePort: 9101, listenPort: 9100 } },
});

describe('parseProcessOptions', () => {
  it('gives every default when absent', () => {
    const r = parseProcessOptions(undefined, processSpec);
    expect(r.ok && r.value).toMatchObject({
      healthCheck: { type: 'tcp' },
      drainSeconds: 30,
      stopSeconds: 10,
      restartBackoff: { initialMs: 1000, maxMs: 60_000 },
      listenHost: '127.0.0.1',
      env: {},
    });
  });

  it.each([
    [{ drainSeconds: -1 }, 'processOptions.drainSeconds = -1: Too small'],
    [
      { healthCheck: { type: 'http', path: 'healthz' } },
      'processOptions.healthCheck.path = "healthz"',
    ],
    [{ env: { 'BAD-NAME': 'x' } }, 'must be a variable name'],
    [{ drain: 5 }, 'processOptions.drain: unknown key'],
    [
      { restartBackoff: { initialMs: 5 } },
      'processOptions.restartBackoff.initialMs = 5: Too small',
    ],
  ])('%j → %s', (input, message) => {
    const r = parseProcessOptions(input, processSpec);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.issues.map((i) => i.message).join('\n')).toContain(message);
  });

  it('refuses processOptions beside a target that is not a process', () => {
    const spec = scalerSpecSchema.parse({
      target: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    });
    const r = parseProcessOptions({ drainSeconds: 5 }, spec);
    expect(r.ok ? '' : r.issues[0]?.message).toBe(
      'processOptions: only for a process target (target: {process: {...}})',
    );
  });
});

describe('examples/tide-local.yaml', () => {
  it('parses: its specs, their process targets and processOptions', async () => {
    const text = await readFile(
      join(import.meta.dirname, '../../../examples/tide-local.yaml'),
      'utf8',
    );
    const file = parse(text) as { scalers: Record<string, unknown>[] };
    expect(file.scalers).toHaveLength(1);
    for (const { processOptions, ...input } of file.scalers) {
      const spec = parseSpec(input);
      expect(spec.ok ? [] : spec.issues).toEqual([]);
      if (!spec.ok) continue;
      expect(spec.value.target).toHaveProperty('process.command', 'node');
      const options = parseProcessOptions(processOptions, spec.value);
      expect(options.ok ? [] : options.issues).toEqual([]);
    }
  });
});
