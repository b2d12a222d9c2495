// The manifest, the worker entry, the locales and the managed schema agree with the code.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { EXT, loadPure, walk } from './load.mjs';

const CG = loadPure();
const manifest = JSON.parse(readFileSync(path.join(EXT, 'manifest.json'), 'utf8'));
const messages = JSON.parse(readFileSync(path.join(EXT, '_locales/en/messages.json'), 'utf8'));

test('one manifest for Chrome (service_worker) and Firefox (scripts, gecko id)', () => {
  assert.equal(manifest.manifest_version, 3);
  assert.ok(manifest.background.service_worker);
  assert.ok(Array.isArray(manifest.background.scripts));
  assert.equal(manifest.browser_specific_settings.gecko.id, 'conduct-guard@conduct-guard.org');
  assert.ok(manifest.browser_specific_settings.gecko.strict_min_version);
  assert.ok(manifest.key && manifest.key.length > 300, 'a fixed key for a stable extension id');
  assert.equal(manifest.storage.managed_schema, 'managed_schema.json');
  assert.ok(manifest.host_permissions.includes('http://127.0.0.1/*'));
  assert.ok(manifest.content_scripts[0].all_frames);
});

test('every file the manifest and the worker entry name exists, in the same order', () => {
  const files = [...manifest.content_scripts[0].js, ...manifest.background.scripts, manifest.background.service_worker,
    manifest.action.default_popup, manifest.options_ui.page, ...Object.values(manifest.icons)];
  for (const f of files) assert.ok(existsSync(path.join(EXT, f)), f);
  const sw = readFileSync(path.join(EXT, manifest.background.service_worker), 'utf8');
  const imported = [...sw.matchAll(/'([^']+\.js)'/g)].map((m) => path.normalize(path.join('src/background', m[1])));
  assert.deepEqual(imported, manifest.background.scripts.map((f) => path.normalize(f)));
});

test('the content scripts match exactly the default sites', () => {
  const hosts = manifest.content_scripts[0].matches.map((m) => m.replace(/^https:\/\/(\*\.)?/, '').replace(/\/\*$/, ''));
  assert.deepEqual(hosts.sort(), [...CG.settings.DEFAULT_SITES].sort());
});

test('every i18n key used in the code exists in _locales/en', () => {
  const used = new Set();
  for (const file of walk(EXT).filter((f) => /\.(js|html|json)$/.test(f) && !f.includes('_locales'))) {
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/\bt\('([a-z_]+)'/g)) used.add(m[1]);
    for (const m of src.matchAll(/data-i18n(?:-placeholder|-label)?="([a-z_]+)"/g)) used.add(m[1]);
    for (const m of src.matchAll(/__MSG_([a-z_]+)__/g)) used.add(m[1]);
  }
  for (const id of CG.CATEGORIES) used.add(`category_${id}`);
  for (const s of ['info', 'warn', 'block']) used.add(`severity_${s}`);
  for (const s of CG.STATES) used.add(`badge_label_${s}`);
  for (const e of CG.EVENTS) used.add(`options_counter_${e}`);
  const missing = [...used].filter((k) => !messages[k]);
  assert.deepEqual(missing, []);
});

test('the managed schema covers exactly the settings', () => {
  const schema = JSON.parse(readFileSync(path.join(EXT, 'managed_schema.json'), 'utf8'));
  assert.deepEqual(Object.keys(schema.properties).sort(), Object.keys(CG.settings.DEFAULTS).sort());
});

test('only the worker fetches; content scripts never do', () => {
  for (const f of manifest.content_scripts[0].js) {
    assert.doesNotMatch(readFileSync(path.join(EXT, f), 'utf8'), /\bfetch\(|XMLHttpRequest/, f);
  }
});
