// Pausing, fail-closed, counters sent to the service, and settings locked by IT.
import test from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BROWSER, ctx, open, today, askWorker } from './context.mjs';
import { launch, canUsePolicy } from './browsers.mjs';
import {
  SHOTS, VIOLATING, BENIGN, waitState, waitExists, waitGone, exists, posts, postAnyway, typeInto, textOf,
} from './helpers.mjs';

const chromiumOnly = { skip: BROWSER !== 'chromium' && 'WebDriver BiDi cannot open moz-extension:// pages' };

test('pause for this site (worker message, as the popup sends): paused, posting not held; resume checks again', chromiumOnly, async () => {
  const page = await open('https://www.reddit.com/');
  const other = await open('https://x.com/');
  await typeInto(page, 'textarea', VIOLATING);
  await waitState(page, 'textarea', /^(warn|block)$/);
  try {
    assert.equal((await askWorker({ kind: 'cg/pause', scope: 'site', site: 'reddit.com' })).ok, true);
    await waitState(page, 'textarea', /^paused$/, 5000);
    await page.click('button[type="submit"]');
    await page.waitFor(() => window.__posts.length === 1, undefined, 5000);
    assert.equal(await exists(page, '[data-cg-dialog]'), false);
    // Other sites are still checked.
    await typeInto(other, '[data-testid="tweetTextarea_0"]', VIOLATING);
    await waitState(other, '[data-testid="tweetTextarea_0"]', /^(warn|block)$/);
  } finally {
    await askWorker({ kind: 'cg/resume', scope: 'all', site: 'reddit.com' });
  }
  await typeInto(page, 'textarea', VIOLATING);
  await waitState(page, 'textarea', /^(warn|block)$/);
  await page.close();
  await other.close();
});

test('fail-closed (service machine policy): with the service stopped the post is held', async () => {
  const svc = ctx.env.service;
  const dir = mkdtempSync(path.join(tmpdir(), 'cg-policy-'));
  const policyFile = path.join(dir, 'policy.json');
  writeFileSync(policyFile, JSON.stringify({ fail_closed: true }));
  const page = await open('https://www.reddit.com/');
  await waitState(page, 'textarea', /ok/);
  try {
    // The service goes away and comes back with IT's policy; the box learns it from its next check.
    await svc.stop();
    await typeInto(page, 'textarea', BENIGN);
    await waitState(page, 'textarea', /^offline$/);
    await svc.start({ CONDUCT_GUARD_MACHINE_POLICY: policyFile });
    await waitState(page, 'textarea', /^ok$/, 30000);
    await svc.stop();
    await typeInto(page, 'textarea', ' again');
    await waitState(page, 'textarea', /^offline$/);
    await page.click('button[type="submit"]');
    await waitExists(page, '[data-cg-dialog][data-cg-verdict="offline"]');
    assert.equal(await exists(page, '[data-cg-action="post-anyway"]'), false, 'no "post anyway" while nothing was checked');
    // IT's machine policy set fail_closed: here, and only here, the dialog names the organisation.
    assert.match(await textOf(page, '.dialog'), /your organisation requires a check before posting/);
    await page.screenshot(`${SHOTS}/cg-${BROWSER}-fail-closed.png`);
    assert.deepEqual(await posts(page), []);
    await page.click('[data-cg-action="edit"]');
    await waitGone(page, '[data-cg-dialog]');
    assert.deepEqual(await posts(page), []);
  } finally {
    await svc.stop();
    await svc.start();
    rmSync(dir, { recursive: true, force: true });
  }
  await page.close();
});

/** A recording pass-through in front of the service (Chromium: the extension is pointed at it). */
async function recorder(target) {
  const seen = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (d) => chunks.push(d));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method, path: req.url, body });
      const up = http.request(`${target}${req.url}`, { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (r) => {
        res.writeHead(r.statusCode, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.destroy());
      up.end(body);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, seen, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}

test('counters reach POST /v1/events: warning, edit and override are counted, never any text', async () => {
  const rec = BROWSER === 'chromium' ? await recorder(ctx.env.service.url) : null;
  const setUrl = (url) => ctx.browser.inExtension((u) => chrome.storage.sync.set({ 'cg.settings': { serviceUrl: u } }), url);
  if (rec) await setUrl(rec.url);
  const before = await today();
  const page = await open('https://www.reddit.com/');
  try {
    await typeInto(page, 'textarea', VIOLATING);
    await waitState(page, 'textarea', /^(warn|block)$/);
    await page.press('Control+a');
    await page.type(BENIGN, 0); // the officer rewrites it: an edit
    await waitState(page, 'textarea', /^ok$/);
    await page.press('Control+a');
    await page.type(VIOLATING, 0);
    await waitState(page, 'textarea', /^(warn|block)$/);
    await page.click('button[type="submit"]');
    await postAnyway(page);
    await page.waitFor(() => window.__posts.length === 1, undefined, 5000);
    const end = Date.now() + 8000;
    let now = await today();
    while (Date.now() < end && !(now.overrides > before.overrides && now.edits > before.edits && now.warnings > before.warnings)) {
      await new Promise((r) => setTimeout(r, 150));
      now = await today();
    }
    assert.ok(now.warnings > before.warnings, 'warning_shown counted');
    assert.ok(now.edits > before.edits, 'edited counted');
    assert.ok(now.overrides > before.overrides, 'override counted');
    assert.ok(now.by_category.official_information.override > before.by_category.official_information.override);
    if (rec) {
      const events = rec.seen.filter((r) => r.path === '/v1/events');
      assert.ok(events.length >= 3, JSON.stringify(rec.seen.map((r) => r.path)));
      for (const e of events) {
        const body = JSON.parse(e.body);
        assert.deepEqual(Object.keys(body).sort(), ['categories', 'event', 'site']);
        for (const word of [...VIOLATING.split(/[\s:,]+/), ...BENIGN.split(/[\s!]+/)].filter((w) => w.length >= 5)) {
          assert.ok(!e.body.includes(word), `event body holds typed text: ${e.body}`);
        }
      }
    }
  } finally {
    if (rec) {
      await setUrl(ctx.env.service.url);
      await rec.close();
    }
    await page.close();
  }
});

test('settings locked by IT (Chromium machine policy, 3rdparty): shown locked in the options page, not changeable',
  { skip: (BROWSER !== 'chromium' && 'Chromium only') || (!canUsePolicy() && 'needs root and unshare') }, async () => {
    const policy = { failClosed: true, blockOverride: 'never', allowPause: false, serviceUrl: ctx.env.service.url };
    const managed = await launch('chromium', { proxyPort: ctx.env.sites.proxyPort, policy });
    try {
      const page = await managed.newPage(`${managed.extensionOrigin}/options/options.html`);
      await page.waitFor(() => document.getElementById('failClosed').disabled, undefined, 8000);
      const view = await page.evaluate(() => Object.fromEntries(['failClosed', 'blockOverride', 'serviceUrl', 'defaultAccount', 'sendEvents']
        .map((id) => {
          const el = document.getElementById(id);
          const note = el.closest('.field').querySelector('.lock-note');
          return [id, { disabled: el.disabled, value: el.type === 'checkbox' ? el.checked : el.value, note: note && !note.hidden ? note.textContent : null }];
        })));
      await page.screenshot(`${SHOTS}/cg-chromium-options-locked.png`);
      assert.deepEqual(view.failClosed, { disabled: true, value: true, note: 'Set by your IT department' });
      assert.equal(view.blockOverride.disabled, true);
      assert.equal(view.blockOverride.value, 'never');
      assert.equal(view.serviceUrl.disabled, true);
      assert.deepEqual(view.defaultAccount, { disabled: false, value: 'personal', note: null });
      assert.equal(view.sendEvents.disabled, false);
      // The worker refuses to change a locked key even when asked directly.
      const reply = await page.evaluate(() => chrome.runtime.sendMessage({ kind: 'cg/set-settings', patch: { failClosed: false, defaultAccount: 'official' } }));
      assert.equal(reply.settings.failClosed, true);
      assert.equal(reply.settings.defaultAccount, 'official');
      assert.deepEqual(reply.locked, ['allowPause', 'blockOverride', 'failClosed', 'serviceUrl']);
      const paused = await page.evaluate(() => chrome.runtime.sendMessage({ kind: 'cg/pause', scope: 'site', site: 'x.com' }));
      assert.equal(paused.ok, false, 'pausing is refused when IT turned it off');
    } finally {
      await managed.close();
    }
  });
