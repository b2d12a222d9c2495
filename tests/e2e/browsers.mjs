// One small driver interface over Playwright (Chromium) and Puppeteer/WebDriver BiDi (Firefox),
// so the same tests run in both. Everything is done like a user: real key presses and clicks.
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { homeEnv } from './service.mjs';

export const EXT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../extension');
export const CHROME_EXTENSION_ID = 'gimofbgcmiikbofmepaaikmlgcafbghm'; // from the manifest key
const FIREFOX_UUID = '5c7a0f2e-3b1d-4c6e-9a8f-0c0d0e0f1a2b'; // pinned via extensions.webextensions.uuids
const GECKO_ID = 'conduct-guard@conduct-guard.org';

export const BINARIES = {
  chromium: process.env.CG_CHROMIUM || '/usr/bin/chromium',
  firefox: process.env.CG_FIREFOX || '/usr/bin/firefox-esr',
};

export function browserAvailable(name) {
  return existsSync(BINARIES[name]);
}

// Runs in the page: find the first element matching `selector` in the document or any open
// shadow root (ours included), optionally only inside elements matching `within`.
export const DEEP_QUERY = `(function deepQuery(selector) {
  const roots = [document];
  while (roots.length) {
    const root = roots.shift();
    const hit = root.querySelector(selector);
    if (hit) return hit;
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
  }
  return null;
})`;

function wrapPage(kind, page) {
  // A mouse click inside an iframe makes puppeteer locate the <iframe> element through
  // browsingContext.locateNodes with a "context" locator, which Firefox ESR 140 refuses; there the
  // element gets a DOM click and focus instead (what the extension reacts to is the same focus and
  // input events; the pointer position does not matter to it).
  const clickIn = async (el, frameUrlPart) => {
    if (kind === 'firefox' && frameUrlPart) await el.evaluate((node) => { node.focus(); node.click(); });
    else await el.click();
  };
  const frameOf = (frameUrlPart) => (frameUrlPart ? page.frames().find((f) => f.url().includes(frameUrlPart)) : page.mainFrame());
  const api = {
    raw: page,
    async goto(url) {
      await page.goto(url, { waitUntil: 'load' });
    },
    async evaluate(fn, arg, frameUrlPart) {
      return frameOf(frameUrlPart).evaluate(fn, arg);
    },
    /** Wait until fn(arg) is truthy in the page; returns its value. */
    async waitFor(fn, arg, timeout = 10000, frameUrlPart) {
      const frame = frameOf(frameUrlPart);
      const handle = kind === 'chromium'
        ? await frame.waitForFunction(fn, arg, { timeout, polling: 50 })
        : await frame.waitForFunction(fn, { timeout, polling: 50 }, arg);
      return handle.jsonValue();
    },
    async deepHandle(selector, frameUrlPart) {
      const frame = frameOf(frameUrlPart);
      const handle = await frame.evaluateHandle(`${DEEP_QUERY}(${JSON.stringify(selector)})`);
      const el = handle.asElement();
      if (!el) throw new Error(`no element for ${selector}`);
      return el;
    },
    async click(selector, frameUrlPart) {
      const el = await api.deepHandle(selector, frameUrlPart);
      await clickIn(el, frameUrlPart);
    },
    async focus(selector, frameUrlPart) {
      const el = await api.deepHandle(selector, frameUrlPart);
      await clickIn(el, frameUrlPart);
      await el.evaluate((node) => node.focus());
    },
    async type(text, delay = 5) {
      await page.keyboard.type(text, { delay });
    },
    /** "Enter", "Control+Enter", "Shift+Enter" */
    async press(combo) {
      const keys = combo.split('+');
      const key = keys.pop();
      for (const k of keys) await page.keyboard.down(k);
      await page.keyboard.press(key);
      for (const k of keys.reverse()) await page.keyboard.up(k);
    },
    async screenshot(file) {
      await page.screenshot({ path: file });
    },
    async setViewport(width, height) {
      if (kind === 'chromium') return page.setViewportSize({ width, height });
      try {
        await page.setViewport({ width, height });
      } catch (error) {
        // puppeteer sends browsingContext.setViewport together with
        // emulation.setScreenOrientationOverride, which Firefox ESR 140 does not know ("unknown
        // command"); the viewport itself is set. Accept that error only when the size took.
        const size = await page.evaluate(() => [window.innerWidth, window.innerHeight]);
        if (!/unknown command|setScreenOrientationOverride/i.test(String(error)) || size[0] !== width) throw error;
      }
    },
    async close() {
      await page.close();
    },
  };
  return api;
}

/**
 * A browser that sees `policy` (the 3rdparty settings for our extension, i.e. its
 * storage.managed) at the real machine path, in a private mount namespace (this browser only;
 * nothing is written to /etc): Chromium's /etc/chromium/policies/managed/*.json, Firefox's
 * /etc/firefox/policies/policies.json. Needs root and unshare; returns null where that is not possible.
 */
function policyWrapper(dir, policy, browser = 'chromium') {
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/unshare')) return null;
  const policyDir = path.join(dir, 'policies');
  mkdirSync(policyDir);
  const [target, file, body] = browser === 'firefox'
    ? ['/etc/firefox/policies', 'policies.json', { policies: { '3rdparty': { Extensions: { [GECKO_ID]: policy } } } }]
    : ['/etc/chromium/policies/managed', 'conduct-guard.json', { '3rdparty': { extensions: { [CHROME_EXTENSION_ID]: policy } } }];
  writeFileSync(path.join(policyDir, file), JSON.stringify(body));
  const wrapper = path.join(dir, `${browser}-with-policy.sh`);
  writeFileSync(wrapper, `#!/bin/sh
exec /usr/bin/unshare --mount --propagation private /bin/sh -c 'mkdir -p ${target} && mount --bind "$0" ${target} && exec "$@"' "${policyDir}" "${BINARIES[browser]}" "$@"
`);
  chmodSync(wrapper, 0o755);
  return wrapper;
}

/**
 * The run's home (helpers.setup: `conduct-guard setup` ran there), unless `nativeHost` is false:
 * a browser without the native messaging host, as on a machine where setup never ran.
 * -> {home, env} or null.
 */
function runHome(nativeHost) {
  const home = process.env.CG_E2E_HOME;
  if (nativeHost === false || !home) return null;
  return { home, env: homeEnv(home) };
}

export function canUsePolicy() {
  return process.getuid?.() === 0 && existsSync('/usr/bin/unshare');
}

/**
 * Chromium. `lang` (e.g. 'ur') starts it with that UI language (--lang, and LANGUAGE for Linux
 * builds that read it), as an officer's browser set to Urdu would be; the locale's .pak must be
 * installed (Debian: chromium-l10n), else Chromium stays in English.
 */
export async function launchChromium({ proxyPort, policy, lang, nativeHost }) {
  const { chromium } = await import('playwright-core');
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'cg-chromium-'));
  const run = runHome(nativeHost);
  if (run) {
    // Chromium reads a user's native messaging hosts from <user data dir>/NativeMessagingHosts,
    // which is ~/.config/chromium/NativeMessagingHosts for the default profile: where setup wrote it
    cpSync(path.join(run.home, '.config/chromium/NativeMessagingHosts'), path.join(userDataDir, 'NativeMessagingHosts'), { recursive: true });
  }
  const env = { ...(run ? run.env : process.env), ...(lang ? { LANGUAGE: lang, LANG: `${lang}.UTF-8` } : {}) };
  const wrapperDir = policy ? mkdtempSync(path.join(tmpdir(), 'cg-policy-')) : null;
  const executablePath = policy ? policyWrapper(wrapperDir, policy) : BINARIES.chromium;
  if (!executablePath) throw new Error('a Chromium machine policy needs root and unshare');
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    ignoreHTTPSErrors: true,
    viewport: { width: 1100, height: 760 },
    args: [
      `--disable-extensions-except=${EXT}`,
      `--load-extension=${EXT}`,
      '--headless=new',
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--ignore-certificate-errors',
      // Every https host goes to the fake sites; loopback (the service) is never proxied.
      `--proxy-server=http://127.0.0.1:${proxyPort}`,
      ...(lang ? [`--lang=${lang}`] : []),
    ],
    env,
  });
  let worker = context.serviceWorkers()[0];
  if (!worker) worker = await context.waitForEvent('serviceworker', { timeout: 15000 });
  const extensionOrigin = worker.url().split('/').slice(0, 3).join('/'); // URL.origin is 'null' for this scheme
  const driver = {
    name: 'chromium',
    raw: context,
    extensionOrigin,
    async newPage(url) {
      const page = wrapPage('chromium', await context.newPage());
      if (url) await page.goto(url);
      return page;
    },
    /** Run fn(arg) in an extension page (options page), where chrome.* is available. */
    async inExtension(fn, arg) {
      const page = await context.newPage();
      await page.goto(`${extensionOrigin}/options/options.html`);
      const out = await page.evaluate(fn, arg);
      await page.close();
      return out;
    },
    /** Resolves with the URL of the next tab opened whose URL contains `part`. */
    async waitForTab(part, timeout = 8000) {
      const page = await context.waitForEvent('page', { predicate: (p) => p.url().includes(part), timeout });
      return { url: page.url(), page: wrapPage('chromium', page) };
    },
    /** Everything the extension keeps in storage.local/sync/session. */
    storage() {
      return driver.inExtension(async () => ({
        local: await chrome.storage.local.get(null),
        sync: await chrome.storage.sync.get(null),
        session: await chrome.storage.session.get(null),
      }));
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
      if (wrapperDir) rmSync(wrapperDir, { recursive: true, force: true });
    },
  };
  return driver;
}

export async function launchFirefox({ proxyPort, policy, nativeHost }) {
  const puppeteer = (await import('puppeteer-core')).default;
  // Firefox reads a user's native messaging hosts from ~/.mozilla/native-messaging-hosts
  const run = runHome(nativeHost);
  const wrapperDir = policy ? mkdtempSync(path.join(tmpdir(), 'cg-policy-')) : null;
  const executablePath = policy ? policyWrapper(wrapperDir, policy, 'firefox') : BINARIES.firefox;
  if (!executablePath) throw new Error('a Firefox machine policy needs root and unshare');
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: true,
    env: run ? run.env : process.env,
    acceptInsecureCerts: true,
    defaultViewport: { width: 1100, height: 760 },
    extraPrefsFirefox: {
      // Every https host goes to the fake sites through our CONNECT proxy; loopback stays direct.
      'network.proxy.type': 1,
      'network.proxy.ssl': '127.0.0.1',
      'network.proxy.ssl_port': proxyPort,
      'network.proxy.allow_hijacking_localhost': false,
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_UUID }),
      'xpinstall.signatures.required': false,
      'extensions.manifestV3.enabled': true,
    },
  });
  await browser.installExtension(EXT);
  const extensionOrigin = `moz-extension://${FIREFOX_UUID}`;
  const driver = {
    name: 'firefox',
    raw: browser,
    extensionOrigin,
    async newPage(url) {
      const page = wrapPage('firefox', await browser.newPage());
      if (url) await page.goto(url);
      return page;
    },
    async inExtension(fn, arg) {
      const page = await browser.newPage();
      await page.goto(`${extensionOrigin}/options/options.html`);
      const out = await page.evaluate(fn, arg);
      await page.close();
      return out;
    },
    storage: null, // WebDriver BiDi cannot open moz-extension:// pages
    async close() {
      await browser.close();
      if (wrapperDir) rmSync(wrapperDir, { recursive: true, force: true });
    },
  };
  return driver;
}

export async function launch(name, opts) {
  return name === 'firefox' ? launchFirefox(opts) : launchChromium(opts);
}
