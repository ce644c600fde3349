import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commands } from './commands.js';

const example = join(import.meta.dirname, '../../docs/examples/decide-input.json');
const dir = mkdtempSync(join(tmpdir(), 'tide-cli-'));

/** Runs `tide ...args` in-process; returns what it printed and the exit code it set. */
async function tide(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  const program = new Command().exitOverride();
  for (const register of commands) register(program);
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  process.exitCode = 0;
  await program.parseAsync(['node', 'tide', ...args]);
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  vi.restoreAllMocks();
  return { out, err, code };
}

afterEach(() => vi.restoreAllMocks());

describe('tide decide / explain', () => {
  it('decides on the documented example', async () => {
    const { out, code } = await tide('decide', example);
    expect(code).toBe(0);
    const decision = JSON.parse(out) as { desiredReplicas: number; valid: boolean };
    // One pod at 900 m of a 1000 m request = 90 % against a 50 % target: ceil(1 × 90/50) = 2.
    expect(decision).toMatchObject({ desiredReplicas: 2, valid: true });
  });

  it('explains the chain of reasons', async () => {
    const { out } = await tide('explain', example);
    expect(out).toContain('scale up 1 → 2 replicas');
    expect(out).toMatch(/\[trigger:cpu\] Proposal → 2/);
  });

  it('reports every problem of a bad document and exits 1', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        spec: { maxReplicas: 0 },
        observation: { currentReplicas: -1 },
        now: 'soon',
      }),
    );
    const { err, code } = await tide('decide', file);
    expect(code).toBe(1);
    expect(err).toContain('spec.maxReplicas = 0: must be a whole number of at least 1');
    expect(err).toContain('observation.currentReplicas');
    expect(err).toContain('now = "soon": must be epoch milliseconds or an ISO-8601 instant');
  });
});

describe('tide validate', () => {
  it("checks each trigger's source settings against the source's schema", async () => {
    const file = join(dir, 'source.yaml');
    writeFileSync(
      file,
      'triggers:\n  - type: prometheus\n    query: up\n    bogus: 1\n    target: {type: AverageValue, value: 5}\n  - type: nosuch\n    target: {type: AverageValue, value: 5}\n',
    );
    const { out, code } = await tide('validate', file);
    expect(code).toBe(1);
    expect(out).toContain(`${file}: triggers[0].bogus: unknown key for a prometheus trigger`);
    expect(out).toMatch(
      /triggers\[1\]\.type = "nosuch": unknown source type, must be one of .*prometheus/,
    );
  });

  it('accepts the documented examples', async () => {
    const { out, code } = await tide(
      'validate',
      join(import.meta.dirname, '../../docs/examples/defaults.yaml'),
    );
    expect(code).toBe(0);
    expect(out).toMatch(/defaults\.yaml: ok/);
  });

  it('names path, value and rule for each problem and exits 1', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'minReplicas: -1\nbehavior:\n  scaleDown:\n    stabilizationWindowSeconds: 4000\n',
    );
    const { out, code } = await tide('validate', file);
    expect(code).toBe(1);
    expect(out).toContain(`${file}: minReplicas = -1: must be a whole number of at least 0`);
    expect(out).toContain(
      `${file}: behavior.scaleDown.stabilizationWindowSeconds = 4000: must be a whole number between 0 and 3600`,
    );
  });
});
