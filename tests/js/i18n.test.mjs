// Every message key used in extension/ exists in _locales/en/messages.json, and every key there is used.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { EXT, loadPure } from './load.mjs';

const CG = loadPure();
const messages = JSON.parse(readFileSync(path.join(EXT, '_locales/en/messages.json'), 'utf8'));

function walk(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** Keys named literally in the code, plus those built from a prefix and a list of known ids. */
function usedKeys() {
  const used = new Map(); // key -> first file
  const add = (k, f) => { if (!used.has(k)) used.set(k, path.relative(EXT, f)); };
  const dynamic = new Set();
  for (const file of walk(EXT).filter((f) => /\.(js|html|json)$/.test(f) && !f.includes('_locales'))) {
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/\b(?:t|getMessage)\(\s*'([A-Za-z0-9_]+)'/g)) add(m[1], file);
    for (const m of src.matchAll(/data-i18n(?:-placeholder|-label)?="([A-Za-z0-9_]+)"/g)) add(m[1], file);
    for (const m of src.matchAll(/__MSG_([A-Za-z0-9_]+)__/g)) add(m[1], file);
    for (const m of src.matchAll(/\b(?:t|getMessage)\(\s*`([a-z_]+)\$\{/g)) dynamic.add(m[1]);
    // t(online ? 'a' : 'b') and similar: every quoted key inside a t(...)/getMessage(...) call.
    for (const m of src.matchAll(/\b(?:t|getMessage)\(([^()]*\?[^()]*)\)/g)) {
      for (const k of m[1].matchAll(/'([a-z][a-z0-9_]+)'/g)) add(k[1], file);
    }
  }
  return { used, dynamic };
}

test('every i18n key used in extension/ exists in _locales/en/messages.json', () => {
  const { used } = usedKeys();
  const missing = [...used].filter(([k]) => !messages[k]).map(([k, f]) => `${k} (${f})`);
  assert.deepEqual(missing, []);
});

test('templated keys are built only from known prefixes and ids, and all exist', () => {
  const { dynamic } = usedKeys();
  const families = {
    category_: CG.CATEGORIES, severity_: ['info', 'warn', 'block'], badge_label_: CG.STATES, options_counter_: CG.EVENTS,
  };
  assert.deepEqual([...dynamic].sort(), Object.keys(families).sort(), 'a new templated key family needs its ids listed here');
  const missing = Object.entries(families).flatMap(([p, ids]) => ids.map((id) => p + id)).filter((k) => !messages[k]);
  assert.deepEqual(missing, []);
});

test('no unused keys in _locales/en/messages.json', () => {
  const { used } = usedKeys();
  const families = [...CG.CATEGORIES.map((c) => `category_${c}`), 'severity_info', 'severity_warn', 'severity_block',
    ...CG.STATES.map((s) => `badge_label_${s}`), ...CG.EVENTS.map((e) => `options_counter_${e}`)];
  const unused = Object.keys(messages).filter((k) => !used.has(k) && !families.includes(k));
  assert.deepEqual(unused, []);
});

test('every message has text, and placeholders match the $N$ used', () => {
  for (const [key, m] of Object.entries(messages)) {
    assert.ok(typeof m.message === 'string' && m.message.trim(), key);
    for (const [, name] of m.message.matchAll(/\$([A-Za-z0-9_]+)\$/g)) {
      assert.ok(m.placeholders && m.placeholders[name.toLowerCase()], `${key}: $${name}$ has no placeholder`);
    }
  }
});
