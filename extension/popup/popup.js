/* The toolbar popup: service status, this site's state, account type, pause/resume. */
(async function (CG) {
  const { t, localise, showLocks } = CG.page;
  const $ = (id) => document.getElementById(id);
  await CG.page.loadStrings(); // the UI language (options, IT, else the browser's)
  localise(document);

  const [tab] = await CG.api.tabs.query({ active: true, currentWindow: true });
  let host = '';
  try { host = new URL(tab.url).hostname; } catch (_) { /* no url: chrome:// or no access */ }
  $('site-host').textContent = host || '–';

  async function render() {
    const config = await CG.client.getConfig();
    if (!config.ok) return;
    const { settings, locked, pause } = config;
    showLocks(document, locked);
    const site = CG.settings.siteForHost(host, settings.sites);
    const paused = site && CG.settings.isPaused(pause, site, Date.now());
    $('site-state').textContent = !site ? t('popup_site_off') : paused
      ? (pause.all > Date.now() ? t('popup_paused_until', [CG.i18n.number(new Date(pause.all).toLocaleTimeString(CG.i18n.lang(), { hour: 'numeric', minute: '2-digit' }))]) : t('popup_paused_site'))
      : t('popup_site_on');
    $('account-field').hidden = !site;
    $('account').value = CG.settings.accountFor(settings, site);
    $('enable-site').hidden = !!site || !host;
    $('pause-site').hidden = !site || paused;
    $('pause-hour').hidden = !site || paused;
    $('resume').hidden = !paused;
    return { settings, site };
  }

  async function renderStatus() {
    const status = await CG.client.getStatus();
    const online = !!status.online;
    $('svc-dot').className = `dot ${online ? 'on' : 'off'}`;
    $('svc-status').textContent = online ? t('popup_online') : t('popup_offline');
    const model = online && status.health.model;
    $('svc-model').textContent = model ? `${model.name || ''} ${model.version || ''}`.trim() : '–';
    $('svc-pack').textContent = (status.settings && status.settings.pack) || (online && status.health.pack) || t('popup_pack_default');
    CG.page.showAuth($('svc-auth'), online && status.auth);
  }

  /** A pause or resume the service did not take for want of the token: say how to connect. */
  function showPauseReply(reply) {
    if (reply && (reply.error === 'not_connected' || reply.error === 'rejected')) {
      CG.page.showAuth($('svc-auth'), { ok: false, reason: reply.error === 'rejected' ? 'rejected' : 'host_missing' });
    }
  }

  let state = await render();
  renderStatus();

  $('account').addEventListener('change', async () => {
    const accountBySite = { ...state.settings.accountBySite, [state.site]: $('account').value };
    await CG.client.setSettings({ patch: { accountBySite } });
    state = await render();
  });
  $('pause-site').addEventListener('click', async () => {
    await CG.client.pause({ scope: 'site', site: state.site });
    state = await render();
  });
  $('pause-hour').addEventListener('click', async () => {
    showPauseReply(await CG.client.pause({ scope: 'all', minutes: 60 }));
    state = await render();
  });
  $('resume').addEventListener('click', async () => {
    showPauseReply(await CG.client.resume({ scope: 'all', site: state.site }));
    state = await render();
  });
  $('enable-site').addEventListener('click', async () => {
    const site = CG.settings.normaliseHost(host);
    // Sites beyond the built-in list need the browser's permission (asked in this click).
    const granted = await CG.api.permissions.request({ origins: [`https://${site}/*`, `https://*.${site}/*`] }).catch(() => false);
    if (granted) await CG.client.setSettings({ patch: { sites: [...state.settings.sites, site] } });
    state = await render();
  });
  $('open-options').addEventListener('click', () => CG.api.runtime.openOptionsPage());

  // Moderation assist: the page (its top frame) says which group or page it shows.
  async function renderModeration() {
    const reply = await CG.client.getModTarget(tab.id); // {ok:false} without a content script
    const target = reply.ok ? reply.target : null;
    const config = await CG.client.getConfig();
    $('mod-section').hidden = !target || !config.ok || config.settings.moderation === 'off';
    if ($('mod-section').hidden) return;
    $('mod-label').textContent = t('popup_mod_check', [target.name]);
    $('mod-on').checked = CG.settings.moderates(config.settings, target.site, target.name);
    $('mod-on').onchange = async () => {
      const fresh = await CG.client.getConfig();
      const targets = CG.settings.withModerationTarget(fresh.settings.moderationTargets, target.site, target.name, $('mod-on').checked);
      await CG.client.setSettings({ patch: { moderationTargets: targets } });
    };
    showLocks(document, config.locked);
  }
  renderModeration();
})(globalThis.CG);
