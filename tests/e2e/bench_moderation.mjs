#!/usr/bin/env node
// Moderation assist benchmark in Chromium against the real service (not part of npm test):
//  1. a WhatsApp group with a history of --n messages (500): time from opening the chat to every
//     message checked (the panel's count of checked messages), and the marks it made;
//  2. content-script time: the extension's instrumented moderation handlers (observer, reading
//     the messages, panel) in total and per message, and for each of --arrivals new messages;
//  3. while the history is checked, the officer types a post: time from the last keystroke to
//     the compose box's verdict (their checks keep priority).
// Usage: node tests/e2e/bench_moderation.mjs [--n 500] [--arrivals 20]
import { setup, VIOLATING } from './helpers.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('n', 500);
const ARRIVALS = arg('arrivals', 20);
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const modTime = (samples, from = -Infinity) => samples.filter(([kind, at]) => kind.startsWith('moderation') && at >= from)
  .reduce((sum, [, , dur]) => sum + dur, 0);
const dump = (page) => page.evaluate(() => {
  document.dispatchEvent(new Event('cg-perf-dump'));
  return JSON.parse(document.documentElement.getAttribute('data-cg-perf'));
});
const checkedCount = (page) => page.evaluate(`(() => { const h = document.querySelector('[data-cg-mod-panel]');
  const s = h && h.shadowRoot.querySelector('[role=status]'); const m = s && /(\\d+)/.exec(s.textContent); return m ? Number(m[1]) : 0; })()`);

const env = await setup('chromium');
console.log(`service: ${env.service.kind} at ${env.service.url}`);
try {
  await env.browser.inExtension((s) => chrome.storage.sync.set({ 'cg.settings': s }),
    { serviceUrl: env.service.url, moderationTargets: { 'web.whatsapp.com': ['District Officers Lahore'] } });
  const opened = Date.now();
  const page = await env.browser.newPage(`https://web.whatsapp.com/?fixture=whatsapp_group&n=${N}`);
  // 3. the officer types while the history is being checked
  const box = '[data-lexical-editor]';
  await page.waitFor(() => !!document.querySelector('[data-lexical-editor][data-cg-state]'), undefined, 10000);
  await page.focus(box);
  await page.type(VIOLATING, 0);
  const typed = Date.now();
  await page.waitFor(() => /^(warn|block)$/.test(document.querySelector('[data-lexical-editor]').getAttribute('data-cg-state')), undefined, 20000);
  const composeMs = Date.now() - typed;
  // 1. the whole history checked
  while (await checkedCount(page) < N) {
    if (Date.now() - opened > 120000) throw new Error(`only ${await checkedCount(page)} of ${N} checked after 120 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const historyMs = Date.now() - opened;
  const marks = await page.evaluate(() => document.querySelectorAll('[data-cg-mod]').length);
  const perf = await dump(page);
  const total = modTime(perf.samples);
  console.log(`history of ${N} messages: all checked ${(historyMs / 1000).toFixed(2)} s after opening the chat, ${marks} marked`);
  console.log(`content-script time for moderation: ${total.toFixed(1)} ms in all, ${(total / N).toFixed(3)} ms per message`);
  console.log(`compose box typed during the history check: verdict ${composeMs} ms after the last keystroke`);
  // 2. new messages, one at a time
  const perArrival = [];
  for (let i = 0; i < ARRIVALS; i += 1) {
    const at = await page.evaluate(() => performance.now());
    await page.evaluate((k) => window.__addIncoming(`Good evening all, item ${k} is on tomorrow's agenda.`), i);
    while (await checkedCount(page) < N + i + 1) await new Promise((r) => setTimeout(r, 20));
    perArrival.push(modTime((await dump(page)).samples, at));
  }
  console.log(`a new message: content-script time p50 ${pct(perArrival, 50).toFixed(3)} ms, p95 ${pct(perArrival, 95).toFixed(3)} ms, `
    + `max ${Math.max(...perArrival).toFixed(3)} ms (observer, reading, panel redraw)`);
  await page.close();
} finally {
  await env.teardown();
}
