// Config center: entries of one environment and application, an editor with a syntax check per
// type, the draft diff against the published release, publish, history with diffs, rollback, gray
// release and promotion, instances per release, import and export.
import { api, clear, confirmDialog, el, fmtTime, has, route, setParams, table, toast } from '../lib.js';

const TYPES = ['text', 'json', 'yaml', 'properties', 'number', 'boolean'];

export async function render(main, _parts, ctx) {
  const p = route().params;
  const env = p.get('env') || 'dev';
  const app = p.get('app') || '';
  const envInput = el('input', { id: 'cfg-env', name: 'env', value: env, size: 12 });
  const appInput = el('input', { id: 'cfg-app', name: 'app', value: app, size: 18, placeholder: 'application' });
  const page = el('div', { id: 'config-page' }, el('h1', { text: 'Config center' }),
    el('form', { class: 'search', on: { submit: e => { e.preventDefault(); setParams({ env: envInput.value.trim(), app: appInput.value.trim(), edit: '' }); } } },
      el('label', { text: 'Environment' }, envInput), el('label', { text: 'Application' }, appInput),
      el('button', { class: 'primary', type: 'submit', id: 'cfg-open', text: 'Open' })));
  clear(main).append(page);
  if (!app) {
    page.append(el('div', { class: 'empty', text: 'Choose an environment (for example dev, staging, prod) and an application. An application exists once it has an entry; add one below after opening it.' }));
    return;
  }
  const base = '/api/v1/config/' + encodeURIComponent(env) + '/' + encodeURIComponent(app);
  const [entries, releases, instances] = await Promise.all([
    api(base + '/entries'),
    api(base + '/releases?limit=20'),
    api(base + '/instances').catch(() => null),
  ]);
  if (!ctx.isCurrent()) return;
  const refresh = () => render(main, [], ctx);
  const canEdit = has('config:edit'), canPublish = has('config:publish');
  const pending = entries.entries.filter(e => e.state !== 'unchanged');

  // entries
  const editorBox = el('div', { id: 'cfg-editor-box' });
  const rows = entries.entries.map(e => el('tr', { class: 'entry-row', dataset: { key: e.key } },
    el('td', { class: 'mono', text: e.key }),
    el('td', { text: e.type || (e.published && e.published.type) || '' }),
    el('td', {}, e.state === 'deleted' ? el('span', { class: 'muted', text: '(deleted in draft)' }) : el('pre', { class: 'value' + (e.masked ? ' muted' : ''), text: e.value ?? '' })),
    el('td', { text: e.comment ?? '' }),
    el('td', {}, e.secret ? el('span', { class: 'badge warn', text: 'secret' }) : null, ' ',
      el('span', { class: 'badge ' + (e.state === 'unchanged' ? '' : 'warn'), text: e.state })),
    el('td', {}, canEdit && e.state !== 'deleted' ? el('button', { class: 'edit-entry', text: 'Edit', on: { click: () => openEditor(editorBox, base, e, refresh) } }) : null)));
  page.append(el('div', { class: 'card' },
    el('div', { class: 'row' }, el('h2', { text: `${env} / ${app}` }), el('span', { class: 'badge', id: 'cfg-current', text: 'published release ' + entries.release }),
      entries.grayRelease ? el('span', { class: 'badge warn', text: 'gray release ' + entries.grayRelease }) : null),
    entries.entries.length ? table(['Key', 'Type', 'Value', 'Comment', 'State', ''], rows) : el('p', { class: 'muted', text: 'No entries yet.' }),
    canEdit ? el('button', { id: 'cfg-add', text: 'Add entry', on: { click: () => openEditor(editorBox, base, null, refresh) } }) : null,
    editorBox));

  // draft diff + publish
  const diff = el('div', { class: 'card', id: 'cfg-draft' }, el('h2', { text: 'Draft changes' }));
  if (!pending.length) diff.append(el('p', { class: 'muted', text: 'The draft equals the published release.' }));
  else {
    diff.append(table(['Key', 'Change', 'Published', 'Draft'], pending.map(e => el('tr', {},
      el('td', { class: 'mono', text: e.key }), el('td', { text: e.state }),
      el('td', { class: 'diff-old' }, el('pre', { text: e.published ? e.published.value ?? '' : '' })),
      el('td', { class: 'diff-new' }, el('pre', { text: e.state === 'deleted' ? '' : e.value ?? '' }))))));
    if (canPublish) {
      const message = el('input', { id: 'cfg-message', placeholder: 'release message', size: 40 });
      const grayIds = el('input', { id: 'cfg-gray-ids', placeholder: 'node ids, comma separated', size: 30 });
      diff.append(el('div', { class: 'row' }, message,
        el('button', { class: 'primary', id: 'cfg-publish', text: 'Publish', on: { click: async () => {
          if (!(await confirmDialog(`Publish ${pending.length} change(s) to ${env}/${app}?`, 'Publish'))) return;
          try { await api(base + '/releases', { method: 'POST', body: { message: message.value } }); toast('Published'); await refresh(); } catch (e) { toast(e.message, true); }
        } } }),
        el('span', { class: 'muted', text: 'or gray release to' }), grayIds,
        el('button', { id: 'cfg-gray', text: 'Gray release', on: { click: async () => {
          const ids = grayIds.value.split(',').map(s => s.trim()).filter(Boolean);
          if (!ids.length) { toast('Name at least one node id', true); return; }
          if (!(await confirmDialog(`Release the draft to ${ids.join(', ')} only?`, 'Gray release'))) return;
          try { await api(base + '/gray', { method: 'POST', body: { message: message.value, instances: ids } }); toast('Gray release started'); await refresh(); } catch (e) { toast(e.message, true); }
        } } })));
    }
  }
  page.append(diff);

  if (entries.grayRelease && canPublish) {
    const gray = releases.releases.find(r => r.number === entries.grayRelease);
    const targets = gray ? [...(gray.grayInstances || []), ...Object.entries(gray.grayLabels || {}).map(([k, v]) => k + '=' + v)] : [];
    page.append(el('div', { class: 'card', id: 'cfg-gray-box' }, el('h2', { text: 'Gray release ' + entries.grayRelease }),
      el('p', { id: 'cfg-gray-targets', text: targets.length ? 'Served to: ' + targets.join(', ') : '' }),
      el('button', { class: 'primary', id: 'cfg-promote', text: 'Promote to everyone', on: { click: async () => {
        if (!(await confirmDialog('Promote the gray release to every instance?', 'Promote'))) return;
        try { await api(base + '/gray/promote', { method: 'POST' }); toast('Promoted'); await refresh(); } catch (e) { toast(e.message, true); }
      } } }), ' ',
      el('button', { class: 'danger', text: 'Abandon', on: { click: async () => {
        if (!(await confirmDialog('Abandon the gray release?', 'Abandon'))) return;
        try { await api(base + '/gray/abandon', { method: 'POST' }); toast('Abandoned'); await refresh(); } catch (e) { toast(e.message, true); }
      } } })));
  }

  // history
  const history = el('div', { class: 'card', id: 'cfg-history' }, el('h2', { text: 'Release history' }));
  const detail = el('div', { id: 'cfg-release-detail' });
  if (!releases.releases.length) history.append(el('p', { class: 'muted', text: 'Nothing published yet.' }));
  else history.append(table(['#', 'Kind', 'Status', 'Message', 'Author', 'When', 'Changes', ''], releases.releases.map(r => el('tr', { class: 'release-row', dataset: { number: r.number } },
    el('td', { text: r.number + (r.number === releases.current ? ' (current)' : '') }),
    el('td', { text: r.kind + (r.rollbackOf ? ' of ' + r.rollbackOf : '') }), el('td', { text: r.status }),
    el('td', { text: r.message }), el('td', { text: r.author }), el('td', { text: fmtTime(r.createdAtUnixNano) }),
    el('td', { text: `+${r.diff.added.length} ~${r.diff.changed.length} -${r.diff.removed.length}` }),
    el('td', {},
      el('button', { class: 'show-release', text: 'Diff', on: { click: () => showRelease(detail, base, r.number) } }),
      canPublish && r.number !== releases.current && r.kind !== 'gray' ? el('button', { class: 'rollback', text: 'Roll back to this', on: { click: async () => {
        if (!(await confirmDialog(`Roll ${env}/${app} back to release ${r.number}? This publishes a new release with its content.`, 'Roll back'))) return;
        try { await api(base + '/releases/' + r.number + '/rollback', { method: 'POST', body: { message: '' } }); toast('Rolled back'); await refresh(); } catch (e) { toast(e.message, true); }
      } } }) : null)))));
  history.append(detail);
  page.append(history);

  // instances
  const inst = el('div', { class: 'card', id: 'cfg-instances' }, el('h2', { text: 'Instances' }));
  const list = (instances && instances.instances) || [];
  inst.append(list.length ? table(['Instance', 'Labels', 'Served release', 'Applied release', 'Last seen'], list.map(i => el('tr', {},
    el('td', { class: 'mono', text: i.nodeId }), el('td', { class: 'mono', text: JSON.stringify(i.labels || {}) }),
    el('td', { text: i.servedRelease ?? '–' }), el('td', { text: i.appliedRelease ?? '–' }), el('td', { text: fmtTime(i.servedAtUnixNano) })))) : el('p', { class: 'muted', text: 'No instance has fetched this config yet.' }));
  page.append(inst);

  // import / export
  const importText = el('textarea', { id: 'cfg-import-text', rows: 4, cols: 60, placeholder: '{"entries":[{"key":"k","value":"v","type":"text"}]}' });
  page.append(el('div', { class: 'card' }, el('h2', { text: 'Import / export' }),
    el('button', { id: 'cfg-export', text: 'Export JSON', on: { click: async () => {
      const data = await api(base + '/export');
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      const a = el('a', { download: `${env}-${app}.json` });
      a.href = url; a.click(); setTimeout(() => URL.revokeObjectURL(url), 1000);
    } } }),
    canEdit ? el('div', { class: 'editor' }, importText, el('button', { id: 'cfg-import', text: 'Import into the draft', on: { click: async () => {
      let body;
      try { body = JSON.parse(importText.value); } catch (e) { toast('Not JSON: ' + e.message, true); return; }
      if (!(await confirmDialog('Import these entries into the draft?', 'Import'))) return;
      try { await api(base + '/import', { method: 'POST', body }); toast('Imported'); await refresh(); } catch (e) { toast(e.message, true); }
    } } })) : null));
}

async function showRelease(box, base, number) {
  const r = await api(base + '/releases/' + number);
  const rows = [
    ...r.diff.added.map(a => el('tr', {}, el('td', { class: 'mono', text: a.key }), el('td', { text: 'added' }), el('td'), el('td', { class: 'diff-new' }, el('pre', { text: a.value ?? '' })))),
    ...r.diff.changed.map(c => el('tr', {}, el('td', { class: 'mono', text: c.key }), el('td', { text: 'changed' }), el('td', { class: 'diff-old' }, el('pre', { text: c.old.value ?? '' })), el('td', { class: 'diff-new' }, el('pre', { text: c.new.value ?? '' })))),
    ...r.diff.removed.map(d => el('tr', {}, el('td', { class: 'mono', text: d.key }), el('td', { text: 'removed' }), el('td', { class: 'diff-old' }, el('pre', { text: d.value ?? '' })), el('td'))),
  ];
  clear(box).append(el('h3', { text: `Release ${r.number}: ${r.message || '(no message)'}` }),
    rows.length ? table(['Key', 'Change', 'Before', 'After'], rows) : el('p', { class: 'muted', text: 'No changes.' }));
}

/** A syntax check per type; returns an error message or null. */
export function check(type, value) {
  try {
    switch (type) {
      case 'json': JSON.parse(value); return null;
      case 'number': return /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value.trim()) ? null : 'not a number';
      case 'boolean': return value === 'true' || value === 'false' ? null : 'must be true or false';
      case 'properties': {
        const lines = value.split('\n');
        for (let i = 0; i < lines.length; i++) {
          const l = lines[i].trim();
          if (!l || l.startsWith('#') || l.startsWith('!')) continue;
          if (!/^[^=:\s]+\s*[=:\s]/.test(l) && !/^[^=:\s]+$/.test(l)) return `line ${i + 1}: expected key=value`;
        }
        return null;
      }
      case 'yaml': {
        const lines = value.split('\n');
        for (let i = 0; i < lines.length; i++) {
          if (/^\t/.test(lines[i])) return `line ${i + 1}: tabs are not allowed for indentation`;
        }
        return null; // the server parses YAML fully and reports line and column
      }
      default: return null;
    }
  } catch (e) {
    return e.message;
  }
}

function openEditor(box, base, entry, refresh) {
  const key = el('input', { id: 'ed-key', value: entry ? entry.key : '', disabled: !!entry, placeholder: 'key' });
  const type = el('select', { id: 'ed-type' }, TYPES.map(t => el('option', { value: t, text: t, selected: entry ? entry.type === t : t === 'text' })));
  const value = el('textarea', { id: 'ed-value', rows: 8, spellcheck: false });
  value.value = entry && !entry.masked ? entry.value ?? '' : '';
  const comment = el('input', { id: 'ed-comment', value: entry ? entry.comment ?? '' : '', size: 50 });
  const secret = el('input', { type: 'checkbox', id: 'ed-secret', checked: entry ? entry.secret : false });
  const status = el('div', { class: 'check', id: 'ed-check' });
  const save = el('button', { class: 'primary', id: 'ed-save', text: 'Save draft' });
  const validate = () => {
    const problem = check(type.value, value.value);
    status.className = 'check ' + (problem ? 'err' : 'ok');
    status.textContent = problem ? '✗ ' + problem : '✓ valid ' + type.value;
    save.disabled = !!problem;
  };
  value.addEventListener('input', validate);
  type.addEventListener('change', validate);
  save.addEventListener('click', async () => {
    const k = key.value.trim();
    if (!k) { toast('A key is needed', true); return; }
    const headers = entry && entry.version ? { 'If-Match': '"' + entry.version + '"' } : {};
    try {
      await api(box.dataset.base + '/entries/' + encodeURIComponent(k), { method: 'PUT', headers, body: { value: value.value, type: type.value, comment: comment.value, secret: secret.checked } });
      toast('Saved to the draft');
      await refresh();
    } catch (e) {
      status.className = 'check err';
      status.textContent = '✗ ' + e.message;
    }
  });
  box.dataset.base = base;
  clear(box).append(el('div', { class: 'card editor', id: 'cfg-editor' },
    el('h3', { text: entry ? 'Edit ' + entry.key : 'New entry' }),
    el('div', { class: 'row' }, el('label', { class: 'field', text: 'Key' }, key), el('label', { class: 'field', text: 'Type' }, type),
      el('label', { class: 'row', text: 'Secret ' }, secret)),
    entry && entry.masked ? el('p', { class: 'muted', text: 'The current value is a secret you may not read; saving replaces it.' }) : null,
    value, status, el('label', { class: 'field', text: 'Comment' }, comment),
    el('div', { class: 'row' }, save, el('button', { text: 'Cancel', on: { click: () => clear(box) } }))));
  validate();
  value.focus();
}
