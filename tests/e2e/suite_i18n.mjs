// The extension in the officer's language (issue 23): badge, card and dialog in Urdu (right to
// left), Hindi, Bangla and Gujarati; the language follows the browser (Chromium --lang), the
// officer's choice in the options page, or IT's managed uiLanguage; findings come in it where the
// pack has it; posts in one script while the UI is in another keep their highlights on their
// words; the text typed is never changed. Screenshots of each card and dialog go to
// $CG_I18N_SHOTS (default /tmp/cg_i18n_shots).
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BROWSER, ctx, open } from './context.mjs';
import { DEEP_QUERY, EXT, launch, canUsePolicy } from './browsers.mjs';
import { VIOLATING, waitState, waitExists, waitGone, posts, typeInto, editorText } from './helpers.mjs';

const SHOTS = process.env.CG_I18N_SHOTS || '/tmp/cg_i18n_shots';
mkdirSync(SHOTS, { recursive: true });

const X_BOX = '[data-testid="tweetTextarea_0"]';
const X_POST = '[data-testid="tweetButton"]';
// The pack whose texts are in each language (docs/PACKS.md), so the whole card is in it.
const PACK_FOR = { ur: 'pk-federal', hi: 'in-ais', bn: 'bd-public-servants', gu: 'in-gujarat-revenue' };
const SCRIPT = { ur: /[\u0600-\u06FF]/u, hi: /[\u0900-\u097F]/u, bn: /[\u0980-\u09FF]/u, gu: /[\u0A80-\u0AFF]/u };
// An Urdu post with personal data (a CNIC and a phone number): its findings cover only parts of it.
const URDU_POST = 'مریض کا نام اور شناختی کارڈ نمبر 35202-1234567-1 اور فون نمبر 0300-1234567 یہ ہے';

const locales = {};
/** A message of the extension's locale file, with $1.. filled in (as chrome.i18n does). */
function msg(lang, key, subs = []) {
  locales[lang] ||= JSON.parse(readFileSync(path.join(EXT, `_locales/${lang}/messages.json`), 'utf8'));
  return locales[lang][key].message.replace(/\$([1-9])/g, (m, d) => String(subs[Number(d) - 1] ?? ''));
}

/** What our UI shows: the open panel (first card), the badge, the held-post dialog, with geometry. */
const VIEW = `(() => {
  const r = (e) => { if (!e) return null; const b = e.getBoundingClientRect(); return { left: b.left, right: b.right, top: b.top, bottom: b.bottom }; };
  const out = { panel: null, dialog: null };
  for (const h of document.querySelectorAll('[data-cg-ui]')) {
    const s = h.shadowRoot;
    if (!s) continue;
    const root = s.querySelector('.root');
    const badge = s.querySelector('.badge');
    if (badge) out.badge = { label: badge.getAttribute('aria-label'), count: badge.textContent, rect: r(badge), dir: root.getAttribute('dir'), lang: root.getAttribute('lang') };
    const panel = s.querySelector('.panel');
    if (panel) {
      const card = panel.querySelector('.card');
      const q = (sel) => { const e = card.querySelector(sel); return e ? e.textContent : null; };
      const cs = getComputedStyle(card);
      out.panel = { dir: root.getAttribute('dir'), lang: root.getAttribute('lang'), direction: getComputedStyle(panel).direction,
        title: panel.querySelector('h2').textContent, cat: q('.cat'), sev: q('.sev'), msg: q('.msg'), instead: q('[data-cg-instead]'),
        seeRule: q('[data-cg-action="see-rule"]'), ref: q('[data-cg-ref]'), refDir: card.querySelector('[data-cg-ref]').getAttribute('dir'),
        quoteNote: q('[data-cg-quote-note]'), borderLeft: parseFloat(cs.borderLeftWidth), borderRight: parseFloat(cs.borderRightWidth),
        rect: r(panel), text: panel.textContent };
    }
    if (h.hasAttribute('data-cg-dialog')) {
      const d = s.querySelector('.dialog');
      const q = (sel) => { const e = d.querySelector(sel); return e ? e.textContent : null; };
      const edit = d.querySelector('[data-cg-action="edit"]');
      const post = d.querySelector('[data-cg-action="post-anyway"]');
      out.dialog = { dir: root.getAttribute('dir'), lang: root.getAttribute('lang'), direction: getComputedStyle(d).direction,
        title: q('#cg-dlg-title'), intro: q('#cg-dlg-intro'), policy: q('[data-cg-policy-line]'), post: post && post.textContent,
        edit: edit && edit.textContent, editRect: r(edit), postRect: r(post), reasonLabel: q('label'), text: d.textContent };
    }
  }
  out.box = r((${DEEP_QUERY})(${JSON.stringify(X_BOX)}));
  return out;
})()`;
const view = (page) => page.evaluate(VIEW);

/** Chromium started in `lang` (or, without its locale files, with `lang` chosen in the settings). */
async function chromiumIn(lang, settings) {
  const browser = await launch('chromium', { proxyPort: ctx.env.sites.proxyPort, lang });
  const uiLanguage = await browser.inExtension(() => chrome.i18n.getUILanguage());
  const follows = uiLanguage.toLowerCase().startsWith(lang);
  if (!follows) console.log(`# chromium --lang=${lang} runs in ${uiLanguage} (no ${lang} locale installed: apt-get install chromium-l10n); choosing ${lang} in the settings instead`);
  await browser.inExtension((s) => chrome.storage.sync.set({ 'cg.settings': s }),
    { serviceUrl: ctx.env.service.url, ...settings, ...(follows ? {} : { uiLanguage: lang }) });
  return { browser, follows };
}

/** Card and dialog of a blocked English post, checked against `lang`'s strings; screenshots. */
async function cardAndDialogIn(browser, lang, label) {
  const page = await browser.newPage('https://x.com/');
  await typeInto(page, X_BOX, VIOLATING);
  await waitState(page, X_BOX, /^block$/);
  let v = await view(page);
  const n = Number(v.badge.count.replace(/[০-৯]/g, (c) => '০১২৩৪৫৬৭৮৯'.indexOf(c)).replace(/[૦-૯]/g, (c) => '૦૧૨૩૪૫૬૭૮૯'.indexOf(c)));
  assert.ok(n >= 1, v.badge.count);
  assert.equal(v.badge.label, n === 1 ? msg(lang, 'badge_label_findings_one') : msg(lang, 'badge_label_findings', [v.badge.count]));
  assert.equal(v.badge.dir, lang === 'ur' ? 'rtl' : 'ltr');
  assert.equal(v.badge.lang, lang);
  await page.click('.badge');
  await waitExists(page, '.card[data-cg-finding]');
  v = await view(page);
  const p = v.panel;
  assert.equal(p.title, msg(lang, 'panel_title'));
  assert.equal(p.cat, msg(lang, 'category_official_information'));
  assert.equal(p.sev, msg(lang, 'severity_block'));
  assert.equal(p.seeRule, msg(lang, 'action_see_rule'));
  assert.ok(p.instead.startsWith(msg(lang, 'card_instead', [''])), p.instead);
  // The pack has the language: the finding itself is in it, its quote marked unofficial, the
  // reference as the document numbers it, left to right.
  assert.ok(SCRIPT[lang].test(p.msg), `the finding is not in ${lang}: ${p.msg}`);
  assert.ok(p.quoteNote && SCRIPT[lang].test(p.quoteNote), `no unofficial-translation note: ${p.quoteNote}`);
  assert.match(p.ref, /\d/);
  assert.equal(p.refDir, 'ltr');
  assert.equal(p.dir, lang === 'ur' ? 'rtl' : 'ltr');
  assert.equal(p.direction, lang === 'ur' ? 'rtl' : 'ltr');
  if (lang === 'ur') {
    // Mirrored: the card's coloured edge on the right, the badge over the box's top-left corner,
    // the panel aligned on the box's left edge.
    assert.ok(p.borderRight > p.borderLeft, `card edge not mirrored: ${p.borderLeft} / ${p.borderRight}`);
    assert.ok(Math.abs(v.badge.rect.left - v.box.left) <= 2, `badge not at the top-left: ${JSON.stringify([v.badge.rect, v.box])}`);
    assert.ok(Math.abs(p.rect.left - v.box.left) <= 2, `panel not aligned left: ${JSON.stringify([p.rect, v.box])}`);
  } else {
    assert.ok(p.borderLeft > p.borderRight);
    assert.ok(Math.abs(v.badge.rect.right - v.box.right) <= 2);
  }
  await page.screenshot(`${SHOTS}/cg-${BROWSER}-${label}-card.png`);
  assert.equal(await editorText(page), VIOLATING, 'the text typed is never changed');

  await page.click(X_POST);
  await waitExists(page, '[data-cg-dialog]');
  v = await view(page);
  const d = v.dialog;
  assert.equal(d.title, msg(lang, 'dialog_title_block'));
  assert.equal(d.intro, msg(lang, 'dialog_intro_block'));
  assert.equal(d.policy, msg(lang, 'dialog_block_reason_own'));
  assert.equal(d.post, msg(lang, 'dialog_post_anyway'));
  assert.equal(d.edit, msg(lang, 'dialog_edit'));
  assert.equal(d.reasonLabel, msg(lang, 'dialog_reason_label'));
  assert.equal(d.dir, lang === 'ur' ? 'rtl' : 'ltr');
  assert.equal(d.direction, lang === 'ur' ? 'rtl' : 'ltr');
  await page.screenshot(`${SHOTS}/cg-${BROWSER}-${label}-dialog.png`);
  // The buttons' order mirrors: "edit" (the default) after "post anyway", i.e. to its left in Urdu
  // (or on the next line where they wrap).
  const buttons = JSON.stringify([d.postRect, d.editRect]);
  if (d.editRect.top >= d.postRect.bottom - 1) assert.ok(true, 'wrapped: edit comes last');
  else if (lang === 'ur') assert.ok(d.editRect.right <= d.postRect.left + 1, `buttons not mirrored: ${buttons}`);
  else assert.ok(d.editRect.left >= d.postRect.right - 1, `buttons: ${buttons}`);
  assert.ok(d.editRect.top >= d.postRect.top - 1, `edit above post anyway: ${buttons}`);
  await page.click('[data-cg-action="edit"]');
  await waitGone(page, '[data-cg-dialog]');
  assert.equal((await posts(page)).length, 0);
  assert.equal(await editorText(page), VIOLATING, 'the text typed is never changed');
  await page.close();
}

for (const lang of ['ur', 'hi', 'bn', 'gu']) {
  test(`UI in ${lang} from the browser's language (--lang=${lang}): badge, card and dialog in it${lang === 'ur' ? ', mirrored (dir=rtl)' : ''}; the text is unchanged`,
    { skip: BROWSER !== 'chromium' && 'the browser\'s language is set with --lang in Chromium; Firefox is covered through IT\'s uiLanguage below' }, async () => {
      const { browser } = await chromiumIn(lang, { pack: PACK_FOR[lang] });
      try {
        await cardAndDialogIn(browser, lang, lang);
      } finally {
        await browser.close();
      }
    });
}

test('IT sets uiLanguage "ur" (managed storage): the card and dialog are in Urdu, right to left, and the officer cannot change it',
  { skip: !canUsePolicy() && 'a browser machine policy needs root and unshare' }, async () => {
    const browser = await launch(BROWSER, { proxyPort: ctx.env.sites.proxyPort, policy: { uiLanguage: 'ur', serviceUrl: ctx.env.service.url } });
    try {
      await cardAndDialogIn(browser, 'ur', 'managed-ur');
      if (browser.storage) { // Chromium: extension pages are reachable
        const options = await browser.inExtension(async () => {
          await new Promise((r) => setTimeout(r, 500));
          const select = document.getElementById('uiLanguage');
          const refused = await chrome.runtime.sendMessage({ kind: 'cg/set-settings', patch: { uiLanguage: 'en' } });
          return { dir: document.documentElement.dir, disabled: select.disabled, title: document.querySelector('h1').textContent, after: refused.settings.uiLanguage };
        });
        assert.deepEqual(options, { dir: 'rtl', disabled: true, title: msg('ur', 'options_title'), after: 'ur' });
      }
    } finally {
      await browser.close();
    }
  });

/** Highlight rectangles drawn for `box` vs. where the page lays out the same spans (independently measured). */
async function highlightsVsText(page, box, spans) {
  return page.evaluate(`(() => {
    const box = (${DEEP_QUERY})(${JSON.stringify(box)});
    const spans = ${JSON.stringify(spans)};
    const hls = [];
    for (const h of document.querySelectorAll('[data-cg-ui]')) if (h.shadowRoot) for (const e of h.shadowRoot.querySelectorAll('.hl')) {
      const b = e.getBoundingClientRect(); hls.push({ left: b.left, right: b.right, top: b.top, bottom: b.bottom });
    }
    const expected = [];
    let textNode;
    let cleanup = () => {};
    if (box.nodeName === 'TEXTAREA') {
      // A reference copy with EVERY computed property of the textarea, at its place.
      const ref = document.createElement('div');
      const cs = getComputedStyle(box);
      for (const p of cs) ref.style.setProperty(p, cs.getPropertyValue(p));
      const b = box.getBoundingClientRect();
      Object.assign(ref.style, { position: 'fixed', left: b.left + 'px', top: b.top + 'px', margin: '0', whiteSpace: 'pre-wrap', overflow: 'hidden', visibility: 'hidden' });
      ref.textContent = box.value;
      document.body.append(ref);
      textNode = ref.firstChild;
      cleanup = () => ref.remove();
    } else {
      textNode = document.createTreeWalker(box, NodeFilter.SHOW_TEXT).nextNode();
    }
    const toUtf16 = (cp) => [...textNode.data].slice(0, cp).join('').length;
    for (const [s, e] of spans) {
      const range = document.createRange();
      range.setStart(textNode, toUtf16(s));
      range.setEnd(textNode, toUtf16(e));
      for (const b of range.getClientRects()) if (b.width > 1) expected.push({ left: b.left, right: b.right, top: b.top, bottom: b.bottom });
    }
    cleanup();
    const boxRect = box.getBoundingClientRect();
    return { hls, expected, box: { left: boxRect.left, right: boxRect.right, top: boxRect.top, bottom: boxRect.bottom }, direction: getComputedStyle(box).direction };
  })()`);
}

function assertAligned(got, what) {
  const near = (a, b) => Math.abs(a.left - b.left) <= 3 && Math.abs(a.right - b.right) <= 3 && Math.abs(a.top - b.top) <= 4 && Math.abs(a.bottom - b.bottom) <= 4;
  assert.ok(got.expected.length >= 2, `${what}: nothing to compare: ${JSON.stringify(got)}`);
  for (const e of got.expected) {
    assert.ok(got.hls.some((h) => near(h, e)), `${what}: no highlight on the words at ${JSON.stringify(e)}; highlights ${JSON.stringify(got.hls)}`);
  }
  for (const h of got.hls) assert.ok(got.expected.some((e) => near(h, e)), `${what}: a highlight off the words: ${JSON.stringify(h)}`);
}

async function spansOf(text, site) {
  const r = await fetch(`${ctx.env.service.url}/v1/check`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ text, site, account: 'personal', lang: 'en' }) });
  return (await r.json()).findings.filter((f) => f.severity !== 'info').flatMap((f) => f.spans);
}

test('an Urdu post with the UI in English, then in Urdu: highlights stay on its words (editor and textarea), the text is unchanged', async () => {
  const spans = await spansOf(URDU_POST, 'x.com');
  assert.ok(spans.length >= 1 && spans.every(([s, e]) => e - s < [...URDU_POST].length), `partial spans expected: ${JSON.stringify(spans)}`);
  const page = await open('https://x.com/');
  await page.evaluate(() => { document.querySelector('[data-testid="tweetTextarea_0"]').setAttribute('dir', 'auto'); }); // as X does
  await typeInto(page, X_BOX, URDU_POST);
  await waitState(page, X_BOX, /^(warn|block)$/);
  await page.waitFor(`(() => { for (const h of document.querySelectorAll('[data-cg-ui]')) if (h.shadowRoot && h.shadowRoot.querySelector('.hl')) return true; return false; })()`);
  let got = await highlightsVsText(page, X_BOX, spans);
  assert.equal(got.direction, 'rtl');
  assertAligned(got, 'x.com, UI in English');
  await page.screenshot(`${SHOTS}/cg-${BROWSER}-urdu-post-en-ui.png`);
  assert.equal(await editorText(page), URDU_POST);

  // A textarea that takes its direction from its text (dir=auto), as comment boxes do.
  const reddit = await open('https://www.reddit.com/');
  await reddit.evaluate(() => { const t = document.querySelector('textarea'); t.setAttribute('dir', 'auto'); t.style.width = '640px'; });
  await typeInto(reddit, 'textarea', URDU_POST);
  await waitState(reddit, 'textarea', /^(warn|block)$/);
  await reddit.waitFor(`(() => { for (const h of document.querySelectorAll('[data-cg-ui]')) if (h.shadowRoot && h.shadowRoot.querySelector('.hl')) return true; return false; })()`);
  got = await highlightsVsText(reddit, 'textarea', await spansOf(URDU_POST, 'reddit.com'));
  await reddit.screenshot(`${SHOTS}/cg-${BROWSER}-urdu-post-textarea.png`);
  assert.equal(got.direction, 'rtl');
  assertAligned(got, 'reddit.com textarea, UI in English');
  assert.equal(await editorText(reddit), URDU_POST);
  await reddit.close();

  if (BROWSER === 'chromium') {
    // The officer chooses Urdu in the options page; the open page follows at once.
    const options = await ctx.browser.raw.newPage();
    try {
      await options.goto(`${ctx.browser.extensionOrigin}/options/options.html`);
      await options.waitForFunction(() => document.getElementById('uiLanguage').options.length === 6);
      await Promise.all([options.waitForEvent('load'), options.selectOption('#uiLanguage', 'ur')]);
      await options.waitForFunction(() => document.documentElement.dir === 'rtl' && document.getElementById('uiLanguage').value === 'ur');
      assert.equal(await options.evaluate(() => document.querySelector('h1').textContent), msg('ur', 'options_title'));
      await options.screenshot({ path: `${SHOTS}/cg-chromium-options-ur.png`, fullPage: false });
    } finally {
      await options.close();
    }
    await page.waitFor(`(() => { for (const h of document.querySelectorAll('[data-cg-ui]')) { const r = h.shadowRoot && h.shadowRoot.querySelector('.root');
      if (r && r.getAttribute('dir') === 'rtl') return true; } return false; })()`);
    await waitState(page, X_BOX, /^(warn|block)$/);
    await page.waitFor(`(() => { for (const h of document.querySelectorAll('[data-cg-ui]')) if (h.shadowRoot && h.shadowRoot.querySelector('.hl')) return true; return false; })()`);
    got = await highlightsVsText(page, X_BOX, spans);
    assertAligned(got, 'x.com, UI in Urdu');
    await page.click('.badge');
    await waitExists(page, '.card[data-cg-finding]');
    const v = await view(page);
    assert.equal(v.panel.dir, 'rtl');
    assert.equal(v.panel.title, msg('ur', 'panel_title'));
    await page.screenshot(`${SHOTS}/cg-chromium-urdu-post-ur-ui.png`);
    assert.equal(await editorText(page), URDU_POST);
    await ctx.browser.inExtension(async () => {
      const { 'cg.settings': s } = await chrome.storage.sync.get('cg.settings');
      await chrome.storage.sync.set({ 'cg.settings': { ...s, uiLanguage: '' } });
    });
  }
  await page.close();
});
