import { describe, expect, it } from 'vitest';
import { decide } from '../core/decide.js';
import { ORACLE, backtest, resolvePolicies } from '../sim/backtest.js';
import { defaultSimParams } from '../sim/params.js';
import { parseTraceCsv } from '../sim/trace.js';
import { buildReport, median, predictedShare } from './backtest-json.js';
import { type TraceSeries, renderHtml, traceSeries } from './backtest-html.js';
import { unpackSeries } from './series-pack.js';
import { reportText } from './backtest-table.js';

describe('median', () => {
  it.each([
    [[], null],
    [[3], 3],
    [[5, 1, 3], 3],
    [[4, 1, 3, 2], 2.5],
  ])('%j ⇒ %j', (values, expected) => expect(median(values)).toBe(expected));
});

// Two small traces: a spike and a ramp, 10 min each at 1 min.
const spike = parseTraceCsv(
  [
    '0,60',
    '60,60',
    '120,60',
    '180,600',
    '240,60',
    '300,60',
    '360,60',
    '420,60',
    '480,60',
    '540,60',
  ].join('\n'),
  { name: 'spike' },
);
const ramp = parseTraceCsv(
  Array.from({ length: 10 }, (_, i) => `${i * 60},${(i + 1) * 60}`).join('\n'),
  {
    name: 'ramp',
  },
);
const params = defaultSimParams();
const policies = resolvePolicies([ORACLE, 'hpa', 'static-peak'], params);
const results = [spike, ramp].map((trace) => backtest({ trace, params, policies, decide }));
const report = buildReport({
  results: results.map((result) => ({ result, source: `${result.trace.name}.csv` })),
  params,
  policies: policies.map((p) => p.name),
  generatedAt: '2024-01-01T00:00:00.000Z',
});

describe('predictedShare', () => {
  it.each([
    [null, null],
    [new Uint8Array(0), null],
    [Uint8Array.from([0, 0, 0, 0]), 0],
    [Uint8Array.from([0, 1, 1, 0]), 50],
    [Uint8Array.from([1, 1, 1, 1]), 100],
  ])('%j ⇒ %j', (flags, expected) => expect(predictedShare(flags)).toBe(expected));
});

describe('buildReport', () => {
  it('records every policy on every trace with the scores and the parameters', () => {
    expect(report.version).toBe(1);
    expect(report.parameters).toEqual(params);
    expect(report.traces.map((t) => [t.name, t.steps, t.results.map((r) => r.policy)])).toEqual([
      ['spike', 40, ['oracle', 'hpa', 'static-peak']],
      ['ramp', 40, ['oracle', 'hpa', 'static-peak']],
    ]);
    // none of these has prediction
    for (const t of report.traces) {
      for (const r of t.results) expect(r.ok && r.predictedShare).toBeNull();
    }
  });

  it('summarizes each policy by its medians across traces', () => {
    const peak = report.summary.find((s) => s.policy === 'static-peak');
    // static-peak: 40 replicas for 10 min on both traces, never short.
    expect(peak).toMatchObject({ traces: 2, medianTauU: 0, totalSloViolationMinutes: 0 });
    const oracle = report.summary.find((s) => s.policy === 'oracle');
    expect(oracle).toMatchObject({ traces: 2, medianTauU: 0, medianOracleRatio: 1 });
  });
});

describe('reportText and renderHtml', () => {
  it('prints the parameters and a row per policy', () => {
    const text = reportText(report);
    expect(text.split('\n')[0]).toBe(
      'model: step 15 s, peakReplicas 40, sloUtilization 0.9, startup 60 s, minRequired 1, scrape 15 s, metric window 60 s, lag 15 s, initial replicas required at t = 0',
    );
    expect(text.match(/^static-peak\s/gm)).toHaveLength(3); // two traces and the summary
  });

  it('is one self-contained page: uPlot inlined, no external resources, a chart per policy and trace', () => {
    const html = renderHtml({ report, results });
    expect(html).not.toMatch(/<link|src=|https?:\/\/(?!github\.com\/leeoniya)/);
    expect(html).toContain('var uPlot=');
    expect(html.match(/<div class="uchart policy"/g)).toHaveLength(6);
    expect(html.match(/<div class="uchart all"/g)).toHaveLength(2);
    expect(html).toContain('startup 60 s');
  });

  it('embeds every step of every series, packed', () => {
    const html = renderHtml({ report, results });
    const json = /<script type="application\/json" id="chart-data">(.*?)<\/script>/s.exec(
      html,
    )?.[1];
    const series = JSON.parse(json ?? '[]') as TraceSeries[];
    expect(series.map((s) => s.trace)).toEqual(results.map((r) => r.trace.name));
    results.forEach((result, t) => {
      const s = series[t] as TraceSeries;
      expect(unpackSeries(s.required)).toEqual([...result.model.required]);
      result.policies.forEach((p, i) => {
        if (!p.ok) return;
        const packed = s.policies[i];
        expect(unpackSeries(packed?.supply ?? '')).toEqual([...p.record.supply]);
        if (p.reasons === null) return expect(packed?.reasons).toBeNull();
        const codes = unpackSeries(packed?.reasons?.index ?? '').map(
          (k) => packed?.reasons?.codes[k],
        );
        expect(codes).toEqual([...p.reasons.index].map((k) => p.reasons?.codes[k]));
      });
    });
  });
});

describe('where prediction set the count, in the report', () => {
  // Three hours of a steady 600 req/min with a small ripple: the planner takes charge.
  const steady = parseTraceCsv(
    Array.from({ length: 180 }, (_, i) => `${i * 60},${600 + (i % 3) * 6}`).join('\n'),
    { name: 'steady' },
  );
  const withTide = resolvePolicies(['hpa', 'tide'], params);
  const runs = [backtest({ trace: steady, params, policies: withTide, decide })];
  const tideReport = buildReport({
    results: runs.map((result) => ({ result, source: 'steady.csv' })),
    params,
    policies: withTide.map((p) => p.name),
    generatedAt: '2024-01-01T00:00:00.000Z',
  });

  it('gives tide a share between 0 and 100 and hpa none', () => {
    const [hpa, tide] = tideReport.traces[0]!.results;
    expect(hpa?.ok && hpa.predictedShare).toBeNull();
    const share = tide?.ok === true ? tide.predictedShare : null;
    expect(share).toBeGreaterThan(50);
    expect(share).toBeLessThan(100); // not while it was still learning
  });

  it('shows the share in the tables and packs where prediction set the count for tide only', () => {
    expect(reportText(tideReport)).toMatch(/pred %/);
    const html = renderHtml({ report: tideReport, results: runs });
    expect(html).toContain('prediction %');
    const series = traceSeries(runs[0]!, new Map());
    expect(series.policies.map((p) => p.predicted === null)).toEqual([true, false]); // hpa, tide
    const tide = runs[0]!.policies[1]!;
    expect(unpackSeries(series.policies[1]?.predicted ?? '')).toEqual([
      ...(tide.ok ? (tide.predicted ?? []) : []),
    ]);
  });
});
