// Polls /admin/dashboard.json once a second (only what is new: ?since=),
// keeps the last 15 minutes in `store`, and has every panel of panels.js
// redraw. The admin token, when one is set, is asked for once and sent as a
// Bearer token (never a cookie: the admin API's CSRF guards stay as they are).
'use strict';

(() => {
  const KEEP_SECONDS = 900;
  const COUNTS = ['requests', 'errors_5xx', 'errors_4xx', 'cache_hits', 'cache_misses',
    'offloaded_requests', 'offloaded_bytes', 'bytes_sent', 'compression_saved_bytes',
    'rate_limited', 'waf_blocked', 'connections'];
  const store = { t: [], s: {}, routes: {}, latest: null };
  for (const name of COUNTS) store.s[name] = [];
  const status = { polls: 0, failures: 0, lastError: '' };
  const panels = window.CentinelaPanels || [];
  const statusNode = document.getElementById('status');

  // A token given as /dashboard#token=… is kept in this tab and taken out
  // of the address bar (a fragment never reaches a server or a log).
  const hash = new URLSearchParams(window.location.hash.slice(1));
  if (hash.get('token')) {
    sessionStorage.setItem('centinela-admin-token', hash.get('token'));
    history.replaceState(null, '', window.location.pathname);
  }
  const token = () => sessionStorage.getItem('centinela-admin-token') || '';

  function showLogin() {
    const form = document.getElementById('login');
    form.hidden = false;
    form.onsubmit = (event) => {
      event.preventDefault();
      sessionStorage.setItem('centinela-admin-token', document.getElementById('token').value);
      form.hidden = true;
      schedule(0);
    };
  }

  function buildPanels() {
    const main = document.getElementById('panels');
    for (const p of panels) {
      const section = document.createElement('section');
      section.className = 'panel';
      section.id = `panel-${p.id}`;
      const title = document.createElement('h2');
      title.textContent = p.title;
      const note = document.createElement('p');
      note.className = 'note';
      note.textContent = p.note || '';
      const body = document.createElement('div');
      body.className = 'chart';
      section.append(title, note, body);
      main.append(section);
      p.build(body);
    }
  }

  // Appends `values` to `list` and drops what is older than the window.
  const keep = (list, values, drop) => { list.push(...values); list.splice(0, drop); };

  function merge(data) {
    const series = data.series;
    const total = store.t.length + series.t.length;
    const drop = Math.max(0, total - KEEP_SECONDS);
    keep(store.t, series.t, drop);
    for (const name of COUNTS) keep(store.s[name], series[name] || series.t.map(() => 0), drop);
    for (const route of data.routes) {
      const held = store.routes[route.name] ||
        (store.routes[route.name] = { t: [], count: [], p50: [], p95: [], p99: [] });
      const routeDrop = Math.max(0, held.t.length + route.t.length - KEEP_SECONDS);
      for (const key of ['t', 'count', 'p50', 'p95', 'p99']) {
        // A second without requests has no latency: a gap, not a zero.
        const values = key.startsWith('p') ? route[key].map((v, i) => (route.count[i] ? v : null)) : route[key];
        keep(held[key], values, routeDrop);
      }
    }
    store.latest = data;
  }

  async function poll() {
    const since = store.t.length ? store.t[store.t.length - 1] : 0;
    const headers = token() ? { Authorization: `Bearer ${token()}` } : {};
    try {
      const response = await fetch(`/admin/dashboard.json?since=${since}`, { headers, cache: 'no-store' });
      if (response.status === 401) {
        statusNode.textContent = 'admin token required';
        showLogin();
        return false;
      }
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      merge(await response.json());
      for (const p of panels) p.update(store);
      status.polls += 1;
      statusNode.textContent = `live · ${new Date(store.latest.now * 1000).toLocaleTimeString()}`;
      statusNode.classList.remove('error');
    } catch (error) {
      // Shown, not thrown: the gateway restarting is not a page error.
      status.failures += 1;
      status.lastError = String(error);
      statusNode.textContent = `no answer (${status.lastError}), retrying`;
      statusNode.classList.add('error');
    }
    return true;
  }

  let timer = 0;
  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(async () => { if (await poll()) schedule(1000); }, delay);
  }

  // What tests (and curious operators) read: what the page holds and draws.
  window.__centinela_dashboard = {
    state() {
      const totals = {};
      for (const name of COUNTS) totals[name] = store.s[name].reduce((a, b) => a + b, 0);
      const routes = {};
      for (const [name, r] of Object.entries(store.routes)) {
        routes[name] = { requests: r.count.reduce((a, b) => a + b, 0),
          p99_max: Math.max(0, ...r.p99.filter((v) => v != null)) };
      }
      const charts = {};
      for (const p of panels) {
        if (!p.chart) continue;
        const data = p.chart().data;
        charts[p.id] = { points: data[0].length,
          sums: Object.fromEntries(p.chart().series.slice(1).map((s, i) =>
            [s.label, data[i + 1].reduce((a, b) => a + (b || 0), 0)])) };
      }
      return { polls: status.polls, failures: status.failures, last_error: status.lastError,
        seconds: store.t.length, totals, routes, charts, panels: panels.map((p) => p.id),
        latest: store.latest };
    },
  };

  buildPanels();
  schedule(0);
})();
