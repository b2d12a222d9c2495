/*
 * Moderation assist in this page: starts a scanner and its panel when the group or page shown
 * is one the officer (or IT) turned it on for, and stops them when it is not (WhatsApp changes
 * chat without changing the address; Facebook and X navigate without reloading).
 * Costs nothing where it is not used: no timer runs on a site with no group or page listed.
 */
(function (CG) {
  const LOOK_MS = 1000; // how often the shown group or page is looked at (one querySelector)

  let ctx = null; // {config, site, isPaused, busy} from main.js
  let scanner = null;
  let panel = null;
  let timer = 0;

  const isTop = () => window === window.top;
  const adapterHere = () => (ctx && ctx.site ? CG.moderationSites.forSite(ctx.site) : null);

  /** The group or page shown here, and whether moderation assist is on for it. */
  function targetHere() {
    const adapter = adapterHere();
    const name = adapter && isTop() ? adapter.target(document) : null;
    return { adapter, name, on: !!name && CG.settings.moderates(ctx.config.settings, ctx.site, name) };
  }

  function start(adapter, name) {
    CG.client.showModMarks();
    const locked = (ctx.config.locked || []).some((k) => k === 'moderation' || k === 'moderationTargets');
    panel = new CG.ModerationPanel(document, { turnOff: locked ? null : () => turnOff(name) });
    scanner = new CG.ModerationScanner(document, adapter, name, {
      moderate: (messages) => CG.client.moderate({ site: ctx.site, messages }),
      busy: () => ctx.busy(),
      paused: () => ctx.isPaused(),
      changed: (s) => { if (panel && s === scanner) panel.render(s); },
    });
    panel.render(scanner);
    scanner.start();
  }

  function stop(unmark) {
    if (scanner) scanner.dispose(unmark);
    if (panel) panel.dispose();
    scanner = null;
    panel = null;
  }

  function turnOff(name) {
    const settings = ctx.config.settings;
    const targets = CG.settings.withModerationTarget(settings.moderationTargets, ctx.site, name, false);
    CG.client.setSettings({ patch: { moderationTargets: targets } });
    stop(true); // at once; the settings change that follows finds it stopped
  }

  function look() {
    if (!ctx) return;
    const { adapter, name, on } = targetHere();
    if (scanner && (!on || scanner.target !== name)) stop(true);
    if (on && !scanner) start(adapter, name);
  }

  CG.moderation = {
    /** main.js, on every configuration (settings, pause) it loads; null context = site disabled. */
    sync(context) {
      ctx = context;
      clearInterval(timer);
      timer = 0;
      const settings = ctx && ctx.config.settings;
      const listed = settings && settings.moderation !== 'off' && ((settings.moderationTargets[ctx.site] || []).length > 0);
      if (!ctx || !adapterHere() || !listed || !isTop()) {
        stop(true);
        return;
      }
      look();
      timer = setInterval(look, LOOK_MS);
    },
    /** A pause ended: send what waited. */
    resumed() {
      if (scanner) scanner.resume();
    },
  };

  // The popup asks the page shown which group or page moderation assist could check here
  // (the client's getModTarget): the one message a content script answers.
  CG.api.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (!message || message.kind !== CG.MSG.GET_MOD_TARGET || !isTop() || sender.id !== CG.api.runtime.id) return false;
    if (!ctx || !adapterHere()) {
      sendResponse({ ok: true, target: null, on: false });
      return false;
    }
    const { name, on } = targetHere();
    sendResponse({ ok: true, target: name ? { site: ctx.site, name } : null, on });
    return false;
  });
})(globalThis.CG);
