// One pause, the service's: paused through its HTTP API with this user's token (as the CLI does),
// every watched box shows data-cg-state="paused" and no post is held; resumed, boxes check again.
import test from 'node:test';
import assert from 'node:assert/strict';
import { BROWSER, ctx, open, askWorker, tokenHeaders } from './context.mjs';
import { VIOLATING, waitState, waitExists, exists, typeInto, stateOf } from './helpers.mjs';

const X_BOX = '[data-testid="tweetTextarea_0"]';

async function pause(minutes) {
  const r = await fetch(`${ctx.env.service.url}/v1/pause`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', ...tokenHeaders() }, body: JSON.stringify({ minutes }),
  });
  assert.equal(r.status, 200);
  return r.json();
}
const health = async () => (await fetch(`${ctx.env.service.url}/v1/health`)).json();

test('pause through the service (tray / status page): boxes show paused, posts are not held; resume checks again', async () => {
  const page = await open('https://www.reddit.com/');
  await typeInto(page, 'textarea', VIOLATING);
  await waitState(page, 'textarea', /^(warn|block)$/);
  let other = null;
  try {
    const paused = await pause(15);
    assert.equal(paused.paused, true);
    const h = await health();
    assert.equal(h.paused, true);
    assert.equal(h.paused_until, paused.paused_until);
    // Nothing typed: the page learns it from the worker's look at /v1/health (every few seconds).
    await waitState(page, 'textarea', /^paused$/, 15000);
    await page.type(' and more', 0);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await stateOf(page, 'textarea'), 'paused', 'typing during a pause checks nothing');
    await page.click('button[type="submit"]');
    await page.waitFor(() => window.__posts.length === 1, undefined, 5000);
    assert.equal(await exists(page, '[data-cg-dialog]'), false, 'no post is held during a pause');
    // A page opened during the pause starts paused.
    other = await open('https://x.com/');
    await typeInto(other, X_BOX, VIOLATING);
    await waitState(other, X_BOX, /^paused$/);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await stateOf(other, X_BOX), 'paused');
  } finally {
    assert.equal((await pause(0)).paused, false);
  }
  assert.equal((await health()).paused, false);
  // Resumed: the box checks the text it holds without a keystroke.
  await waitState(other, X_BOX, /^block$/, 15000);
  await typeInto(page, 'textarea', VIOLATING);
  await waitState(page, 'textarea', /^(warn|block)$/, 15000);
  await page.click('button[type="submit"]');
  await waitExists(page, '[data-cg-dialog]'); // posts are held again
  assert.deepEqual(await page.evaluate(() => window.__posts.length), 1);
  await page.close();
  await other.close();
});

test('the popup\'s "pause everywhere" is the service\'s pause; its resume ends it',
  { skip: BROWSER !== 'chromium' && 'WebDriver BiDi cannot open moz-extension:// pages' }, async () => {
    const page = await open('https://www.reddit.com/');
    await typeInto(page, 'textarea', VIOLATING);
    await waitState(page, 'textarea', /^(warn|block)$/);
    try {
      const reply = await askWorker({ kind: 'cg/pause', scope: 'all', minutes: 60 });
      assert.equal(reply.ok, true, JSON.stringify(reply));
      const h = await health();
      assert.equal(h.paused, true, 'the service (tray, status page) is paused too');
      assert.ok(Math.abs(Date.parse(h.paused_until) - reply.pause.all) < 2000, `${h.paused_until} vs ${reply.pause.all}`);
      await waitState(page, 'textarea', /^paused$/, 8000);
    } finally {
      await askWorker({ kind: 'cg/resume', scope: 'all' });
    }
    assert.equal((await health()).paused, false);
    await waitState(page, 'textarea', /^(warn|block)$/, 15000);
    await page.close();
  });
