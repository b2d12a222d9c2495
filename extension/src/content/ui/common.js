/* Small helpers shared by the inline UI: strings, elements, theme detection, host elements. */
(function (CG) {
  // Strings in the UI language (src/shared/i18n.js; English where a locale lacks a key).
  CG.t = (key, subs) => CG.i18n.t(key, subs);

  /**
   * A message with its substitutions as nodes: each one in its own <bdi>, so a rule title in
   * English, a number or a document name keeps its own direction inside an Urdu sentence (and
   * the reverse). `subs` may hold strings or nodes.
   */
  CG.tn = function tn(key, subs) {
    const message = CG.i18n.raw(key);
    if (message === null) return [key];
    const list = Array.isArray(subs) ? subs : [subs];
    return CG.i18n.split(message).map((part) => {
      if (typeof part === 'string') return part;
      const value = list[part];
      return value && value.nodeType ? value : CG.h('bdi', {}, value === undefined ? '' : String(value));
    });
  };

  /** A rule reference ("Rule 18; O.M. para 4(ii)") as its document writes it: left to right, isolated. */
  CG.refNode = (ref) => CG.h('bdi', { dir: 'ltr', lang: 'en', class: 'ref', 'data-cg-ref': '' }, ref || '');

  /** The language of a finding's texts: the UI language where the pack has it (rule.lang), else English. */
  CG.findingLang = (f) => (f && f.rule && f.rule.lang) || 'en';

  /** Give a UI root the UI language and its direction (dir="rtl" for Urdu). */
  CG.applyLanguage = function applyLanguage(root) {
    root.setAttribute('lang', CG.i18n.lang());
    root.setAttribute('dir', CG.i18n.dir());
    return root;
  };

  /** h('div', {class: 'x', onclick: fn}, 'text', child) */
  CG.h = function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'text') el.textContent = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c.nodeType ? c : document.createTextNode(String(c)));
    }
    return el;
  };

  /** Is the page dark behind this element? (first opaque background up the tree) */
  CG.isDarkBehind = function isDarkBehind(el) {
    let node = el;
    while (node) {
      if (node.nodeType === 1) {
        const m = getComputedStyle(node).backgroundColor.match(/rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?/);
        if (m && (m[4] === undefined || Number(m[4]) > 0.5)) {
          const [r, g, b] = [m[1], m[2], m[3]].map(Number);
          return 0.2126 * r + 0.7152 * g + 0.0722 * b < 110;
        }
      }
      node = node.parentElement || (node.getRootNode && node.getRootNode().host) || null;
    }
    return !!(window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches);
  };

  /** A host element for our UI: attribute data-cg-ui, an open shadow root, our CSS inside. */
  CG.createUiHost = function createUiHost(doc, extraAttr) {
    const host = doc.createElement('cg-ui');
    host.setAttribute('data-cg-ui', '');
    if (extraAttr) host.setAttribute(extraAttr, '');
    host.style.cssText = 'all:initial!important;position:fixed!important;top:0!important;left:0!important;'
      + 'width:0!important;height:0!important;z-index:2147483647!important;pointer-events:none!important;';
    const shadow = host.attachShadow({ mode: 'open' });
    shadow.append(CG.h('style', {}, CG.UI_CSS));
    (doc.body || doc.documentElement).append(host);
    return { host, shadow };
  };

  CG.categoryLabel = (id) => CG.t(`category_${id}`) || id;
  CG.severityLabel = (s) => CG.t(`severity_${s}`);
})(globalThis.CG);
