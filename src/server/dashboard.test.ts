import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { decide } from '../core/decide.js';
import { initialState, type Decision } from '../core/model.js';
import { scalerSpecSchema } from '../core/spec.js';
import { HISTORY_TICKS, ScalerBoard, renderDashboard } from './dashboard.js';

const t0 = Date.UTC(2024, 0, 1);

const spec = scalerSpecSchema.parse({
  triggers: [{ name: 'rps', type: 'prometheus', target: { type: 'AverageValue', value: 100 } }],
  prediction: { mode: 'off' },
});

function decision(total: number | 'error', current = 2): Decision {
  const rps =
    total === 'error'
      ? ({
          status: 'error',
          error: { code: 'Unavailable', message: 'connect ECONNREFUSED', retryable: true },
        } as const)
      : ({ status: 'ok', timestamp: t0, valuesMilli: [total * 1000] } as const);
  return decide(spec, { currentReplicas: current, pods: [], metrics: { rps } }, initialState(), t0);
}

describe('ScalerBoard', () => {
  it('keeps each scaler’s last decision and its last ticks, sorted by name', () => {
    const board = new ScalerBoard();
    for (let i = 0; i < HISTORY_TICKS + 10; i++) {
      const d = { ...decision(300 + i), ...(i % 2 === 0 ? { predictedReplicas: 7 } : {}) };
      board.record({ scaler: 'web', decision: d, currentReplicas: 2, now: t0 + i * 15_000 });
    }
    board.record({ scaler: 'api', decision: decision(100), currentReplicas: 1, now: t0 });
    const [api, web] = board.views();
    expect(api?.name).toBe('api');
    expect(web?.history).toHaveLength(HISTORY_TICKS);
    expect(web?.history[0]?.time).toBe(t0 + 10 * 15_000);
    expect(web?.history.at(-1)).toEqual({
      time: t0 + (HISTORY_TICKS + 9) * 15_000,
      desired: web?.desiredReplicas,
      current: 2,
      predicted: null,
      reactive: web?.triggers[0]?.replicas,
      rps: null,
      latencyMs: null,
      reason: expect.stringMatching(/^[A-Z][A-Za-z]+: .+/) as unknown,
    });
    expect(web?.history.at(-2)?.predicted).toBe(7);
    expect(web?.triggers[0]?.name).toBe('rps');
  });

  it('tells each subscriber every tick recorded, until it unsubscribes', () => {
    const board = new ScalerBoard();
    const seen: [string, number][] = [];
    const stop = board.subscribe((v) => seen.push([v.name, v.history.length]));
    board.record({ scaler: 'web', decision: decision(300), currentReplicas: 2, now: t0 });
    board.record({ scaler: 'web', decision: decision(300), currentReplicas: 3, now: t0 + 15_000 });
    stop();
    board.record({ scaler: 'web', decision: decision(300), currentReplicas: 3, now: t0 + 30_000 });
    expect(seen).toEqual([
      ['web', 1],
      ['web', 2],
    ]);
  });
});

describe('renderDashboard', () => {
  it('shows each scaler’s counts, chart, triggers, conditions and reasons', () => {
    const board = new ScalerBoard();
    board.record({ scaler: 'web', decision: decision(450), currentReplicas: 3, now: t0 });
    board.record({
      scaler: 'web',
      decision: { ...decision(450), predictedReplicas: 4 },
      currentReplicas: 5,
      now: t0 + 15_000,
    });
    const html = renderDashboard(board.views());
    expect(html).not.toContain('http-equiv="refresh"');
    expect(html).toContain('data-scaler="web"');
    expect(html).toMatch(/current <b class="current">5<\/b> · desired <b class="desired">\d+<\/b>/);
    expect(html).toContain('predicted <b class="predicted">4</b>');
    // The chart's place, and the views it is drawn from (with each tick's reason).
    expect(html).toContain('<div class="uchart replicas"');
    const views = JSON.parse(
      /<script type="application\/json" id="views">(.*?)<\/script>/s.exec(html)?.[1] ?? '[]',
    ) as ReturnType<ScalerBoard['views']>;
    expect(views).toEqual(board.views());
    expect(views[0]?.history.map((p) => p.predicted)).toEqual([null, 4]);
    expect(html).toContain('<code>Rescale</code>');
    expect(html).toContain('<td>AbleToScale</td>');
    // No proxy: no traffic chart.
    const main = /<main>([\s\S]*)<\/main>/.exec(html)?.[1] ?? '';
    expect(main).toContain('class="uchart replicas"');
    expect(main).not.toContain('class="uchart traffic"');
  });

  it('shows the proxy’s request rate and latency beside replicas when it has them', () => {
    const board = new ScalerBoard();
    const traffic = { rps: 123.456, latencyMs: 21.04 };
    board.record({ scaler: 'web', decision: decision(450), currentReplicas: 3, now: t0, traffic });
    const html = renderDashboard(board.views());
    expect(html).toContain(
      '<b class="rps">123.5</b> req/s · latency <b class="latency">21.0</b> ms',
    );
    expect(html).toContain('<div class="uchart traffic"');
  });

  it('carries one inline script, which listens on /api/events and redraws from its ticks', () => {
    const html = renderDashboard([]);
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '');
    expect(scripts).toHaveLength(1);
    // uPlot from the dashboard's own server, nothing from elsewhere.
    expect([...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1])).toEqual([
      'data:,',
      '/assets/uplot.min.css',
      '/api/scalers',
      '/metrics',
      '/assets/uplot.min.js',
    ]);
    // It parses, and renders a card the way the server does.
    const body = scripts[0]!.replace(/\nmountCharts\(\);\nlive\(\);\s*$/, '');
    const render = runInNewContext(`${body}\ncard;`) as (v: unknown) => string;
    const board = new ScalerBoard();
    board.record({ scaler: 'web', decision: decision(450), currentReplicas: 3, now: t0 });
    const view = board.views()[0]!;
    expect(renderDashboard([view])).toContain(render(view));
    expect(scripts[0]).toContain('new Source(`/api/events${');
  });

  it('escapes names and messages, and shows a failing trigger’s error', () => {
    const board = new ScalerBoard();
    board.record({
      scaler: '<img src=x onerror=alert(1)>',
      decision: decision('error'),
      currentReplicas: 2,
      now: t0,
    });
    const html = renderDashboard(board.views());
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(html).toContain('Unavailable: connect ECONNREFUSED');
  });

  it('says so when no scaler has decided yet', () => {
    expect(renderDashboard([])).toContain('No scaler has decided yet.');
  });
});
