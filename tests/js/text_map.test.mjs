import test from 'node:test';
import assert from 'node:assert/strict';
import { loadPure } from './load.mjs';
import { h } from './fake_dom.mjs';

const CG = loadPure();
const { codePointSpansToUtf16, capText, snapshotDom, rangePoints, codePointLength } = CG.textMap;

test('code-point spans map to UTF-16 around emoji and combining marks', () => {
  const s = 'Eid 🌙 Mubarak 👨‍👩‍👧 to all';
  // Python: s.index('Mubarak') counts code points; the crescent moon is 1 code point, 2 units.
  const cpStart = [...s].indexOf('M');
  const [[a, b]] = codePointSpansToUtf16(s, [[cpStart, cpStart + 7]]);
  assert.equal(s.slice(a, b), 'Mubarak');
  const cpTo = [...s].join('').length; // sanity
  assert.ok(cpTo > 0);
  const toStart = [...s].length - 6;
  const [[c, d]] = codePointSpansToUtf16(s, [[toStart, [...s].length]]);
  assert.equal(s.slice(c, d), 'to all');
});

test('spans are clamped and empty ones dropped', () => {
  assert.deepEqual(codePointSpansToUtf16('abc', [[1, 99], [2, 2], [-5, 1], 'x']), [[1, 3], [0, 1]]);
});

test('Urdu, Hindi and Bangla text keep offsets (BMP: code points = code units)', () => {
  const s = 'یہ خفیہ ہے। यह गोपनीय है। এটা গোপন';
  assert.equal(codePointLength(s), s.length);
  assert.deepEqual(codePointSpansToUtf16(s, [[3, 7]]), [[3, 7]]);
});

test('capText cuts at a code point boundary, never inside a surrogate pair', () => {
  const s = '😀'.repeat(10);
  const { text, truncated } = capText(s, 3);
  assert.equal(text, '😀😀😀');
  assert.equal(truncated, true);
  assert.deepEqual(capText('short', 20000), { text: 'short', truncated: false });
  assert.equal(capText('a'.repeat(20001), 20000).text.length, 20000);
});

test('snapshot of blocks and line breaks, with node mapping', () => {
  const root = h('div', { contenteditable: 'true' },
    h('p', {}, 'Hello ', h('b', {}, 'world')),
    h('p', {}, h('br')),
    h('p', {}, 'line', h('br'), 'two'));
  const snap = snapshotDom(root);
  assert.equal(snap.text, 'Hello world\n\nline\ntwo');
  const at = snap.text.indexOf('world');
  const points = rangePoints(snap, at, at + 5);
  assert.equal(points.startNode.data, 'world');
  assert.equal(points.startOffset, 0);
  assert.equal(points.endOffset, 5);
  // A span that starts on a synthetic newline snaps to the next text node.
  const nl = snap.text.indexOf('\n');
  const p2 = rangePoints(snap, nl, nl + 3);
  assert.equal(p2.startNode.data, 'line');
});

test('nested block wrappers do not double line breaks', () => {
  const root = h('div', {}, h('div', {}, h('div', {}, 'a')), h('div', {}, h('div', {}, 'b')));
  assert.equal(snapshotDom(root).text, 'a\nb');
});

test('a range across several text nodes', () => {
  const root = h('div', {}, h('p', {}, 'Sharing the ', h('span', {}, 'draft'), ' summary.'), h('p', {}, 'Next'));
  const snap = snapshotDom(root);
  const p = rangePoints(snap, 8, snap.text.indexOf('summary') + 7);
  assert.equal(p.startNode.data, 'Sharing the ');
  assert.equal(p.startOffset, 8);
  assert.equal(p.endNode.data, ' summary.');
  assert.equal(p.endOffset, 8);
});
