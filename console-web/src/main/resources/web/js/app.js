// The console's shell: session check, navigation, time range picker, auto-refresh and routing.
import { api, clear, el, has, route, session, setParams, RANGES, toast, ApiError } from './lib.js';
import * as overview from './pages/overview.js';
import * as service from './pages/service.js';
import * as traces from './pages/traces.js';
import * as trace from './pages/trace.js';
import * as map from './pages/map.js';
import * as logs from './pages/logs.js';
import * as registry from './pages/registry.js';
import * as config from './pages/config.js';
import * as admin from './pages/admin.js';
import * as signin from './pages/signin.js';

const PAGES = {
  overview: { page: overview, title: 'Overview', telemetry: true },
  service: { page: service, title: 'Service', telemetry: true, hidden: true },
  traces: { page: traces, title: 'Traces', telemetry: true, defaultRange: '1h' },
  trace: { page: trace, title: 'Trace', hidden: true },
  map: { page: map, title: 'Service map', telemetry: true },
  logs: { page: logs, title: 'Logs', telemetry: true, defaultRange: '1h' },
  registry: { page: registry, title: 'Registry', scope: 'registry:read' },
  config: { page: config, title: 'Config' },
  audit: { page: admin.audit, title: 'Audit', scope: 'audit:read' },
  users: { page: admin.users, title: 'Users & tokens', scope: 'admin' },
  signin: { page: signin, title: 'Sign in', hidden: true, public: true },
};

let refreshTimer = null;
let generation = 0;

async function loadSession() {
  try {
    const s = await api('/api/v1/session');
    Object.assign(session, s);
    return true;
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e;
    Object.assign(session, { name: null, role: null, scopes: [], csrfToken: null });
    return false;
  }
}

function renderChrome(current) {
  const nav = clear(document.getElementById('nav'));
  const who = clear(document.getElementById('who'));
  if (!session.name) return;
  for (const [id, def] of Object.entries(PAGES)) {
    if (def.hidden || (def.scope && !has(def.scope))) continue;
    nav.append(el('a', { href: '#/' + id + keepTime(def), text: def.title, class: id === current ? 'active' : '', id: 'nav-' + id }));
  }
  who.append(
    el('span', { id: 'who-name', text: session.name + ' (' + session.role + ')' }),
    el('button', { id: 'signout', text: 'Sign out', on: { click: signOut } }));
}

function keepTime(def) {
  if (!def.telemetry) return '';
  const p = route().params;
  const keep = new URLSearchParams();
  for (const k of ['range', 'from', 'to', 'refresh']) if (p.get(k)) keep.set(k, p.get(k));
  const s = keep.toString();
  return s ? '?' + s : '';
}

async function signOut() {
  try { await api('/api/v1/session', { method: 'DELETE' }); } catch (e) { /* already gone */ }
  Object.assign(session, { name: null, role: null, scopes: [], csrfToken: null });
  location.hash = '#/signin';
}

function renderToolbar(def, reload) {
  const bar = clear(document.getElementById('toolbar'));
  if (!def.telemetry) return;
  const p = route().params;
  const range = p.get('from') ? 'custom' : (p.get('range') || def.defaultRange || '15m');
  const select = el('select', { id: 'range', on: { change: e => setParams({ range: e.target.value, from: '', to: '' }) } },
    Object.keys(RANGES).map(r => el('option', { value: r, text: 'Last ' + r, selected: r === range })),
    range === 'custom' ? el('option', { value: 'custom', text: 'Custom window', selected: true, disabled: true }) : null);
  const refresh = p.get('refresh') || 'off';
  const auto = el('select', { id: 'refresh', on: { change: e => setParams({ refresh: e.target.value === 'off' ? '' : e.target.value }) } },
    ['off', '10s', '30s', '1m', '5m'].map(r => el('option', { value: r, text: r === 'off' ? 'Auto-refresh off' : 'Every ' + r, selected: r === refresh })));
  const local = ms => new Date(ms - new Date(ms).getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  const fromIn = el('input', { type: 'datetime-local', id: 'from', value: p.get('from') ? local(Number(p.get('from'))) : '' });
  const toIn = el('input', { type: 'datetime-local', id: 'to', value: p.get('to') ? local(Number(p.get('to'))) : '' });
  const apply = () => {
    const from = Date.parse(fromIn.value), to = toIn.value ? Date.parse(toIn.value) : Date.now();
    if (!Number.isFinite(from) || !(to > from)) { toast('Choose a start before the end', true); return; }
    setParams({ from, to, range: '' });
  };
  bar.append(el('label', { class: 'muted', text: 'Time ' }), select, auto,
    el('button', { id: 'reload', text: 'Refresh', on: { click: reload } }),
    el('span', { class: 'muted', text: ' or from ' }), fromIn, el('span', { class: 'muted', text: ' to ' }), toIn,
    el('button', { id: 'apply-window', text: 'Apply', on: { click: apply } }));
  const seconds = { '10s': 10, '30s': 30, '1m': 60, '5m': 300 }[refresh];
  if (seconds) refreshTimer = setInterval(reload, seconds * 1000);
}

async function render() {
  const mine = ++generation;
  if (refreshTimer) { clearInterval(refreshTimer); refreshTimer = null; }
  const { parts } = route();
  const id = parts[0] || 'overview';
  const def = PAGES[id] || PAGES.overview;
  if (!def.public && !session.name) {
    if (!(await loadSession())) {
      location.hash = '#/signin?next=' + encodeURIComponent(location.hash || '#/overview');
      return;
    }
  }
  if (mine !== generation) return;
  document.title = def.title + ' · Vigil';
  renderChrome(id);
  const main = document.getElementById('page');
  if (def.scope && !has(def.scope)) {
    renderToolbar({}, () => {});
    clear(main).append(el('div', { class: 'empty', text: 'Your role (' + session.role + ') does not include this page.' }));
    return;
  }
  const reload = () => {
    if (mine !== generation) return;
    def.page.render(main, parts.slice(1), { refresh: true, isCurrent: () => mine === generation })
      .catch(e => toast(e.message, true));
  };
  renderToolbar(def, reload);
  clear(main);
  try {
    await def.page.render(main, parts.slice(1), { refresh: false, isCurrent: () => mine === generation });
  } catch (e) {
    if (mine === generation) main.append(el('div', { class: 'card err', text: 'Could not load: ' + e.message }));
  }
}

export async function onSignedIn() { await loadSession(); }

window.addEventListener('hashchange', render);
render();
