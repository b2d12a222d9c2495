/*
 * The only code that talks to the local service (http://127.0.0.1:47814 by default).
 * Content scripts cannot: a page-origin fetch to loopback is refused by CORS and by Chrome's
 * private-network rules, while the extension's own origin is allowed by the service.
 */
(function (CG) {
  const CHECK_TIMEOUT_MS = 5000;
  const HEALTH_TIMEOUT_MS = 2000;

  /*
   * Checking needs nothing; pausing and counters take this user's service token (issue 24,
   * point 3), which only Conduct Guard's own extension can get: from the native messaging host,
   * whose manifest (written by `conduct-guard setup` or IT's kit) names this extension's id.
   * The Python copies (backend/conduct_guard/auth.py TOKEN_HEADER, NATIVE_HOST_NAME) are kept
   * equal by tests/test_auth.py.
   */
  CG.SERVICE_AUTH = Object.freeze({
    header: 'X-Conduct-Guard-Token',
    nativeHost: 'com.conductguard.host',
  });
  const TOKEN_KEY = 'cg.serviceToken'; // storage.session {token}: the worker's pages only, gone with the browser
  const AUTH_KEY = 'cg.serviceAuth'; // storage.session {ok, reason}: what the popup and options say

  async function session(key) {
    try { return (await CG.api.storage.session.get(key))[key]; } catch (_) { return undefined; }
  }

  /** Remember how the last try went (written only on change: the popup and options read it). */
  async function setAuthState(state) {
    const last = await session(AUTH_KEY);
    if (last && last.ok === state.ok && last.reason === state.reason) return;
    try { await CG.api.storage.session.set({ [AUTH_KEY]: state }); } catch (_) { /* no storage.session */ }
  }

  /** The token from the native host: {token} | {reason: 'host_missing' | 'host_failed'}. */
  let asking = null; // one question at a time: events come in bursts (not state: a promise in flight)
  function askNativeHost() {
    if (!asking) asking = askNativeHostNow().finally(() => { asking = null; });
    return asking;
  }

  async function askNativeHostNow() {
    try {
      const reply = await CG.api.runtime.sendNativeMessage(CG.SERVICE_AUTH.nativeHost, { kind: 'token' });
      if (reply && reply.ok && typeof reply.token === 'string' && reply.token) return { token: reply.token };
      return { reason: 'host_failed' };
    } catch (error) {
      // Chrome: "Specified native messaging host not found."; Firefox: "No such native application ..."
      const missing = /not found|no such native application/i.test(String(error && error.message));
      return { reason: missing ? 'host_missing' : 'host_failed' };
    }
  }

  /**
   * The token: kept in storage.session (the worker may be evicted at any time), asked of the
   * native host when absent or when the service refused the one kept (`fresh`).
   */
  async function token({ fresh = false } = {}) {
    if (!fresh) {
      const kept = await session(TOKEN_KEY);
      if (kept && kept.token) return kept.token;
    }
    const got = await askNativeHost();
    if (!got.token) {
      await setAuthState({ ok: false, reason: got.reason });
      return null;
    }
    try { await CG.api.storage.session.set({ [TOKEN_KEY]: { token: got.token } }); } catch (_) { /* asked again next time */ }
    await setAuthState({ ok: true });
    return got.token;
  }

  /**
   * A request that takes the token. A 401 means the token changed (a new install, another
   * user's service): ask the host once more, then say so. -> request()'s reply, or
   * {status: -1, reason} when there is no token to send.
   */
  async function authedRequest(baseUrl, path, options) {
    let sent = await token();
    if (!sent) return { status: -1, data: null, reason: (await session(AUTH_KEY) || {}).reason || 'host_failed' };
    let reply = await request(baseUrl, path, { ...options, token: sent });
    if (reply.status === 401) {
      sent = await token({ fresh: true });
      if (!sent) return { status: -1, data: null, reason: (await session(AUTH_KEY) || {}).reason || 'host_failed' };
      reply = await request(baseUrl, path, { ...options, token: sent });
      if (reply.status === 401) await setAuthState({ ok: false, reason: 'rejected' });
    }
    return reply;
  }

  /** For the popup and options: {ok: true} | {ok: false, reason} (asks the host if no token is kept). */
  async function authState() {
    const last = await session(AUTH_KEY);
    if (last && last.ok === false && last.reason === 'rejected') return last;
    return (await token()) ? { ok: true } : (await session(AUTH_KEY)) || { ok: false, reason: 'host_failed' };
  }

  async function request(baseUrl, path, { method = 'GET', body, timeoutMs = CHECK_TIMEOUT_MS, token: sent } = {}) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const headers = {};
    if (body) headers['Content-Type'] = 'application/json';
    if (sent) headers[CG.SERVICE_AUTH.header] = sent;
    try {
      const response = await fetch(baseUrl + path, {
        method,
        headers,
        body: body ? JSON.stringify(body) : undefined,
        signal: controller.signal,
        cache: 'no-store',
        credentials: 'omit',
      });
      let data = null;
      try { data = await response.json(); } catch (_) { /* not JSON */ }
      return { status: response.status, data };
    } catch (_) {
      return { status: 0, data: null }; // refused, timed out, or blocked: the service is offline
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * `lang` (the UI language) asks for the findings' texts in it where the pack has them.
   * -> {ok: true, result} | {ok: false, offline: true} | {ok: false, error}
   */
  async function check(settings, { text, site, account, lang }) {
    const body = { text, account };
    if (site) body.site = site;
    if (settings.pack) body.pack = settings.pack;
    if (lang) body.lang = lang;
    // Checking needs no token; sent when held, the service keeps this extension's cached pieces
    // apart from any caller that only claims its origin (api.client_key). Never waits for the host.
    const kept = await session(TOKEN_KEY);
    const options = { method: 'POST', body, token: kept && kept.token };
    let reply = await request(settings.serviceUrl, '/v1/check', options);
    if (reply.status === 400 && body.lang && reply.data && reply.data.error && reply.data.error.code === 'unknown_lang') {
      // A service that does not know this language: its findings in English, the UI still in it.
      delete body.lang;
      reply = await request(settings.serviceUrl, '/v1/check', options);
    }
    if (reply.status === 400 && body.pack) {
      // A pack the service does not know (e.g. renamed): fall back to its default pack.
      delete body.pack;
      reply = await request(settings.serviceUrl, '/v1/check', options);
    }
    if (reply.status === 200 && reply.data && reply.data.verdict) return { ok: true, result: reply.data };
    if (reply.status === 0) return { ok: false, offline: true };
    return { ok: false, offline: true, error: (reply.data && reply.data.error) || { code: `http_${reply.status}` } };
  }

  const MODERATE_TIMEOUT_MS = 15000; // a batch of 25 messages takes ~0.2 s; the officer's checks go first

  /**
   * Moderation assist: marks for others' messages (POST /v1/moderate).
   * -> {ok: true, results} | {ok: false, offline: true} | {ok: false, error}
   */
  async function moderate(settings, { messages, site, lang }) {
    const body = { messages };
    if (site) body.site = site;
    if (settings.pack) body.pack = settings.pack;
    if (lang) body.lang = lang;
    let reply = await request(settings.serviceUrl, '/v1/moderate', { method: 'POST', body, timeoutMs: MODERATE_TIMEOUT_MS });
    if (reply.status === 400 && reply.data && reply.data.error && ['unknown_lang', 'unknown_pack'].includes(reply.data.error.code)) {
      delete body[reply.data.error.code === 'unknown_lang' ? 'lang' : 'pack']; // as check() does
      reply = await request(settings.serviceUrl, '/v1/moderate', { method: 'POST', body, timeoutMs: MODERATE_TIMEOUT_MS });
    }
    if (reply.status === 200 && reply.data && Array.isArray(reply.data.results)) return { ok: true, results: reply.data.results };
    if (reply.status === 0) return { ok: false, offline: true };
    return { ok: false, offline: true, error: (reply.data && reply.data.error) || { code: `http_${reply.status}` } };
  }

  async function health(settings) {
    const reply = await request(settings.serviceUrl, '/v1/health', { timeoutMs: HEALTH_TIMEOUT_MS });
    return reply.status === 200 && reply.data ? { online: true, health: reply.data } : { online: false, status: reply.status };
  }

  async function packs(settings) {
    const reply = await request(settings.serviceUrl, '/v1/packs', { timeoutMs: HEALTH_TIMEOUT_MS });
    return reply.status === 200 ? reply.data : null;
  }

  /**
   * Best effort: counters for the status page (takes the token). Never any text. Without the
   * token the event is only counted in the extension (the popup and options say why).
   */
  async function event(settings, { event, categories, site }) {
    await authedRequest(settings.serviceUrl, '/v1/events', {
      method: 'POST', body: { event, categories, site }, timeoutMs: HEALTH_TIMEOUT_MS,
    });
  }

  /**
   * The service's own pause (POST /v1/pause, as the tray does; takes the token): minutes 15 or
   * 60, 0 resumes. -> {ok: true, pausedUntil: ms|0} | {ok: false, offline: true}
   * | {ok: false, error: 'locked' | 'not_connected' | 'rejected' | 'http_N'}
   */
  async function pause(settings, minutes) {
    const reply = await authedRequest(settings.serviceUrl, '/v1/pause', { method: 'POST', body: { minutes }, timeoutMs: HEALTH_TIMEOUT_MS });
    if (reply.status === 200 && reply.data) return { ok: true, pausedUntil: pausedUntil(reply.data) };
    if (reply.status === 0) return { ok: false, offline: true };
    if (reply.status === -1) return { ok: false, error: 'not_connected' };
    if (reply.status === 401) return { ok: false, error: 'rejected' };
    return { ok: false, error: reply.status === 403 ? 'locked' : `http_${reply.status}` };
  }

  /** `paused`/`paused_until` (local ISO time) of /v1/health, /v1/check or /v1/pause -> end in ms, or 0. */
  function pausedUntil(data) {
    if (!data || data.paused !== true) return 0;
    const until = Date.parse(data.paused_until);
    // Paused with no readable end (an older service says only `paused: true`): a minute at a
    // time; the next look at /v1/health extends or ends it.
    return Number.isFinite(until) ? until : Date.now() + 60000;
  }

  CG.service = { check, moderate, health, packs, event, pause, pausedUntil, request, token, authState };
})(globalThis.CG);
