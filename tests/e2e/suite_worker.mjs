// Chromium evicts an idle MV3 service worker. Stop it mid-session (as Chromium does) and show
// that checks, holds, pauses and counters keep working once it restarts: no state only in globals.
import test from 'node:test';
import assert from 'node:assert/strict';
import { BROWSER, ctx, open, askWorker } from './context.mjs';
import { VIOLATING, BENIGN, waitState, waitExists, postAnyway, typeInto } from './helpers.mjs';

/** Stop the extension's service worker through the DevTools protocol (ServiceWorker.stopWorker). */
async function stopWorkers() {
  const context = ctx.browser.raw;
  const page = await context.newPage();
  await page.goto(`${ctx.browser.extensionOrigin}/options/options.html`);
  const cdp = await context.newCDPSession(page);
  const versions = [];
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions: v }) => versions.push(...v));
  await cdp.send('ServiceWorker.enable');
  const end = Date.now() + 5000;
  let ours = [];
  while (!ours.length && Date.now() < end) {
    ours = versions.filter((v) => v.scriptURL.startsWith(ctx.browser.extensionOrigin) && v.runningStatus === 'running');
    if (!ours.length) await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(ours.length, `no running version of our worker in ${JSON.stringify(versions)}`);
  const sent = versions.length;
  for (const v of ours) await cdp.send('ServiceWorker.stopWorker', { versionId: v.versionId });
  // A message from the open page may wake the worker again at once, so the last update can be
  // 'running' by the time we look. What shows the eviction (globals gone) is an update after the
  // request that says 'stopped', or 'starting' (a worker that was running starts only after a stop).
  const stopped = () => ours.every((o) => versions.slice(sent)
    .some((v) => v.versionId === o.versionId && ['stopped', 'starting'].includes(v.runningStatus)));
  const until = Date.now() + 10000;
  while (!stopped() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  assert.ok(stopped(), `the worker did not stop: ${JSON.stringify(versions.slice(-4))}`);
  await cdp.detach();
  await page.close();
}

const counters = async () => (await askWorker({ kind: 'cg/get-counters' })).counters;

test('worker eviction: checks, holds, pauses and counters survive a stopped service worker',
  { skip: BROWSER !== 'chromium' && 'Chromium only (Firefox keeps MV3 background scripts as an event page)' }, async () => {
    const page = await open('https://www.linkedin.com/');
    const box = '.ql-editor';
    await typeInto(page, box, VIOLATING);
    await waitState(page, box, /^(warn|block)$/);
    const paused = await askWorker({ kind: 'cg/pause', scope: 'site', site: 'reddit.com' });
    assert.equal(paused.ok, true);
    const before = await counters();

    await stopWorkers();

    // A new check from the open page wakes the worker and is answered.
    await page.press('Control+a');
    await page.type(BENIGN, 0);
    await waitState(page, box, /^ok$/);
    await stopWorkers();
    await page.press('Control+a');
    await page.type(`${VIOLATING} (2)`, 0);
    await waitState(page, box, /^(warn|block)$/);
    // The post is held and "post anyway" still goes through once.
    await page.click('.share-actions__primary-action');
    await waitExists(page, '[data-cg-dialog]');
    await postAnyway(page);
    await page.waitFor(() => window.__posts.length === 1, undefined, 5000);

    // State kept in storage, not in the worker's globals: the pause and the counters.
    await stopWorkers();
    const reddit = await open('https://www.reddit.com/');
    await waitState(reddit, 'textarea', /^paused$/);
    const after = await counters();
    // Counted before the evictions and kept; the override after them added to it.
    assert.equal(after.warning_shown.total, before.warning_shown.total);
    assert.equal(after.override.total, ((before.override && before.override.total) || 0) + 1);
    await askWorker({ kind: 'cg/resume', scope: 'all', site: 'reddit.com' });
    await waitState(reddit, 'textarea', /^ok$/);
    await reddit.close();
    await page.close();
  });
