// Admin pages: the audit log, and users and API tokens.
import { api, clear, confirmDialog, el, fmtTime, qs, route, session, setParams, table, toast } from '../lib.js';

export const audit = {
  async render(main, _parts, ctx) {
    const p = route().params;
    const input = name => el('input', { id: 'a-' + name, name, value: p.get(name) || '' });
    const form = el('form', { class: 'search', on: { submit: e => {
      e.preventDefault();
      setParams({ actor: form.elements.actor.value.trim(), action: form.elements.action.value.trim(), target: form.elements.target.value.trim(), before: '' });
    } } },
    el('label', { text: 'Actor' }, input('actor')), el('label', { text: 'Action' }, input('action')),
    el('label', { text: 'Target' }, input('target')), el('button', { class: 'primary', type: 'submit', text: 'Search' }));
    const query = {};
    for (const k of ['actor', 'action', 'target', 'before']) if (p.get(k)) query[k] = p.get(k);
    const result = await api('/api/v1/audit' + qs({ ...query, limit: 100 }));
    if (!ctx.isCurrent()) return;
    const page = el('div', { id: 'audit-page' }, el('h1', { text: 'Audit log' }), form);
    page.append(result.entries.length ? el('div', { class: 'card' }, table(['When', 'Actor', 'Action', 'Target', 'Details', 'From'], result.entries.map(e => el('tr', { class: 'audit-row' },
      el('td', { text: fmtTime(e.atUnixNano) }), el('td', { class: 'mono', text: e.actor }), el('td', { class: 'mono', text: e.action }),
      el('td', { class: 'mono', text: e.target }), el('td', { class: 'mono', text: JSON.stringify(e.details) }),
      el('td', { class: 'mono', text: (e.remoteAddress || '') + (e.forwardedFor ? ' via ' + e.forwardedFor : '') }))))) : el('p', { class: 'muted', text: 'No entries match.' }));
    if (result.next) page.append(el('button', { text: 'Older', on: { click: () => setParams({ before: result.next }) } }));
    clear(main).append(page);
  },
};

export const users = {
  async render(main, _parts, ctx) {
    const [u, t] = await Promise.all([api('/api/v1/users'), api('/api/v1/access/tokens')]);
    if (!ctx.isCurrent()) return;
    const refresh = () => users.render(main, [], ctx);
    const act = async (question, fn, done) => {
      if (question && !(await confirmDialog(question))) return;
      try { await fn(); toast(done); await refresh(); } catch (e) { toast(e.message, true); }
    };
    const roleSelect = (value, id) => el('select', { id }, ['viewer', 'editor', 'publisher', 'admin'].map(r => el('option', { value: r, text: r, selected: r === value })));
    const userRows = u.users.map(x => {
      const role = roleSelect(x.role);
      const self = x.name === session.name;
      return el('tr', { class: 'user-row', dataset: { user: x.name } },
        el('td', { text: x.name }), el('td', {}, role, el('button', { text: 'Set role', disabled: self, on: { click: () => act(`Make ${x.name} ${role.value}?`, () => api('/api/v1/users/' + encodeURIComponent(x.name), { method: 'PATCH', body: { role: role.value } }), 'Role changed') } })),
        el('td', { text: x.disabled ? 'disabled' : 'active' }), el('td', { text: fmtTime(x.createdAtUnixNano) + ' by ' + x.createdBy }),
        el('td', {},
          el('button', { text: x.disabled ? 'Enable' : 'Disable', disabled: self, on: { click: () => act(`${x.disabled ? 'Enable' : 'Disable'} ${x.name}?`, () => api('/api/v1/users/' + encodeURIComponent(x.name), { method: 'PATCH', body: { disabled: !x.disabled } }), 'Saved') } }),
          el('button', { text: 'Reset password', on: { click: async () => {
            const pw = window.prompt(`New password for ${x.name} (at least 12 characters)`);
            if (pw) await act(null, () => api('/api/v1/users/' + encodeURIComponent(x.name), { method: 'PATCH', body: { password: pw } }), 'Password changed');
          } } }),
          el('button', { class: 'danger', text: 'Delete', disabled: self, on: { click: () => act(`Delete user ${x.name}?`, () => api('/api/v1/users/' + encodeURIComponent(x.name), { method: 'DELETE' }), 'Deleted') } })));
    });
    const nName = el('input', { id: 'new-user-name', placeholder: 'name' });
    const nRole = roleSelect('viewer', 'new-user-role');
    const nPw = el('input', { id: 'new-user-password', type: 'password', placeholder: 'password (12+ characters)', autocomplete: 'new-password' });
    const tName = el('input', { id: 'new-token-name', placeholder: 'name' });
    const tScopes = el('input', { id: 'new-token-scopes', placeholder: 'telemetry:read, registry:read', size: 36 });
    const tDays = el('input', { id: 'new-token-days', type: 'number', min: 1, placeholder: 'days (empty: no expiry)' });
    const secret = el('div', { id: 'new-token-secret' });
    const page = el('div', { id: 'users-page' }, el('h1', { text: 'Users and tokens' }),
      el('div', { class: 'card' }, el('h2', { text: 'Users' }),
        el('p', { class: 'muted', text: 'viewer: reads everything except secrets · editor: + edits config drafts and operates registry nodes · publisher: + publishes and rolls back · admin: everything, users, tokens and audit.' }),
        table(['Name', 'Role', 'State', 'Created', ''], userRows),
        el('form', { class: 'search', on: { submit: e => { e.preventDefault(); act(null, () => api('/api/v1/users', { method: 'POST', body: { name: nName.value.trim(), role: nRole.value, password: nPw.value } }), 'User created'); } } },
          el('label', { text: 'Name' }, nName), el('label', { text: 'Role' }, nRole), el('label', { text: 'Password' }, nPw),
          el('button', { class: 'primary', type: 'submit', id: 'new-user-submit', text: 'Create user' }))),
      el('div', { class: 'card' }, el('h2', { text: 'API tokens (for scripts and services)' }),
        table(['Name', 'Scopes', 'Created', 'Expires', 'State', ''], t.tokens.map(k => el('tr', { class: 'token-row' },
          el('td', { class: 'mono', text: k.name }), el('td', { class: 'mono', text: k.scopes.join(' ') }),
          el('td', { text: fmtTime(k.createdAtUnixNano) + ' by ' + k.createdBy }), el('td', { text: k.expiresAtUnixNano ? fmtTime(k.expiresAtUnixNano) : 'never' }),
          el('td', { text: k.revokedAtUnixNano ? 'revoked' : 'live' }),
          el('td', {}, k.revokedAtUnixNano ? null : el('button', { class: 'danger', text: 'Revoke', on: { click: () => act(`Revoke token ${k.name}? Scripts using it stop working.`, () => api('/api/v1/access/tokens/' + encodeURIComponent(k.name), { method: 'DELETE' }), 'Revoked') } }))))),
        el('form', { class: 'search', on: { submit: async e => {
          e.preventDefault();
          try {
            const body = { name: tName.value.trim(), scopes: tScopes.value.split(/[\s,]+/).filter(Boolean) };
            if (tDays.value) body.expiresInSeconds = Number(tDays.value) * 86400;
            const issued = await api('/api/v1/access/tokens', { method: 'POST', body });
            clear(secret).append(el('div', { class: 'card' }, el('strong', { text: 'Copy this token now; it is not shown again:' }), el('pre', { class: 'mono', text: issued.token })));
          } catch (err) { toast(err.message, true); }
        } } },
        el('label', { text: 'Name' }, tName), el('label', { text: 'Scopes' }, tScopes), el('label', { text: 'Expires in days' }, tDays),
        el('button', { class: 'primary', type: 'submit', id: 'new-token-submit', text: 'Issue token' })), secret));
    clear(main).append(page);
  },
};
