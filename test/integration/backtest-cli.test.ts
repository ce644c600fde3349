/**
 * `tide backtest` and `tide tune` as a user runs them: the built CLI in a child process.
 * Worker-thread replays (`--jobs 2`) must give the same report as replays in one thread
 * (`--jobs 1`), and bad input must fail with a message naming the line or the flag.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseSpec } from '../../src/core/spec.js';
import type { BacktestReport } from '../../src/report/backtest-json.js';
import type { TuneResult } from '../../src/tune/tune.js';

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

describe('tide tune (built CLI)', () => {
  const args = ['tune', '--trace', 'azure_functions2019_sample500_http_1min', '--budget', '4'];

  it('prints the cheapest spec that meets the SLO, the same with worker threads as without', () => {
    const one = tide(...args, '--json', '--quiet', '--jobs', '1', '--out', join(dir, 'tune-one'));
    const two = tide(...args, '--json', '--quiet', '--jobs', '2', '--out', join(dir, 'tune-two'));
    expect(one.status, one.stderr).toBe(0);
    expect(two.status, two.stderr).toBe(0);
    const a = JSON.parse(one.stdout) as TuneResult & { chosenYaml: string };
    const b = JSON.parse(two.stdout) as TuneResult & { chosenYaml: string };
    expect(b.tried).toEqual(a.tried);
    expect(b.chosen).toBe(a.chosen);
    expect(a.tried).toHaveLength(4);
    expect(a.hpa.map((h) => h.target)).toEqual([50, 60, 70, 80, 90]);
    // Default SLO: hpa's τU on the tuning part; the choice meets it, and both parts are scored.
    const hpa = a.hpa.find((h) => h.name === 'hpa');
    expect(a.limitPercent).toBe(hpa?.figures?.tuning.tauU);
    expect(a.feasible).toBe(true);
    const chosen = a.tried[a.chosen];
    expect(chosen?.figures?.tuning.tauU).toBeLessThanOrEqual(a.limitPercent);
    expect(chosen?.figures?.holdout?.replicaHours).toBeGreaterThan(0);
    // The YAML is a spec the schema accepts, as printed.
    const parsed = parseSpec(parse(a.chosenYaml));
    expect(parsed.ok).toBe(true);
  });

  it('prints the table and the YAML, and writes the report', () => {
    const r = tide(...args, '--quiet', '--max-short-percent', '5', '--out', join(dir, 'tune-text'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/tuned on the first 70 % .* scored on the last 30 %/);
    expect(r.stdout).toMatch(/^SLO: short of replicas at most 5\.00 % of the time/m);
    expect(r.stdout).toMatch(/^chosen\s+\d+\.\d\d\s+\d+\.\d\s+\d\.\d{3}\s+\d+\.\d\d/m);
    expect(r.stdout).toMatch(/^oracle\s+0\.00/m);
    expect(r.stdout).toContain('triggers:\n  - name: cpu');
    expect(r.stdout).toContain(join(dir, 'tune-text', 'index.html'));
  });

  it('exits 1 and prints the closest when no spec meets the SLO', () => {
    const r = tide(...args, '--quiet', '--max-short-percent', '0', '--out', join(dir, 'tune-0'));
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^no spec of the 4 tried meets the SLO/m);
    expect(r.stdout).toMatch(/^closest\s/m);
    expect(r.stderr).toMatch(/no spec tried meets τU ≤ 0\.00 %/);
  });

  it.each([
    [['--trace', 'empty.csv'], 'tide: empty: no data rows (expected "timestamp,value")\n'],
    [
      [...args.slice(1), '--max-short-percent', '150'],
      'tide: --max-short-percent = 150, must be between 0 and 100\n',
    ],
    [
      [...args.slice(1), '--holdout', '1'],
      'tide: --holdout = 1, must be a share between 0 and 0.9\n',
    ],
    [[], 'tide: tide tune needs one history: --trace FILE|NAME or --prometheus URL --query …\n'],
  ])('fails on bad input with what to fix, exit code 2: %j', (flags, message) => {
    writeFileSync(join(dir, 'empty.csv'), 'timestamp,value\n');
    const r = tide('tune', ...flags, '--quiet');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(message);
  });
});
