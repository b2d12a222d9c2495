// One client sends every message (src/shared/client.js): the drift checks that keep it so, and
// what a sender gets back when nobody answers.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EXT, loadPure, loadScripts, extensionScripts } from './load.mjs';

const CG = loadPure();
loadScripts('src/shared/client.js');
const CLIENT = 'src/shared/client.js';
const manifest = JSON.parse(readFileSync(path.join(EXT, 'manifest.json'), 'utf8'));

const scripts = extensionScripts();

test('only src/shared/client.js calls runtime.sendMessage or tabs.sendMessage', () => {
  assert.ok(scripts.length > 20, 'the scripts were found');
  const offenders = scripts.filter(({ file, src }) => file !== CLIENT && /\b(runtime|tabs)\s*\.\s*sendMessage\b/.test(src))
    .map(({ file }) => file);
  assert.deepEqual(offenders, []);
  const own = scripts.find(({ file }) => file === CLIENT).src;
  assert.match(own, /runtime\.sendMessage\(/);
  assert.match(own, /tabs\.sendMessage\(/);
});

test('every message sent is a client method made from a CG.MSG kind, and every kind is sent', () => {
  const methods = new Map(Object.keys(CG.MSG).map((key) => [CG.clientMethodName(key), key]));
  assert.equal(methods.get('checkText'), 'CHECK_TEXT');
  assert.equal(methods.get('getModTarget'), 'GET_MOD_TARGET');
  assert.deepEqual(Object.keys(CG.client).sort(), [...methods.keys()].sort());
  const sent = new Set();
  for (const { file, src } of scripts.filter(({ file }) => file !== CLIENT)) {
    // CG.client is always called as itself (no alias that a search would miss).
    assert.doesNotMatch(src, /=\s*CG\.client\b(?!\.)|\{[^}]*\}\s*=\s*CG\.client\b/, `${file}: CG.client aliased`);
    // ... nor handed on uncalled (.then(CG.client.checkText) would hide who sends it).
    assert.doesNotMatch(src, /\bCG\.client\.\w+\b(?!\s*\()/, `${file}: CG.client used without a call`);
    for (const m of src.matchAll(/\bCG\.client\.(\w+)/g)) {
      assert.ok(methods.has(m[1]), `${file}: CG.client.${m[1]} is no CG.MSG kind`);
      sent.add(methods.get(m[1]));
    }
    // No message is put together by hand: {kind: ...} objects are the client's alone.
    assert.doesNotMatch(src, /\{\s*kind\s*:\s*(CG\.MSG|['"]cg\/)/, `${file}: a message built outside the client`);
  }
  // protocol.js lists no kind that nobody sends.
  assert.deepEqual([...methods.values()].filter((k) => !sent.has(k)), []);
  // Every kind is a 'cg/...' string, each its own.
  const values = Object.values(CG.MSG);
  assert.ok(values.every((v) => /^cg\/[a-z-]+$/.test(v)), values.join(' '));
  assert.equal(new Set(values).size, values.length);
});

test('the client is loaded before every sender: content scripts, popup, options', () => {
  const js = manifest.content_scripts[0].js;
  const senders = js.filter((f) => f !== CLIENT && /\bCG\.client\./.test(readFileSync(path.join(EXT, f), 'utf8')));
  assert.ok(senders.length >= 2, senders.join(' '));
  for (const f of senders) assert.ok(js.indexOf(CLIENT) >= 0 && js.indexOf(CLIENT) < js.indexOf(f), f);
  for (const page of ['popup/popup.html', 'options/options.html']) {
    const html = readFileSync(path.join(EXT, page), 'utf8');
    const srcs = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => path.posix.normalize(path.posix.join(path.posix.dirname(page), m[1])));
    for (const needed of ['src/shared/namespace.js', 'src/shared/protocol.js', CLIENT]) {
      assert.ok(srcs.includes(needed), `${page} loads ${needed}`);
      assert.ok(srcs.indexOf(needed) < srcs.length - 1, `${page}: ${needed} before the page's own script`);
    }
  }
  // The worker answers; it sends no message.
  assert.ok(!manifest.background.scripts.includes(CLIENT));
});

test('every onMessage listener is added at top level, never later in a callback', () => {
  const listeners = scripts.flatMap(({ file, src }) => src.split('\n')
    .filter((line) => /\.onMessage\s*\.\s*addListener\(/.test(line)).map((line) => [file, line]));
  assert.ok(listeners.length >= 2, 'the worker and moderation assist listen');
  for (const [file, line] of listeners) assert.match(line, /^  \S/, `${file}: ${line.trim()}`);
});

test('a method: the reply as it came; none, or a failure, is {ok: false, error}', async () => {
  const sent = [];
  let answer = async () => ({ ok: true, x: 1 });
  CG.api = {
    runtime: { sendMessage: (m) => { sent.push(m); return answer(); } },
    tabs: { sendMessage: (id, m, opts) => { sent.push([id, m, opts]); return answer(); } },
  };
  assert.deepEqual(await CG.client.getConfig(), { ok: true, x: 1 });
  assert.deepEqual(sent.pop(), { kind: 'cg/get-config' });
  await CG.client.checkText({ text: 'a', site: 'x.com' });
  assert.deepEqual(sent.pop(), { kind: 'cg/check-text', text: 'a', site: 'x.com' });
  answer = async () => ({ ok: false, offline: true });
  assert.deepEqual(await CG.client.checkText({ text: 'a' }), { ok: false, offline: true });
  answer = async () => undefined; // no listener answered
  assert.deepEqual(await CG.client.getStatus(), { ok: false, error: 'no_reply' });
  answer = async () => { throw new Error('Could not establish connection. Receiving end does not exist.'); };
  const rejected = await CG.client.getStatus();
  assert.equal(rejected.ok, false);
  assert.match(rejected.error, /Receiving end/);
  answer = () => { throw new Error('Extension context invalidated.'); }; // thrown, not rejected
  assert.deepEqual(await CG.client.getStatus(), { ok: false, error: 'Extension context invalidated.' });
  answer = async () => ({ ok: true, target: null, on: false });
  assert.deepEqual(await CG.client.getModTarget(7), { ok: true, target: null, on: false });
  assert.deepEqual(sent.pop(), [7, { kind: 'cg/get-mod-target' }, { frameId: 0 }]);
  answer = async () => { throw new Error('no content script'); };
  assert.equal((await CG.client.getModTarget(7)).ok, false);
});

test('an injected transport gets the same messages (no browser needed)', async () => {
  const log = [];
  const client = CG.makeClient({
    toWorker: async (m) => { log.push(['worker', m]); return { ok: true }; },
    toTab: async (id, m) => { log.push(['tab', id, m]); return { ok: true }; },
  });
  await client.recordEvent({ event: 'override', categories: ['privacy'], site: 'x.com' });
  await client.getModTarget(3);
  assert.deepEqual(log, [
    ['worker', { kind: 'cg/record-event', event: 'override', categories: ['privacy'], site: 'x.com' }],
    ['tab', 3, { kind: 'cg/get-mod-target' }],
  ]);
  assert.ok(Object.isFrozen(client));
});
