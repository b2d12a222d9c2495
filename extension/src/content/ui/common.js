/*
 * Small helpers of the inline UI: strings, languages, theme detection, host elements.
 * Elements and messages as nodes (CG.h, CG.tn, CG.refNode) are src/shared/dom.js's.
 */
(function (CG) {
  // Strings in the UI language (src/shared/i18n.js; English where a locale lacks a key).
  CG.t = (key, subs) => CG.i18n.t(key, subs);

  /** The language of a finding's texts: the UI language where the pack has it (rule.lang), else English. */
  CG.findingLang = (f) => (f && f.rule && f.rule.lang) || 'en';

  /** Give a UI root the UI language and its direction (dir="rtl" for Urdu). */
  CG.applyLanguage = function applyLanguage(root) {
    root.setAttribute('lang', CG.i18n.lang());
    root.setAttribute('dir', CG.i18n.dir());
    return root;
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
      node = CG.composedParent(node);
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
