// The service map: a deterministic layered layout (each node one layer right of its deepest
// caller), drawn in SVG. A database or broker called by more than one service is flagged: one
// service reaching into another's database stands out.
import { agentHelp, api, clear, el, fmtDuration, fmtPct, fmtRate, link, qs, svg, windowParams } from '../lib.js';

const NODE_W = 170, NODE_H = 40, GAP_X = 200, GAP_Y = 50;

export async function render(main, _parts, ctx) {
  const deps = await api('/api/v1/dependencies' + qs(windowParams('15m')));
  if (!ctx.isCurrent()) return;
  const page = el('div', { id: 'map-page', class: 'map' }, el('h1', { text: 'Service map' }));
  if (!deps.nodes.length) {
    page.append(agentHelp('No calls between services in this window.'));
    clear(main).append(page);
    return;
  }
  const nodes = deps.nodes.slice().sort((a, b) => a.name.localeCompare(b.name));
  const layer = new Map(nodes.map(n => [n.name, 0]));
  // Longest-path layering, bounded by the node count so cycles cannot loop forever.
  for (let pass = 0; pass < nodes.length; pass++) {
    let moved = false;
    for (const e of deps.edges) {
      if (e.caller === e.callee) continue;
      const want = layer.get(e.caller) + 1;
      if (want > layer.get(e.callee) && want < nodes.length) { layer.set(e.callee, want); moved = true; }
    }
    if (!moved) break;
  }
  const layers = [];
  for (const n of nodes) (layers[layer.get(n.name)] ||= []).push(n);
  const pos = new Map();
  layers.forEach((list, i) => list.forEach((n, j) => pos.set(n.name, { x: 20 + i * (NODE_W + GAP_X), y: 20 + j * (NODE_H + GAP_Y) })));
  const width = 40 + layers.length * (NODE_W + GAP_X);
  const height = 40 + Math.max(...layers.map(l => l.length)) * (NODE_H + GAP_Y);
  const callersOf = new Map();
  for (const e of deps.edges) {
    if (e.calleeType === 'database' || e.calleeType === 'messaging') {
      if (!callersOf.has(e.callee)) callersOf.set(e.callee, new Set());
      callersOf.get(e.callee).add(e.caller);
    }
  }
  const root = svg('svg', { id: 'service-map', width, height, viewBox: `0 0 ${width} ${height}` },
    svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#8d99ae' }))));
  for (const e of deps.edges) {
    const a = pos.get(e.caller), b = pos.get(e.callee);
    if (!a || !b) continue;
    const shared = (callersOf.get(e.callee) || new Set()).size > 1;
    const x1 = a.x + NODE_W, y1 = a.y + NODE_H / 2, x2 = b.x, y2 = b.y + NODE_H / 2;
    const back = x2 <= x1;
    const d = back
      ? `M${a.x + NODE_W / 2},${a.y + NODE_H} C${a.x + NODE_W / 2},${a.y + NODE_H + 60} ${b.x + NODE_W / 2},${b.y + NODE_H + 60} ${b.x + NODE_W / 2},${b.y + NODE_H}`
      : `M${x1},${y1} C${x1 + GAP_X / 2},${y1} ${x2 - GAP_X / 2},${y2} ${x2},${y2}`;
    const g = svg('g', { class: 'edge' + (e.errorRate > 0 ? ' error' : '') + (shared ? ' shared' : ''), 'data-caller': e.caller, 'data-callee': e.callee },
      svg('path', { d, 'marker-end': 'url(#arrow)' }),
      svg('text', { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 16, 'text-anchor': 'middle', text: fmtRate(e.callRate) + ' · ' + fmtPct(e.errorRate) + ' err' }),
      svg('text', { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 4, 'text-anchor': 'middle', text: 'p99 ' + fmtDuration(e.p99Nano) }),
      svg('title', { text: `${e.caller} → ${e.callee}: ${e.calls} calls, ${e.errors} errors, p50 ${fmtDuration(e.p50Nano)}, p99 ${fmtDuration(e.p99Nano)}` + (shared ? ` — ${e.callee} is used by ${[...callersOf.get(e.callee)].join(', ')}` : '') }));
    root.append(g);
  }
  for (const n of nodes) {
    const p = pos.get(n.name);
    const shape = n.type === 'database'
      ? svg('ellipse', { cx: p.x + NODE_W / 2, cy: p.y + NODE_H / 2, rx: NODE_W / 2, ry: NODE_H / 2 })
      : svg('rect', { x: p.x, y: p.y, width: NODE_W, height: NODE_H, rx: n.type === 'service' ? 6 : 0 });
    const label = n.name.length > 24 ? n.name.slice(0, 23) + '…' : n.name;
    const g = svg('g', { class: 'node ' + n.type, 'data-name': n.name },
      shape,
      svg('text', { x: p.x + 10, y: p.y + 17, text: label }),
      svg('text', { x: p.x + 10, y: p.y + 31, class: 'muted', text: n.type }),
      svg('title', { text: n.name + ' (' + n.type + ')' }));
    if (n.type === 'service') g.addEventListener('click', () => { location.hash = link('/service/' + encodeURIComponent(n.name)); });
    root.append(g);
  }
  page.append(el('p', { class: 'muted', text: 'Edges: calls per second · error rate · p99. Red: errors. Orange dashed: a database or broker used by more than one service.' }),
    el('div', { style: { overflow: 'auto' } }, root));
  clear(main).append(page);
}
