import test from 'node:test';
import assert from 'node:assert/strict';
import { loadPure } from './load.mjs';
import { h } from './fake_dom.mjs';

const CG = loadPure();
const { adapterFor } = CG.adapters;

// DOM shapes copied from the real editors (trimmed).
const draft = () => h('div', { class: 'DraftEditor-root' }, h('div', { class: 'DraftEditor-editorContainer' },
  h('div', { class: 'notranslate public-DraftEditor-content', contenteditable: 'true', role: 'textbox' },
    h('div', { 'data-contents': 'true' },
      h('div', { 'data-block': 'true', 'data-offset-key': 'a-0-0' }, h('div', { class: 'public-DraftStyleDefault-block' },
        h('span', { 'data-offset-key': 'a-0-0' }, h('span', { 'data-text': 'true' }, 'Cabinet summary 🚨 F.No. 14/04')))),
      h('div', { 'data-block': 'true', 'data-offset-key': 'b-0-0' }, h('div', { class: 'public-DraftStyleDefault-block' },
        h('span', { 'data-offset-key': 'b-0-0' }, h('br', { 'data-text': 'true' })))),
      h('div', { 'data-block': 'true', 'data-offset-key': 'c-0-0' }, h('div', { class: 'public-DraftStyleDefault-block' },
        h('span', { 'data-offset-key': 'c-0-0' }, h('span', { 'data-text': 'true' }, 'next week'))))))));

const lexical = () => h('div', { contenteditable: 'true', 'data-lexical-editor': 'true', role: 'textbox' },
  h('p', { dir: 'ltr' }, h('span', { 'data-lexical-text': 'true' }, 'Eid Mubarak '), h('span', { 'data-lexical-text': 'true' }, '🌙')),
  h('p', {}, h('br')),
  h('p', { dir: 'ltr' }, h('span', { 'data-lexical-text': 'true' }, 'to all'), h('br'), h('span', { 'data-lexical-text': 'true' }, 'colleagues')));

const quill = () => h('div', { class: 'ql-editor', contenteditable: 'true' },
  h('p', {}, 'Hello ', h('span', { class: 'ql-cursor' }, '\uFEFF'), h('strong', {}, 'team')),
  h('p', {}, h('br')),
  h('p', {}, 'Bye'));

const prosemirror = () => h('div', { class: 'ProseMirror', contenteditable: 'true' },
  h('p', {}, 'First', h('img', { class: 'ProseMirror-separator' }), h('br', { class: 'ProseMirror-trailingBreak' })),
  h('p', {}, h('span', { class: 'ProseMirror-widget' }, 'placeholder'), 'Second'));

test('each editor gets its named adapter', () => {
  const d = draft().childNodes[0].childNodes[0];
  assert.equal(adapterFor(d).name, 'draftjs');
  assert.equal(adapterFor(lexical()).name, 'lexical');
  assert.equal(adapterFor(quill()).name, 'quill');
  assert.equal(adapterFor(prosemirror()).name, 'prosemirror');
  assert.equal(adapterFor(h('div', { contenteditable: 'true' })).name, 'contenteditable');
  assert.equal(adapterFor(h('textarea', { value: 'x' })).name, 'textarea');
  assert.equal(adapterFor(h('div', {})), null);
});

test('Draft.js: blocks joined by newlines, empty block kept, emoji intact', () => {
  const box = draft().childNodes[0].childNodes[0];
  assert.equal(adapterFor(box).readText(box), 'Cabinet summary 🚨 F.No. 14/04\n\nnext week');
});

test('Lexical: paragraphs, soft break, empty paragraph', () => {
  const box = lexical();
  assert.equal(adapterFor(box).readText(box), 'Eid Mubarak 🌙\n\nto all\ncolleagues');
});

test('Quill: the formatting cursor (U+FEFF) is not text', () => {
  const box = quill();
  assert.equal(adapterFor(box).readText(box), 'Hello team\n\nBye');
});

test('ProseMirror: trailing breaks, separators and widgets are not text', () => {
  const box = prosemirror();
  assert.equal(adapterFor(box).readText(box), 'First\nSecond');
});

test('finding spans (code points) land on the right DOM text across emoji', () => {
  const box = draft().childNodes[0].childNodes[0];
  const adapter = adapterFor(box);
  const snap = adapter.snapshot(box);
  // The service says: code points [18, 30) = "F.No. 14/04" after "Cabinet summary 🚨 ".
  const cpStart = [...snap.text].indexOf('F');
  const [[a, b]] = CG.textMap.codePointSpansToUtf16(snap.text, [[cpStart, cpStart + 11]]);
  const points = CG.textMap.rangePoints(snap, a, b);
  assert.equal(points.startNode.data.slice(points.startOffset, points.endOffset), 'F.No. 14/04');
});

test('reading is pure: the DOM is not touched', () => {
  const box = lexical();
  const before = JSON.stringify(box, (k, v) => (k === 'parentNode' ? undefined : v));
  adapterFor(box).readText(box);
  adapterFor(box).snapshot(box);
  assert.equal(JSON.stringify(box, (k, v) => (k === 'parentNode' ? undefined : v)), before);
});

test('textarea and input: the value is the text', () => {
  const ta = h('textarea', { value: 'a\nb 😀' });
  assert.equal(adapterFor(ta).readText(ta), 'a\nb 😀');
});
