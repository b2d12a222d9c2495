/* The options page: every setting, the sites, counters (no text), and the rules of the packs. */
(async function (CG) {
  const { ask, t, localise, showLocks } = CG.page;
  const $ = (id) => document.getElementById(id);
  const el = (tag, props, ...kids) => {
    const node = Object.assign(document.createElement(tag), props || {});
    node.append(...kids);
    return node;
  };
  localise(document);
  let settings;
  let locked = [];

  async function save(patch) {
    const reply = await ask(CG.MSG.SET_SETTINGS, { patch });
    if (reply.ok) {
      $('saved').textContent = t('options_saved');
      setTimeout(() => { $('saved').textContent = ''; }, 1500);
    }
    await load();
  }

  async function load() {
    const config = await ask(CG.MSG.GET_CONFIG);
    if (!config.ok) return;
    ({ settings, locked } = config);
    $('serviceUrl').value = settings.serviceUrl;
    $('defaultAccount').value = settings.defaultAccount;
    $('blockOverride').value = settings.blockOverride;
    $('failClosed').checked = settings.failClosed;
    $('sendEvents').checked = settings.sendEvents;
    $('debounceMs').value = settings.debounceMs;
    renderSites();
    renderAccounts();
    showLocks(document, locked);
    renderCounters();
  }

  function renderSites() {
    const list = $('sites');
    list.textContent = '';
    for (const site of settings.sites) {
      const remove = el('button', { type: 'button', textContent: t('options_remove') });
      remove.setAttribute('data-setting', 'sites');
      remove.setAttribute('aria-label', `${t('options_remove')} ${site}`);
      remove.addEventListener('click', () => save({ sites: settings.sites.filter((s) => s !== site) }));
      list.append(el('li', {}, el('span', { textContent: site }), remove));
    }
  }

  function renderAccounts() {
    const box = $('accounts');
    box.textContent = '';
    for (const site of settings.sites) {
      const id = `acct-${site}`;
      const select = el('select', { id },
        el('option', { value: 'personal', textContent: t('popup_account_personal') }),
        el('option', { value: 'official', textContent: t('popup_account_official') }));
      select.value = CG.settings.accountFor(settings, site);
      select.setAttribute('data-setting', 'accountBySite');
      select.addEventListener('change', () => save({ accountBySite: { ...settings.accountBySite, [site]: select.value } }));
      box.append(el('div', { className: 'field' }, el('label', { htmlFor: id, textContent: site }), select));
    }
  }

  async function renderCounters() {
    const reply = await ask(CG.MSG.GET_COUNTERS);
    const dl = $('counters');
    dl.textContent = '';
    for (const event of CG.EVENTS) {
      const n = (reply.counters && reply.counters[event] && reply.counters[event].total) || 0;
      dl.append(el('dt', { textContent: t(`options_counter_${event}`) }), el('dd', { textContent: String(n) }));
    }
    const ul = $('opted-out');
    ul.textContent = '';
    for (const [site, keys] of Object.entries(reply.fieldOptOut || {})) {
      for (const key of keys) {
        const undo = el('button', { type: 'button', textContent: t('options_remove') });
        undo.addEventListener('click', async () => {
          await ask(CG.MSG.SET_FIELD_OPT_OUT, { site, fieldKey: key, off: false });
          renderCounters();
        });
        ul.append(el('li', {}, `${site}: ${key} `, undo));
      }
    }
  }

  async function renderStatusAndRules() {
    const status = await ask(CG.MSG.GET_STATUS);
    $('status').textContent = status.online
      ? `${t('popup_online')} — ${(status.health.model && status.health.model.name) || ''} ${(status.health.model && status.health.model.version) || ''}`
      : t('popup_offline');
    if (!status.online) return;
    const reply = await ask(CG.MSG.GET_PACKS);
    const packs = (reply.packs && (reply.packs.packs || reply.packs)) || [];
    const list = Array.isArray(packs) ? packs : Object.values(packs);
    const select = $('pack');
    for (const pack of list) {
      if (!pack || !pack.id) continue;
      select.append(el('option', { value: pack.id, textContent: pack.name || pack.title || pack.id }));
    }
    select.value = settings.pack;
    const rules = $('rules');
    rules.textContent = '';
    for (const pack of list) {
      if (!pack || !pack.id) continue;
      rules.append(el('h3', { textContent: pack.name || pack.title || pack.id }));
      const entries = Array.isArray(pack.rules) ? pack.rules : Object.values(pack.rules || pack.categories || {});
      for (const rule of entries) {
        const ref = rule.ref || (rule.rule && rule.rule.ref) || '';
        const title = rule.title || (rule.rule && rule.rule.title) || '';
        const card = el('article', { className: 'rule', id: `rule-${pack.id}/${ref}` },
          el('h4', { textContent: `${ref}${title ? ` — ${title}` : ''}` }),
          el('p', { className: 'muted', textContent: [rule.category, rule.source || (rule.rule && rule.rule.source)].filter(Boolean).join(' · ') }),
          el('p', { textContent: rule.text || rule.summary || rule.message || '' }));
        rules.append(card);
      }
    }
    showTarget();
  }

  function showTarget() {
    const m = location.hash.match(/^#rule=(.*)$/);
    if (!m) return;
    const target = document.getElementById(`rule-${decodeURIComponent(m[1])}`);
    if (target) {
      target.classList.add('target');
      target.scrollIntoView({ block: 'center' });
    }
  }

  // Controls -> settings.
  $('serviceUrl').addEventListener('change', () => save({ serviceUrl: $('serviceUrl').value }));
  $('defaultAccount').addEventListener('change', () => save({ defaultAccount: $('defaultAccount').value }));
  $('blockOverride').addEventListener('change', () => save({ blockOverride: $('blockOverride').value }));
  $('failClosed').addEventListener('change', () => save({ failClosed: $('failClosed').checked }));
  $('sendEvents').addEventListener('change', () => save({ sendEvents: $('sendEvents').checked }));
  $('debounceMs').addEventListener('change', () => save({ debounceMs: Number($('debounceMs').value) }));
  $('pack').addEventListener('change', () => save({ pack: $('pack').value }));
  $('add-site').addEventListener('submit', async (e) => {
    e.preventDefault();
    const site = CG.settings.normaliseHost($('new-site').value);
    if (!CG.settings.VALIDATORS.sites([site]).length) return;
    if (!CG.settings.DEFAULT_SITES.includes(site)) {
      // Beyond the built-in list the browser must grant access; this click is the user gesture.
      const ok = await CG.api.permissions.request({ origins: [`https://${site}/*`, `https://*.${site}/*`] }).catch(() => false);
      if (!ok) { $('saved').textContent = t('options_access_missing'); return; }
    }
    $('new-site').value = '';
    save({ sites: [...settings.sites, site] });
  });

  await load();
  renderStatusAndRules();
})(globalThis.CG);
