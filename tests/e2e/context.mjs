// The one browser + service + fake sites shared by every E2E suite file of a run
// (CG_BROWSER=chromium|firefox). Imported first by extension.e2e.mjs, so its hooks wrap all tests.
import { before, after } from 'node:test';
import { setup } from './helpers.mjs';
import { TOKEN_HEADER } from './service.mjs';

export const BROWSER = process.env.CG_BROWSER || 'chromium';
export const ctx = { env: null, browser: null };

before(async () => {
  ctx.env = await setup(BROWSER);
  ctx.browser = ctx.env.browser;
  console.log(`# ${BROWSER}: service ${ctx.env.service.kind} at ${ctx.env.service.url}, extension ${ctx.browser.extensionOrigin}`);
});
after(async () => { if (ctx.env) await ctx.env.teardown(); });

export const open = (url) => ctx.browser.newPage(url);

/** This user's token, as the tray and the CLI send it (pausing, counters). */
export const tokenHeaders = () => ({ [TOKEN_HEADER]: ctx.env.token });

/** GET /v1/status `today` of the real service (it takes the token). */
export async function today() {
  const r = await fetch(`${ctx.env.service.url}/v1/status`, { headers: tokenHeaders() });
  if (r.status !== 200) throw new Error(`GET /v1/status: ${r.status} ${await r.text()}`);
  return (await r.json()).today;
}

/** Poll the service's counters until `pred(today)` holds. */
export async function waitToday(pred, what, timeout = 8000) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await today();
    if (pred(last)) return last;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`service counters never showed ${what}: ${JSON.stringify(last && last.events)}`);
}

/** Send a message to the worker from an extension page (Chromium only), as the popup does. */
export function askWorker(message) {
  return ctx.browser.inExtension((m) => chrome.runtime.sendMessage(m), message);
}
