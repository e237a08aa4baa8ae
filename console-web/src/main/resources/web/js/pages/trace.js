// The trace waterfall: a collapsible span tree drawn as virtualised rows (only the rows in view
// exist in the DOM), so a trace of tens of thousands of spans opens and scrolls smoothly.
import { api, clear, PALETTE, el, fmtDuration, fmtTime, kvTable, link, msToNs, qs, table } from '../lib.js';

const ROW = 24;
const OVERSCAN = 20;

export async function render(main, parts, ctx) {
  const traceId = parts[0];
  if (ctx.refresh) return;
  const data = await api('/api/v1/traces/' + encodeURIComponent(traceId));
  if (!ctx.isCurrent()) return;
  const began = performance.now();
  const spans = data.spans;
  const start = Math.min(...spans.map(s => s.startTimeUnixNano));
  const end = Math.max(...spans.map(s => s.startTimeUnixNano + s.durationNano));
  const total = Math.max(end - start, 1);
  const byId = new Map(spans.map(s => [s.spanId, s]));
  const children = new Map();
  const roots = [];
  for (const s of spans) {
    if (s.parentSpanId && byId.has(s.parentSpanId)) {
      if (!children.has(s.parentSpanId)) children.set(s.parentSpanId, []);
      children.get(s.parentSpanId).push(s);
    } else roots.push(s);
  }
  for (const list of children.values()) list.sort((a, b) => a.startTimeUnixNano - b.startTimeUnixNano);
  const critical = criticalPath(roots, children);
  const services = [...new Set(spans.map(s => s.service))].sort();
  // Distinct colours within the trace, stable for the same set of services.
  const colours = new Map(services.map((s, i) => [s, PALETTE[i % PALETTE.length]]));
  const colour = name => colours.get(name);
  const errors = spans.filter(s => s.status && s.status.code === 'ERROR').length;

  const page = el('div', { id: 'trace-page' });
  page.append(el('h1', {}, 'Trace ', el('span', { class: 'mono', id: 'trace-id', text: traceId })),
    el('div', { class: 'trace-head card' },
      el('span', {}, 'Root: ', el('strong', { id: 'trace-root', text: roots[0] ? roots[0].service + ' ' + roots[0].name : '–' })),
      el('span', { text: 'Start: ' + fmtTime(start) }),
      el('span', { text: 'Duration: ' + fmtDuration(total) }),
      el('span', { id: 'span-count', text: spans.length + ' spans' }),
      el('span', { class: errors ? 'err' : '', text: errors + ' errors' }),
      el('span', { id: 'trace-services' }, 'Services: ', services.map((s, i) => [i ? ', ' : '', el('span', { class: 'svc-dot', style: { color: colour(s) }, text: '■ ' }), el('a', { href: link('/service/' + encodeURIComponent(s)), text: s })])),
      el('span', { class: 'muted', text: 'Outlined bars: critical path · hatched: error' })));

  const collapsed = new Set();
  let rows = [];
  const flatten = () => {
    rows = [];
    const stack = roots.slice().reverse().map(s => [s, 0]);
    while (stack.length) {
      const [s, depth] = stack.pop();
      rows.push({ span: s, depth });
      const kids = children.get(s.spanId);
      if (kids && !collapsed.has(s.spanId)) for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i], depth + 1]);
    }
  };
  flatten();

  const axis = el('div', { class: 'wf-axis' }, el('div', { class: 'left', text: 'Service · operation' }));
  const axisRight = el('div', { class: 'right' });
  for (let i = 0; i <= 5; i++) axisRight.append(el('span', { class: 'tick', style: { left: (i * 20) + '%' }, text: fmtDuration(total * i / 5) }));
  axis.append(axisRight);
  const spacer = el('div', { class: 'wf-spacer' });
  const scroller = el('div', { class: 'wf-scroll', id: 'waterfall-scroll' }, spacer);
  page.append(el('div', { class: 'waterfall', id: 'waterfall' }, axis, scroller));
  const details = el('div', { class: 'details', id: 'span-details' });
  page.append(details);
  let selected = null;

  let logsBySpan = null;
  const loadLogs = async () => {
    if (logsBySpan) return logsBySpan;
    logsBySpan = new Map();
    const from = Math.floor(start / 1e6) - 60000, to = Math.ceil(end / 1e6) + 60000;
    try {
      const logs = await api('/api/v1/logs' + qs({ traceId, limit: 1000, start: msToNs(from), end: msToNs(Math.min(to, from + 7 * 86400000)) }));
      for (const l of logs.logs) {
        const key = l.spanId || '';
        if (!logsBySpan.has(key)) logsBySpan.set(key, []);
        logsBySpan.get(key).push(l);
      }
    } catch (e) { /* logs are optional */ }
    return logsBySpan;
  };

  const draw = () => {
    spacer.style.height = (rows.length * ROW) + 'px';
    const top = scroller.scrollTop;
    const first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
    const last = Math.min(rows.length, Math.ceil((top + (scroller.clientHeight || 600)) / ROW) + OVERSCAN);
    const frag = document.createDocumentFragment();
    for (let i = first; i < last; i++) frag.append(rowFor(rows[i], i));
    spacer.replaceChildren(frag);
  };
  const rowFor = ({ span: s, depth }, i) => {
    const kids = children.get(s.spanId);
    const isError = s.status && s.status.code === 'ERROR';
    const left = ((s.startTimeUnixNano - start) / total) * 100;
    const width = Math.max((s.durationNano / total) * 100, 0.05);
    const toggle = el('span', { class: 'toggle', text: kids ? (collapsed.has(s.spanId) ? '▸' : '▾') : '' });
    if (kids) toggle.addEventListener('click', e => {
      e.stopPropagation();
      if (collapsed.has(s.spanId)) collapsed.delete(s.spanId); else collapsed.add(s.spanId);
      flatten(); draw();
    });
    const row = el('div', { class: 'wf-row' + (isError ? ' error' : '') + (selected === s.spanId ? ' selected' : ''), style: { top: (i * ROW) + 'px' }, dataset: { spanId: s.spanId },
      on: { click: () => { selected = s.spanId; draw(); showDetails(s); } } },
    el('div', { class: 'left', style: { paddingLeft: (4 + depth * 14) + 'px' }, title: s.service + ' ' + s.name },
      toggle, el('span', { class: 'svc', style: { backgroundColor: colour(s.service) } }),
      el('span', { class: 'muted', text: s.service + ' ' }), el('span', { class: 'name', text: s.name }),
      kids && collapsed.has(s.spanId) ? el('span', { class: 'muted', text: ' (' + kids.length + ')' }) : null),
    el('div', { class: 'right' },
      el('div', { class: 'bar' + (critical.has(s.spanId) ? ' critical' : '') + (isError ? ' err-bar' : ''), style: { left: left + '%', width: width + '%', backgroundColor: colour(s.service) } }),
      el('span', { class: 'dur' + (left + width > 85 && left < 15 ? ' inside' : ''), style: durationPlace(left, width), text: fmtDuration(s.durationNano) })));
    return row;
  };

  const showDetails = async s => {
    const exceptions = (s.events || []).filter(e => e.name === 'exception');
    const box = el('div', { class: 'card', id: 'span-detail' },
      el('h2', {}, el('span', { text: s.name }), ' ', el('span', { class: 'badge' + (s.status && s.status.code === 'ERROR' ? ' err' : ''), text: s.status ? s.status.code : 'UNSET' })),
      el('p', {}, 'Service ', el('a', { href: link('/service/' + encodeURIComponent(s.service)), text: s.service }),
        ' · kind ' + s.kind + ' · ' + fmtDuration(s.durationNano) + ' · starts at +' + fmtDuration(s.startTimeUnixNano - start),
        ' · span ', el('span', { class: 'mono', text: s.spanId }), s.status && s.status.message ? el('span', { class: 'err', text: ' · ' + s.status.message }) : null),
      el('h3', { text: 'Attributes' }), kvTable(s.attributes));
    for (const ex of exceptions) {
      const a = ex.attributes || {};
      box.append(el('h3', { class: 'err', text: 'Exception: ' + (a['exception.type'] || '') }), el('p', { text: a['exception.message'] || '' }),
        a['exception.stacktrace'] ? el('pre', { class: 'stack', text: a['exception.stacktrace'] }) : null);
    }
    const events = (s.events || []).filter(e => e.name !== 'exception');
    if (events.length) box.append(el('h3', { text: 'Events' }), table(['At', 'Event', 'Attributes'], events.map(e => el('tr', {},
      el('td', { text: '+' + fmtDuration(e.timeUnixNano - start) }), el('td', { text: e.name }), el('td', { class: 'mono', text: JSON.stringify(e.attributes || {}) })))));
    const logsBox = el('div', { id: 'span-logs' }, el('h3', { text: 'Logs in this span' }), el('p', { class: 'muted', text: 'loading…' }));
    box.append(logsBox, el('h3', { text: 'Resource' }), kvTable(s.resource));
    if (s.links && s.links.length) box.append(el('h3', { text: 'Links' }), el('ul', {}, s.links.map(l => el('li', {}, el('a', { class: 'mono', href: '#/trace/' + l.traceId, text: l.traceId + ' / ' + l.spanId })))));
    clear(details).append(box);
    const logs = (await loadLogs()).get(s.spanId) || [];
    if (selected !== s.spanId) return;
    logsBox.lastChild.remove();
    logsBox.append(logs.length ? el('div', {}, logs.map(l => el('div', { class: 'logline' },
      el('span', { class: 'muted', text: fmtTime(l.timeUnixNano) }), el('span', { class: 'sev-' + l.severity, text: l.severity }),
      el('span', { text: l.service }), el('span', { class: 'body', text: l.body ?? '' }), el('span')))) : el('p', { class: 'muted', text: 'none' }));
  };

  let pending = false;
  scroller.addEventListener('scroll', () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; draw(); });
  }, { passive: true });
  clear(main).append(page);
  draw();
  // Time from the answer's arrival to the first drawn rows, for tests and benchmarks.
  document.getElementById('waterfall').dataset.renderMs = String(Math.round(performance.now() - began));
  const first = spans.find(s => (s.events || []).some(e => e.name === 'exception'))
    || spans.find(s => s.status && s.status.code === 'ERROR') || roots[0];
  if (first) { selected = first.spanId; draw(); showDetails(first); }
}

/** Where a bar's duration label goes: after the bar, before it, or inside a bar spanning all. */
function durationPlace(left, width) {
  if (left + width <= 85) return { left: (left + width + 0.5) + '%' };
  if (left >= 15) return { right: (100 - left + 0.5) + '%' };
  return { left: (left + 0.5) + '%' };
}

/**
 * The spans on the critical path: from each root, the child that finished last, then the child that
 * finished last before that one started, and so on, recursively.
 */
function criticalPath(roots, children) {
  const onPath = new Set();
  const endOf = s => s.startTimeUnixNano + s.durationNano;
  const longest = roots.reduce((a, b) => (!a || endOf(b) - b.startTimeUnixNano > endOf(a) - a.startTimeUnixNano ? b : a), null);
  const work = longest ? [longest] : [];
  while (work.length) {
    const s = work.pop();
    onPath.add(s.spanId);
    const kids = (children.get(s.spanId) || []).slice().sort((a, b) => endOf(b) - endOf(a));
    let cursor = endOf(s);
    for (const k of kids) {
      if (endOf(k) <= cursor) {
        work.push(k);
        cursor = k.startTimeUnixNano;
      }
    }
  }
  return onPath;
}
