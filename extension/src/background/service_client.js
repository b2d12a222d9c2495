/*
 * The only code that talks to the local service (http://127.0.0.1:47814 by default).
 * Content scripts cannot: a page-origin fetch to loopback is refused by CORS and by Chrome's
 * private-network rules, while the extension's own origin is allowed by the service.
 */
(function (CG) {
  const CHECK_TIMEOUT_MS = 5000;
  const HEALTH_TIMEOUT_MS = 2000;

  async function request(baseUrl, path, { method = 'GET', body, timeoutMs = CHECK_TIMEOUT_MS } = {}) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await fetch(baseUrl + path, {
        method,
        headers: body ? { 'Content-Type': 'application/json' } : undefined,
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
    let reply = await request(settings.serviceUrl, '/v1/check', { method: 'POST', body });
    if (reply.status === 400 && body.lang && reply.data && reply.data.error && reply.data.error.code === 'unknown_lang') {
      // A service that does not know this language: its findings in English, the UI still in it.
      delete body.lang;
      reply = await request(settings.serviceUrl, '/v1/check', { method: 'POST', body });
    }
    if (reply.status === 400 && body.pack) {
      // A pack the service does not know (e.g. renamed): fall back to its default pack.
      delete body.pack;
      reply = await request(settings.serviceUrl, '/v1/check', { method: 'POST', body });
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

  /** Best effort: counters for the status page. Never any text. */
  async function event(settings, { event, categories, site }) {
    await request(settings.serviceUrl, '/v1/events', {
      method: 'POST', body: { event, categories, site }, timeoutMs: HEALTH_TIMEOUT_MS,
    });
  }

  /**
   * The service's own pause (POST /v1/pause, as the tray does): minutes 15 or 60, 0 resumes.
   * -> {ok: true, pausedUntil: ms|0} | {ok: false, offline: true} | {ok: false, error: 'locked'|'http_N'}
   */
  async function pause(settings, minutes) {
    const reply = await request(settings.serviceUrl, '/v1/pause', { method: 'POST', body: { minutes }, timeoutMs: HEALTH_TIMEOUT_MS });
    if (reply.status === 200 && reply.data) return { ok: true, pausedUntil: pausedUntil(reply.data) };
    if (reply.status === 0) return { ok: false, offline: true };
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

  CG.service = { check, moderate, health, packs, event, pause, pausedUntil, request };
})(globalThis.CG);
