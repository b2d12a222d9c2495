#!/usr/bin/env node
// Typing-path benchmark in Chromium (not part of npm test):
//  1. content-script time per keystroke (p50/p95) while typing into the Draft.js-like and the
//     textarea pages: the sum of the extension's instrumented handlers (input/mutation observers,
//     discovery, keydown/click interceptors) between one keystroke and the next;
//  2. last keystroke -> warning shown (badge in warn/block, after its animation frame), including
//     the debounce, against the real service (CG_E2E_SERVICE=stub for the stand-in).
// Usage: node tests/e2e/bench_typing.mjs [--keys 300] [--runs 8]
import { setup, VIOLATING } from './helpers.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const KEYS = arg('keys', 300);
const RUNS = arg('runs', 8);
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (ms) => `${ms.toFixed(3)} ms`;

const env = await setup('chromium');
console.log(`service: ${env.service.kind} at ${env.service.url}`);
try {
  for (const [url, box] of [['https://x.com/', '[data-testid="tweetTextarea_0"]'], ['https://www.reddit.com/', 'textarea']]) {
    const page = await env.browser.newPage(url);
    await page.waitFor(new Function(`return !!document.querySelector('${box.replace(/'/g, "\\'")}[data-cg-state]')`), undefined, 10000);
    // Keystroke times in the page (same performance clock as the content script's samples).
    await page.evaluate(() => {
      window.__keys = [];
      document.addEventListener('keydown', () => window.__keys.push(performance.now()), true);
      document.dispatchEvent(new Event('cg-perf-reset'));
    });
    await page.focus(box);
    const text = (VIOLATING + ' ').repeat(Math.ceil(KEYS / VIOLATING.length)).slice(0, KEYS);
    await page.type(text, 15);
    await new Promise((r) => setTimeout(r, 800)); // let the last discovery pass and check finish
    const data = await page.evaluate(() => {
      document.dispatchEvent(new Event('cg-perf-dump'));
      return { perf: JSON.parse(document.documentElement.getAttribute('data-cg-perf')), keys: window.__keys };
    });
    const keys = data.keys;
    const perKey = keys.map((t, i) => {
      const end = i + 1 < keys.length ? keys[i + 1] : Infinity;
      return data.perf.samples.filter(([, at]) => at >= t && at < end).reduce((sum, [, , dur]) => sum + dur, 0);
    });
    const kinds = {};
    for (const [kind, , dur] of data.perf.samples) kinds[kind] = (kinds[kind] || 0) + dur;
    console.log(`${url}  ${keys.length} keystrokes: content-script time per keystroke p50 ${fmt(pct(perKey, 50))}, `
      + `p95 ${fmt(pct(perKey, 95))}, max ${fmt(Math.max(...perKey))}; totals by handler (ms): `
      + Object.entries(kinds).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', '));
    await page.close();
  }

  // Last keystroke -> warning shown.
  const latencies = [];
  const page = await env.browser.newPage('https://x.com/');
  const box = '[data-testid="tweetTextarea_0"]';
  await page.waitFor(() => !!document.querySelector('[data-cg-state]'), undefined, 10000);
  for (let run = 0; run < RUNS; run += 1) {
    await page.evaluate(() => {
      window.__posts.length = 0;
      const el = document.querySelector('[data-testid="tweetTextarea_0"]');
      window.__shownAt = 0;
      window.__lastKey = 0;
      document.addEventListener('keydown', () => { window.__lastKey = performance.now(); }, true);
      new MutationObserver((records, obs) => {
        const s = el.getAttribute('data-cg-state');
        if (s === 'warn' || s === 'block') {
          requestAnimationFrame(() => { window.__shownAt = performance.now(); });
          obs.disconnect();
        }
      }).observe(el, { attributes: true, attributeFilter: ['data-cg-state'] });
    });
    await page.focus(box);
    // A different text each run so the cache does not answer.
    await page.type(`${VIOLATING} (${run + 1})`, 15);
    const ms = await page.waitFor(() => (window.__shownAt ? window.__shownAt - window.__lastKey : 0), undefined, 15000);
    latencies.push(ms);
    // Clear the box through the site (post anyway) for the next run.
    await page.evaluate(() => document.querySelector('[data-testid="tweetButton"]').click());
    await page.waitFor(() => !!document.querySelector('[data-cg-dialog]'), undefined, 5000).catch(() => {});
    await page.evaluate(() => {
      const host = document.querySelector('[data-cg-dialog]');
      if (!host) return;
      const reason = host.shadowRoot.querySelector('[data-cg-reason]');
      if (reason) { reason.value = 'benchmark'; reason.dispatchEvent(new Event('input')); }
      host.shadowRoot.querySelector('[data-cg-action="post-anyway"]').click();
    });
    await page.waitFor(() => window.__posts.length === 1, undefined, 5000);
    await new Promise((r) => setTimeout(r, 500));
  }
  console.log(`last keystroke -> warning shown (debounce 350 ms included), ${RUNS} runs: `
    + `p50 ${pct(latencies, 50).toFixed(0)} ms, p95 ${pct(latencies, 95).toFixed(0)} ms, `
    + `min ${Math.min(...latencies).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms`);
} finally {
  await env.teardown();
}
