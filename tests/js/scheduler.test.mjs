import test from 'node:test';
import assert from 'node:assert/strict';
import { loadPure } from './load.mjs';

const CG = loadPure();

/** Fake timers + a controllable service. */
function rig({ debounceMs = 350, text = 'hello' } = {}) {
  let now = 0;
  let seq = 0;
  const timers = new Map();
  const fakeTimers = {
    setTimeout(fn, ms) { seq += 1; timers.set(seq, { at: now + ms, fn }); return seq; },
    clearTimeout(id) { timers.delete(id); },
  };
  const sent = [];
  const pending = [];
  const states = [];
  const results = [];
  const r = {
    text,
    sent, states, results,
    scheduler: null,
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
        await flushMicrotasks();
      }
      now = end;
    },
    async answer(outcome) {
      pending.shift()(outcome);
      await flushMicrotasks();
    },
    pendingCount: () => pending.length,
  };
  r.scheduler = new CG.CheckScheduler({
    debounceMs,
    readText: () => r.text,
    send: (t) => { sent.push(t); return new Promise((resolve) => pending.push(resolve)); },
    onState: (s) => states.push(s),
    onResult: (t, res) => results.push([t, res.verdict]),
    timers: fakeTimers,
  });
  return r;
}
const flushMicrotasks = () => new Promise((r) => setImmediate(r));
const warn = { result: { verdict: 'warn', findings: [{ category: 'privacy', severity: 'warn' }] } };
const ok = { result: { verdict: 'ok', findings: [] } };

test('debounce extends on input: one request after the typing pauses', async () => {
  const r = rig();
  for (let i = 0; i < 5; i += 1) {
    r.scheduler.notifyInput();
    await r.advance(200);
  }
  assert.equal(r.sent.length, 0);
  await r.advance(200);
  assert.deepEqual(r.sent, ['hello']);
  assert.deepEqual(r.states, ['checking']);
});

test('one request in flight; input meanwhile sets dirty and the newer text follows', async () => {
  const r = rig();
  r.scheduler.notifyInput();
  await r.advance(350);
  assert.equal(r.pendingCount(), 1);
  r.text = 'hello world';
  r.scheduler.notifyInput();
  await r.advance(350); // timer fires while the first is in flight -> dirty, no 2nd request
  assert.equal(r.sent.length, 1);
  await r.answer(ok); // stale answer: not rendered, newer text sent at once (next task)
  assert.deepEqual(r.results, []);
  await r.advance(0);
  assert.deepEqual(r.sent, ['hello', 'hello world']);
  await r.answer(warn);
  assert.deepEqual(r.results, [['hello world', 'warn']]);
});

test('results are cached by text', async () => {
  const r = rig();
  r.scheduler.notifyInput();
  await r.advance(350);
  await r.answer(warn);
  r.text = 'other';
  r.scheduler.notifyInput();
  await r.advance(350);
  await r.answer(ok);
  r.text = 'hello'; // undo back
  r.scheduler.notifyInput();
  await r.advance(350);
  assert.equal(r.sent.length, 2);
  assert.deepEqual(r.results.at(-1), ['hello', 'warn']);
});

test('empty text is ok without asking the service', async () => {
  const r = rig({ text: '   ' });
  r.scheduler.notifyInput();
  await r.advance(350);
  assert.equal(r.sent.length, 0);
  assert.deepEqual(r.results, [['   ', 'ok']]);
});

test('offline: state offline, retries with backoff, recovers by itself', async () => {
  const r = rig();
  r.scheduler.notifyInput();
  await r.advance(350);
  await r.answer({ offline: true });
  assert.equal(r.states.at(-1), 'offline');
  await r.advance(1999);
  assert.equal(r.sent.length, 1);
  await r.advance(1);
  assert.equal(r.sent.length, 2); // retried after 2 s
  await r.answer({ offline: true });
  await r.advance(3999);
  assert.equal(r.sent.length, 2);
  await r.advance(1);
  assert.equal(r.sent.length, 3); // then after 4 s
  await r.answer(warn);
  assert.deepEqual(r.results, [['hello', 'warn']]);
});

test('flush checks at once and resolves with the outcome', async () => {
  const r = rig();
  r.scheduler.notifyInput();
  const p = r.scheduler.flush();
  await r.advance(0);
  assert.equal(r.sent.length, 1);
  await r.answer(warn);
  assert.equal((await p).result.verdict, 'warn');
  // Nothing new typed: flush answers from the last outcome.
  assert.equal((await r.scheduler.flush()).result.verdict, 'warn');
});

test('the length cap: never more than the service limit is sent', async () => {
  const r = rig({ text: 'x'.repeat(25000) });
  r.scheduler.notifyInput();
  await r.advance(350);
  assert.equal(r.sent[0].length, 20000);
});

test('a keystroke is cheap: notifyInput does no reading and no sending', () => {
  let reads = 0;
  const s = new CG.CheckScheduler({ debounceMs: 350, readText: () => { reads += 1; return 'x'; }, send: async () => ok,
    timers: { setTimeout: () => 1, clearTimeout: () => {} } });
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 10000; i += 1) s.notifyInput();
  const perCallUs = Number(process.hrtime.bigint() - t0) / 1e3 / 10000;
  assert.equal(reads, 0);
  assert.ok(perCallUs < 50, `notifyInput took ${perCallUs} µs`);
});
