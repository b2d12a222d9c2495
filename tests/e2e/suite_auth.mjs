// Who may pause the service and read its counters (issue 24, point 3): only Conduct Guard's own
// extension, which gets this user's token from the native messaging host `conduct-guard setup`
// installed (helpers.setup ran it in the run's home), the tray and the local CLI. Checking needs
// no token; a forged or malformed extension origin is refused everywhere.
import test from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { BROWSER, ctx, open, askWorker, today, waitToday, tokenHeaders } from './context.mjs';
import { launch } from './browsers.mjs';
import { VIOLATING, waitState, typeInto } from './helpers.mjs';

/** A raw request (node's fetch would not let us forge every Origin). -> {status, body} */
function call(method, path, { origin, token, body } = {}) {
  const url = new URL(ctx.env.service.url + path);
  const headers = {};
  if (origin !== undefined) headers.Origin = origin;
  if (token) Object.assign(headers, tokenHeaders());
  const data = body === undefined ? null : Buffer.from(JSON.stringify(body));
  if (data) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': data.length });
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method, headers }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed = null;
        try { parsed = JSON.parse(text); } catch (_) { /* not JSON */ }
        resolve({ status: res.statusCode, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

const health = async () => (await call('GET', '/v1/health')).body;

test('the extension gets the token from the native messaging host: its counts reach the service', async () => {
  const before = await today();
  const page = await open('https://www.reddit.com/');
  await typeInto(page, 'textarea', VIOLATING);
  await waitState(page, 'textarea', /^(warn|block)$/);
  // warning_shown goes to POST /v1/events, which takes the token: it is counted only if the
  // extension got it from the host (in Firefox too, whose moz-extension origin is random)
  await waitToday((t) => t.warnings > before.warnings, 'the warning counted by the service', 15000);
  await page.close();
  if (BROWSER === 'chromium') {
    const status = await askWorker({ kind: 'cg/get-status' });
    assert.deepEqual(status.auth, { ok: true }, JSON.stringify(status));
    const session = (await ctx.browser.storage()).session;
    assert.equal(session['cg.serviceToken'].token, ctx.env.token, 'the token of the user this service runs for');
  }
});

test('the extension\'s pause reaches the service (it sends the token); its resume ends it',
  { skip: BROWSER !== 'chromium' && 'WebDriver BiDi cannot open moz-extension:// pages' }, async () => {
    try {
      const reply = await askWorker({ kind: 'cg/pause', scope: 'all', minutes: 15 });
      assert.equal(reply.ok, true, JSON.stringify(reply));
      assert.equal((await health()).paused, true);
    } finally {
      assert.equal((await askWorker({ kind: 'cg/resume', scope: 'all' })).ok, true);
    }
    assert.equal((await health()).paused, false);
  });

test('forged and malformed origins are refused (403) everywhere, even with the token', async () => {
  const forged = [
    'moz-extension://*', 'moz-extension://user@evil.com', 'moz-extension://evil.com',
    `moz-extension://${randomUUID()}/../x`, `moz-extension://${randomUUID().toUpperCase()}`,
    `moz-extension://${randomUUID()}:80`, `chrome-extension://${'b'.repeat(32)}`, 'chrome-extension://*',
    'https://evil.example', 'null',
  ];
  for (const origin of forged) {
    assert.equal((await call('POST', '/v1/pause', { origin, token: true, body: { minutes: 60 } })).status, 403, origin);
    assert.equal((await call('POST', '/v1/events', { origin, token: true, body: { event: 'override', categories: [] } })).status, 403, origin);
    assert.equal((await call('GET', '/v1/status', { origin, token: true })).status, 403, origin);
    assert.equal((await call('POST', '/v1/check', { origin, body: { text: 'hello' } })).status, 403, origin);
    assert.equal((await call('GET', '/v1/health', { origin })).status, 403, origin);
  }
  assert.equal((await health()).paused, false, 'nothing paused the service');
});

test('any other Firefox extension (a well-formed moz-extension origin) or local caller without the token: checks only', async () => {
  const before = await today();
  for (const origin of [`moz-extension://${randomUUID()}`, undefined]) {
    // the contract's endpoints need no token
    assert.equal((await call('POST', '/v1/check', { origin, body: { text: 'hello' } })).status, 200, origin);
    assert.equal((await call('GET', '/v1/health', { origin })).status, 200, origin);
    assert.equal((await call('GET', '/v1/packs', { origin })).status, 200, origin);
    // state and counters do
    const paused = await call('POST', '/v1/pause', { origin, body: { minutes: 60 } });
    assert.equal(paused.status, 401, origin);
    assert.equal(paused.body.error.code, 'token_required');
    for (let i = 0; i < 5; i += 1) {
      assert.equal((await call('POST', '/v1/events', { origin, body: { event: 'override', categories: ['privacy'] } })).status, 401);
    }
    assert.equal((await call('GET', '/v1/status', { origin })).status, 401, origin);
  }
  assert.equal((await health()).paused, false);
  assert.equal((await today()).overrides, before.overrides, 'no forged override counted');
});

test('without the native messaging host the extension still checks, its counts do not reach the service, and it says how to connect it', async () => {
  const browser = await launch(BROWSER, { proxyPort: ctx.env.sites.proxyPort, nativeHost: false });
  try {
    if (BROWSER === 'chromium') {
      await browser.inExtension((url) => chrome.storage.sync.set({ 'cg.settings': { serviceUrl: url } }), ctx.env.service.url);
    }
    const before = await today();
    const page = await browser.newPage('https://www.reddit.com/');
    await typeInto(page, 'textarea', VIOLATING);
    await waitState(page, 'textarea', /^(warn|block)$/); // checking needs no token
    await new Promise((r) => setTimeout(r, 2000));
    const after = await today();
    assert.equal(after.warnings, before.warnings, 'no token, no count: the warning stays in the extension');
    assert.ok(after.checks > before.checks, 'the check itself was answered');
    if (BROWSER !== 'chromium') return; // WebDriver BiDi cannot open moz-extension:// pages
    const ask = (m) => browser.inExtension((message) => chrome.runtime.sendMessage(message), m);
    const reply = await ask({ kind: 'cg/pause', scope: 'all', minutes: 60 });
    assert.deepEqual([reply.ok, reply.error], [false, 'not_connected']);
    assert.equal((await health()).paused, false);
    const status = await ask({ kind: 'cg/get-status' });
    assert.deepEqual(status.auth, { ok: false, reason: 'host_missing' }, JSON.stringify(status));
    const popup = await browser.newPage(`${browser.extensionOrigin}/popup/popup.html`);
    const note = await popup.waitFor(() => {
      const el = document.getElementById('svc-auth');
      return el && !el.hidden && el.textContent;
    });
    assert.match(note, /conduct-guard setup/);
  } finally {
    await browser.close();
  }
});
