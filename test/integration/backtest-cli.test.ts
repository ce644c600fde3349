/**
 * `tide backtest` as a user runs it: the built CLI in a child process. Worker-thread replays
 * (`--jobs 2`) must give the same report as replays in one thread (`--jobs 1`), and bad input
 * must fail with a message naming the line.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BacktestReport } from '../../src/report/backtest-json.js';

const root = join(import.meta.dirname, '../..');
const cli = join(root, 'dist/src/cli/index.js');
const dir = mkdtempSync(join(tmpdir(), 'tide-cli-'));

function tide(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: dir });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
});

describe('tide backtest (built CLI)', () => {
  it('gives the same report with worker threads as in one thread', () => {
    const args = [
      'backtest',
      '--trace',
      'azure_llm2023_code_1s',
      '--trace',
      'mooncake_conversation_3s',
      '--json',
      '--quiet',
    ];
    const one = tide(...args, '--jobs', '1', '--out', join(dir, 'one'));
    const two = tide(...args, '--jobs', '2', '--out', join(dir, 'two'));
    expect(one.status, one.stderr).toBe(0);
    expect(two.status, two.stderr).toBe(0);
    const a = JSON.parse(one.stdout) as BacktestReport;
    const b = JSON.parse(two.stdout) as BacktestReport;
    expect(b.traces).toEqual(a.traces);
    expect(a.traces.map((t) => t.results.length)).toEqual([9, 9]);
    expect(a.traces[0]?.results.find((r) => r.policy === 'hpa')).toMatchObject({ ok: true });
  });

  it('fails on a bad trace with the line and the rule, exit code 2', () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'timestamp,value\n0,10\n60,12\n120,x\n');
    const r = tide('backtest', '--trace', bad, '--quiet');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('tide: bad line 4: value = "x", must be a number\n');
  });
});
