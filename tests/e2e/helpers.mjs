// Shared setup for the E2E tests: fake sites, the real service, a browser with the extension.
import net from 'node:net';
import { startSites } from './sites.mjs';
import { startService, freePort, prepareHome } from './service.mjs';
import { DEEP_QUERY, launch } from './browsers.mjs';

export const VIOLATING = 'Sharing the draft summary of the cabinet meeting before approval: F.No. 14/04/2021-D-II, transfers of 12 DCs next week';
export const BENIGN = 'Eid Mubarak to all my colleagues and their families!';
export const SHOTS = process.env.CG_SCREENSHOTS || '/tmp';

export const DEFAULT_PORT = 47814;

function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/**
 * The extension's default service address is 127.0.0.1:47814. Firefox's WebDriver BiDi cannot
 * open moz-extension:// pages to change settings, so Firefox runs need that port free;
 * Chromium moves to a free port through the settings when 47814 is taken.
 */
export async function setup(browserName) {
  const sites = await startSites();
  let port = DEFAULT_PORT;
  if (!(await portFree(DEFAULT_PORT))) {
    if (browserName === 'firefox') throw new Error(`port ${DEFAULT_PORT} is busy: the Firefox E2E run needs it (the extension's default)`);
    port = await freePort();
  }
  // `conduct-guard setup` in a home of the run's own; every browser launched after this (the
  // suites' second browsers too) runs there and finds the native messaging host (browsers.mjs)
  const home = prepareHome();
  process.env.CG_E2E_HOME = home.home;
  const service = await startService(port, home.env);
  const browser = await launch(browserName, { proxyPort: sites.proxyPort });
  if (port !== DEFAULT_PORT) {
    await browser.inExtension((url) => chrome.storage.sync.set({ 'cg.settings': { serviceUrl: url } }), service.url);
  }
  return {
    sites, service, browser, home,
    token: home.token, // what the tray and the CLI send to pause and read counters
    async teardown() {
      await browser.close().catch(() => {});
      await service.stop().catch(() => {});
      await sites.close().catch(() => {});
      home.remove();
    },
  };
}

// page-side probe (a string, so it runs the same in both drivers): one copy, in browsers.mjs
const DEEP = DEEP_QUERY;

export async function stateOf(page, selector, frame) {
  return page.evaluate(`(${DEEP})(${JSON.stringify(selector)})?.getAttribute('data-cg-state') ?? null`, undefined, frame);
}

export async function waitState(page, selector, pattern, timeout = 15000, frame) {
  const src = `(() => { const s = (${DEEP})(${JSON.stringify(selector)})?.getAttribute('data-cg-state');
    return s && new RegExp(${JSON.stringify(pattern.source)}).test(s) ? s : false; })()`;
  try {
    return await page.waitFor(new Function(`return ${src}`), undefined, timeout, frame);
  } catch (e) {
    throw new Error(`state of ${selector} never matched ${pattern} (last: ${await stateOf(page, selector, frame)})`);
  }
}

export async function exists(page, selector, frame) {
  return page.evaluate(`!!(${DEEP})(${JSON.stringify(selector)})`, undefined, frame);
}

export async function waitExists(page, selector, timeout = 8000, frame) {
  const fn = new Function(`return !!(${DEEP})(${JSON.stringify(selector)})`);
  try {
    await page.waitFor(fn, undefined, timeout, frame);
  } catch (_) {
    throw new Error(`${selector} never appeared`);
  }
}

export async function waitGone(page, selector, timeout = 8000) {
  const fn = new Function(`return !(${DEEP})(${JSON.stringify(selector)})`);
  await page.waitFor(fn, undefined, timeout);
}

export async function textOf(page, selector, frame) {
  return page.evaluate(`(${DEEP})(${JSON.stringify(selector)})?.textContent ?? null`, undefined, frame);
}

export const posts = (page) => page.evaluate(() => window.__posts);
export const editorText = (page, frame) => page.evaluate(() => window.__editorText(), undefined, frame);

/** Answer the held-post dialog with "post anyway", giving a reason when the policy asks. */
export async function postAnyway(page) {
  await waitExists(page, '[data-cg-action="post-anyway"]');
  if (await exists(page, '[data-cg-reason]')) {
    await page.focus('[data-cg-reason]');
    await page.type('Published in the gazette today', 0);
  }
  await page.click('[data-cg-action="post-anyway"]');
  await waitGone(page, '[data-cg-dialog]');
}

/**
 * Answer the reason prompt that setting aside a NOT ALLOWED finding opens where the policy is
 * "reason" (card: "ignore for this post", "not a problem", "don't check this box").
 */
export async function giveReason(page, reason = 'Cleared by the press office today') {
  await waitExists(page, '[data-cg-reason-dialog]');
  await page.focus('[data-cg-reason]');
  await page.type(reason, 0);
  await page.click('[data-cg-action="dismiss"]');
  await waitGone(page, '[data-cg-reason-dialog]');
}

export async function typeInto(page, selector, text, frame) {
  await page.focus(selector, frame);
  await page.type(text, 0);
}

/** Client rects of the first match of each selector (deep: ours are in shadow roots), plus the viewport. */
export async function rectsOf(page, selectors) {
  return page.evaluate(`(() => { const deep = ${DEEP};
    const out = {};
    for (const [name, sel] of Object.entries(${JSON.stringify(selectors)})) {
      const el = deep(sel);
      const r = el && el.getBoundingClientRect();
      out[name] = r ? { top: r.top, left: r.left, right: r.right, bottom: r.bottom } : null;
    }
    out.viewport = { width: document.documentElement.clientWidth, height: document.documentElement.clientHeight };
    return out; })()`);
}

const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/** The open card panel covers neither the box nor the post button, and is inside the viewport. */
export async function assertPanelClear(page, box, button) {
  // Let the panel settle (it is placed in requestAnimationFrame after scroll/resize).
  await page.waitFor(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true)))));
  const r = await rectsOf(page, { panel: '.panel', box, button });
  for (const k of ['panel', 'box', 'button']) if (!r[k]) throw new Error(`no ${k} on the page`);
  const detail = JSON.stringify(r);
  if (overlap(r.panel, r.box)) throw new Error(`the card covers the compose box: ${detail}`);
  if (overlap(r.panel, r.button)) throw new Error(`the card covers the post button: ${detail}`);
  const v = r.viewport;
  if (r.panel.top < 0 || r.panel.left < 0 || r.panel.bottom > v.height || r.panel.right > v.width) {
    throw new Error(`the card is not inside the viewport: ${detail}`);
  }
  return r;
}
