/* The options page: every setting, the sites, counters (no text), and the rules of the pack in use. */
(async function (CG) {
  const { t, localise, showLocks } = CG.page;
  const $ = (id) => document.getElementById(id);
  const el = CG.h; // src/shared/dom.js: attributes, `text` for the text, `on…` for listeners
  await CG.page.loadStrings(); // the UI language (this page's choice, IT's, else the browser's)
  localise(document);
  document.title = t('options_title');
  const uiLang = CG.i18n.lang();
  let settings;
  let locked = [];

  async function save(patch) {
    const reply = await CG.client.setSettings({ patch });
    if (reply.ok) {
      $('saved').textContent = t('options_saved');
      setTimeout(() => { $('saved').textContent = ''; }, 1500);
    }
    await load();
  }

  async function load() {
    const config = await CG.client.getConfig();
    if (!config.ok) return;
    ({ settings, locked } = config);
    $('serviceUrl').value = settings.serviceUrl;
    $('defaultAccount').value = settings.defaultAccount;
    $('blockOverride').value = settings.blockOverride;
    $('failClosed').checked = settings.failClosed;
    $('sendEvents').checked = settings.sendEvents;
    $('debounceMs').value = settings.debounceMs;
    renderLanguages();
    renderSites();
    renderAccounts();
    showLocks(document, locked);
    renderCounters();
    renderRules(); // the rules shown follow the pack chosen
  }

  /** '' follows the browser's language (named, or its tag where it is not one of ours); each language by its own name. */
  function renderLanguages() {
    const select = $('uiLanguage');
    select.textContent = '';
    const tag = CG.i18n.browserTag();
    const browser = CG.i18n.normalise(tag);
    const follow = el('option', { value: '', text: t('options_language_browser', [browser ? CG.i18n.NAMES[browser] : tag]) });
    select.append(follow);
    for (const lang of CG.i18n.LANGS) {
      const option = el('option', { value: lang, text: CG.i18n.NAMES[lang], lang, dir: CG.i18n.dirOf(lang) });
      select.append(option);
    }
    select.value = settings.uiLanguage;
  }

  function renderSites() {
    const list = $('sites');
    list.textContent = '';
    for (const site of settings.sites) {
      const remove = el('button', { type: 'button', text: t('options_remove') });
      remove.setAttribute('data-setting', 'sites');
      remove.setAttribute('aria-label', `${t('options_remove')} ${site}`);
      remove.addEventListener('click', () => save({ sites: settings.sites.filter((s) => s !== site) }));
      list.append(el('li', {}, el('bdi', { text: site, dir: 'ltr', lang: 'en' }), remove));
    }
  }

  function renderAccounts() {
    const box = $('accounts');
    box.textContent = '';
    for (const site of settings.sites) {
      const id = `acct-${site}`;
      const select = el('select', { id },
        el('option', { value: 'personal', text: t('popup_account_personal') }),
        el('option', { value: 'official', text: t('popup_account_official') }));
      select.value = CG.settings.accountFor(settings, site);
      select.setAttribute('data-setting', 'accountBySite');
      select.addEventListener('change', () => save({ accountBySite: { ...settings.accountBySite, [site]: select.value } }));
      box.append(el('div', { class: 'field' }, el('label', { for: id, text: site, dir: 'ltr', lang: 'en' }), select));
    }
  }

  async function renderCounters() {
    const reply = await CG.client.getCounters();
    const dl = $('counters');
    dl.textContent = '';
    for (const event of CG.EVENTS) {
      const n = (reply.counters && reply.counters[event] && reply.counters[event].total) || 0;
      dl.append(el('dt', { text: t(`options_counter_${event}`) }), el('dd', { text: CG.i18n.number(n) }));
    }
    const ul = $('opted-out');
    ul.textContent = '';
    for (const [site, keys] of Object.entries(reply.fieldOptOut || {})) {
      for (const key of keys) {
        const undo = el('button', { type: 'button', text: t('options_remove') });
        undo.addEventListener('click', async () => {
          await CG.client.setFieldOptOut({ site, fieldKey: key, off: false });
          renderCounters();
        });
        ul.append(el('li', {}, el('bdi', { text: `${site}: ${key}`, dir: 'ltr', lang: 'en' }), ' ', undo));
      }
    }
  }

  // GET /v1/packs as the service gives it (Pack.to_dict in backend/conduct_guard/policy.py):
  // {default, packs: [{id, title, jurisdiction, description, sources: [{id, file, title, date}],
  //   categories: {<category>: {ref, title, source, source_title, source_date, quote, note?, instead,
  //   message, severity, threshold}}, context_rules: [{id, effect, when, ref, title?, source,
  //   source_title, source_date, quote, note?, instead?, message?, category?, categories?, severity?}]}]}
  let packsReply = null;

  async function renderStatusAndRules() {
    const status = await CG.client.getStatus();
    const model = status.online && status.health.model ? `${status.health.model.name || ''} ${status.health.model.version || ''}`.trim() : '';
    $('status').textContent = status.online ? `${t('popup_online')} — ` : t('popup_offline');
    if (model) $('status').append(el('bdi', { text: model, dir: 'ltr', lang: 'en' }));
    CG.page.showAuth($('svc-auth'), status.online && status.auth);
    if (!status.online) return;
    const reply = await CG.client.getPacks();
    packsReply = reply.packs && Array.isArray(reply.packs.packs) ? reply.packs : null;
    if (!packsReply) return;
    const select = $('pack');
    for (const pack of packsReply.packs) {
      if (pack && pack.id) select.append(el('option', { value: pack.id, text: inLang(pack, 'title') || pack.id }));
    }
    select.value = settings.pack;
    renderRules();
  }

  /** The rule a "see the rule" link names: #rule=<pack>/<ref>. */
  function target() {
    const m = location.hash.match(/^#rule=(.*)$/);
    if (!m) return null;
    const value = decodeURIComponent(m[1]);
    const slash = value.indexOf('/');
    return slash < 0 ? { pack: '', ref: value } : { pack: value.slice(0, slash), ref: value.slice(slash + 1) };
  }

  /** Only the pack in use: the one chosen here, else the service's default (or the one a link names). */
  function activePack() {
    const packs = packsReply.packs.filter((p) => p && p.id);
    const byId = (id) => packs.find((p) => p.id === id);
    const linked = target();
    return (linked && byId(linked.pack)) || byId(settings.pack) || byId(packsReply.default) || packs[0] || null;
  }

  // Documents keep their own (English) titles.
  const documentLine = (rule) => (rule.source_title
    ? CG.tn('card_source', [el('bdi', { text: CG.documentLabel(rule.source_title, rule.source_date), lang: 'en' })]) : []);

  /**
   * A pack's or rule's text in the UI language where the pack has it (its `i18n`), else English,
   * as the service gives findings (CONTRACT `lang`).
   */
  function inLang(obj, field) {
    const own = obj && obj.i18n && obj.i18n[uiLang];
    return (own && own[field]) || (obj && obj[field]) || '';
  }

  /** An element whose text keeps its own direction (English in an Urdu page, and the reverse). */
  const auto = (tag, props) => {
    const node = el(tag, props);
    node.dir = 'auto';
    return node;
  };

  /**
   * The parts every rule shows: reference and title, its words, a note, what to do instead, its
   * document. A translated quote is marked unofficial (the pack's quote_note) and the binding
   * English quote follows it.
   */
  function ruleBody(rule, title, pack) {
    const lang = rule.i18n && rule.i18n[uiLang] ? uiLang : 'en'; // the language its texts are in
    const quote = inLang(rule, 'quote');
    const translated = rule.quote && quote !== rule.quote;
    const ref = CG.refNode(rule.ref);
    return [
      el('p', { class: 'ref' }, ref, ...(title ? [' — ', el('bdi', { text: title, lang })] : [])),
      quote ? auto('blockquote', { class: 'quote', text: `“${quote}”`, lang }) : '',
      translated ? auto('p', { class: 'muted quote-note', text: inLang(pack, 'quote_note') }) : '',
      translated ? auto('blockquote', { class: 'quote original', text: `“${rule.quote}”`, lang: 'en' }) : '',
      rule.note ? auto('p', { class: 'muted note', text: inLang(rule, 'note'), lang }) : '',
      rule.instead ? el('p', { class: 'instead' }, ...CG.tn('card_instead', [el('bdi', { text: inLang(rule, 'instead'), lang })])) : '',
      el('p', { class: 'muted doc' }, ...documentLine(rule)),
    ].filter(Boolean);
  }

  function whenText(when) {
    const parts = [];
    const official = when.account === 'official';
    if (when.account) parts.push(t(official ? 'popup_account_official' : 'popup_account_personal'));
    if (when.sites) parts.push(when.sites.join(', '));
    if (when.categories_any) parts.push(when.categories_any.map((c) => t(`category_${c}`)).join(' / '));
    if (when.text_any) parts.push(t('options_when_words', [when.text_any.slice(0, 4).join(', ')]));
    if (when.text_none) parts.push(t('options_when_no_words', [when.text_none.slice(0, 2).join(', ')]));
    return parts.join(' · ');
  }

  function renderRules() {
    if (!packsReply) return;
    const rules = $('rules');
    rules.textContent = '';
    const pack = activePack();
    if (!pack) return;
    rules.append(el('h3', { text: inLang(pack, 'title') || pack.id }),
      el('p', { class: 'muted', text: pack.jurisdiction || '' }));
    const docs = el('ul', { class: 'docs' });
    for (const s of pack.sources || []) {
      docs.append(el('li', { text: CG.documentLabel(s.title, s.date), lang: 'en' })); // documents keep their own titles
    }
    rules.append(el('h4', { text: t('options_documents') }), docs);
    const categories = pack.categories || {};
    for (const category of CG.CATEGORIES) {
      const rule = categories[category];
      if (!rule) continue;
      const card = el('article', { class: `rule ${rule.severity || ''}`, id: `rule-${pack.id}-${category}` },
        el('h4', {}, el('span', { class: 'cat', text: t(`category_${category}`) }), ' ',
          el('span', { class: 'sev', text: t(`severity_${rule.severity}`) })),
        ...ruleBody(rule, inLang(rule, 'title'), pack));
      card.dataset.pack = pack.id;
      card.dataset.ref = rule.ref || '';
      card.dataset.category = category;
      rules.append(card);
    }
    const context = pack.context_rules || [];
    if (context.length) rules.append(el('h4', { class: 'context-h', text: t('options_context_rules') }));
    for (const cr of context) {
      const heading = cr.effect === 'set_severity'
        ? t('options_sets_severity', [(cr.categories || []).map((c) => t(`category_${c}`)).join(', '), t(`severity_${cr.severity}`)])
        : (inLang(cr, 'title') || cr.id);
      const card = el('article', { class: 'rule context', id: `rule-${pack.id}-${cr.id}` },
        el('h4', { text: heading }),
        el('p', { class: 'muted when', text: t('options_when', [whenText(cr.when || {}) || '—']) }),
        ...ruleBody(cr, '', pack),
        ...(cr.message ? [auto('p', { class: 'msg', text: inLang(cr, 'message') })] : []));
      card.dataset.pack = pack.id;
      card.dataset.ref = cr.ref || '';
      card.dataset.context = cr.id;
      rules.append(card);
    }
    showTarget();
  }

  function showTarget() {
    const linked = target();
    if (!linked) return;
    // Several rules may share one reference (e.g. Rule 18 for official information and privacy).
    const hits = [...document.querySelectorAll('#rules .rule')].filter((r) => r.dataset.ref === linked.ref
      && (!linked.pack || r.dataset.pack === linked.pack));
    hits.forEach((r) => r.classList.add('target'));
    if (hits[0]) hits[0].scrollIntoView({ block: 'center' });
  }
  window.addEventListener('hashchange', renderRules);

  // Controls -> settings.
  $('serviceUrl').addEventListener('change', () => save({ serviceUrl: $('serviceUrl').value }));
  $('uiLanguage').addEventListener('change', async () => {
    await save({ uiLanguage: $('uiLanguage').value });
    location.reload(); // every string of the page in the new language
  });
  $('defaultAccount').addEventListener('change', () => save({ defaultAccount: $('defaultAccount').value }));
  $('blockOverride').addEventListener('change', () => save({ blockOverride: $('blockOverride').value }));
  $('failClosed').addEventListener('change', () => save({ failClosed: $('failClosed').checked }));
  $('sendEvents').addEventListener('change', () => save({ sendEvents: $('sendEvents').checked }));
  $('debounceMs').addEventListener('change', () => save({ debounceMs: Number($('debounceMs').value) }));
  $('pack').addEventListener('change', () => {
    if (location.hash) history.replaceState(null, '', location.pathname); // show the chosen pack, not a linked one
    save({ pack: $('pack').value });
  });
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
