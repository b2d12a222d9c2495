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

  async function readLocal(key, fallback) {
    const stored = await api.storage.local.get(key);
    return stored[key] === undefined ? fallback : stored[key];
  }

  async function config() {
    const { settings, locked } = await CG.settings.loadSettings();
    return {
      ok: true,
      settings,
      locked,
      pause: await readLocal(KEYS.pause, { all: 0, sites: {} }),
      fieldOptOut: await readLocal(KEYS.fieldOptOut, {}),
    };
  }

  const handlers = {
    async [CG.MSG.CHECK_TEXT]({ text, site }) {
      if (typeof text !== 'string') return { ok: false, error: 'text' };
      const { settings } = await CG.settings.loadSettings();
      const { text: capped } = CG.textMap.capText(text, CG.SERVICE_TEXT_LIMIT);
      const reply = await CG.service.check(settings, { text: capped, site, account: CG.settings.accountFor(settings, site) });
      await rememberOnline(!reply.offline || !!reply.error);
      if (reply.ok) reply.policy = await servicePolicy(settings);
      return reply;
    },

    [CG.MSG.GET_CONFIG]: () => config(),

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
      return { ok: true, ...status, settings, locked, serviceUrl: settings.serviceUrl };
    },

    async [CG.MSG.GET_PACKS]() {
      const { settings } = await CG.settings.loadSettings();
      return { ok: true, packs: await CG.service.packs(settings) };
    },

    async [CG.MSG.PAUSE]({ scope, site, minutes }) {
      const { settings } = await CG.settings.loadSettings();
      if (!settings.allowPause) return { ok: false, error: 'locked' };
      const pause = await readLocal(KEYS.pause, { all: 0, sites: {} });
      const until = minutes ? Date.now() + minutes * 60000 : 'forever';
      if (scope === 'all') pause.all = typeof until === 'number' ? until : Date.now() + 3600000;
      else if (site) pause.sites = { ...pause.sites, [site]: until };
      await api.storage.local.set({ [KEYS.pause]: pause });
      return { ok: true, pause };
    },

    async [CG.MSG.RESUME]({ scope, site }) {
      const pause = await readLocal(KEYS.pause, { all: 0, sites: {} });
      if (scope === 'all') pause.all = 0;
      if (site && pause.sites) delete pause.sites[site];
      if (scope === 'all') pause.sites = {};
      await api.storage.local.set({ [KEYS.pause]: pause });
      return { ok: true, pause };
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

    async [CG.MSG.GET_COUNTERS]() {
      return { ok: true, counters: await readLocal(KEYS.counters, {}), fieldOptOut: await readLocal(KEYS.fieldOptOut, {}) };
    },
  };

  /**
   * The machine policy IT set in the service (GET /v1/health `policy`), cached for a minute in
   * storage.session: it can only make the extension stricter (see effectivePolicy in content).
   */
  async function servicePolicy(settings) {
    const key = POLICY_KEY;
    try {
      const cached = (await api.storage.session.get(key))[key];
      if (cached && Date.now() - cached.at < 60000) return cached.policy;
    } catch (_) { /* no storage.session */ }
    const status = await CG.service.health(settings);
    const policy = (status.online && status.health.policy) || null;
    try { await api.storage.session.set({ [key]: { at: Date.now(), policy } }); } catch (_) { /* ignore */ }
    return policy;
  }

  /**
   * Remember the last known service state in session storage (for the toolbar badge). When the
   * service goes away its cached policy is forgotten: it may come back with another one.
   */
  async function rememberOnline(online) {
    try {
      const stored = await api.storage.session.get(KEYS.health);
      if (stored[KEYS.health] === online) return;
      await api.storage.session.set({ [KEYS.health]: online });
      if (!online) await api.storage.session.remove(POLICY_KEY);
    } catch (_) { /* storage.session unavailable: the badge is cosmetic */ }
    try {
      await api.action.setBadgeText({ text: online ? '' : '!' });
      await api.action.setBadgeBackgroundColor({ color: '#777777' });
      await api.action.setTitle({ title: api.i18n.getMessage(online ? 'action_title' : 'action_title_offline') });
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
