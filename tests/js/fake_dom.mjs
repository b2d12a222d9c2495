// A tiny DOM stand-in: just what the adapters and text_map read (no writes, like the real thing).
class FakeNode {
  constructor(nodeType, nodeName) {
    this.nodeType = nodeType;
    this.nodeName = nodeName;
    this.childNodes = [];
    this.parentNode = null;
  }
  get firstChild() { return this.childNodes[0] || null; }
  get nextSibling() {
    if (!this.parentNode) return null;
    const siblings = this.parentNode.childNodes;
    return siblings[siblings.indexOf(this) + 1] || null;
  }
  get parentElement() { return this.parentNode && this.parentNode.nodeType === 1 ? this.parentNode : null; }
}

class FakeText extends FakeNode {
  constructor(data) {
    super(3, '#text');
    this.data = data;
  }
}

class FakeElement extends FakeNode {
  constructor(tag, attrs) {
    super(1, tag.toUpperCase());
    this.attrs = { ...attrs };
    const classes = (this.attrs.class || '').split(/\s+/).filter(Boolean);
    this.classList = { contains: (c) => classes.includes(c) };
    this.value = this.attrs.value;
  }
  getAttribute(name) { return name in this.attrs ? String(this.attrs[name]) : null; }
  hasAttribute(name) { return name in this.attrs; }
  get isContentEditable() {
    for (let n = this; n && n.nodeType === 1; n = n.parentNode) {
      const v = n.getAttribute('contenteditable');
      if (v === 'false') return false;
      if (v === 'true' || v === '' || v === 'plaintext-only') return true;
    }
    return false;
  }
  closest(selector) {
    // Only ".class" selectors are needed by the adapters.
    const names = selector.split(',').map((s) => s.trim().replace(/^\./, ''));
    for (let n = this; n && n.nodeType === 1; n = n.parentNode) if (names.some((c) => n.classList.contains(c))) return n;
    return null;
  }
}

export function h(tag, attrs, ...children) {
  const el = new FakeElement(tag, attrs || {});
  for (const child of children.flat()) {
    const node = typeof child === 'string' ? new FakeText(child) : child;
    node.parentNode = el;
    el.childNodes.push(node);
  }
  return el;
}

export const text = (s) => new FakeText(s);
