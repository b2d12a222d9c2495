// The finding card: where it goes (never over the text or the post button), and its actions.
import test from 'node:test';
import assert from 'node:assert/strict';
import { BROWSER, ctx, open, today } from './context.mjs';
import {
  SHOTS, VIOLATING, waitState, waitExists, waitGone, exists, posts, typeInto, assertPanelClear, stateOf,
} from './helpers.mjs';

const X_BOX = '[data-testid="tweetTextarea_0"]';
const X_POST = '[data-testid="tweetButton"]';

async function flaggedWithCard(url, box) {
  const page = await open(url);
  await typeInto(page, box, VIOLATING);
  await waitState(page, box, /^(warn|block)$/);
  await page.click('.badge');
  await waitExists(page, '.card[data-cg-finding]');
  return page;
}

const cardCount = (page) => page.evaluate(`(() => { for (const h of document.querySelectorAll('[data-cg-ui]'))
  if (h.shadowRoot && h.shadowRoot.querySelector('.panel')) return h.shadowRoot.querySelectorAll('.card').length; return 0; })()`);

/** Poll the service's counters until `pred(today)` holds. */
async function waitToday(pred, what, timeout = 8000) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await today();
    if (pred(last)) return last;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`service counters never showed ${what}: ${JSON.stringify(last && last.events)}`);
}

test('card placement: below the box and the Post button on x.com and linkedin.com', async () => {
  let page = await flaggedWithCard('https://x.com/', X_BOX);
  await assertPanelClear(page, X_BOX, X_POST);
  await page.screenshot(`${SHOTS}/cg-${BROWSER}-x-card-placed.png`);
  await page.close();
  page = await flaggedWithCard('https://www.linkedin.com/', '.ql-editor');
  await assertPanelClear(page, '.ql-editor', '.share-actions__primary-action');
  await page.screenshot(`${SHOTS}/cg-${BROWSER}-linkedin-card.png`);
  await page.close();
});

test('card placement: above when the box is low, follows scrolling and resizing', async () => {
  const page = await flaggedWithCard('https://x.com/?pad=560', X_BOX);
  await assertPanelClear(page, X_BOX, X_POST);
  await page.screenshot(`${SHOTS}/cg-${BROWSER}-x-card-above.png`);
  await page.evaluate(() => window.scrollBy(0, 330));
  await assertPanelClear(page, X_BOX, X_POST);
  await page.screenshot(`${SHOTS}/cg-${BROWSER}-x-card-scrolled.png`);
  await page.setViewport(900, 420);
  await assertPanelClear(page, X_BOX, X_POST);
  await page.screenshot(`${SHOTS}/cg-${BROWSER}-x-card-small.png`);
  await page.close();
});

test('"ignore for this post": the finding goes; with none left the box is ok and posts freely', async () => {
  const page = await flaggedWithCard('https://x.com/', X_BOX);
  let n = await cardCount(page);
  assert.ok(n >= 1);
  while (n > 0) {
    await page.click('.card [data-cg-action="ignore"]');
    const left = n - 1;
    await page.waitFor(`(() => { for (const h of document.querySelectorAll('[data-cg-ui]')) { const p = h.shadowRoot && h.shadowRoot.querySelector('.panel');
      if (p) return p.querySelectorAll('.card').length === ${left}; } return ${left} === 0; })()`);
    n = left;
  }
  assert.equal(await stateOf(page, X_BOX), 'ok');
  assert.equal(await exists(page, '.panel'), false, 'the card closes when nothing is left');
  await page.click(X_POST);
  await page.waitFor(() => window.__posts.length === 1, undefined, 5000);
  assert.equal(await exists(page, '[data-cg-dialog]'), false);
  await page.close();
});

test('"not a problem": counted locally and by the service, and no typed text is stored anywhere', async () => {
  const before = await today();
  const page = await flaggedWithCard('https://x.com/', X_BOX);
  await page.click('.card [data-cg-action="not-a-problem"]');
  await waitToday((t) => t.not_a_problem > before.not_a_problem, 'not_a_problem + 1');
  if (ctx.browser.storage) {
    const stored = JSON.stringify(await ctx.browser.storage());
    assert.ok(JSON.parse(stored).local['cg.counters'].not_a_problem.total >= 1, stored);
    for (const word of VIOLATING.split(/[\s:,]+/).filter((w) => w.length >= 5)) {
      assert.ok(!stored.includes(word), `storage holds typed text "${word}": ${stored}`);
    }
  }
  await page.close();
});

test('"see the rule" opens the rule in the options page',
  { skip: BROWSER !== 'chromium' && 'the moz-extension:// tab it opens is not visible to WebDriver BiDi' }, async () => {
  const page = await flaggedWithCard('https://x.com/', X_BOX);
  const ref = await page.evaluate(`(() => { for (const h of document.querySelectorAll('[data-cg-ui]')) { const r = h.shadowRoot && h.shadowRoot.querySelector('.card [data-cg-rule]');
    if (r) return r.getAttribute('data-cg-rule'); } return null; })()`);
  assert.ok(ref, 'the card names a rule');
  const tab = ctx.browser.waitForTab('options/options.html#rule=');
  await page.click('.card [data-cg-action="see-rule"]');
  const { url, page: options } = await tab;
  assert.ok(decodeURIComponent(url).includes(ref), `${url} names ${ref}`);
  if (options) {
    // The rule is there, marked as the target, with its reference.
    await options.waitFor(() => !!document.querySelector('.rule.target'), undefined, 8000);
    assert.ok((await options.evaluate(() => document.querySelector('.rule.target').textContent)).includes(ref));
    await options.screenshot(`${SHOTS}/cg-${BROWSER}-see-rule.png`);
    await options.close();
  }
  await page.close();
});

test('"don\'t check this box": that box only is no longer watched, also after a reload', async () => {
  const url = 'https://www.reddit.com/two_boxes.html';
  const first = 'textarea[name="first"]';
  const second = 'textarea[name="second"]';
  let page = await flaggedWithCard(url, first);
  await page.click('.panel .footer button');
  await page.waitFor(() => !document.querySelector('textarea[name="first"]').hasAttribute('data-cg-state'), undefined, 5000);
  await waitState(page, second, /ok/);
  // The first box posts without a dialog; the second is still checked.
  await page.click('#form-a button');
  await page.waitFor(() => window.__posts.length === 1, undefined, 5000);
  await typeInto(page, second, VIOLATING);
  await waitState(page, second, /^(warn|block)$/);
  await page.close();
  page = await open(url);
  await waitState(page, second, /ok/);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await stateOf(page, first), null, 'still not watched after a reload');
  await typeInto(page, first, VIOLATING);
  await page.click('#form-a button');
  await page.waitFor(() => window.__posts.length === 1, undefined, 5000);
  await page.close();
});
