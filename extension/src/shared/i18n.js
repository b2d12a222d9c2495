/*
 * The extension's own UI language (issue 23): English, Urdu (right to left), Hindi, Bangla and
 * Gujarati, for every surface: badge, card, dialogs (content scripts), popup and options page.
 *
 * chrome.i18n.getMessage answers only in the browser's language and cannot switch at run time,
 * so the chosen locale's _locales/<lang>/messages.json is read as a file and its messages are
 * installed here. The worker reads the files (content scripts never fetch anything) and hands
 * the table to each surface with `cg/get-ui-strings`; `load()` takes the reader as an argument.
 * A key the chosen locale lacks falls back to English, key by key.
 *
 * Which language: IT's managed `uiLanguage`, else the officer's choice in the options page, else
 * the browser's UI language where it is one of ours, else English. The same language goes to
 * the service as `lang` on /v1/check, so findings come in it where the pack has it.
 */
(function (CG) {
  const LANGS = Object.freeze(['en', 'ur', 'hi', 'bn', 'gu']);
  const RTL = Object.freeze(['ur']);
  // Each language by its own name, as language choosers show them (not translated).
  const NAMES = Object.freeze({ en: 'English', ur: 'اردو', hi: 'हिन्दी', bn: 'বাংলা', gu: 'ગુજરાતી' });
  // Digits in running text (docs/GLOSSARY.md): Bangla and Gujarati write their own, Urdu and
  // Hindi the international ones. Rule references are never converted.
  const DIGITS = Object.freeze({ bn: '০১২৩৪৫৬৭৮৯', gu: '૦૧૨૩૪૫૬૭૮૯' });

  /** 'ur-PK', 'hi_IN', 'bn' -> 'ur' | 'hi' | 'bn'; null where it is not one of ours. */
  function normalise(tag) {
    const base = String(tag || '').trim().toLowerCase().split(/[-_]/)[0];
    return LANGS.includes(base) ? base : null;
  }

  function browserTag() {
    try {
      return CG.api.i18n.getUILanguage();
    } catch (_) {
      return 'en';
    }
  }

  /** The UI language: a choice ('' = follow the browser) and the browser's UI language tag. */
  function resolve(choice, tag) {
    if (LANGS.includes(choice)) return choice;
    return normalise(tag === undefined ? browserTag() : tag) || 'en';
  }

  const dirOf = (lang) => (RTL.includes(lang) ? 'rtl' : 'ltr');

  /** messages.json -> {key: text}, named placeholders ($name$) replaced by their content ($1). */
  function compile(raw) {
    const out = {};
    for (const [key, entry] of Object.entries(raw || {})) {
      if (!entry || typeof entry.message !== 'string') continue;
      const named = {};
      for (const [name, p] of Object.entries(entry.placeholders || {})) named[name.toLowerCase()] = String((p && p.content) || '');
      out[key] = entry.message.replace(/\$([A-Za-z0-9_@]+)\$/g, (m, name) => named[name.toLowerCase()] ?? m);
    }
    return out;
  }

  /** The table a surface uses: {lang, dir, messages} with the language's messages over English. */
  function table(lang, enRaw, langRaw) {
    const messages = { ...compile(enRaw), ...(lang === 'en' ? {} : compile(langRaw)) };
    return { lang, dir: dirOf(lang), messages };
  }

  /** Reads en and `lang` with readJson(lang) -> messages.json object; a missing locale is English. */
  async function load(lang, readJson) {
    const en = await readJson('en');
    let own = {};
    if (lang !== 'en') {
      try { own = await readJson(lang); } catch (_) { own = {}; }
    }
    return table(lang, en, own);
  }

  /** Chrome's substitutions: $1..$9 from `subs`, $$ for a dollar sign. */
  function format(message, subs) {
    const list = subs === undefined || subs === null ? [] : (Array.isArray(subs) ? subs : [subs]);
    return message.replace(/\$(\$|[1-9])/g, (m, d) => (d === '$' ? '$' : String(list[Number(d) - 1] ?? '')));
  }

  /** A message cut at its substitutions: ['text', 0, 'text', ...] (numbers: index into subs). */
  function split(message) {
    const parts = [];
    let last = 0;
    for (const m of message.matchAll(/\$(\$|[1-9])/g)) {
      if (m.index > last) parts.push(message.slice(last, m.index));
      parts.push(m[1] === '$' ? '$' : Number(m[1]) - 1);
      last = m.index + m[0].length;
    }
    if (last < message.length) parts.push(message.slice(last));
    return parts;
  }

  let current = null;

  /** Use `t` ({lang, dir, messages}) from now on in this context. */
  function install(t) {
    current = t && t.messages ? { lang: t.lang, dir: dirOf(t.lang), messages: t.messages } : null;
    return current;
  }

  /** The raw message of `key` (English where the language lacks it), or null. */
  function raw(key) {
    if (current && typeof current.messages[key] === 'string') return current.messages[key];
    try {
      const s = CG.api.i18n.getMessage(key); // before a table is installed: the browser's locale
      if (s) return s;
    } catch (_) { /* context invalidated after an update */ }
    return null;
  }

  function t(key, subs) {
    const m = raw(key);
    return m === null ? key : format(m, subs);
  }

  const lang = () => (current ? current.lang : resolve(''));
  const dir = () => dirOf(lang());

  /** A number written with the digits of the UI language. */
  function number(n, l) {
    const digits = DIGITS[l || lang()];
    const s = String(n);
    return digits ? s.replace(/[0-9]/g, (c) => digits[Number(c)]) : s;
  }

  /** <html lang dir> (popup, options): the page follows the UI language. */
  function applyToDocument(doc) {
    doc.documentElement.lang = lang();
    doc.documentElement.dir = dir();
  }

  CG.i18n = {
    LANGS, RTL, NAMES, normalise, resolve, dirOf, compile, table, load, format, split,
    install, raw, t, lang, dir, number, applyToDocument, browserTag,
  };
})(globalThis.CG);
