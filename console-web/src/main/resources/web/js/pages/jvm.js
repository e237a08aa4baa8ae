// The Service page's "Instances with JVM metrics": one row per instance (the resource attribute
// service.instance.id) and, for the selected instance, charts of heap, non-heap, GC, CPU, threads
// and classes over the page's window. Instance ids come from the exporter and are attacker-controlled:
// they reach the page only through textContent and URL parameters.
import { agentHelp, api, drawChart, el, fmtTime, qs, route, setParams, table } from '../lib.js';

const MIB = 1048576;
const NONE = '(no service.instance.id)';

/** Loads the service's instances and draws the selected one's charts into a new section. */
export async function renderJvm(service, w, isCurrent) {
  const box = el('div', { class: 'card', id: 'jvm-instances' }, el('h3', { text: 'Instances with JVM metrics' }));
  const used = await api('/api/v1/metrics/series' + qs({ name: 'jvm.memory.used', service, ...w })).catch(e => e);
  if (used instanceof Error) {
    box.append(el('p', { class: 'err', text: 'Could not load JVM metrics: ' + used.message }));
    return { box, draw: () => {} };
  }
  const instances = new Map();
  for (const s of used.series) {
    const row = instances.get(s.instance) || { id: s.instance, heap: null, nonHeap: null, last: 0 };
    const last = s.points[s.points.length - 1];
    if (last) {
      const type = s.attributes['jvm.memory.type'];
      if (type === 'heap') row.heap = last.value; else if (type === 'non_heap') row.nonHeap = last.value;
      row.last = Math.max(row.last, last.timeUnixNano);
    }
    instances.set(s.instance, row);
  }
  if (!instances.size) {
    const help = agentHelp('No JVM metrics for this service in this window.');
    help.insertBefore(el('p', { text: 'JVM charts (heap, non-heap, garbage collection, CPU, threads, classes) come from the Vigil agent, which exports them every 10 s for each instance.' }), help.children[1]);
    box.append(help);
    return { box, draw: () => {} };
  }
  const rows = [...instances.values()];
  const wanted = route().params.get('instance');
  let chosen = rows.find(r => (r.id ?? '') === wanted) || rows[0];
  const charts = el('div', { id: 'jvm-charts' });
  const trs = rows.map(r => el('tr', {
    class: 'clickable jvm-instance' + (r === chosen ? ' selected' : ''),
    on: { click: () => { chosen = r; select(); } },
  },
  el('td', { class: 'mono jvm-instance-id', text: r.id ?? NONE }),
  el('td', { class: 'num', text: mib(r.heap) }),
  el('td', { class: 'num', text: mib(r.nonHeap) }),
  el('td', { text: fmtTime(r.last) })));
  box.append(...[
    table(['Instance', { text: 'Heap used', class: 'num' }, { text: 'Non-heap used', class: 'num' }, 'Last seen'], trs),
    used.truncated ? el('p', { class: 'muted', text: 'More points than one answer holds: narrow the window to see every instance.' }) : null,
    charts].filter(Boolean));
  let drawn = 0;
  const select = () => {
    rows.forEach((r, i) => trs[i].classList.toggle('selected', r === chosen));
    setParams({ instance: chosen.id ?? '' }, false);
    const mine = ++drawn;
    drawInstance(charts, service, chosen.id, w, () => isCurrent() && mine === drawn).catch(e => {
      if (isCurrent() && mine === drawn) charts.replaceChildren(el('p', { class: 'err', text: 'Could not load JVM metrics: ' + e.message }));
    });
  };
  // The section is drawn once it is in the page, so the charts can measure their boxes.
  return { box, draw: select };
}

const METRICS = ['jvm.memory.used', 'jvm.memory.committed', 'jvm.memory.limit', 'jvm.gc.collections', 'jvm.gc.time',
  'jvm.cpu.time', 'jvm.cpu.count', 'jvm.thread.count', 'jvm.class.count'];

async function drawInstance(charts, service, instance, w, isCurrent) {
  const answers = await Promise.all(METRICS.map(name =>
    api('/api/v1/metrics/series' + qs({ name, service, instance: instance ?? undefined, ...w }))));
  if (!isCurrent()) return;
  const m = {};
  // Without an instance filter (points lacking service.instance.id) the answer holds every instance.
  METRICS.forEach((name, i) => { m[name] = answers[i].series.filter(s => (s.instance ?? null) === (instance ?? null)); });
  const memory = (name, type) => m[name].filter(s => s.attributes['jvm.memory.type'] === type).map(s => scale(s.points, 1 / MIB));
  const perGc = (name) => m[name].map(s => [s.attributes['jvm.gc.name'] || name, deltas(s.points)]);
  const cpus = lastValue(m['jvm.cpu.count']) || 1;
  const defs = [
    ['Heap (MiB)', 'jvm-heap', [['used', memory('jvm.memory.used', 'heap')], ['committed', memory('jvm.memory.committed', 'heap')], ['max', memory('jvm.memory.limit', 'heap')]]],
    ['Non-heap (MiB)', 'jvm-non-heap', [['used', memory('jvm.memory.used', 'non_heap')], ['committed', memory('jvm.memory.committed', 'non_heap')]]],
    ['GC time per interval (ms)', 'jvm-gc-time', perGc('jvm.gc.time').map(([l, p]) => [l, [p]])],
    ['GC count per interval', 'jvm-gc-count', perGc('jvm.gc.collections').map(([l, p]) => [l, [p]])],
    ['CPU usage (% of ' + cpus + ' processor' + (cpus === 1 ? ')' : 's)'), 'jvm-cpu', [['process', m['jvm.cpu.time'].map(s => scale(rates(s.points), 100 / cpus))]]],
    ['Threads', 'jvm-threads', [['live', m['jvm.thread.count'].map(s => s.points)]]],
    ['Loaded classes', 'jvm-classes', [['loaded', m['jvm.class.count'].map(s => s.points)]]],
  ];
  const truncated = answers.some(a => a.truncated);
  const grid = el('div', { class: 'grid' });
  const boxes = defs.map(([title, id]) => el('div', { class: 'card chart jvm-chart', id }, el('h3', { text: title })));
  grid.append(...boxes);
  charts.replaceChildren(...[
    el('h3', {}, 'JVM of ', el('span', { class: 'mono', id: 'jvm-instance-title', text: instance ?? NONE })),
    truncated ? el('p', { class: 'muted', text: 'Only the first 10 000 points of the window are shown: narrow the window to see its end.' }) : null,
    grid].filter(Boolean));
  defs.forEach(([, , lines], i) => {
    const present = lines.filter(([, parts]) => parts.some(p => p.length));
    if (!present.length) { boxes[i].append(el('p', { class: 'muted', text: 'not exported by this instance' })); return; }
    const [times, values] = align(present.map(([, parts]) => sumByTime(parts)));
    drawChart(boxes[i], times, present.map(([label], j) => [label, values[j], COLOURS[j % COLOURS.length]]));
  });
}

const COLOURS = ['#2f6fe4', '#59a14f', '#d93b3b', '#f28e2b', '#b07aa1'];

function mib(bytes) { return bytes === null || bytes === undefined ? '–' : (bytes / MIB).toFixed(1) + ' MiB'; }

function scale(points, factor) { return points.map(p => ({ timeUnixNano: p.timeUnixNano, value: p.value * factor })); }

function lastValue(series) {
  const p = series.length ? series[0].points[series[0].points.length - 1] : null;
  return p ? p.value : null;
}

/**
 * The increase of a cumulative counter over each export interval. A decrease means the process
 * restarted and counts from zero again, so the new value is the increase.
 */
function deltas(points) {
  const out = [];
  for (let i = 1; i < points.length; i++) {
    const d = points[i].value - points[i - 1].value;
    out.push({ timeUnixNano: points[i].timeUnixNano, value: d >= 0 ? d : points[i].value });
  }
  return out;
}

/** A cumulative counter's increase per second over each export interval. */
function rates(points) {
  const d = deltas(points);
  return d.map((p, i) => ({ timeUnixNano: p.timeUnixNano, value: p.value / Math.max(1e-9, (p.timeUnixNano - points[i].timeUnixNano) / 1e9) }));
}

/** Adds several series (e.g. one per thread state) point by point at equal times. */
function sumByTime(parts) {
  const byTime = new Map();
  for (const p of parts.flat()) byTime.set(p.timeUnixNano, (byTime.get(p.timeUnixNano) || 0) + p.value);
  return byTime;
}

/** Puts maps of time -> value on one time axis (seconds) for uPlot, null where a line has no point. */
function align(maps) {
  const times = [...new Set(maps.flatMap(m => [...m.keys()]))].sort((a, b) => a - b);
  return [times.map(t => t / 1e9), maps.map(m => times.map(t => (m.has(t) ? m.get(t) : null)))];
}
