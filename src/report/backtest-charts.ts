/**
 * The backtest report's charts: the page's script (plain JavaScript, run after uPlot's) that
 * unpacks each trace's series (`backtest-html.ts`'s `TraceSeries`, packed by `series-pack.ts`)
 * and draws them with uPlot.
 *
 * - "every policy": the required replicas (grey area) and each policy's ready replicas, opened on
 *   the hours around the peak;
 * - one chart per policy: required (grey area), demand at the SLO line (thin dark line), ready
 *   replicas (coloured), the steps short of replicas (red, drawn from the required count down to
 *   the supply) and, along the foot, the steps where prediction set the count (green).
 *
 * A trace's charts share the cursor and the zoom (drag to zoom; double-click or the trace's
 * "reset zoom" button shows the whole trace). The legend shows the step under the cursor: its
 * time, the required replicas, the demand, and each policy's ready replicas with the reason code
 * that set its count at that step. `window.tideCharts` lists the charts (for tests);
 * `document.body.dataset.charts` becomes `ready` once every chart is drawn, or `failed`.
 *
 * @module
 */
import { unpackScript } from './series-pack.js';

export const chartScript = `(function () {
  ${unpackScript}
  var traces = JSON.parse(document.getElementById('chart-data').textContent);
  var charts = [];
  window.tideCharts = charts;
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function timeOf(h) {
    if (h === null || h === undefined) return '—';
    var day = Math.floor(h / 24), m = Math.round((h - 24 * day) * 60);
    return 'day ' + (day + 1) + ' ' + pad(Math.floor(m / 60)) + ':' + pad(m % 60) + ' (' + h.toFixed(2) + ' h)';
  }
  function axisHours(u, splits) {
    var span = u.scales.x.max - u.scales.x.min;
    return splits.map(function (h) { return span > 72 ? (h / 24).toFixed(h % 24 === 0 ? 0 : 1) + ' d' : span > 3 ? h.toFixed(h % 1 === 0 ? 0 : 1) + ' h' : (h * 60).toFixed(0) + ' min'; });
  }
  function whole(u, v) { return v === null || v === undefined ? '—' : String(v); }
  function supplyValue(p) {
    return function (u, v, si, i) {
      if (v === null || v === undefined) return '—';
      var code = p.reason && i !== null && i !== undefined ? p.codes[p.reason[i]] : null;
      return v + (code ? ' · ' + code : '') + (p.predicted && p.predicted[i] ? ' · predicted' : '');
    };
  }
  function visible(u, n, step) {
    var i0 = Math.max(0, Math.floor(u.scales.x.min * 3600 / step) - 1);
    var i1 = Math.min(n - 1, Math.ceil(u.scales.x.max * 3600 / step) + 1);
    return [i0, i1];
  }
  /** Red where short (required down to supply); green along the foot where prediction set the count. */
  function overlay(t, x, required, p) {
    var w = t.stepSeconds / 3600;
    return function (u) {
      var c = u.ctx, b = u.bbox, r = visible(u, t.steps, t.stepSeconds);
      c.save();
      c.beginPath(); c.rect(b.left, b.top, b.width, b.height); c.clip();
      c.fillStyle = 'rgba(214,39,40,0.75)';
      for (var k = r[0]; k <= r[1]; k++) {
        if (p.supply[k] >= required[k]) continue;
        var x0 = u.valToPos(x[k], 'x', true), x1 = u.valToPos(x[k] + w, 'x', true);
        var y0 = u.valToPos(required[k], 'y', true), y1 = u.valToPos(p.supply[k], 'y', true);
        c.fillRect(x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0));
      }
      if (p.predicted) {
        c.fillStyle = 'rgba(44,160,44,0.8)';
        var h = 4 * devicePixelRatio, top = b.top + b.height - h;
        for (var j = r[0]; j <= r[1]; j++) {
          if (!p.predicted[j]) continue;
          var a = u.valToPos(x[j], 'x', true), e = u.valToPos(x[j] + w, 'x', true);
          c.fillRect(a, top, Math.max(1, e - a), h);
        }
      }
      c.restore();
    };
  }
  function build(t, el, x, required, demand, pol) {
    var group = [], syncing = false;
    var width = Math.max(400, (el.closest('section') || document.body).clientWidth - 8);
    function options(height, series, draw) {
      return {
        width: width, height: height,
        scales: { x: { time: false }, y: { range: function (u, min, max) { return [0, Math.max(1, max * 1.05)]; } } },
        axes: [{ values: axisHours }, { size: 44 }],
        cursor: { sync: { key: 'tide-' + t.trace }, drag: { x: true, y: false } },
        series: [{ label: 'time', value: function (u, v) { return timeOf(v); } }].concat(series),
        hooks: {
          draw: draw ? [draw] : [],
          setScale: [function (u, key) {
            if (key !== 'x' || syncing) return;
            syncing = true;
            group.forEach(function (o) { if (o !== u) o.setScale('x', { min: u.scales.x.min, max: u.scales.x.max }); });
            syncing = false;
          }]
        }
      };
    }
    var reqSeries = { label: 'required', stroke: '#999', fill: 'rgba(187,187,187,0.5)', width: 1, value: whole };
    var all = el.querySelector('div.uchart.all');
    var u = new uPlot(options(300, [reqSeries].concat(pol.map(function (p) {
      return { label: p.name, stroke: p.color, width: 1.3, dash: p.name === 'oracle' ? [4, 3] : undefined, value: supplyValue(p) };
    }))), [x, required].concat(pol.map(function (p) { return p.supply; })), all);
    syncing = true; u.setScale('x', { min: x[t.peak[0]], max: x[t.peak[1]] }); syncing = false;
    charts.push({ trace: t.trace, policy: null, chart: u, element: all });
    group.push(u);
    pol.forEach(function (p) {
      var div = el.querySelector('div.uchart.policy[data-policy="' + CSS.escape(p.name) + '"]');
      if (!div) return;
      var v = new uPlot(options(190, [
        reqSeries,
        { label: 'demand at the SLO line', stroke: '#222', width: 0.7, value: function (u, d) { return d === null || d === undefined ? '—' : d.toFixed(2); } },
        { label: p.name + ' ready', stroke: p.color, width: 1.3, value: supplyValue(p) }
      ], overlay(t, x, required, p)), [x, required, demand, p.supply], div);
      charts.push({ trace: t.trace, policy: p.name, chart: v, element: div });
      group.push(v);
    });
    var reset = el.querySelector('button.reset');
    if (reset) reset.addEventListener('click', function () {
      group.forEach(function (o) { syncing = true; o.setScale('x', { min: x[0], max: x[x.length - 1] }); syncing = false; });
    });
  }
  function load(t) {
    var jobs = [unpack(t.required, 1), unpack(t.demand, 100)];
    t.policies.forEach(function (p) {
      jobs.push(unpack(p.supply, 1));
      jobs.push(p.reasons ? unpack(p.reasons.index, 1) : Promise.resolve(null));
      jobs.push(p.predicted ? unpack(p.predicted, 1) : Promise.resolve(null));
    });
    return Promise.all(jobs).then(function (a) {
      var x = new Array(t.steps);
      for (var k = 0; k < t.steps; k++) x[k] = k * t.stepSeconds / 3600;
      var pol = t.policies.map(function (p, i) {
        return { name: p.name, color: p.color, supply: a[2 + 3 * i], reason: a[3 + 3 * i], predicted: a[4 + 3 * i], codes: p.reasons ? p.reasons.codes : null };
      });
      var section = document.getElementById(t.trace);
      if (section) build(t, section, x, a[0], a[1], pol);
    });
  }
  Promise.all(traces.map(load)).then(function () {
    document.body.dataset.charts = 'ready';
  }, function (e) {
    document.body.dataset.charts = 'failed';
    console.error('drawing the charts: ' + (e && e.message ? e.message : e));
  });
})();`;
