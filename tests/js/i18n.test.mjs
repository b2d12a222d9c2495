// Every message key used in extension/ exists in _locales/en/messages.json, and every key there is used.
// Every locale (ur, hi, bn, gu) has every English key, in its own script, with the same placeholders
// and the glossary's terms (docs/GLOSSARY.md); src/shared/i18n.js picks and falls back as designed.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { EXT, loadPure, walk } from './load.mjs';

const CG = loadPure();
const messages = JSON.parse(readFileSync(path.join(EXT, '_locales/en/messages.json'), 'utf8'));

/** Keys named literally in the code, plus those built from a prefix and a list of known ids. */
function usedKeys() {
  const used = new Map(); // key -> first file
  const add = (k, f) => { if (!used.has(k)) used.set(k, path.relative(EXT, f)); };
  const dynamic = new Set();
  for (const file of walk(EXT).filter((f) => /\.(js|html|json)$/.test(f) && !f.includes('_locales'))) {
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/\b(?:t|tn|getMessage)\(\s*'([A-Za-z0-9_]+)'/g)) add(m[1], file);
    for (const m of src.matchAll(/data-i18n(?:-placeholder|-label)?="([A-Za-z0-9_]+)"/g)) add(m[1], file);
    for (const m of src.matchAll(/__MSG_([A-Za-z0-9_]+)__/g)) add(m[1], file);
    for (const m of src.matchAll(/\b(?:t|getMessage)\(\s*`([a-z_]+)\$\{/g)) dynamic.add(m[1]);
    // t(online ? 'a' : 'b') and similar: every quoted key inside a t(...)/getMessage(...) call.
    for (const m of src.matchAll(/\b(?:t|tn|getMessage)\(([^()]*\?[^()]*)\)/g)) {
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
    mod_action_: CG.MOD_ACTIONS,
  };
  assert.deepEqual([...dynamic].sort(), Object.keys(families).sort(), 'a new templated key family needs its ids listed here');
  const missing = Object.entries(families).flatMap(([p, ids]) => ids.map((id) => p + id)).filter((k) => !messages[k]);
  assert.deepEqual(missing, []);
});

test('no unused keys in _locales/en/messages.json', () => {
  const { used } = usedKeys();
  const families = [...CG.CATEGORIES.map((c) => `category_${c}`), 'severity_info', 'severity_warn', 'severity_block',
    ...CG.STATES.map((s) => `badge_label_${s}`), ...CG.EVENTS.map((e) => `options_counter_${e}`),
    ...CG.MOD_ACTIONS.map((a) => `mod_action_${a}`)];
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

// ---------------------------------------------------------------- the other UI languages (issue 23)

const LOCALES = ['ur', 'hi', 'bn', 'gu'];
const localeOf = (lang) => JSON.parse(readFileSync(path.join(EXT, `_locales/${lang}/messages.json`), 'utf8'));
// Letters of each script (the check ignores digits, punctuation and what stays in Latin below).
const SCRIPT = { ur: /[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]/u, hi: /[\u0900-\u097F]/u, bn: /[\u0980-\u09FF]/u, gu: /[\u0A80-\u0AFF]/u };
// Kept as they are in every language: the product's name and an example host name.
const SAME_IN_EVERY_LANGUAGE = new Set(['ext_name', 'action_title', 'options_site_placeholder']);
const LATIN_KEPT = /Conduct Guard|IT|example\.com|\$[1-9]/g;
const substitutions = (message) => [...message.matchAll(/\$([1-9])/g)].map((m) => m[1]).sort();

test('the extension ships exactly en, ur, hi, bn and gu, as src/shared/i18n.js lists them', () => {
  const dirs = readdirSync(path.join(EXT, '_locales')).sort();
  assert.deepEqual(dirs, [...CG.i18n.LANGS].sort());
  assert.deepEqual(CG.i18n.RTL, ['ur']);
});

for (const lang of LOCALES) {
  test(`${lang}: every English key is translated, nothing else, with the same placeholders`, () => {
    const own = localeOf(lang);
    assert.deepEqual(Object.keys(own).filter((k) => !messages[k]), [], 'keys English does not have');
    assert.deepEqual(Object.keys(messages).filter((k) => !own[k]), [], 'English keys not translated');
    for (const [key, m] of Object.entries(own)) {
      assert.ok(typeof m.message === 'string' && m.message.trim(), `${lang} ${key}: empty`);
      assert.deepEqual(substitutions(m.message), substitutions(messages[key].message), `${lang} ${key}: $1..$9 differ from English`);
      assert.deepEqual(Object.keys(m.placeholders || {}).sort(), Object.keys(messages[key].placeholders || {}).sort(), `${lang} ${key}`);
      assert.doesNotMatch(m.message, /\$[A-Za-z_]+\$/, `${lang} ${key}: named placeholder without a definition`);
    }
  });

  test(`${lang}: every message is written in the language's script, none left in English`, () => {
    const own = localeOf(lang);
    for (const [key, m] of Object.entries(own)) {
      if (key === 'list_separator') {
        assert.equal(m.message, lang === 'ur' ? '، ' : ', ', `${lang}: the list separator (Urdu: the Arabic comma)`);
        continue;
      }
      if (SAME_IN_EVERY_LANGUAGE.has(key)) {
        assert.equal(m.message, messages[key].message, `${lang} ${key} stays as in English`);
        continue;
      }
      assert.notEqual(m.message, messages[key].message, `${lang} ${key}: still English`);
      const letters = [...m.message.replace(LATIN_KEPT, '')].filter((c) => /\p{L}/u.test(c));
      const inScript = letters.filter((c) => SCRIPT[lang].test(c)).length;
      assert.ok(letters.length && inScript / letters.length > 0.9, `${lang} ${key}: "${m.message}" is not in the ${lang} script`);
    }
    // Chrome refuses a description over 132 characters in the store listing.
    assert.ok([...own.ext_description.message].length <= 132, `${lang} ext_description is too long`);
  });
}

/** The glossary's terms: key -> {en, ur, hi, bn, gu} (a cell's first form), and its words to avoid. */
function glossary() {
  const text = readFileSync(path.join(EXT, '..', 'docs', 'GLOSSARY.md'), 'utf8');
  const table = (section) => text.split(`## ${section}\n`)[1].split('\n## ')[0].split('\n')
    .filter((l) => l.startsWith('|')).slice(2).map((l) => l.replace(/^\||\|$/g, '').split('|').map((c) => c.trim()));
  const terms = {};
  for (const [key, en, ur, hi, bn, gu] of table('Terms')) {
    const forms = { en, ur, hi, bn, gu };
    terms[key.replace(/`/g, '')] = Object.fromEntries(Object.entries(forms).map(([l, c]) => [l, c.split(' / ')[0].trim()]));
  }
  return { terms, avoid: table('Words to avoid').map(([lang, word]) => ({ lang, word })) };
}

test('the UI uses the glossary\'s words: categories, "warning", "not allowed", "post anyway", "see the rule", "what to do instead", conduct rules', () => {
  const { terms } = glossary();
  // message key -> glossary terms it must contain (the packs' words for the same ideas)
  const uses = {
    category_official_information: ['official_information'],
    category_political_opinion: ['political_opinion'],
    category_criticism_of_government: ['criticism_of_government'],
    category_misinformation: ['unverified'],
    category_hate_speech: ['hate_speech'],
    category_national_security: ['national_security'],
    category_incitement_defamation: ['incitement', 'defamation'],
    category_privacy: ['personal_data'],
    category_self_promotion: ['self_promotion'],
    severity_warn: ['warn'],
    severity_block: ['block'],
    badge_label_warn: ['warn'],
    badge_label_block: ['block'],
    dialog_post_anyway: ['post_anyway'],
    action_see_rule: ['the_rule'],
    card_instead: ['instead'],
    dialog_title_block: ['conduct_rules'],
    dialog_title_warn: ['conduct_rules'],
  };
  for (const lang of LOCALES) {
    const own = localeOf(lang);
    for (const [key, termKeys] of Object.entries(uses)) {
      for (const term of termKeys) {
        const word = terms[term][lang];
        // the first word of a term (Gujarati and Hindi inflect the rest: "વર્તણૂક નિયમોનો")
        const stem = term === 'conduct_rules' ? word.split(' ')[0] : word;
        assert.ok(own[key].message.includes(stem), `${lang} ${key}: "${own[key].message}" lacks the glossary's "${stem}" (${term})`);
      }
    }
    assert.equal(own.severity_warn.message, terms.warn[lang]);
    assert.equal(own.severity_block.message, terms.block[lang]);
    assert.equal(own.dialog_post_anyway.message, terms.post_anyway[lang]);
    assert.ok(own.card_instead.message.startsWith(`${terms.instead[lang]}:`), `${lang} card_instead`);
  }
});

test('no locale uses a word the glossary says to avoid', () => {
  const { avoid } = glossary();
  assert.ok(avoid.length >= 8);
  for (const { lang, word } of avoid) {
    for (const [key, m] of Object.entries(localeOf(lang))) assert.ok(!m.message.includes(word), `${lang} ${key} uses "${word}"`);
  }
});

// ---------------------------------------------------------------- src/shared/i18n.js

test('language choice: IT or the officer first, else the browser\'s language when it is one of ours, else English', () => {
  const { resolve, normalise, dirOf } = CG.i18n;
  assert.equal(resolve('', 'ur-PK'), 'ur');
  assert.equal(resolve('', 'hi_IN'), 'hi');
  assert.equal(resolve('', 'bn'), 'bn');
  assert.equal(resolve('', 'gu-IN'), 'gu');
  assert.equal(resolve('', 'fr-FR'), 'en');
  assert.equal(resolve('', ''), 'en');
  assert.equal(resolve('gu', 'ur'), 'gu', 'a choice wins over the browser');
  assert.equal(resolve('xx', 'hi'), 'hi', 'an unknown choice is no choice');
  assert.equal(normalise('EN-us'), 'en');
  assert.equal(dirOf('ur'), 'rtl');
  for (const l of ['en', 'hi', 'bn', 'gu']) assert.equal(dirOf(l), 'ltr');
  // settings: '' (follow the browser) or one of the five; nothing else is kept
  assert.equal(CG.settings.DEFAULTS.uiLanguage, '');
  assert.deepEqual(CG.settings.cleanSettings({ uiLanguage: 'ur' }), { uiLanguage: 'ur' });
  assert.deepEqual(CG.settings.cleanSettings({ uiLanguage: 'fr' }), {});
  assert.deepEqual(CG.settings.mergeSettings({ uiLanguage: 'hi' }, { uiLanguage: 'bn' }).settings.uiLanguage, 'bn');
  assert.deepEqual(CG.settings.mergeSettings({ uiLanguage: 'hi' }, { uiLanguage: 'bn' }).locked, ['uiLanguage']);
});

test('strings: the language\'s messages over English, English for a key it lacks, Chrome\'s substitutions', async () => {
  const ur = localeOf('ur');
  const partial = { ...ur };
  delete partial.action_see_rule;
  const read = async (l) => (l === 'en' ? JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(messages)))) : partial);
  const table = await CG.i18n.load('ur', read);
  assert.equal(table.lang, 'ur');
  assert.equal(table.dir, 'rtl');
  CG.i18n.install(table);
  try {
    assert.equal(CG.i18n.t('dialog_post_anyway'), ur.dialog_post_anyway.message);
    assert.equal(CG.i18n.t('action_see_rule'), messages.action_see_rule.message, 'English where the locale lacks the key');
    assert.equal(CG.i18n.t('card_instead', ['X']), ur.card_instead.message.replace('$1', 'X'));
    assert.equal(CG.i18n.t('no_such_key'), 'no_such_key');
    assert.equal(CG.i18n.lang(), 'ur');
    assert.equal(CG.i18n.dir(), 'rtl');
  } finally {
    CG.i18n.install(null);
  }
  // a locale that cannot be read is English
  const broken = await CG.i18n.load('gu', async (l) => { if (l === 'gu') throw new Error('missing'); return messages; });
  assert.equal(broken.messages.dialog_edit, messages.dialog_edit.message);
  // substitutions as chrome.i18n.getMessage does them, named placeholders included
  assert.equal(CG.i18n.format('a $1 b $2 $$', ['x', 'y']), 'a x b y $');
  assert.equal(CG.i18n.format('only $1', 'one'), 'only one');
  assert.deepEqual(CG.i18n.compile({ k: { message: 'Hi $WHO$!', placeholders: { who: { content: '$1' } } } }), { k: 'Hi $1!' });
  assert.deepEqual(CG.i18n.split('Source: $1.'), ['Source: ', 0, '.']);
  assert.deepEqual(CG.i18n.split('$2 then $1'), [1, ' then ', 0]);
});

test('numbers in running text: Bengali and Gujarati digits, international digits for Urdu and Hindi', () => {
  assert.equal(CG.i18n.number(2019, 'bn'), '২০১৯');
  assert.equal(CG.i18n.number(21, 'gu'), '૨૧');
  assert.equal(CG.i18n.number(18, 'ur'), '18');
  assert.equal(CG.i18n.number(3, 'hi'), '3');
  assert.equal(CG.i18n.number(3, 'en'), '3');
});
