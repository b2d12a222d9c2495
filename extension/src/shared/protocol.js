/*
 * Every message kind exchanged between content scripts, popup/options and the worker.
 * Only the worker talks to the local service; everyone else sends one of these.
 * Requests are `{kind, ...fields}`; replies are `{ok: true, ...}` or `{ok: false, error}`.
 */
(function (CG) {
  CG.MSG = Object.freeze({
    // content -> worker: check text. {text, site} -> {ok, result} | {ok:false, offline:true}
    // (the worker adds the UI language as `lang`: findings come in it where the pack has it)
    CHECK_TEXT: 'cg/check-text',
    // any UI (content, popup, options) -> worker: the UI language's strings (src/shared/i18n.js).
    // {} -> {lang, dir, messages: {key: text} (English where the language lacks a key), choice, browser}
    GET_UI_STRINGS: 'cg/get-ui-strings',
    // any -> worker: merged settings + locks + pause state. {site?} -> {settings, locked, pause}
    GET_CONFIG: 'cg/get-config',
    // popup/options -> worker: store user settings. {patch} -> {settings, locked}
    SET_SETTINGS: 'cg/set-settings',
    // popup/options -> worker: service status. {} -> {online, health, packs?}
    GET_STATUS: 'cg/get-status',
    // options -> worker: the packs and their rules (GET /v1/packs). {} -> {packs}
    GET_PACKS: 'cg/get-packs',
    // popup -> worker: pause. {scope: 'site'|'all', site?, minutes?} -> {pause}
    // 'all' is the service's own pause (POST /v1/pause, the same as the tray's); 'site' is local.
    PAUSE: 'cg/pause',
    // popup -> worker: resume. {scope: 'site'|'all', site?} -> {pause}
    RESUME: 'cg/resume',
    // content -> worker: is the service paused? (GET /v1/health, cached a few seconds)
    // {} -> {online, pausedUntil: ms | 0}
    GET_SERVICE_STATE: 'cg/get-service-state',
    // content -> worker: a counter event, never any text.
    // {event: one of CG.EVENTS, categories, site}
    RECORD_EVENT: 'cg/record-event',
    // content -> worker: open the rule in the options page. {pack, ref}
    OPEN_RULE: 'cg/open-rule',
    // content -> worker: remember "don't check this box". {site, fieldKey, off}
    SET_FIELD_OPT_OUT: 'cg/set-field-opt-out',
    // popup/options -> worker: local counters. {} -> {counters}
    GET_COUNTERS: 'cg/get-counters',
    // content -> worker: moderation assist, others' messages (POST /v1/moderate).
    // {site, messages: [{id, text}]} -> {ok, results: [{id, categories, marks}]} | {ok:false, offline:true}
    MODERATE: 'cg/moderate',
    // content -> worker: show the marks (data-cg-mod) in this tab: CSS inserted by the browser,
    // never an element added to the page. {} -> {ok}
    SHOW_MOD_MARKS: 'cg/show-mod-marks',
    // popup -> content (the active tab): the group or page shown here that moderation assist
    // could check. {} -> {ok, target: {site, name} | null, on}
    GET_MOD_TARGET: 'cg/get-mod-target',
  });

  // Event names accepted by POST /v1/events (and kept as local counters). Every dismissal is one:
  // 'not_a_problem' and 'ignored' (a finding, from its card), 'opted_out' ("don't check this box").
  CG.EVENTS = Object.freeze(['warning_shown', 'edited', 'override', 'not_a_problem', 'ignored', 'opted_out']);

  // States a watched box shows in data-cg-state (CONTRACT.md).
  CG.STATES = Object.freeze(['checking', 'ok', 'warn', 'block', 'offline', 'paused']);

  CG.CATEGORIES = Object.freeze([
    'official_information', 'political_opinion', 'criticism_of_government', 'misinformation',
    'hate_speech', 'national_security', 'incitement_defamation', 'privacy', 'self_promotion',
  ]);

  // What moderation assist may tell an admin to do (backend moderation.ACTIONS; a test keeps them equal).
  CG.MOD_ACTIONS = Object.freeze(['hide', 'warn_member', 'delete', 'report']);

  CG.SERVICE_TEXT_LIMIT = 20000;
  CG.MODERATE_MAX_MESSAGES = 100; // messages per POST /v1/moderate (moderation.MAX_MESSAGES; a test keeps them equal) // code points; the service answers 413 above this

  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

  /** A source document's date as packs give it (YYYY, YYYY-MM, YYYY-MM-DD) -> "25 Aug 2021". */
  CG.formatDocDate = function formatDocDate(date) {
    const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(String(date || '').trim());
    if (!m) return String(date || '').trim();
    const month = m[2] ? MONTHS[Number(m[2]) - 1] : '';
    return [m[3] ? String(Number(m[3])) : '', month, m[1]].filter(Boolean).join(' ');
  };

  /** How a rule's document is named to the officer: its title and date, never its file name. */
  CG.documentLabel = function documentLabel(title, date) {
    const when = CG.formatDocDate(date);
    return when ? `${title}, ${when}` : String(title || '');
  };
})(globalThis.CG);
