/*
 * DOM helpers for every page of the extension that draws: the content scripts' inline UI, the
 * popup and the options page (the worker has no document and does not load this file).
 */
(function (CG) {
  /** The parent of a node across shadow roots: its parent, or the shadow host at a root's top. */
  CG.composedParent = function composedParent(node) {
    if (node.parentNode && node.parentNode.nodeType !== 11) return node.parentNode;
    const root = node.getRootNode && node.getRootNode();
    return root && root.host ? root.host : null;
  };

  /** node.contains across shadow roots: is `inner` inside `outer`? */
  CG.composedContains = function composedContains(outer, inner) {
    for (let node = inner; node; node = CG.composedParent(node)) if (node === outer) return true;
    return false;
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

  /**
   * A message (src/shared/i18n.js) with its substitutions as nodes: each one in its own <bdi>, so
   * a rule title in English, a number or a document name keeps its own direction inside an Urdu
   * sentence (and the reverse). `subs` may hold strings or nodes (one, or a list).
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
})(globalThis.CG);
