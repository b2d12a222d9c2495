// The DOM helpers (src/shared/dom.js) are one copy, loaded wherever something is drawn.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EXT, extensionScripts } from './load.mjs';

const DOM = 'src/shared/dom.js';
const manifest = JSON.parse(readFileSync(path.join(EXT, 'manifest.json'), 'utf8'));

const scripts = extensionScripts();

test('the DOM helpers are defined once, in src/shared/dom.js', () => {
  for (const name of ['h', 'tn', 'refNode', 'composedParent', 'composedContains']) {
    const where = scripts.filter(({ src }) => new RegExp(`CG\\.${name}\\s*=`).test(src)).map(({ file }) => file);
    assert.deepEqual(where, ['src/shared/dom.js'], name);
  }
  const pages = scripts.filter(({ src }) => /\btn\s*\(\s*key\b|function\s+tn\b|\btn\s*:/.test(src)).map(({ file }) => file);
  assert.deepEqual(pages, ['src/shared/dom.js']);
});

test('dom.js is loaded before what draws: content scripts, popup, options; not by the worker', () => {
  const js = manifest.content_scripts[0].js;
  const users = js.filter((f) => f !== DOM && /\bCG\.(h|tn|refNode|composedParent|composedContains)\(/.test(readFileSync(path.join(EXT, f), 'utf8')));
  assert.ok(users.length >= 3, users.join(' '));
  for (const f of users) assert.ok(js.indexOf(DOM) >= 0 && js.indexOf(DOM) < js.indexOf(f), f);
  for (const page of ['popup/popup.html', 'options/options.html']) {
    const html = readFileSync(path.join(EXT, page), 'utf8');
    const srcs = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => path.posix.normalize(path.posix.join(path.posix.dirname(page), m[1])));
    assert.ok(srcs.includes(DOM) && srcs.indexOf(DOM) < srcs.indexOf('src/shared/page_ui.js'), page);
  }
  assert.ok(!manifest.background.scripts.includes(DOM));
});


test('only dom.js walks up across shadow roots (a shadow root\'s host read anywhere else is a second copy)', () => {
  const walkers = scripts.filter(({ file, src }) => file !== DOM && /getRootNode\(\)\s*\.\s*host\b|\broot\.host\b|parentNode\.nodeType\s*!==\s*11/.test(src))
    .map(({ file }) => file);
  assert.deepEqual(walkers, []);
});
