import { agentHelp, api, clear, el, fmtDuration, fmtTime, qs, route, setParams, svg, table, windowMs, windowParams } from '../lib.js';

const FIELDS = ['service', 'operation', 'minDurationMs', 'maxDurationMs', 'status', 'attr', 'limit'];

export async function render(main, _parts, ctx) {
  const p = route().params;
  const services = await api('/api/v1/services' + qs(windowParams('1h', 31 * 1440))).catch(() => ({ services: [] }));
  if (!ctx.isCurrent()) return;
  const input = (name, attrs = {}) => el('input', { id: 'q-' + name, name, value: p.get(name) || '', ...attrs });
  const serviceSelect = el('select', { id: 'q-service', name: 'service' },
    el('option', { value: '', text: 'any service' }),
    services.services.map(s => el('option', { value: s.name, text: s.name, selected: s.name === p.get('service') })),
    p.get('service') && !services.services.some(s => s.name === p.get('service')) ? el('option', { value: p.get('service'), text: p.get('service'), selected: true }) : null);
  const status = el('select', { id: 'q-status', name: 'status' },
    el('option', { value: '', text: 'any status' }), el('option', { value: 'error', text: 'errors only', selected: p.get('status') === 'error' }));
  const form = el('form', { class: 'search', id: 'trace-search', on: { submit: e => {
    e.preventDefault();
    const changes = {};
    for (const f of FIELDS) changes[f] = form.elements[f].value.trim();
    setParams(changes);
  } } },
  el('label', { text: 'Service' }, serviceSelect),
  el('label', { text: 'Operation' }, input('operation', { placeholder: 'span name' })),
  el('label', { text: 'Min ms' }, input('minDurationMs', { type: 'number', min: 0, size: 6 })),
  el('label', { text: 'Max ms' }, input('maxDurationMs', { type: 'number', min: 0, size: 6 })),
  el('label', { text: 'Status' }, status),
  el('label', { text: 'Attribute key=value' }, input('attr', { placeholder: 'http.response.status_code=500' })),
  el('label', { text: 'Limit' }, input('limit', { type: 'number', min: 1, max: 1000, placeholder: '20', size: 5 })),
  el('button', { class: 'primary', type: 'submit', id: 'q-submit', text: 'Search' }));
  const query = { ...windowParams('1h', 7 * 1440) };
  for (const f of FIELDS) if (p.get(f)) query[f] = p.get(f);
  const page = el('div', { id: 'traces-page' }, el('h1', { text: 'Traces' }), form);
  clear(main).append(page);
  let result;
  try {
    result = await api('/api/v1/traces' + qs(query));
  } catch (e) {
    page.append(el('div', { class: 'card err', id: 'search-error', text: e.message }));
    return;
  }
  if (!ctx.isCurrent()) return;
  if (!result.traces.length) {
    page.append(services.services.length ? el('div', { class: 'empty', id: 'no-traces', text: 'No trace matches. Widen the time range or loosen the filters.' }) : agentHelp());
    return;
  }
  page.append(el('div', { class: 'card' }, el('h3', { text: 'Duration over time' }), scatter(result.traces)));
  page.append(el('div', { class: 'card' }, table(['Trace', 'Root', 'Services', 'Start', { text: 'Spans', class: 'num' }, { text: 'Errors', class: 'num' }, { text: 'Duration', class: 'num' }],
    result.traces.map(t => el('tr', { class: 'clickable trace-row', dataset: { traceId: t.traceId }, on: { click: () => { location.hash = '#/trace/' + t.traceId; } } },
      el('td', {}, el('a', { class: 'mono', href: '#/trace/' + t.traceId, text: t.traceId.slice(0, 16) + '…' })),
      el('td', {}, el('strong', { text: t.rootService }), ' ', el('span', { text: t.rootName })),
      el('td', { text: t.services.join(', ') }),
      el('td', { text: fmtTime(t.startTimeUnixNano) }),
      el('td', { class: 'num', text: t.spanCount }),
      el('td', { class: 'num' + (t.errorCount ? ' err' : ''), text: t.errorCount }),
      el('td', { class: 'num', text: fmtDuration(t.durationNano) }))))));
}

function scatter(traces) {
  const W = 900, H = 200, L = 60, B = 24;
  const { from, to } = windowMs('1h');
  const maxD = Math.max(...traces.map(t => t.durationNano), 1);
  const root = svg('svg', { class: 'scatter', id: 'scatter', viewBox: `0 0 ${W} ${H}`, width: '100%', height: H });
  for (let i = 0; i <= 4; i++) {
    const y = H - B - (i / 4) * (H - B - 10);
    root.append(svg('line', { x1: L, x2: W, y1: y, y2: y }), svg('text', { x: 4, y: y + 4, text: fmtDuration(maxD * i / 4) }));
  }
  for (let i = 0; i <= 4; i++) {
    const t = from + (i / 4) * (to - from);
    root.append(svg('text', { x: L + (i / 4) * (W - L - 40), y: H - 6, text: new Date(t).toLocaleTimeString(undefined, { hour12: false }) }));
  }
  for (const t of traces) {
    const x = L + Math.min(1, Math.max(0, (t.startTimeUnixNano / 1e6 - from) / (to - from))) * (W - L - 10);
    const y = H - B - (t.durationNano / maxD) * (H - B - 10);
    const c = svg('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: 5, class: t.errorCount ? 'error' : '', on: { click: () => { location.hash = '#/trace/' + t.traceId; } } });
    c.append(svg('title', { text: t.rootService + ' ' + t.rootName + ' — ' + fmtDuration(t.durationNano) }));
    root.append(c);
  }
  return root;
}
