// Setting aside a NOT ALLOWED (block) finding from its card follows blockOverride as IT sets it
// in the browser's managed storage (a real machine policy, in Chromium and in Firefox): "never"
// offers no way round the held post, "reason" asks for a reason first, "allow" lets it go.
// Every dismissal is counted by the service (POST /v1/events: categories, never the text).
import test from 'node:test';
import assert from 'node:assert/strict';
import { BROWSER, ctx, today, waitToday } from './context.mjs';
import { launch, canUsePolicy } from './browsers.mjs';
import {
  SHOTS, VIOLATING, waitState, waitExists, waitGone, exists, posts, typeInto, stateOf, giveReason,
} from './helpers.mjs';

const X_BOX = '[data-testid="tweetTextarea_0"]';
const X_POST = '[data-testid="tweetButton"]';
const needsPolicy = { skip: !canUsePolicy() && 'a browser machine policy needs root and unshare' };

/** A second browser of the same kind whose managed storage holds `blockOverride`. */
async function withManaged(blockOverride, fn) {
  const browser = await launch(BROWSER, {
    proxyPort: ctx.env.sites.proxyPort,
    policy: { blockOverride, serviceUrl: ctx.env.service.url },
  });
  try {
    await fn(browser);
  } finally {
    await browser.close();
  }
}

async function blockedWithCard(browser, url, box) {
  const page = await browser.newPage(url);
  await typeInto(page, box, VIOLATING);
  await waitState(page, box, /^block$/);
  await page.click('.badge');
  await waitExists(page, '.card.block[data-cg-finding]');
  return page;
}

const dismissDisabled = (page) => page.evaluate(`(() => { for (const h of document.querySelectorAll('[data-cg-reason-dialog]'))
  return h.shadowRoot.querySelector('[data-cg-action="dismiss"]').disabled; return null; })()`);

test('blockOverride "never" (managed): a NOT ALLOWED card offers no dismissal and the post stays held', needsPolicy, async () => {
  await withManaged('never', async (browser) => {
    const page = await blockedWithCard(browser, 'https://x.com/', X_BOX);
    assert.equal(await exists(page, '.card.block [data-cg-action="see-rule"]'), true, 'the card and its actions are drawn');
    for (const action of ['ignore', 'not-a-problem', 'opt-out']) {
      assert.equal(await exists(page, `.panel [data-cg-action="${action}"]`), false, `"${action}" is offered under "never"`);
    }
    await page.screenshot(`${SHOTS}/cg-${BROWSER}-card-never.png`);
    // The post button and the send shortcut are both held, with no "post anyway".
    await page.click(X_POST);
    await waitExists(page, '[data-cg-dialog][data-cg-verdict="block"]');
    assert.equal(await exists(page, '[data-cg-action="post-anyway"]'), false);
    await page.click('[data-cg-action="edit"]');
    await waitGone(page, '[data-cg-dialog]');
    await page.press('Control+Enter');
    await waitExists(page, '[data-cg-dialog][data-cg-verdict="block"]');
    assert.equal(await exists(page, '[data-cg-action="post-anyway"]'), false);
    await page.click('[data-cg-action="edit"]');
    await waitGone(page, '[data-cg-dialog]');
    assert.deepEqual(await posts(page), []);
    assert.equal(await stateOf(page, X_BOX), 'block');
    await page.close();
  });
});

test('blockOverride "reason" (managed): setting a block aside from the card asks for a reason, and is counted', needsPolicy, async () => {
  await withManaged('reason', async (browser) => {
    const before = await today();
    // "Ignore for this post": going back keeps the finding; with a reason it goes and the post is free.
    let page = await blockedWithCard(browser, 'https://x.com/', X_BOX);
    await page.click('.card.block [data-cg-action="ignore"]');
    await waitExists(page, '[data-cg-reason-dialog]');
    assert.equal(await dismissDisabled(page), true, 'no dismissal without a reason');
    await page.screenshot(`${SHOTS}/cg-${BROWSER}-reason-dismiss.png`);
    await page.click('[data-cg-action="keep"]');
    await waitGone(page, '[data-cg-reason-dialog]');
    assert.equal(await stateOf(page, X_BOX), 'block', 'going back keeps the finding');
    await page.click(X_POST);
    await waitExists(page, '[data-cg-dialog][data-cg-verdict="block"]');
    await page.click('[data-cg-action="edit"]');
    await waitGone(page, '[data-cg-dialog]');
    if (!(await exists(page, '.panel'))) await page.click('.badge');
    await page.click('.card.block [data-cg-action="ignore"]');
    await giveReason(page);
    await waitState(page, X_BOX, /^ok$/);
    await waitToday((t) => t.ignored > before.ignored && t.by_category.official_information.ignored
      > before.by_category.official_information.ignored, 'ignored + 1 (official_information)');
    await page.click(X_POST);
    await page.waitFor(() => window.__posts.length === 1, undefined, 5000);
    assert.equal(await exists(page, '[data-cg-dialog]'), false);
    await page.close();

    // "Not a problem" asks too.
    page = await blockedWithCard(browser, 'https://x.com/', X_BOX);
    await page.click('.card.block [data-cg-action="not-a-problem"]');
    await giveReason(page);
    await waitState(page, X_BOX, /^ok$/);
    await waitToday((t) => t.not_a_problem > before.not_a_problem, 'not_a_problem + 1');
    await page.close();

    // "Don't check this box" on a blocked box asks too; then that box is no longer watched.
    const first = 'textarea[name="first"]';
    page = await blockedWithCard(browser, 'https://www.reddit.com/two_boxes.html', first);
    await page.click('.panel [data-cg-action="opt-out"]');
    await giveReason(page);
    await page.waitFor(() => !document.querySelector('textarea[name="first"]').hasAttribute('data-cg-state'), undefined, 5000);
    await waitToday((t) => t.opted_out > before.opted_out, 'opted_out + 1');
    await page.close();
  });
});

test('blockOverride "allow" (managed): "ignore for this post" sets a block aside at once, counted', needsPolicy, async () => {
  await withManaged('allow', async (browser) => {
    const before = await today();
    const page = await blockedWithCard(browser, 'https://x.com/', X_BOX);
    await page.click('.card.block [data-cg-action="ignore"]');
    await waitState(page, X_BOX, /^ok$/);
    assert.equal(await exists(page, '[data-cg-reason-dialog]'), false, 'no reason asked under "allow"');
    await waitToday((t) => t.ignored > before.ignored, 'ignored + 1');
    await page.click(X_POST);
    await page.waitFor(() => window.__posts.length === 1, undefined, 5000);
    assert.equal(await exists(page, '[data-cg-dialog]'), false);
    await page.close();
  });
});
