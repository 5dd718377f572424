// The dashboard's panels: one entry per panel. A panel is an id, a title, a
// build(el) that makes its DOM once and an update(store) called after each
// poll (see dashboard.js for the store). Adding a panel is adding one entry.
'use strict';

window.CentinelaPanels = [];
const panel = (definition) => window.CentinelaPanels.push(definition);

const sum = (values) => values.reduce((a, b) => a + (b || 0), 0);
const ratio = (part, whole) => part.map((p, i) => (whole[i] ? (100 * p) / whole[i] : null));
const el = (tag, attrs = {}, text = '') => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text) node.textContent = text;
  return node;
};
const bytes = (n) => {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i += 1; }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
};
const ms = (v) => (v == null || v < 0 ? '–' : `${Number(v).toFixed(1)} ms`);
// "of p95 420.0 ms, 380.0 ms is db, 25.0 ms app": a route's 5-minute p95 and
// the p95 of each duration its origin reported (Server-Timing), largest first.
const originShare = (p95, timings) => {
  if (!timings || !timings.length) return '–';
  const parts = [...timings].sort((a, b) => b.p95 - a.p95)
    .map((t, i) => (i === 0 ? `${ms(t.p95)} is ${t.metric}` : `${ms(t.p95)} ${t.metric}`));
  return `of p95 ${ms(p95)}, ${parts.join(', ')}`;
};
const palette = ['#2563eb', '#c0362c', '#b25e09', '#12805c', '#7c3aed', '#0e7490'];

// A time chart over the store's seconds: `lines` are [label, values(store)].
// Returns {update(store), chart} and registers the chart for the test hook.
function timeChart(container, lines, { unit = '', t = (store) => store.t } = {}) {
  const width = () => Math.max(container.clientWidth, 200);
  const chart = new uPlot({
    width: width(), height: 180,
    series: [{}].concat(lines.map(([label], i) => ({
      label, stroke: palette[i % palette.length], width: 1.5, spanGaps: false,
      value: (u, v) => (v == null ? '–' : `${+v.toFixed(2)}${unit}`),
    }))),
    axes: [{}, { size: 70, values: (u, ticks) => ticks.map((v) => `${+v.toFixed(2)}${unit}`) }],
    // A share is drawn on 0–100 %, whatever the data.
    scales: { x: { time: true }, y: unit === '%' ? { range: [0, 100] } : {} },
    legend: { live: true },
  }, [[]].concat(lines.map(() => [])), container);
  new ResizeObserver(() => chart.setSize({ width: width(), height: 180 })).observe(container);
  return {
    chart,
    update(store) { chart.setData([t(store)].concat(lines.map(([, values]) => values(store)))); },
  };
}

// A chart panel: `lines` as timeChart's.
function chartPanel(id, title, note, lines, options) {
  let view;
  panel({
    id, title, note,
    build(node) { view = timeChart(node, lines, options); },
    update(store) { view.update(store); },
    chart() { return view.chart; },
  });
}

// A table panel: `header` [[name, numeric]], `rows(store)` → arrays of cells.
function tablePanel(id, title, note, header, rows, empty) {
  let body;
  panel({
    id, title, note,
    build(node) {
      const wrap = el('div', { class: 'scroll' });
      const table = el('table');
      const head = el('tr');
      for (const [name, numeric] of header) head.append(el('th', numeric ? { class: 'num' } : {}, name));
      table.append(el('thead'), el('tbody'));
      table.tHead.append(head);
      body = table.tBodies[0];
      wrap.append(table);
      node.append(wrap);
    },
    update(store) {
      const list = rows(store);
      body.replaceChildren();
      if (!list.length) {
        const row = el('tr');
        row.append(el('td', { colspan: String(header.length) }, empty));
        body.append(row);
      }
      for (const cells of list) {
        const row = el('tr');
        cells.forEach((cell, i) => {
          const attrs = header[i][1] ? { class: 'num' } : {};
          if (cell && typeof cell === 'object') attrs.class = cell.class;
          row.append(el('td', attrs, String(cell && typeof cell === 'object' ? cell.text : cell)));
        });
        body.append(row);
      }
    },
  });
}

chartPanel('requests', 'Requests per second', 'All answered requests; errors by class.', [
  ['requests/s', (s) => s.s.requests],
  ['5xx/s', (s) => s.s.errors_5xx],
  ['4xx/s', (s) => s.s.errors_4xx],
]);

chartPanel('error_rate', 'Error rate', 'Share of requests answered with 5xx / 4xx.', [
  ['5xx', (s) => ratio(s.s.errors_5xx, s.s.requests)],
  ['4xx', (s) => ratio(s.s.errors_4xx, s.s.requests)],
], { unit: '%' });

// Latency per route: the chosen route's per-second p50 / p95 / p99, and
// every route's 1 / 5 / 15 minute windows below.
(() => {
  let view;
  let select;
  let table;
  let chosen = '';
  const route = (store) => store.routes[chosen] || { t: [], p50: [], p95: [], p99: [] };
  panel({
    id: 'latency', title: 'Latency per route', note: 'p50 / p95 / p99 of each second (ms); table: windows.',
    build(node) {
      select = el('select', { 'aria-label': 'route' });
      select.addEventListener('change', () => { chosen = select.value; });
      node.append(select);
      const chart = el('div', { class: 'chart' });
      node.append(chart);
      view = timeChart(chart, [
        ['p50', (s) => route(s).p50], ['p95', (s) => route(s).p95], ['p99', (s) => route(s).p99],
      ], { unit: ' ms', t: (s) => route(s).t });
      table = el('table');
      node.append(table);
    },
    update(store) {
      const names = Object.keys(store.routes);
      if (select.options.length !== names.length) {
        select.replaceChildren(...names.map((n) => el('option', { value: n }, n)));
      }
      if (!chosen || !store.routes[chosen]) chosen = names[0] || '';
      select.value = chosen;
      view.update(store);
      table.replaceChildren();
      const head = el('tr');
      for (const h of ['route', '1m p50', '1m p95', '1m p99', '5m p99', '15m p99', '15m max']) {
        head.append(el('th', h === 'route' ? {} : { class: 'num' }, h));
      }
      head.append(el('th', {}, 'origin timing (5m p95)'));
      table.append(head);
      for (const r of (store.latest && store.latest.routes) || []) {
        const w = r.windows;
        const row = el('tr');
        row.append(el('td', {}, r.name));
        for (const v of [w['1m'].p50, w['1m'].p95, w['1m'].p99, w['5m'].p99, w['15m'].p99, w['15m'].max]) {
          row.append(el('td', { class: 'num' }, ms(v)));
        }
        row.append(el('td', { class: 'origin-timing' }, originShare(w.p95, r.origin_timing)));
        table.append(row);
      }
    },
    chart() { return view.chart; },
  });
})();

chartPanel('cache', 'Cache hit ratio', 'Hits (and stale answers) over hits + misses.', [
  ['hit ratio', (s) => ratio(s.s.cache_hits, s.s.cache_hits.map((h, i) => h + s.s.cache_misses[i]))],
], { unit: '%' });

chartPanel('offload', 'Offloaded from the origin', 'Requests answered from the cache, and their bytes (KiB/s).', [
  ['requests/s', (s) => s.s.offloaded_requests],
  ['KiB/s', (s) => s.s.offloaded_bytes.map((b) => b / 1024)],
]);

chartPanel('compression', 'Compression savings', 'Bytes compression kept off the wire (KiB/s).', [
  ['saved KiB/s', (s) => s.s.compression_saved_bytes.map((b) => b / 1024)],
  ['sent KiB/s', (s) => s.s.bytes_sent.map((b) => b / 1024)],
]);

chartPanel('rate_limit', 'Rate-limit refusals', 'Requests refused with 429 per second.', [
  ['refused/s', (s) => s.s.rate_limited],
]);

tablePanel('limited_keys', 'Top limited keys', 'The most refused keys since start.',
  [['route'], ['policy'], ['key'], ['refused', true]],
  (s) => ((s.latest && s.latest.top_limited_keys) || []).map((k) => [k.route, k.policy, k.key, k.limited]),
  'no refusals');

chartPanel('waf', 'WAF blocks', 'Requests the web application firewall blocked per second.', [
  ['blocked/s', (s) => s.s.waf_blocked],
]);

tablePanel('upstreams', 'Upstream servers', 'Health, in-flight requests, ejections; latency of the upstream over 1 m.',
  [['upstream'], ['server'], ['state'], ['in flight', true], ['ejections', true], ['p50', true], ['p99', true]],
  (s) => ((s.latest && s.latest.upstreams) || []).flatMap((u) => u.servers.map((srv) => [
    u.name, srv.server, { text: srv.state, class: srv.state }, srv.in_flight, srv.ejections,
    ms(u['1m'].p50), ms(u['1m'].p99)])),
  'no upstreams');

(() => {
  let value;
  panel({
    id: 'redis', title: 'Redis', note: 'Connection of this instance to the shared Redis.',
    build(node) { value = el('div', { class: 'big' }, '–'); node.append(value); },
    update(store) {
      const state = (store.latest && store.latest.redis) || '–';
      value.textContent = state.replace('_', ' ');
      value.className = `big ${state}`;
      // Why it is down (a refused connection, a TLS certificate problem), on hover.
      value.title = (store.latest && store.latest.redis_error) || '';
    },
  });
})();

chartPanel('connections', 'Active connections', 'Client connections open at the end of each second.', [
  ['connections', (s) => s.s.connections],
]);

tablePanel('slow', 'Slowest recent requests', 'Slower than log.slow_request.slow; time before the upstream (gateway), connect, first byte, transfer; what the origin said in Server-Timing.',
  [['request id'], ['route'], ['request'], ['status', true], ['total', true], ['gateway', true],
    ['connect', true], ['first byte', true], ['transfer', true], ['origin said']],
  (s) => ((s.latest && s.latest.slow) || []).map((r) => [
    r.request_id, r.route, `${r.method} ${r.path}`, r.status, ms(r.total_ms), ms(r.gateway_ms),
    ms(r.connect_ms), ms(r.first_byte_ms), ms(r.transfer_ms),
    {
      text: (r.origin_timing || []).map(([name, v]) => `${name} ${ms(v)}`).join(', ') || '–',
      class: 'origin-timing',
    }]),
  'none yet');

window.CentinelaFormat = { bytes, sum };
