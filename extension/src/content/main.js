/*
 * Content-script entry: asks the worker for the configuration, and on an enabled site starts
 * discovery, one BoxController per compose box, and the post interceptor. Runs in every frame
 * (all_frames). Settings and pauses take effect live through storage.onChanged.
 */
(function (CG) {
  if (globalThis.__conductGuardStarted) return; // static and dynamic registration may both inject
  globalThis.__conductGuardStarted = true;

  const controllers = new Map(); // box element -> BoxController
  const optedOutBoxes = new WeakSet();
  let config = null;
  let site = null;
  let discovery = null;
  let interceptor = null;

  const send = (message) => CG.api.runtime.sendMessage(message).catch(() => null);

  const page = {
    get config() { return config; },
    get site() { return site; },
    servicePolicy: null,
    /** Extension settings made stricter by the service's machine policy, never looser. */
    effectivePolicy() {
      const p = page.servicePolicy || {};
      let blockOverride = config.settings.blockOverride;
      if (p.allow_override === false) blockOverride = 'never';
      else if (p.require_reason === true && blockOverride === 'allow') blockOverride = 'reason';
      const failClosed = config.settings.failClosed || p.fail_closed === true;
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
    async send(text) {
      const reply = await send({ kind: CG.MSG.CHECK_TEXT, text, site });
      if (reply && reply.ok) page.servicePolicy = reply.policy || null;
      return reply && reply.ok ? { result: reply.result } : { offline: true };
    },
    event(event, categories) {
      send({ kind: CG.MSG.RECORD_EVENT, event, categories, site });
    },
    openRule(rule) {
      send({ kind: CG.MSG.OPEN_RULE, pack: rule.pack, ref: rule.ref });
    },
    optOut(controller) {
      optedOutBoxes.add(controller.box);
      send({ kind: CG.MSG.SET_FIELD_OPT_OUT, site, fieldKey: fieldKey(controller.box), off: true });
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
    for (let n = node; n; n = CG.PostInterceptor.up(n)) {
      const c = controllers.get(n);
      if (c) return c;
    }
    return null;
  }

  function onBox(box) {
    if (controllers.has(box) || optedOutBoxes.has(box)) return;
    const optOuts = (config.fieldOptOut && config.fieldOptOut[site]) || [];
    if (optOuts.includes(fieldKey(box))) {
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

  async function loadConfig() {
    const reply = await send({ kind: CG.MSG.GET_CONFIG });
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
      return;
    }
    if (!discovery) {
      start();
      return;
    }
    const checkingChanged = !previous || JSON.stringify([previous.settings.pack, previous.settings.accountBySite,
      previous.settings.defaultAccount, previous.settings.serviceUrl]) !== JSON.stringify([config.settings.pack,
      config.settings.accountBySite, config.settings.defaultAccount, config.settings.serviceUrl]);
    const paused = page.isPaused();
    for (const controller of controllers.values()) {
      controller.pause(paused);
      if (!paused && checkingChanged) controller.scheduler.invalidate();
    }
  }

  const WATCHED_KEYS = [CG.settings.STORAGE_KEYS.userSettings, CG.settings.STORAGE_KEYS.pause, CG.settings.STORAGE_KEYS.fieldOptOut];
  CG.api.storage.onChanged.addListener((changes, area) => {
    if (area === 'managed' || WATCHED_KEYS.some((k) => k in changes)) refresh();
  });
  // A timed pause ends without any storage change: look again when it is due.
  setInterval(() => {
    if (config && site && controllers.size) {
      const paused = page.isPaused();
      for (const controller of controllers.values()) controller.pause(paused);
    }
  }, 30000);

  refresh();
})(globalThis.CG);
