import { agentHelp, api, clear, el, fmtTime, link, qs, route, setParams, msToNs, windowParams } from '../lib.js';

const FIELDS = ['service', 'severity', 'q', 'traceId', 'limit'];
let tailTimer = null;

export async function render(main, _parts, ctx) {
  if (tailTimer) { clearInterval(tailTimer); tailTimer = null; }
  const p = route().params;
  const input = (name, attrs = {}) => el('input', { id: 'l-' + name, name, value: p.get(name) || '', ...attrs });
  const severity = el('select', { id: 'l-severity', name: 'severity' },
    ['', 'trace', 'debug', 'info', 'warn', 'error', 'fatal'].map(s => el('option', { value: s, text: s ? '≥ ' + s : 'any severity', selected: s === (p.get('severity') || '') })));
  const tail = el('input', { type: 'checkbox', id: 'l-tail', checked: p.get('tail') === '1' });
  const form = el('form', { class: 'search', id: 'log-search', on: { submit: e => {
    e.preventDefault();
    const changes = { tail: tail.checked ? '1' : '' };
    for (const f of FIELDS) changes[f] = form.elements[f].value.trim();
    setParams(changes);
  } } },
  el('label', { text: 'Service' }, input('service')),
  el('label', { text: 'Severity' }, severity),
  el('label', { text: 'Text' }, input('q', { placeholder: 'substring of the body' })),
  el('label', { text: 'Trace id' }, input('traceId', { size: 34 })),
  el('label', { text: 'Limit' }, input('limit', { type: 'number', min: 1, max: 1000, placeholder: '100', size: 5 })),
  el('label', { class: 'row', text: 'Live tail ' }, tail),
  el('button', { class: 'primary', type: 'submit', id: 'l-submit', text: 'Search' }));
  tail.addEventListener('change', () => setParams({ tail: tail.checked ? '1' : '' }));
  const query = { ...windowParams('1h', 7 * 1440) };
  for (const f of FIELDS) if (p.get(f)) query[f] = p.get(f);
  const list = el('div', { id: 'log-lines' });
  const page = el('div', { id: 'logs-page' }, el('h1', { text: 'Logs' }), form, list);
  clear(main).append(page);
  const result = await api('/api/v1/logs' + qs(query));
  if (!ctx.isCurrent()) return;
  if (!result.logs.length) list.append(el('div', { class: 'empty', id: 'no-logs' }, 'No log record matches. ', agentHelp('Logs arrive with the agent too.')));
  for (const l of result.logs) list.append(line(l));
  if (p.get('tail') === '1') {
    let newest = result.logs.length ? result.logs[0].timeUnixNano : Date.now() * 1e6;
    const seen = new Set(result.logs.map(key));
    tailTimer = setInterval(async () => {
      if (!ctx.isCurrent() || !document.body.contains(list)) { clearInterval(tailTimer); tailTimer = null; return; }
      const q = { ...query, start: msToNs(Math.floor(newest / 1e6) - 1), end: msToNs(Date.now() + 1000) };
      try {
        const more = await api('/api/v1/logs' + qs(q));
        const fresh = more.logs.filter(l => !seen.has(key(l)));
        fresh.forEach(l => seen.add(key(l)));
        if (fresh.length) {
          const empty = document.getElementById('no-logs');
          if (empty) empty.remove();
          list.prepend(...fresh.map(line));
          newest = Math.max(newest, ...fresh.map(l => l.timeUnixNano));
          while (list.childElementCount > 2000) list.lastChild.remove();
        }
      } catch (e) { /* next poll retries */ }
    }, 2000);
  }
}

const key = l => l.timeUnixNano + '|' + l.spanId + '|' + l.body;

function line(l) {
  return el('div', { class: 'logline' },
    el('span', { class: 'muted', text: fmtTime(l.timeUnixNano) }),
    el('span', { class: 'sev-' + l.severity, text: l.severity }),
    el('a', { href: link('/service/' + encodeURIComponent(l.service)), text: l.service }),
    el('span', { class: 'body', text: l.body ?? '' }),
    l.traceId ? el('a', { class: 'trace-link', href: '#/trace/' + l.traceId, text: 'trace ›' }) : el('span'));
}
