// Shared helpers of the console pages. Every piece of data reaches the page through textContent or
// DOM properties, never through innerHTML: service names, attributes, log bodies and config values
// are attacker-controlled.

export const session = { name: null, role: null, scopes: [], csrfToken: null };

/** Creates an element. attrs: class, text, on:{event: fn}, style:{prop: value}, or any property. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = String(v);
    else if (k === 'on') for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn);
    else if (k === 'style') for (const [p, val] of Object.entries(v)) node.style[p] = val;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k === 'href') node.setAttribute('href', safeHref(v));
    else if (k.startsWith('aria-') || k === 'role' || k === 'for' || k === 'colspan') node.setAttribute(k, v);
    else node[k] = v;
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Only in-app (#...) and same-origin relative links; anything else becomes inert. */
export function safeHref(href) {
  const s = String(href);
  return s.startsWith('#') || s.startsWith('/') && !s.startsWith('//') ? s : '#';
}

const SVG = 'http://www.w3.org/2000/svg';
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    if (k === 'text') node.textContent = String(v);
    else if (k === 'on') for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn);
    else node.setAttribute(k, v);
  }
  append(node, children);
  return node;
}

export function clear(node) { node.replaceChildren(); return node; }

// --- API -------------------------------------------------------------------------------------

export class ApiError extends Error {
  constructor(status, message, body) { super(message); this.status = status; this.body = body; }
}

/** Calls the JSON API with the session cookie, sending the CSRF token on state-changing calls. */
export async function api(path, { method = 'GET', body, headers = {} } = {}) {
  const h = { Accept: 'application/json', ...headers };
  if (method !== 'GET' && method !== 'HEAD') {
    if (session.csrfToken) h['X-CSRF-Token'] = session.csrfToken;
    if (body !== undefined) h['Content-Type'] = 'application/json';
  }
  const res = await fetch(path, {
    method, headers: h, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = { error: text }; }
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith('/api/v1/session')) {
      session.csrfToken = null;
      location.hash = '#/signin?next=' + encodeURIComponent(location.hash);
    }
    throw new ApiError(res.status, (data && data.error) || res.statusText, data);
  }
  if (data !== null && typeof data === 'object') Object.defineProperty(data, '_headers', { value: res.headers });
  return data;
}

export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    u.append(k, String(v));
  }
  const s = u.toString();
  return s ? '?' + s : '';
}

export function has(scope) {
  return session.scopes.includes('admin') || session.scopes.includes(scope)
    || session.scopes.some(s => s.endsWith(':*') && scope.startsWith(s.slice(0, -1)) && !scope.slice(s.length - 1).includes(':'));
}

// --- formatting --------------------------------------------------------------------------------

export function fmtDuration(nanos) {
  if (nanos === null || nanos === undefined) return '–';
  const ms = nanos / 1e6;
  if (ms < 1) return (nanos / 1e3).toFixed(0) + ' µs';
  if (ms < 1000) return (ms < 10 ? ms.toFixed(2) : ms.toFixed(1)) + ' ms';
  return (ms / 1000).toFixed(2) + ' s';
}
export function fmtRate(r) {
  if (r === undefined || r === null) return '–';
  if (r > 0 && r < 0.01) return (r * 60 < 0.1 ? (r * 3600).toFixed(1) + '/h' : (r * 60).toFixed(2) + '/min');
  return (r >= 100 ? r.toFixed(0) : r >= 1 ? r.toFixed(2) : r.toFixed(3)) + '/s';
}
export function fmtPct(r) { return r === undefined || r === null ? '–' : (r * 100).toFixed(r > 0 && r < 0.01 ? 2 : 1) + '%'; }
export function fmtTime(nanos) {
  if (!nanos) return '–';
  const d = new Date(nanos / 1e6);
  return d.toLocaleString(undefined, { hour12: false }) + '.' + String(d.getMilliseconds()).padStart(3, '0');
}

export const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7', '#9c755f', '#e15759', '#bab0ac', '#2f6fe4', '#8cd17d'];
export function colour(name) {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) | 0;
  return PALETTE[Math.abs(h) % PALETTE.length];
}

export function toast(message, error = false) {
  const box = document.getElementById('toast');
  const item = el('div', { class: error ? 'error' : '', text: message });
  box.append(item);
  setTimeout(() => item.remove(), error ? 8000 : 4000);
}

/** A modal confirmation; resolves true when the person confirms. */
export function confirmDialog(message, confirmLabel = 'Confirm') {
  return new Promise(resolve => {
    const dialog = el('dialog', { id: 'confirm' });
    const done = ok => { dialog.close(); dialog.remove(); resolve(ok); };
    dialog.append(
      el('p', { text: message }),
      el('div', { class: 'row' },
        el('button', { class: 'primary', id: 'confirm-ok', text: confirmLabel, on: { click: () => done(true) } }),
        el('button', { id: 'confirm-cancel', text: 'Cancel', on: { click: () => done(false) } })));
    dialog.addEventListener('cancel', () => done(false));
    document.body.append(dialog);
    dialog.showModal();
  });
}

// --- URL state -----------------------------------------------------------------------------------

/** The current route: path segments and query parameters of the hash. */
export function route() {
  const raw = location.hash.replace(/^#/, '') || '/overview';
  const [path, query = ''] = raw.split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query) };
}

/** Replaces query parameters of the current route (undefined/'' removes), keeping the path. */
export function setParams(changes, push = true) {
  const { parts, params } = route();
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === null || v === '') params.delete(k); else params.set(k, String(v));
  }
  const q = params.toString();
  const hash = '#/' + parts.map(encodeURIComponent).join('/') + (q ? '?' + q : '');
  if (push) location.hash = hash; else history.replaceState(null, '', hash);
}

export function link(path, params = {}) {
  const { params: current } = route();
  const keep = {};
  for (const k of ['range', 'from', 'to', 'refresh']) if (current.get(k)) keep[k] = current.get(k);
  return '#' + path + qs({ ...keep, ...params });
}

export const RANGES = { '5m': 5, '15m': 15, '1h': 60, '6h': 360, '24h': 1440, '7d': 10080 };

/** The chosen window in epoch milliseconds: absolute from/to, or the range ending now. */
export function windowMs(defaultRange = '15m') {
  const p = route().params;
  if (p.get('from') && p.get('to')) return { from: Number(p.get('from')), to: Number(p.get('to')) };
  const minutes = RANGES[p.get('range') || defaultRange] || 15;
  const to = Date.now();
  return { from: to - minutes * 60000, to };
}

/** Window as the API's nanosecond start/end parameters (exact, as strings). */
export function windowParams(defaultRange = '15m', maxMinutes) {
  let { from, to } = windowMs(defaultRange);
  if (maxMinutes && to - from > maxMinutes * 60000) from = to - maxMinutes * 60000;
  return { start: (BigInt(Math.floor(from)) * 1000000n).toString(), end: (BigInt(Math.ceil(to)) * 1000000n).toString() };
}

export function msToNs(ms) { return (BigInt(Math.floor(ms)) * 1000000n).toString(); }

export function errorBox(e) {
  return el('div', { class: 'card err', text: 'Could not load: ' + (e && e.message ? e.message : String(e)) });
}

export function agentHelp(what = 'No telemetry in this window yet.') {
  return el('div', { class: 'empty' },
    el('p', {}, el('strong', { text: what })),
    el('p', { text: 'Attach the Vigil agent to a Java service and point it at the collector:' }),
    el('pre', { text: 'java -javaagent:agent/target/vigil-agent.jar -Dvigil.service.name=orders -jar app.jar' }),
    el('p', { class: 'muted', text: 'Any OpenTelemetry SDK or agent exporting OTLP/HTTP to the collector (port 4318) works too. Then widen the time range or wait for the next refresh.' }));
}

/** A uPlot line chart of [label, values, colour] series, or a note when uPlot is unavailable. */
export function drawChart(box, times, series, height = 180) {
  if (!window.uPlot) { box.append(el('p', { class: 'muted', text: 'charts unavailable' })); return null; }
  const width = Math.max(260, Math.floor(box.getBoundingClientRect().width) - 26);
  const opts = {
    width, height,
    scales: { x: { time: true } },
    series: [{}, ...series.map(([label, , stroke]) => ({ label, stroke, width: 1.5, spanGaps: true, points: { show: false } }))],
    axes: [{}, { size: 50 }],
  };
  const plot = new window.uPlot(opts, [times, ...series.map(s => s[1])], box);
  box.dataset.points = String(times.length);
  return plot;
}

/** A small SVG sparkline of values. */
export function sparkline(values, cls = '', width = 110, height = 26) {
  const s = svg('svg', { width, height, class: 'spark ' + cls, viewBox: `0 0 ${width} ${height}` });
  if (!values.length) return s;
  const max = Math.max(...values, 1e-12);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const d = values.map((v, i) => `${i ? 'L' : 'M'}${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`).join(' ');
  s.append(svg('path', { d }));
  return s;
}

export function table(headers, rows) {
  return el('table', {},
    el('thead', {}, el('tr', {}, headers.map(h => typeof h === 'string' ? el('th', { text: h }) : el('th', { class: h.class, text: h.text })))),
    el('tbody', {}, rows));
}

export function kvTable(obj) {
  const rows = Object.entries(obj || {}).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) =>
    el('tr', {}, el('td', { class: 'mono', text: k }), el('td', { class: 'mono', text: typeof v === 'string' ? v : JSON.stringify(v) })));
  return rows.length ? el('table', { class: 'kv' }, el('tbody', {}, rows)) : el('p', { class: 'muted', text: 'none' });
}
