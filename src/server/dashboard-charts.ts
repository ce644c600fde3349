/**
 * The dashboard's charts, drawn with uPlot (served by the dashboard's own server): per scaler,
 * replicas (current, desired, predicted, the reactive proposal, and the forecast band between
 * the last two) and, behind Tide's proxy, request rate and latency on two axes. Plain JavaScript
 * for the page: `mountCharts()` draws the scalers embedded in the page and sets
 * `window.tideDashboard.show(view)`, which `live()` calls with each tick: an existing chart gets
 * the new data in place (a zoomed chart keeps its zoom until double-clicked). Hovering shows the
 * tick's values in the legend (desired with the code of the reason that set it) and the full
 * reason on the line below the chart.
 *
 * @module
 */

export const dashboardCharts = `function mountCharts() {
  var charts = {};
  function utc(ts) { return uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'); }
  function section(name) {
    return Array.prototype.find.call(document.querySelectorAll('section.scaler'), function (s) { return s.dataset.scaler === name; });
  }
  function codeAt(entry, i) {
    var p = entry.history[i];
    return p && p.reason ? p.reason.split(':')[0] : null;
  }
  function reasonLine(entry, name, i) {
    var p = entry.history[i], sec = section(name), el = sec && sec.querySelector('p.tick-reason');
    if (!el || !p) return;
    el.textContent = new Date(p.time).toISOString().slice(11, 19) + ' UTC: desired ' + p.desired + ', current ' + p.current + ' — ' + (p.reason || 'no reason recorded');
  }
  function data(view) {
    var h = view.history, x = h.map(function (p) { return p.time / 1000; });
    var col = function (k) { return h.map(function (p) { return p[k]; }); };
    return { replicas: [x, col('current'), col('desired'), col('predicted'), col('reactive')], traffic: [x, col('rps'), col('latencyMs')] };
  }
  function options(entry, name, kind) {
    var desired = function (u, v, si, i) { if (v === null || v === undefined) return '—'; var c = codeAt(entry, i); return v + (c ? ' · ' + c : ''); };
    var o = kind === 'replicas' ? {
      height: 200,
      series: [{}, { label: 'current', stroke: '#7f7f7f', width: 2 }, { label: 'desired', stroke: '#1f77b4', width: 2, value: desired },
        { label: 'predicted', stroke: '#ff7f0e', dash: [5, 3], width: 2 }, { label: 'reactive', stroke: 'rgba(255,127,14,0.45)', width: 1 }],
      bands: [{ series: [3, 4], fill: 'rgba(255,127,14,0.15)' }],
      axes: [{}, { size: 44 }]
    } : {
      height: 160,
      series: [{}, { label: 'req/s', stroke: '#2ca02c', width: 2, scale: 'rps' }, { label: 'latency ms', stroke: '#d62728', width: 2, scale: 'ms' }],
      axes: [{}, { scale: 'rps', size: 50 }, { scale: 'ms', side: 1, size: 50, grid: { show: false } }]
    };
    o.tzDate = utc;
    o.cursor = { sync: { key: 'tide-' + name }, drag: { x: true, y: false } };
    o.hooks = {
      setSelect: [function (u) { if (u.select.width > 0) entry.zoomed[kind] = true; }],
      setCursor: [function (u) { if (kind === 'replicas' && u.cursor.idx !== null && u.cursor.idx !== undefined) reasonLine(entry, name, u.cursor.idx); }]
    };
    return o;
  }
  function show(view) {
    var sec = section(view.name);
    if (!sec) return;
    var d = data(view);
    var entry = charts[view.name] || (charts[view.name] = { zoomed: { replicas: false, traffic: false }, charts: {}, history: [] });
    entry.history = view.history;
    ['replicas', 'traffic'].forEach(function (kind) {
      var el = sec.querySelector('div.uchart.' + kind), u = entry.charts[kind];
      if (!el) { if (u) { u.destroy(); delete entry.charts[kind]; } return; }
      if (u) { el.appendChild(u.root); u.setData(d[kind], !entry.zoomed[kind]); return; }
      var o = options(entry, view.name, kind);
      o.width = Math.max(320, Math.min(900, (sec.clientWidth || 760) - 32));
      u = new uPlot(o, d[kind], el);
      u.over.addEventListener('dblclick', function () { entry.zoomed[kind] = false; });
      entry.charts[kind] = u;
    });
  }
  window.tideDashboard = { show: show, charts: charts };
  JSON.parse(document.getElementById('views').textContent).forEach(show);
}`;
