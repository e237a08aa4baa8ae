import { agentHelp, api, clear, el, fmtDuration, fmtPct, fmtRate, has, link, qs, sparkline, table, windowParams } from '../lib.js';

const MAX_SPARKLINES = 30;

export async function render(main, _parts, ctx) {
  const w = windowParams('15m');
  const [services, registry] = await Promise.all([
    api('/api/v1/services' + qs(w)),
    has('registry:read') ? api('/api/v1/registry/services').catch(() => null) : Promise.resolve(null),
  ]);
  if (!ctx.isCurrent()) return;
  const instances = new Map();
  for (const s of (registry && registry.services) || []) instances.set(s.service, s);
  const list = services.services.slice().sort((a, b) => b.errorRate - a.errorRate || b.p99Nano - a.p99Nano || b.requestRate - a.requestRate);
  const body = el('div', { id: 'overview' });
  body.append(el('h1', { text: 'Services' }));
  if (!list.length) {
    body.append(agentHelp('No service has served requests in this window.'));
    clear(main).append(body);
    return;
  }
  const sparks = new Map();
  const rows = list.map(s => {
    const reg = instances.get(s.name);
    const rateCell = el('td', {}, el('span', { class: 'muted', text: '…' }));
    const p99Cell = el('td', {});
    sparks.set(s.name, { rateCell, p99Cell });
    const health = reg ? el('span', { class: 'badge ' + (reg.healthy < reg.nodes ? 'warn' : 'ok'), text: reg.healthy + '/' + reg.nodes }) : el('span', { class: 'muted', text: '–' });
    return el('tr', { class: 'clickable service-row', dataset: { service: s.name }, on: { click: () => { location.hash = link('/service/' + encodeURIComponent(s.name)); } } },
      el('td', {}, el('a', { href: link('/service/' + encodeURIComponent(s.name)), class: 'service-name', text: s.name })),
      el('td', {}, health),
      el('td', { class: 'num', text: fmtRate(s.requestRate) }),
      el('td', { class: 'num' + (s.errorRate > 0 ? ' err' : ''), text: fmtPct(s.errorRate) }),
      el('td', { class: 'num', text: fmtDuration(s.p99Nano) }),
      rateCell, p99Cell);
  });
  body.append(el('div', { class: 'card' }, table(
    ['Service', 'Instances (healthy/total)', { text: 'Rate', class: 'num' }, { text: 'Errors', class: 'num' }, { text: 'p99', class: 'num' }, 'Rate & errors', 'p99 over time'], rows)));
  clear(main).append(body);
  await Promise.all(list.slice(0, MAX_SPARKLINES).map(async s => {
    try {
      const red = await api('/api/v1/metrics/red' + qs({ service: s.name, ...w }));
      const cells = sparks.get(s.name);
      const pts = red.points;
      clear(cells.rateCell).append(el('div', { class: 'row' },
        sparkline(pts.map(p => p.requestRate)), sparkline(pts.map(p => p.errors), 'errs', 60)));
      clear(cells.p99Cell).append(sparkline(pts.map(p => p.p99Nano)));
    } catch (e) { /* a sparkline is optional */ }
  }));
}
