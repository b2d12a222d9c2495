/*
 * The background worker (Chrome/Edge service worker, Firefox background scripts).
 * Listeners are registered at top level, synchronously, so an evicted worker wakes up for the
 * next message; nothing lives only in globals: settings, pauses, opt-outs and counters are read
 * from storage on every message.
 */
(function (CG) {
  const api = CG.api;
  const KEYS = CG.settings.STORAGE_KEYS;
  const USER_SITES_SCRIPT_ID = 'cg-user-sites';
  const POLICY_KEY = 'cg.servicePolicy'; // storage.session: {at, policy} from GET /v1/health
  // How old a look at /v1/health may be when a page asks whether the service is paused: pages
  // ask every few seconds (each frame with a box), the service is asked at most this often.
  const SERVICE_STATE_MAX_AGE_MS = 3000;
  // How a message moderation assist flagged looks: inserted by the browser into the tab as a
  // user stylesheet, so the page gets no element of ours beyond data-cg-mod and the panel host.
  const MOD_MARK_CSS = '[data-cg-mod]{outline:2px solid #d93025 !important;outline-offset:-2px !important;'
    + 'background-color:rgba(217,48,37,.08) !important;}';

  async function readLocal(key, fallback) {
    const stored = await api.storage.local.get(key);
    return stored[key] === undefined ? fallback : stored[key];
  }

  /**
   * Pauses as pages and the popup see them: `all` is the service's pause (the one state the tray,
   * the status page and the popup's "pause everywhere" share), `sites` the extension's own.
   */
  async function pauses() {
    const local = await readLocal(KEYS.pause, {});
    const service = await readLocal(KEYS.servicePause, { until: 0 });
    return { all: service.until || 0, sites: local.sites || {} };
  }

  /** Remember the service's pause; written only when it changes, as every page listens to it. */
  async function setServicePause(until) {
    const stored = await readLocal(KEYS.servicePause, { until: 0 });
    if ((stored.until || 0) !== until) await api.storage.local.set({ [KEYS.servicePause]: { until } });
  }

  async function config() {
    const { settings, locked } = await CG.settings.loadSettings();
    return {
      ok: true,
      settings,
      locked,
      pause: await pauses(),
      fieldOptOut: await readLocal(KEYS.fieldOptOut, {}),
    };
  }

  /**
   * The messages.json of a locale, read from the extension's own files (the only file reading in
   * the extension; content scripts never fetch). Kept per worker life: the files never change.
   */
  const localeFiles = new Map();
  function readLocale(lang) {
    if (!localeFiles.has(lang)) {
      const url = api.runtime.getURL(`_locales/${lang}/messages.json`);
      const reading = fetch(url).then((r) => {
        if (!r.ok) throw new Error(`${url}: ${r.status}`);
        return r.json();
      });
      reading.catch(() => localeFiles.delete(lang));
      localeFiles.set(lang, reading);
    }
    return localeFiles.get(lang);
  }

  /** The UI language now: IT's or the officer's choice, else the browser's (src/shared/i18n.js). */
  const uiLanguage = (settings) => CG.i18n.resolve(settings.uiLanguage);

  const handlers = {
    async [CG.MSG.CHECK_TEXT]({ text, site }) {
      if (typeof text !== 'string') return { ok: false, error: 'text' };
      const { settings } = await CG.settings.loadSettings();
      const { text: capped } = CG.textMap.capText(text, CG.SERVICE_TEXT_LIMIT);
      const reply = await CG.service.check(settings, {
        text: capped, site, account: CG.settings.accountFor(settings, site), lang: uiLanguage(settings),
      });
      await rememberOnline(!reply.offline || !!reply.error);
      if (reply.ok) {
        // Every answer says whether the service is paused: a pause from the tray is seen at the
        // next check even before the next look at /v1/health, and an unpaused answer ends one.
        reply.pausedUntil = CG.service.pausedUntil(reply.result);
        await setServicePause(reply.pausedUntil);
        reply.policy = await servicePolicy(settings);
      }
      return reply;
    },

    async [CG.MSG.GET_SERVICE_STATE]() {
      const { settings } = await CG.settings.loadSettings();
      let fresh = false;
      try {
        const cached = (await api.storage.session.get(POLICY_KEY))[POLICY_KEY];
        fresh = !!cached && Date.now() - cached.at < SERVICE_STATE_MAX_AGE_MS;
      } catch (_) { /* no storage.session: ask the service */ }
      const online = fresh ? true : (await lookAtService(settings)).online;
      return { ok: true, online, pausedUntil: (await pauses()).all };
    },

    [CG.MSG.GET_CONFIG]: () => config(),

    async [CG.MSG.GET_UI_STRINGS]() {
      const { settings } = await CG.settings.loadSettings();
      const lang = uiLanguage(settings);
      const table = await CG.i18n.load(lang, readLocale);
      return { ok: true, ...table, choice: settings.uiLanguage, browser: CG.i18n.browserTag() };
    },

    async [CG.MSG.SET_SETTINGS]({ patch }) {
      const { locked } = await CG.settings.loadSettings();
      const allowed = Object.fromEntries(Object.entries(patch || {}).filter(([k]) => !locked.includes(k)));
      const merged = await CG.settings.saveUserSettings(allowed);
      if ('sites' in allowed) await syncUserSiteScripts();
      return { ok: true, ...merged };
    },

    async [CG.MSG.GET_STATUS]() {
      const { settings, locked } = await CG.settings.loadSettings();
      const status = await CG.service.health(settings);
      await rememberOnline(status.online);
      // whether pausing and the counters can reach the service (the token from the native host)
      const auth = await CG.service.authState();
      return { ok: true, ...status, auth, settings, locked, serviceUrl: settings.serviceUrl };
    },

    async [CG.MSG.GET_PACKS]() {
      const { settings } = await CG.settings.loadSettings();
      return { ok: true, packs: await CG.service.packs(settings) };
    },

    async [CG.MSG.PAUSE]({ scope, site, minutes }) {
      const { settings } = await CG.settings.loadSettings();
      if (!settings.allowPause) return { ok: false, error: 'locked' };
      if (scope === 'all') {
        // Everywhere = the service's pause, so the tray, the status page and every browser agree
        // (and the service may refuse it: allow_pause in the machine policy).
        const reply = await CG.service.pause(settings, minutes === 15 ? 15 : 60);
        if (!reply.ok) return { ok: false, error: reply.offline ? 'offline' : reply.error };
        await setServicePause(reply.pausedUntil);
      } else if (site) {
        const local = await readLocal(KEYS.pause, {});
        const until = minutes ? Date.now() + minutes * 60000 : 'forever';
        await api.storage.local.set({ [KEYS.pause]: { sites: { ...(local.sites || {}), [site]: until } } });
      }
      return { ok: true, pause: await pauses() };
    },

    async [CG.MSG.RESUME]({ scope, site }) {
      const local = await readLocal(KEYS.pause, {});
      const sites = { ...(local.sites || {}) };
      if (site) delete sites[site];
      let error = null;
      if (scope === 'all') {
        const { settings } = await CG.settings.loadSettings();
        const reply = await CG.service.pause(settings, 0);
        // An unreachable service holds no pause of its own; one that is up needs the token to
        // resume (the popup then says how to connect the extension).
        if (reply.ok || reply.offline) await setServicePause(0);
        else if (reply.error === 'not_connected' || reply.error === 'rejected') error = reply.error;
      }
      await api.storage.local.set({ [KEYS.pause]: { sites: scope === 'all' ? {} : sites } });
      return error ? { ok: false, error, pause: await pauses() } : { ok: true, pause: await pauses() };
    },

    async [CG.MSG.RECORD_EVENT]({ event, categories, site }) {
      if (!CG.EVENTS.includes(event)) return { ok: false, error: 'event' };
      const cats = (Array.isArray(categories) ? categories : []).filter((c) => CG.CATEGORIES.includes(c));
      const counters = await readLocal(KEYS.counters, {});
      const bucket = counters[event] || { total: 0, byCategory: {} };
      bucket.total += 1;
      for (const c of cats) bucket.byCategory[c] = (bucket.byCategory[c] || 0) + 1;
      counters[event] = bucket;
      await api.storage.local.set({ [KEYS.counters]: counters });
      const { settings } = await CG.settings.loadSettings();
      if (settings.sendEvents) CG.service.event(settings, { event, categories: cats, site: site || null });
      return { ok: true };
    },

    async [CG.MSG.OPEN_RULE]({ pack, ref }) {
      const hash = `#rule=${encodeURIComponent(`${pack || ''}/${ref || ''}`)}`;
      await api.tabs.create({ url: api.runtime.getURL(`options/options.html${hash}`) });
      return { ok: true };
    },

    async [CG.MSG.SET_FIELD_OPT_OUT]({ site, fieldKey, off }) {
      const all = await readLocal(KEYS.fieldOptOut, {});
      const list = new Set(all[site] || []);
      if (off) list.add(String(fieldKey).slice(0, 120));
      else list.delete(fieldKey);
      all[site] = [...list];
      await api.storage.local.set({ [KEYS.fieldOptOut]: all });
      return { ok: true };
    },

    async [CG.MSG.MODERATE]({ site, messages }) {
      if (!Array.isArray(messages)) return { ok: false, error: 'messages' };
      const { settings } = await CG.settings.loadSettings();
      if (settings.moderation === 'off') return { ok: false, error: 'off' };
      const clean = messages.slice(0, CG.MODERATE_MAX_MESSAGES)
        .filter((m) => m && typeof m.id === 'string' && typeof m.text === 'string')
        .map((m) => ({ id: m.id, text: CG.textMap.capText(m.text, CG.SERVICE_TEXT_LIMIT).text }));
      const reply = await CG.service.moderate(settings, { messages: clean, site, lang: uiLanguage(settings) });
      await rememberOnline(!reply.offline || !!reply.error);
      return reply;
    },

    async [CG.MSG.SHOW_MOD_MARKS](_message, sender) {
      if (!sender.tab || !api.scripting || !api.scripting.insertCSS) return { ok: false };
      const target = { tabId: sender.tab.id };
      if (typeof sender.frameId === 'number') target.frameIds = [sender.frameId];
      await api.scripting.insertCSS({ target, css: MOD_MARK_CSS });
      return { ok: true };
    },

    async [CG.MSG.GET_COUNTERS]() {
      return { ok: true, counters: await readLocal(KEYS.counters, {}), fieldOptOut: await readLocal(KEYS.fieldOptOut, {}) };
    },
  };

  /**
   * The machine policy IT set in the service (GET /v1/health `policy`), cached for a minute in
   * storage.session: it can only make the extension stricter (see effectivePolicy in content).
   */
  async function servicePolicy(settings) {
    try {
      const cached = (await api.storage.session.get(POLICY_KEY))[POLICY_KEY];
      if (cached && Date.now() - cached.at < 60000) return cached.policy;
    } catch (_) { /* no storage.session */ }
    return (await lookAtService(settings)).policy;
  }

  /** One GET /v1/health: remembers the machine policy (storage.session) and the pause (storage.local). */
  async function lookAtService(settings) {
    const status = await CG.service.health(settings);
    const policy = (status.online && status.health.policy) || null;
    await rememberOnline(status.online);
    if (status.online) {
      try { await api.storage.session.set({ [POLICY_KEY]: { at: Date.now(), policy } }); } catch (_) { /* ignore */ }
      await setServicePause(CG.service.pausedUntil(status.health));
    }
    return { online: status.online, policy };
  }

  /**
   * Remember the last known service state in session storage (for the toolbar badge). When the
   * service goes away its cached policy is forgotten: it may come back with another one.
   */
  async function rememberOnline(online) {
    // The pause is the service's: with the service gone there is none (it would come back
    // unpaused), and posts follow the offline rules (failClosed) again.
    if (!online) await setServicePause(0);
    try {
      const stored = await api.storage.session.get(KEYS.health);
      if (stored[KEYS.health] === online) return;
      await api.storage.session.set({ [KEYS.health]: online });
      if (!online) await api.storage.session.remove(POLICY_KEY);
    } catch (_) { /* storage.session unavailable: the badge is cosmetic */ }
    try {
      await api.action.setBadgeText({ text: online ? '' : '!' });
      await api.action.setBadgeBackgroundColor({ color: '#777777' });
      const { settings } = await CG.settings.loadSettings();
      CG.i18n.install(await CG.i18n.load(uiLanguage(settings), readLocale));
      await api.action.setTitle({ title: CG.i18n.t(online ? 'action_title' : 'action_title_offline') });
    } catch (_) { /* no action API in this context */ }
  }

  /** Sites the user or IT added beyond the manifest's list get the content scripts dynamically. */
  async function syncUserSiteScripts() {
    if (!api.scripting || !api.scripting.registerContentScripts) return;
    const { settings } = await CG.settings.loadSettings();
    const extra = settings.sites.filter((s) => !CG.settings.DEFAULT_SITES.includes(s));
    const granted = [];
    for (const site of extra) {
      const origins = [`https://${site}/*`, `https://*.${site}/*`];
      if (await api.permissions.contains({ origins }).catch(() => false)) granted.push(...origins);
    }
    try {
      await api.scripting.unregisterContentScripts({ ids: [USER_SITES_SCRIPT_ID] });
    } catch (_) { /* was not registered */ }
    if (!granted.length) return;
    const manifestScripts = api.runtime.getManifest().content_scripts[0];
    await api.scripting.registerContentScripts([{
      id: USER_SITES_SCRIPT_ID,
      matches: granted,
      js: manifestScripts.js,
      allFrames: true,
      runAt: 'document_idle',
    }]);
  }

  // ---- top-level listeners (must be registered synchronously at start) ----
  api.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (sender.id !== api.runtime.id || !message || !handlers[message.kind]) return false;
    Promise.resolve()
      .then(() => handlers[message.kind](message, sender))
      .then(sendResponse, (error) => sendResponse({ ok: false, error: String(error && error.message) }));
    return true; // answer asynchronously
  });
  api.runtime.onInstalled.addListener(() => { syncUserSiteScripts().catch(() => {}); });
  api.runtime.onStartup.addListener(() => { syncUserSiteScripts().catch(() => {}); });
  api.permissions.onAdded.addListener(() => { syncUserSiteScripts().catch(() => {}); });
  api.storage.onChanged.addListener((changes, area) => {
    if (area === 'managed') syncUserSiteScripts().catch(() => {});
  });

  CG.worker = { handlers, syncUserSiteScripts };
})(globalThis.CG);
