/*
 * Content-script entry: asks the worker for the configuration, and on an enabled site starts
 * discovery, one BoxController per compose box, and the post interceptor. Runs in every frame
 * (all_frames). Settings and pauses take effect live through storage.onChanged.
 * The service's pause (tray, status page, popup) is asked for every few seconds while boxes are
 * on a visible page: the worker asks /v1/health and every page hears of a change through storage.
 */
(function (CG) {
  if (globalThis.__conductGuardStarted) return; // static and dynamic registration may both inject
  globalThis.__conductGuardStarted = true;

  const SERVICE_LOOK_MS = 5000; // how often a visible page with boxes asks whether the service is paused
  const PAUSE_LOOK_TIMEOUT_MS = 1500; // before holding a post: no longer than this

  const controllers = new Map(); // box element -> BoxController
  const optedOutBoxes = new WeakSet();
  let config = null;
  let site = null;
  let discovery = null;
  let interceptor = null;
  let pauseTimer = 0;

  const page = {
    get config() { return config; },
    get site() { return site; },
    servicePolicy: null,
    /** Extension settings made stricter by the service's machine policy, never looser. */
    effectivePolicy() {
      const p = page.servicePolicy || {};
      // Only keys IT set in the machine policy (`locked`) tighten: the service's defaults
      // (require_reason is true by default) are no decision and must not turn IT's managed
      // blockOverride "allow" into "reason". A service that does not list them is taken at its word.
      const set = (key) => !Array.isArray(p.locked) || p.locked.includes(key);
      let blockOverride = config.settings.blockOverride;
      if (set('allow_override') && p.allow_override === false) blockOverride = 'never';
      else if (set('require_reason') && p.require_reason === true && blockOverride === 'allow') blockOverride = 'reason';
      const failClosed = config.settings.failClosed || (set('fail_closed') && p.fail_closed === true);
      // Which of these IT set (managed storage, or keys the machine policy file sets, which the
      // service lists in `locked`), so the UI names "your organisation" only where it is so.
      const managed = config.locked || [];
      const machine = Array.isArray(p.locked) ? p.locked : [];
      const setByOrganisation = {
        blockOverride: managed.includes('blockOverride')
          || (p.allow_override === false && machine.includes('allow_override'))
          || (blockOverride === 'reason' && p.require_reason === true && machine.includes('require_reason')),
        failClosed: failClosed && ((managed.includes('failClosed') && config.settings.failClosed)
          || (p.fail_closed === true && machine.includes('fail_closed'))),
      };
      return { blockOverride, failClosed, setByOrganisation };
    },
    isPaused: () => CG.settings.isPaused(config.pause, site, Date.now()),
    /** Is checking paused right now? Asks the worker (the service) first; false when it cannot tell. */
    async pausedNow() {
      const timeout = new Promise((r) => setTimeout(() => r(null), PAUSE_LOOK_TIMEOUT_MS));
      const reply = await Promise.race([CG.client.getServiceState(), timeout]);
      if (reply && reply.ok) servicePause(reply.pausedUntil || 0);
      return page.isPaused();
    },
    async send(text) {
      const reply = await CG.client.checkText({ text, site });
      if (reply && reply.ok) {
        const before = page.effectivePolicy().blockOverride;
        page.servicePolicy = reply.policy || null;
        if (page.effectivePolicy().blockOverride !== before) policyChanged();
        servicePause(reply.pausedUntil || 0);
      }
      return reply && reply.ok ? { result: reply.result } : { offline: true };
    },
    /** Opt-outs hold only where a block may be let through ("never": every box is checked). */
    optOutsHonoured: () => page.effectivePolicy().blockOverride !== 'never',
    event(event, categories) {
      CG.client.recordEvent({ event, categories, site });
    },
    openRule(rule) {
      CG.client.openRule({ pack: rule.pack, ref: rule.ref });
    },
    optOut(controller) {
      if (!page.optOutsHonoured()) return;
      optedOutBoxes.add(controller.box);
      CG.client.setFieldOptOut({ site, fieldKey: fieldKey(controller.box), off: true });
      controllers.delete(controller.box);
      controller.dispose(false);
    },
  };

  /** A description of a field that holds no user text: used for "don't check this box". */
  function fieldKey(box) {
    const attr = (name) => box.getAttribute(name) || '';
    return [box.nodeName.toLowerCase(), attr('data-testid') || attr('name') || attr('aria-label') || attr('placeholder') || attr('id')]
      .join('|').slice(0, 120);
  }

  function controllerOf(node) {
    for (let n = node; n; n = CG.composedParent(n)) {
      const c = controllers.get(n);
      if (c) return c;
    }
    return null;
  }

  function onBox(box) {
    // Discovery offers a box again on focus: one opted out earlier is watched again under "never".
    if (controllers.has(box) || (optedOutBoxes.has(box) && page.optOutsHonoured())) return;
    const optOuts = (config.fieldOptOut && config.fieldOptOut[site]) || [];
    if (optOuts.includes(fieldKey(box)) && page.optOutsHonoured()) {
      optedOutBoxes.add(box);
      return;
    }
    const adapter = CG.adapters.adapterFor(box);
    if (!adapter) return;
    controllers.set(box, new CG.BoxController(box, adapter, page));
  }

  function onRemovals() {
    for (const [box, controller] of controllers) {
      if (!box.isConnected) {
        controller.dispose(true);
        controllers.delete(box);
      }
    }
  }

  function start() {
    CG.perf.install(document);
    discovery = new CG.Discovery(document, onBox, onRemovals);
    discovery.start();
    interceptor = new CG.PostInterceptor(window, {
      profile: CG.siteProfiles.profileFor(site),
      controllers: () => controllers.values(),
      controllerOf,
    });
    interceptor.start();
  }

  function stop() {
    if (discovery) discovery.stop();
    if (interceptor) interceptor.stop();
    discovery = null;
    interceptor = null;
    for (const controller of controllers.values()) controller.dispose(false);
    controllers.clear();
  }

  /** Each box to paused or back to checking, and a timer for when the next timed pause ends. */
  function applyPauses() {
    clearTimeout(pauseTimer);
    if (!config || !site) return;
    const paused = page.isPaused();
    for (const controller of controllers.values()) controller.pause(paused);
    if (!paused) CG.moderation.resumed();
    const ends = CG.settings.pauseEnds(config.pause, site, Date.now());
    // A timed pause ends without any message: look again when it is due.
    if (ends) pauseTimer = setTimeout(applyPauses, ends - Date.now() + 50);
  }

  /** The service's pause as the worker last saw it (ms, 0 = none). */
  function servicePause(until) {
    if (!config || (config.pause.all || 0) === until) return;
    config.pause = { ...config.pause, all: until };
    applyPauses();
  }

  /** What moderation assist needs of this page; the officer's own checks keep priority (busy). */
  function moderationContext() {
    return {
      config,
      site,
      isPaused: () => page.isPaused(),
      busy: () => [...controllers.values()].some((c) => c.state === 'checking'),
    };
  }

  function policyChanged() {
    for (const controller of controllers.values()) controller.policyChanged();
  }

  /** Ask whether the service is paused; the worker asks /v1/health (at most every few seconds). */
  async function lookAtService() {
    if (!config || !site || !controllers.size || document.visibilityState !== 'visible') return;
    const reply = await CG.client.getServiceState();
    if (reply && reply.ok) servicePause(reply.pausedUntil || 0);
  }

  /** The UI language's strings (from the worker: content scripts read no files themselves). */
  async function loadStrings() {
    const reply = await CG.client.getUiStrings();
    if (reply && reply.ok) CG.i18n.install(reply);
  }

  async function loadConfig() {
    const reply = await CG.client.getConfig();
    if (!reply || !reply.ok) return null;
    return reply;
  }

  async function refresh() {
    const next = await loadConfig();
    if (!next) return;
    const previous = config;
    config = next;
    site = CG.settings.siteForHost(location.hostname, config.settings.sites);
    if (!site) {
      stop();
      CG.moderation.sync(null);
      return;
    }
    CG.moderation.sync(moderationContext());
    const languageChanged = !!previous && previous.settings.uiLanguage !== config.settings.uiLanguage;
    if (!discovery || languageChanged) {
      await loadStrings();
      if (config !== next) return; // a newer refresh took over while the strings came
      // Badges, cards and labels redrawn in the new language now (findings follow the re-check).
      for (const controller of controllers.values()) if (controller.overlay) controller.overlay.render();
    }
    if (!discovery) {
      start();
      applyPauses();
      lookAtService(); // the stored pause may be stale (the service restarted since)
      return;
    }
    // The findings' texts come in the UI language: a new language is a new check.
    const checkingChanged = !previous || languageChanged || JSON.stringify([previous.settings.pack, previous.settings.accountBySite,
      previous.settings.defaultAccount, previous.settings.serviceUrl]) !== JSON.stringify([config.settings.pack,
      config.settings.accountBySite, config.settings.defaultAccount, config.settings.serviceUrl]);
    applyPauses();
    if (!page.isPaused()) {
      for (const controller of controllers.values()) {
        if (checkingChanged) controller.scheduler.invalidate();
        else controller.policyChanged(); // e.g. blockOverride now "never": set-aside blocks return
      }
    }
  }

  const KEYS = CG.settings.STORAGE_KEYS;
  const WATCHED_KEYS = [KEYS.userSettings, KEYS.pause, KEYS.servicePause, KEYS.fieldOptOut];
  CG.api.storage.onChanged.addListener((changes, area) => {
    if (area === 'managed' || WATCHED_KEYS.some((k) => k in changes)) refresh();
  });
  setInterval(lookAtService, SERVICE_LOOK_MS);
  document.addEventListener('visibilitychange', lookAtService);

  refresh();
})(globalThis.CG);
