// Moderation assist (issue 26; CONTRACT "Moderation assist"): in a group or page the officer
// administers, and only once it is turned on for it (by the officer, or by IT in managed storage),
// other people's messages an admin should act on carry data-cg-mod="<categories>", a panel in a
// data-cg-ui host lists them, new messages are checked as they arrive, a citizen's political
// opinion or criticism is never flagged, and nothing is flagged when it is off. The page's own
// text is never changed.
import test from 'node:test';
import assert from 'node:assert/strict';
import { BROWSER, ctx, open, askWorker } from './context.mjs';
import { launch, canUsePolicy } from './browsers.mjs';
import { SHOTS, waitExists, exists, waitState } from './helpers.mjs';

const WA_GROUP = 'https://web.whatsapp.com/?fixture=whatsapp_group';
const FB_POST = 'https://www.facebook.com/DCOfficeLahore/posts/1001?fixture=fb_page_comments';
const X_THREAD = 'https://x.com/DCLahore/status/1855?fixture=x_thread';
const TARGETS = { 'web.whatsapp.com': ['District Officers Lahore'], 'facebook.com': ['DCOfficeLahore'], 'x.com': ['DCLahore'] };
const needsPolicy = { skip: !canUsePolicy() && 'a browser machine policy needs root and unshare' };

/** {text: categories} of every message the page shows as flagged, plus how many messages it has. */
const marksOn = (page, messageSelector, textSelector) => page.evaluate(`(() => {
  const out = {};
  for (const el of document.querySelectorAll(${JSON.stringify(messageSelector)})) {
    const own = [...el.querySelectorAll(${JSON.stringify(textSelector)})].filter((n) => n.closest(${JSON.stringify(messageSelector)}) === el);
    const text = own.map((n) => n.textContent).join(' ').trim();
    if (el.hasAttribute('data-cg-mod')) out[text] = el.getAttribute('data-cg-mod');
  }
  return out; })()`);

const waitMarks = (page, count, timeout = 20000) => page.waitFor(
  new Function(`return document.querySelectorAll('[data-cg-mod]').length >= ${count}`), undefined, timeout);

/** The messages' own text, to show that nothing of it changed. */
const messageTexts = (page) => page.evaluate(() => [...document.querySelectorAll('span.selectable-text')].map((n) => n.textContent));

async function checkWhatsAppGroup(browser) {
  const page = await browser.newPage(WA_GROUP);
  const before = await messageTexts(page);
  await waitMarks(page, 2);
  // a message arriving is checked too
  await page.evaluate(() => window.__addIncoming('Forwarded as received: the polio drops make children infertile, do not let them vaccinate your kids'));
  await waitMarks(page, 3);
  await new Promise((r) => setTimeout(r, 600)); // anything else would be marked by now
  const marks = await marksOn(page, '[data-id]', 'span.selectable-text');
  assert.deepEqual(marks, {
    'Those Biharis are filthy rats, kick every one of them out of our city': 'hate_speech',
    'Her CNIC is 35202-1234567-1 and she lives at House 5, Street 9, call 0300-1234567': 'privacy',
    'Forwarded as received: the polio drops make children infertile, do not let them vaccinate your kids': 'misinformation',
  }, 'a citizen\'s political opinion, a criticism of policy, greetings and the officer\'s own message are not marked');
  // the marked element is the message itself (WhatsApp's [data-id] row)
  assert.equal(await page.evaluate(() => [...document.querySelectorAll('[data-cg-mod]')].every((el) => el.hasAttribute('data-id'))), true);
  // the panel: a data-cg-ui host listing the three, each with what to do and its rule
  await waitExists(page, '[data-cg-mod-item]');
  const panel = await page.evaluate(`(() => { const host = document.querySelector('[data-cg-ui][data-cg-mod-panel]');
    const root = host && host.shadowRoot; if (!root) return null;
    return { count: root.querySelector('[data-cg-mod-count]').textContent,
      items: [...root.querySelectorAll('[data-cg-mod-item]')].map((li) => li.getAttribute('data-cg-mod-item')),
      refs: [...root.querySelectorAll('[data-cg-ref]')].map((r) => r.textContent),
      text: root.textContent }; })()`);
  assert.ok(panel, 'the panel lives in a data-cg-ui host');
  assert.equal(panel.count, '3');
  assert.deepEqual(panel.items, ['hate_speech', 'privacy', 'misinformation'], 'in page order');
  assert.ok(panel.refs.every((r) => /paras 5 and 6/.test(r)), panel.refs.join(' | '));
  assert.match(panel.text, /Delete it/);
  // "go to message" scrolls to it and frames it with our own element
  await page.click('[data-cg-mod-item="privacy"] [data-cg-action="mod-show"]');
  await waitExists(page, '[data-cg-mod-flash]');
  const after = await messageTexts(page);
  assert.deepEqual(after.slice(0, before.length), before, 'the page\'s text is never changed');
  await page.screenshot(`${SHOTS}/cg-moderation-whatsapp-${BROWSER}.png`);
  // the compose box is still watched as always
  assert.ok(await exists(page, '[data-lexical-editor][data-cg-state]'));
  return page;
}

test('moderation assist is off by default: nothing is marked and no panel appears', async () => {
  const page = await open(WA_GROUP);
  await waitState(page, '[data-lexical-editor]', /^ok$/); // the content script runs here
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal(await exists(page, '[data-cg-mod]'), false);
  assert.equal(await exists(page, '[data-cg-mod-panel]'), false);
  await page.close();
});

test('turned on for a group (as the popup does): its messages are marked; "turn off here" takes every mark away',
  { skip: BROWSER !== 'chromium' && 'WebDriver BiDi cannot open moz-extension:// pages (Firefox: the IT test below)' }, async () => {
    const reply = await askWorker({ kind: 'cg/set-settings', patch: { moderationTargets: TARGETS } });
    assert.equal(reply.ok, true, JSON.stringify(reply));
    let page = null;
    try {
      page = await checkWhatsAppGroup(ctx.browser);
      await page.click('[data-cg-action="mod-off"]');
      await page.waitFor(() => !document.querySelector('[data-cg-mod]') && !document.querySelector('[data-cg-mod-panel]'), undefined, 5000);
      const settings = await askWorker({ kind: 'cg/get-config' });
      assert.deepEqual(settings.settings.moderationTargets['web.whatsapp.com'], []);
      // another group in the same tab is not checked
      const other = await open(`${WA_GROUP}&group=Cricket%20Friends`);
      await waitState(other, '[data-lexical-editor]', /^ok$/);
      await new Promise((r) => setTimeout(r, 2000));
      assert.equal(await exists(other, '[data-cg-mod]'), false);
      await other.close();
    } finally {
      await askWorker({ kind: 'cg/set-settings', patch: { moderationTargets: {} } });
      if (page) await page.close();
    }
  });

test('turned on by IT (managed storage): a WhatsApp group, an office page\'s comments and an X reply thread', needsPolicy, async () => {
  const browser = await launch(BROWSER, {
    proxyPort: ctx.env.sites.proxyPort,
    policy: { serviceUrl: ctx.env.service.url, moderationTargets: TARGETS },
  });
  try {
    const wa = await checkWhatsAppGroup(browser);
    // set by IT: the officer cannot turn it off from the panel
    assert.equal(await exists(wa, '[data-cg-action="mod-off"]'), false);
    await wa.close();

    const fb = await browser.newPage(FB_POST);
    await waitMarks(fb, 3);
    await new Promise((r) => setTimeout(r, 600));
    assert.deepEqual(await marksOn(fb, '[role="article"][aria-label*=" by "]', 'div[dir="auto"]'), {
      'Those Biharis are filthy rats, kick every one of them out of our city': 'hate_speech',
      'Her CNIC is 35202-1234567-1 and she lives at House 5, Street 9, call 0300-1234567': 'privacy',
      'Burn down the DC office tomorrow, bring petrol, we will teach them a lesson': 'incitement_defamation',
    });
    await fb.evaluate(() => window.__addComment('Forwarded as received: the polio drops make children infertile, do not let them vaccinate your kids'));
    await waitMarks(fb, 4);
    await fb.close();

    const x = await browser.newPage(X_THREAD);
    await waitMarks(x, 2);
    await new Promise((r) => setTimeout(r, 600));
    assert.deepEqual(Object.values(await marksOn(x, 'article[data-testid="tweet"]', '[data-testid="tweetText"]')).sort(),
      ['hate_speech', 'privacy']);
    await x.evaluate(() => window.__addReply('Burn down the DC office tomorrow, bring petrol, we will teach them a lesson'));
    await waitMarks(x, 3);
    await x.close();

    // a page not listed: nothing
    const other = await browser.newPage('https://x.com/SomeoneElse/status/1?fixture=x_thread');
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(await exists(other, '[data-cg-mod]'), false);
    await other.close();
  } finally {
    await browser.close();
  }
});
