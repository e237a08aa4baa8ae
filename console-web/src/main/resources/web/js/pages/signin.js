import { api, el, route, session, ApiError } from '../lib.js';

export async function render(main) {
  document.getElementById('nav').replaceChildren();
  document.getElementById('who').replaceChildren();
  const message = el('p', { id: 'signin-error', class: 'err', role: 'alert' });
  const name = el('input', { id: 'signin-name', name: 'username', autocomplete: 'username', required: true });
  const password = el('input', { id: 'signin-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = el('form', {
    on: {
      submit: async e => {
        e.preventDefault();
        message.textContent = '';
        try {
          const s = await api('/api/v1/session', { method: 'POST', body: { name: name.value, password: password.value } });
          Object.assign(session, s);
          const next = route().params.get('next');
          location.hash = next && next.startsWith('#/') && !next.startsWith('#/signin') ? next : '#/overview';
        } catch (err) {
          message.textContent = err instanceof ApiError && err.status === 429 ? err.message : 'Sign-in failed: ' + err.message;
        }
      },
    },
  },
  el('label', { class: 'field', text: 'User name' }, name),
  el('label', { class: 'field', text: 'Password' }, password),
  el('button', { class: 'primary', id: 'signin-submit', type: 'submit', text: 'Sign in' }),
  message);
  main.append(el('div', { class: 'card signin' }, el('h1', { text: 'Sign in to Vigil' }), form,
    el('p', { class: 'muted', text: 'The first user is "admin"; its password is VIGIL_ADMIN_PASSWORD or the one printed at the first start (also in the vigil-admin-password file).' })));
  name.focus();
}
