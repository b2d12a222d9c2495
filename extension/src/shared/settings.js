/*
 * Settings: one defaults object, one merge, small storage helpers.
 * Merge order: DEFAULTS -> user (storage.sync, else storage.local) -> managed (storage.managed).
 * A key set by IT in managed storage wins and is reported as locked so the UI can show it.
 * Runtime state that is not a setting (pauses, per-field opt-outs, counters) lives in
 * storage.local under its own keys, see STORAGE_KEYS.
 */
(function (CG) {
  const DEFAULT_SITES = Object.freeze([
    'x.com', 'facebook.com', 'instagram.com', 'linkedin.com', 'web.whatsapp.com',
    'reddit.com', 'threads.net', 'youtube.com', 'web.telegram.org',
  ]);

  const DEFAULTS = Object.freeze({
    serviceUrl: 'http://127.0.0.1:47814',
    sites: DEFAULT_SITES,
    pack: '', // '' = the service's default pack
    defaultAccount: 'personal',
    accountBySite: Object.freeze({}), // host -> 'personal' | 'official'
    failClosed: false, // when the service is down, hold posts instead of letting them go
    blockOverride: 'reason', // 'allow' | 'reason' (ask a reason) | 'never'
    allowPause: true,
    sendEvents: true, // POST /v1/events counters (never text)
    debounceMs: 350,
    uiLanguage: '', // '' = the browser's UI language; else en, ur, hi, bn or gu (src/shared/i18n.js)
    // Moderation assist (content/moderation/): 'optin' = checks others' messages only in the
    // groups and pages listed in moderationTargets; 'off' = never (IT can lock it off).
    moderation: 'optin',
    moderationTargets: Object.freeze({}), // site -> [group name | page or account name], none by default
  });

  const ACCOUNTS = ['personal', 'official'];
  const OVERRIDES = ['allow', 'reason', 'never'];
  const MODERATION_MODES = ['optin', 'off'];
  const MAX_MODERATION_TARGETS = 200; // per site

  /** A group or page name as compared: trimmed, spaces folded, case-insensitive, no leading @. */
  const moderationKey = (name) => String(name).normalize('NFC').trim().replace(/\s+/g, ' ').replace(/^@/, '').toLowerCase();

  const isHost = (s) => typeof s === 'string' && /^[a-z0-9.-]+\.[a-z]{2,}$/i.test(s.trim());

  // One validator per key: returns the cleaned value, or undefined to reject it.
  const VALIDATORS = {
    serviceUrl: (v) => (typeof v === 'string' && /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/?$/.test(v.trim())
      ? v.trim().replace(/\/$/, '') : undefined),
    sites: (v) => (Array.isArray(v) ? [...new Set(v.filter(isHost).map((s) => normaliseHost(s)))] : undefined),
    pack: (v) => (typeof v === 'string' && v.length < 100 ? v : undefined),
    defaultAccount: (v) => (ACCOUNTS.includes(v) ? v : undefined),
    accountBySite: (v) => {
      if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
      const out = {};
      for (const [host, account] of Object.entries(v)) {
        if (isHost(host) && ACCOUNTS.includes(account)) out[normaliseHost(host)] = account;
      }
      return out;
    },
    failClosed: (v) => (typeof v === 'boolean' ? v : undefined),
    blockOverride: (v) => (OVERRIDES.includes(v) ? v : undefined),
    allowPause: (v) => (typeof v === 'boolean' ? v : undefined),
    sendEvents: (v) => (typeof v === 'boolean' ? v : undefined),
    debounceMs: (v) => (Number.isInteger(v) && v >= 100 && v <= 3000 ? v : undefined),
    uiLanguage: (v) => (v === '' || CG.i18n.LANGS.includes(v) ? v : undefined),
    moderation: (v) => (MODERATION_MODES.includes(v) ? v : undefined),
    moderationTargets: (v) => {
      if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
      const out = {};
      for (const [host, names] of Object.entries(v)) {
        if (!isHost(host) || !Array.isArray(names)) continue;
        const clean = names.filter((n) => typeof n === 'string').map(moderationKey).filter((n) => n && n.length <= 200);
        out[normaliseHost(host)] = [...new Set(clean)].slice(0, MAX_MODERATION_TARGETS);
      }
      return out;
    },
  };

  function normaliseHost(host) {
    return String(host).trim().toLowerCase().replace(/^www\./, '').replace(/\.$/, '');
  }

  /** Keep only known, valid keys. */
  function cleanSettings(raw) {
    const out = {};
    if (!raw || typeof raw !== 'object') return out;
    for (const [key, validate] of Object.entries(VALIDATORS)) {
      if (!(key in raw)) continue;
      const value = validate(raw[key]);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }

  /** defaults -> user -> managed; managed keys are locked. Pure. */
  function mergeSettings(user, managed) {
    const userClean = cleanSettings(user);
    const managedClean = cleanSettings(managed);
    const settings = { ...DEFAULTS, ...userClean, ...managedClean };
    return { settings, locked: Object.keys(managedClean).sort() };
  }

  /** Is this page's host one of the enabled sites (a site also covers its subdomains)? */
  function siteForHost(host, sites) {
    const h = normaliseHost(host || '');
    let best = null;
    for (const site of sites) {
      if (h === site || h.endsWith('.' + site)) {
        if (!best || site.length > best.length) best = site;
      }
    }
    return best;
  }

  /** Is moderation assist on for this group or page (`name` as the site's adapter reads it)? */
  function moderates(settings, site, name) {
    if (settings.moderation === 'off' || !site || !name) return false;
    return (settings.moderationTargets[site] || []).includes(moderationKey(name));
  }

  /** moderationTargets with `name` added to (on) or removed from (off) the site's list. */
  function withModerationTarget(targets, site, name, on) {
    const list = new Set((targets && targets[site]) || []);
    if (on) list.add(moderationKey(name));
    else list.delete(moderationKey(name));
    return { ...(targets || {}), [site]: [...list] };
  }

  function accountFor(settings, site) {
    return (site && settings.accountBySite[site]) || settings.defaultAccount;
  }

  /**
   * Pause state {all: untilMs|0, sites: {site: untilMs|'forever'}} -> is `site` paused now?
   * `all` is the service's pause (the tray's, the status page's, the popup's "pause everywhere").
   */
  function isPaused(pause, site, now) {
    if (!pause) return false;
    if (pause.all && pause.all > now) return true;
    const until = pause.sites && pause.sites[site];
    return until === 'forever' || (typeof until === 'number' && until > now);
  }

  const STORAGE_KEYS = Object.freeze({
    userSettings: 'cg.settings', // in storage.sync (falls back to storage.local)
    pause: 'cg.pause', // storage.local: {sites: {site: untilMs|'forever'}} (pauses of one site)
    servicePause: 'cg.servicePause', // storage.local: {until: ms|0}, the service's pause as last seen
    fieldOptOut: 'cg.fieldOptOut', // storage.local: {site: [fieldKey]}
    counters: 'cg.counters', // storage.local: {event: {category: n}}, never text
    health: 'cg.health', // storage.session: last health answer
  });

  // --- storage helpers (need the extension API; not used by the unit tests) ---
  async function syncArea() {
    try {
      await CG.api.storage.sync.get(null);
      return CG.api.storage.sync;
    } catch (_) {
      return CG.api.storage.local; // sync disabled by policy or unavailable
    }
  }

  async function readManaged() {
    try {
      return (await CG.api.storage.managed.get(null)) || {};
    } catch (_) {
      return {}; // no policy installed: Firefox throws, Chrome returns {}
    }
  }

  async function loadSettings() {
    const area = await syncArea();
    const stored = await area.get(STORAGE_KEYS.userSettings);
    return mergeSettings(stored[STORAGE_KEYS.userSettings], await readManaged());
  }

  async function saveUserSettings(patch) {
    const area = await syncArea();
    const stored = await area.get(STORAGE_KEYS.userSettings);
    const next = { ...cleanSettings(stored[STORAGE_KEYS.userSettings]), ...cleanSettings(patch) };
    await area.set({ [STORAGE_KEYS.userSettings]: next });
    return loadSettings();
  }

  /** When the next timed pause that applies to `site` ends (ms), or 0 when none is running. */
  function pauseEnds(pause, site, now) {
    if (!pause) return 0;
    const ends = [pause.all, pause.sites && pause.sites[site]].filter((u) => typeof u === 'number' && u > now);
    return ends.length ? Math.min(...ends) : 0;
  }

  CG.settings = {
    DEFAULTS, DEFAULT_SITES, VALIDATORS, STORAGE_KEYS,
    cleanSettings, mergeSettings, normaliseHost, siteForHost, accountFor, isPaused, pauseEnds,
    moderates, withModerationTarget, moderationKey,
    loadSettings, saveUserSettings, readManaged,
  };
})(globalThis.CG);
