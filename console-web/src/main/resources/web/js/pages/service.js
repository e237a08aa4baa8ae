import { api, clear, drawChart, el, errorBox, fmtDuration, fmtPct, fmtRate, fmtTime, has, link, qs, table, windowParams } from '../lib.js';
import { renderJvm } from './jvm.js';

export async function render(main, parts, ctx) {
  const name = parts[0];
  const w = windowParams('15m');
  const logWindow = windowParams('15m', 7 * 1440);
  const [red, ops, deps, errTraces, errLogs, reg, jvm] = await Promise.all([
    api('/api/v1/metrics/red' + qs({ service: name, ...w })),
    api('/api/v1/services/' + encodeURIComponent(name) + '/operations' + qs(w)),
    api('/api/v1/dependencies' + qs(w)),
    api('/api/v1/traces' + qs({ service: name, status: 'error', limit: 10, ...logWindow })).catch(e => e),
    api('/api/v1/logs' + qs({ service: name, severity: 'error', limit: 10, ...logWindow })).catch(e => e),
    has('registry:read') ? api('/api/v1/registry/services/' + encodeURIComponent(name)).catch(() => null) : null,
    renderJvm(name, w, ctx.isCurrent),
  ]);
  if (!ctx.isCurrent()) return;
  const page = el('div', { id: 'service-page' });
  page.append(el('h1', {}, 'Service ', el('span', { id: 'service-title', text: name })),
    el('p', { class: 'row' },
      el('a', { href: link('/traces', { service: name }), text: 'Search its traces' }), ' · ',
      el('a', { href: link('/logs', { service: name }), text: 'Its logs' }), ' · ',
      el('a', { href: link('/map'), text: 'Service map' })));
  const charts = el('div', { class: 'grid', id: 'service-charts' });
  page.append(charts);
  clear(main).append(page);
  const times = red.points.map(p => p.timeUnixNano / 1e9);
  const chartDefs = [
    ['Requests per second', [['rate', red.points.map(p => p.requestRate), '#2f6fe4']]],
    ['Errors per second', [['errors', red.points.map(p => p.errors / red.stepSeconds), '#d93b3b']]],
    ['Latency (ms)', [['p50', red.points.map(p => p.p50Nano / 1e6), '#59a14f'], ['p95', red.points.map(p => p.p95Nano / 1e6), '#f28e2b'], ['p99', red.points.map(p => p.p99Nano / 1e6), '#d93b3b']]],
  ];
  const boxes = chartDefs.map(([title]) => el('div', { class: 'card chart' }, el('h3', { text: title })));
  charts.append(...boxes);
  // Sized once all boxes are laid out, so the grid's columns are final.
  chartDefs.forEach(([, series], i) => drawChart(boxes[i], times, series));

  page.append(el('h2', { text: 'Operations' }));
  page.append(ops.operations.length ? el('div', { class: 'card', id: 'operations' }, table(
    ['Operation', { text: 'Rate', class: 'num' }, { text: 'Errors', class: 'num' }, { text: 'p50', class: 'num' }, { text: 'p95', class: 'num' }, { text: 'p99', class: 'num' }],
    ops.operations.map(o => el('tr', { class: 'clickable', on: { click: () => { location.hash = link('/traces', { service: name, operation: o.name }); } } },
      el('td', {}, el('a', { href: link('/traces', { service: name, operation: o.name }), text: o.name })),
      el('td', { class: 'num', text: fmtRate(o.requestRate) }),
      el('td', { class: 'num' + (o.errorRate > 0 ? ' err' : ''), text: fmtPct(o.errorRate) }),
      el('td', { class: 'num', text: fmtDuration(o.p50Nano) }),
      el('td', { class: 'num', text: fmtDuration(o.p95Nano) }),
      el('td', { class: 'num', text: fmtDuration(o.p99Nano) }))))) : el('p', { class: 'muted', text: 'No requests served in this window.' }));

  const up = deps.edges.filter(e => e.callee === name);
  const down = deps.edges.filter(e => e.caller === name);
  const peer = (e, key) => key === 'callee' && e.calleeType !== 'service'
    ? el('span', {}, el('span', { text: e.callee }), ' ', el('span', { class: 'badge', text: e.calleeType }))
    : el('a', { href: link('/service/' + encodeURIComponent(e[key])), text: e[key] });
  const edgeTable = (edges, key) => edges.length ? table(['Peer', { text: 'Calls', class: 'num' }, { text: 'Errors', class: 'num' }, { text: 'p99', class: 'num' }],
    edges.map(e => el('tr', {}, el('td', {}, peer(e, key)),
      el('td', { class: 'num', text: fmtRate(e.callRate) }),
      el('td', { class: 'num' + (e.errorRate > 0 ? ' err' : ''), text: fmtPct(e.errorRate) }),
      el('td', { class: 'num', text: fmtDuration(e.p99Nano) })))) : el('p', { class: 'muted', text: 'none in this window' });
  page.append(el('div', { class: 'grid' },
    el('div', { class: 'card', id: 'upstream' }, el('h3', { text: 'Upstream (callers)' }), edgeTable(up, 'caller')),
    el('div', { class: 'card', id: 'downstream' }, el('h3', { text: 'Downstream (callees)' }), edgeTable(down, 'callee'))));

  const inst = el('div', { class: 'card', id: 'instances' }, el('h3', { text: 'Instances' }));
  if (reg && reg.nodes && reg.nodes.length) {
    inst.append(table(['Node', 'Version', 'Address', 'Health', 'Weight', 'Last heartbeat'], reg.nodes.map(n => el('tr', {},
      el('td', { class: 'mono', text: n.id }), el('td', { text: n.version }), el('td', { class: 'mono', text: n.address }),
      el('td', {}, el('span', { class: 'badge ' + (n.healthy ? 'ok' : 'err'), text: n.enabled ? (n.healthy ? 'healthy' : 'unhealthy') : 'disabled' })),
      el('td', { class: 'num', text: n.weight }), el('td', { text: fmtTime(n.lastHeartbeatUnixNano) })))));
  } else {
    inst.append(el('p', { class: 'muted', text: 'Not registered in the registry.' }));
  }
  page.append(inst, jvm.box);
  jvm.draw();

  const traceBox = el('div', { class: 'card', id: 'error-traces' }, el('h3', { text: 'Recent error traces' }));
  if (errTraces instanceof Error) traceBox.append(errorBox(errTraces));
  else if (!errTraces.traces.length) traceBox.append(el('p', { class: 'muted', text: 'No error traces in this window.' }));
  else traceBox.append(table(['Trace', 'Root', 'Start', { text: 'Duration', class: 'num' }], errTraces.traces.map(t => el('tr', {},
    el('td', {}, el('a', { class: 'mono', href: '#/trace/' + t.traceId, text: t.traceId.slice(0, 16) + '…' })),
    el('td', { text: t.rootService + ' ' + t.rootName }), el('td', { text: fmtTime(t.startTimeUnixNano) }),
    el('td', { class: 'num', text: fmtDuration(t.durationNano) })))));
  const logBox = el('div', { class: 'card', id: 'error-logs' }, el('h3', { text: 'Recent error logs' }));
  if (errLogs instanceof Error) logBox.append(errorBox(errLogs));
  else if (!errLogs.logs.length) logBox.append(el('p', { class: 'muted', text: 'No error logs in this window.' }));
  else logBox.append(el('div', {}, errLogs.logs.map(l => el('div', { class: 'logline' },
    el('span', { class: 'muted', text: fmtTime(l.timeUnixNano) }), el('span', { class: 'sev-' + l.severity, text: l.severity }),
    el('span', { text: l.service }), el('span', { class: 'body', text: l.body ?? '' }),
    l.traceId ? el('a', { href: '#/trace/' + l.traceId, text: 'trace' }) : el('span')))));
  page.append(el('div', { class: 'grid' }, traceBox, logBox));
}
