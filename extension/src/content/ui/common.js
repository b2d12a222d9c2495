/* Small helpers shared by the inline UI: strings, elements, theme detection, host elements. */
(function (CG) {
  CG.t = function t(key, subs) {
    try {
      const s = CG.api.i18n.getMessage(key, subs);
      if (s) return s;
    } catch (_) { /* context invalidated after an update: fall through */ }
    return key;
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
