import { api, clear, confirmDialog, el, fmtTime, has, route, table, toast } from '../lib.js';

export async function render(main, parts, ctx) {
  const list = await api('/api/v1/registry/services');
  if (!ctx.isCurrent()) return;
  const chosen = parts[0] || (list.services[0] && list.services[0].service);
  const page = el('div', { id: 'registry-page' }, el('h1', { text: 'Registry' }));
  if (!list.services.length) {
    page.append(el('div', { class: 'empty', text: 'No service has registered. Services built on framework-lite register themselves when started with a registry address and a token holding registry:register:<service>.' }));
    clear(main).append(page);
    return;
  }
  page.append(el('div', { class: 'card' }, table(['Service', 'Nodes', 'Healthy', 'Enabled', 'Versions', 'Protection threshold'],
    list.services.map(s => el('tr', { class: 'clickable' + (s.service === chosen ? ' selected' : ''), on: { click: () => { location.hash = '#/registry/' + encodeURIComponent(s.service); } } },
      el('td', {}, el('a', { href: '#/registry/' + encodeURIComponent(s.service), text: s.service })),
      el('td', { class: 'num', text: s.nodes }),
      el('td', { class: 'num' + (s.healthy < s.nodes ? ' warn' : ''), text: s.healthy }),
      el('td', { class: 'num', text: s.enabled }),
      el('td', { text: s.versions.join(', ') }),
      el('td', { class: 'num', text: s.protectThreshold }))))));
  clear(main).append(page);
  if (!chosen) return;
  const svc = await api('/api/v1/registry/services/' + encodeURIComponent(chosen));
  if (!ctx.isCurrent()) return;
  const operate = has('registry:operate');
  const refresh = () => render(main, [chosen], ctx);
  const patchNode = async (n, body, question) => {
    if (!(await confirmDialog(question))) return;
    try {
      await api('/api/v1/registry/services/' + encodeURIComponent(chosen) + '/nodes/' + encodeURIComponent(n.id), { method: 'PATCH', body });
      toast('Saved');
      await refresh();
    } catch (e) { toast(e.message, true); }
  };
  const nodeRows = svc.nodes.map(n => {
    const weight = el('input', { type: 'number', min: 1, value: n.weight, size: 4, class: 'weight', disabled: !operate });
    return el('tr', { class: 'node-row', dataset: { node: n.id } },
      el('td', { class: 'mono', text: n.id }),
      el('td', { text: n.version }),
      el('td', { class: 'mono', text: n.address }),
      el('td', {}, el('span', { class: 'badge ' + (!n.enabled ? 'warn' : n.healthy ? 'ok' : 'err'), text: !n.enabled ? 'disabled' : n.healthy ? 'healthy' : 'unhealthy' }),
        n.selectable ? null : el('span', { class: 'muted', text: ' not selectable' })),
      el('td', { class: 'mono', text: JSON.stringify(n.metadata || {}) }),
      el('td', {}, weight, operate ? el('button', { class: 'set-weight', text: 'Set', on: { click: () => patchNode(n, { weight: Number(weight.value) }, `Set the weight of ${n.id} to ${weight.value}?`) } }) : null),
      el('td', { text: fmtTime(n.lastHeartbeatUnixNano) }),
      el('td', {}, operate ? el('button', { class: n.enabled ? 'danger toggle-node' : 'toggle-node', text: n.enabled ? 'Disable' : 'Enable',
        on: { click: () => patchNode(n, { enabled: !n.enabled }, `${n.enabled ? 'Disable' : 'Enable'} node ${n.id} of ${chosen}? ${n.enabled ? 'Callers stop selecting it.' : ''}`) } }) : el('span', { class: 'muted', text: 'read only' })));
  });
  const threshold = el('input', { id: 'protect-threshold', type: 'number', min: 0, max: 1, step: 0.05, value: svc.protectThreshold, disabled: !operate });
  page.append(el('div', { class: 'card', id: 'registry-service' },
    el('h2', {}, 'Service ', el('span', { text: chosen }), svc.protected ? el('span', { class: 'badge warn', text: ' protection active' }) : null),
    el('div', { class: 'row' }, el('label', { text: 'Protection threshold (0–1): ' }), threshold,
      operate ? el('button', { text: 'Save', on: { click: async () => {
        if (!(await confirmDialog(`Set the protection threshold of ${chosen} to ${threshold.value}?`))) return;
        try {
          await api('/api/v1/registry/services/' + encodeURIComponent(chosen), { method: 'PATCH', body: { protectThreshold: Number(threshold.value) } });
          toast('Saved'); await refresh();
        } catch (e) { toast(e.message, true); }
      } } }) : null,
      el('span', { class: 'muted', text: 'When fewer than this share of enabled nodes is healthy, unhealthy nodes stay selectable.' })),
    table(['Node', 'Version', 'Address', 'Health', 'Metadata', 'Weight', 'Last heartbeat', ''], nodeRows)));
}
