/*
 * Finds compose boxes: now, later (single-page apps add and replace them), inside open shadow
 * roots, and on focus as a safety net. It only finds; checking is the box controller's job.
 * MutationObserver callbacks just queue the added nodes; the work happens in a later task.
 */
(function (CG) {
  const CANDIDATES = 'textarea, input, [contenteditable]';
  const COMPOSE_WORDS = /post|comment|reply|message|write|tweet|what'?s (on your mind|happening)|share|caption|status/i;
  const TEXT_INPUT_TYPES = /^(text|search|)$/i;

  /** The outermost editable element for a node inside an editor (or null). */
  function editableRoot(node) {
    let el = node && node.nodeType === 1 ? node : node && node.parentElement;
    if (!el || !el.isContentEditable) return null;
    while (el.parentElement && el.parentElement.isContentEditable) el = el.parentElement;
    return el;
  }

  function isComposeBox(el) {
    if (!el || el.nodeType !== 1) return false;
    if (el.closest('[data-cg-ui]')) return false; // our own UI (the dialog's reason box)
    if (el.nodeName === 'TEXTAREA') return !el.readOnly && !el.disabled;
    if (el.nodeName === 'INPUT') {
      if (!TEXT_INPUT_TYPES.test(el.getAttribute('type') || '') || el.readOnly || el.disabled) return false;
      const label = `${el.getAttribute('placeholder') || ''} ${el.getAttribute('aria-label') || ''}`;
      return COMPOSE_WORDS.test(label) || el.hasAttribute('data-cg-compose');
    }
    return el.isContentEditable && editableRoot(el) === el;
  }

  class Discovery {
    /** @param {(el: Element) => void} onBox  called once per new compose box */
    constructor(doc, onBox, onRemovals) {
      this.doc = doc;
      this.onBox = onBox;
      this.onRemovals = onRemovals;
      this.queue = [];
      this.removals = false;
      this.timer = null;
      this.observedRoots = new WeakSet();
      this.observer = new MutationObserver((records) => this.queueRecords(records));
      this.onFocusIn = (e) => this.considerFocused(e);
    }

    start() {
      this.observe(this.doc);
      this.scan(this.doc.documentElement);
      this.doc.addEventListener('focusin', this.onFocusIn, true);
    }

    stop() {
      this.observer.disconnect();
      this.doc.removeEventListener('focusin', this.onFocusIn, true);
      clearTimeout(this.timer);
    }

    observe(root) {
      if (this.observedRoots.has(root)) return;
      this.observedRoots.add(root);
      this.observer.observe(root, { childList: true, subtree: true });
    }

    queueRecords(records) {
      const timed = CG.perf.start();
      for (const record of records) {
        for (const node of record.addedNodes) if (node.nodeType === 1) this.queue.push(node);
        if (record.removedNodes.length) this.removals = true;
      }
      if ((this.queue.length || this.removals) && !this.timer) {
        this.timer = setTimeout(() => this.processQueue(), 150);
      }
      CG.perf.end('mutation', timed);
    }

    processQueue() {
      const timed = CG.perf.start();
      this.timer = null;
      const nodes = this.queue.splice(0);
      for (const node of nodes) {
        // Typing adds spans inside editors we already watch: nothing new there.
        if (!node.isConnected || node.closest('[data-cg-state], [data-cg-ui]')) continue;
        this.scan(node);
      }
      if (this.removals) {
        this.removals = false;
        this.onRemovals();
      }
      CG.perf.end('discovery', timed);
    }

    /** Find boxes in `root` and its subtree, entering open shadow roots. */
    scan(root) {
      if (!root || root.nodeType !== 1) return;
      if (root.matches(CANDIDATES) && isComposeBox(root)) this.onBox(root);
      for (const el of root.querySelectorAll(CANDIDATES)) if (isComposeBox(el)) this.onBox(el);
      this.scanShadowRoots(root);
    }

    scanShadowRoots(root) {
      const visit = (el) => {
        if (el.shadowRoot && !el.hasAttribute('data-cg-ui')) {
          this.observe(el.shadowRoot);
          for (const child of el.shadowRoot.children) this.scan(child);
        }
      };
      visit(root);
      const walker = this.doc.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
      for (let el = walker.nextNode(); el; el = walker.nextNode()) visit(el);
    }

    /** Boxes that became editable after load, or that hid from the scan. */
    considerFocused(event) {
      const target = event.composedPath()[0];
      const box = target && (target.nodeName === 'TEXTAREA' || target.nodeName === 'INPUT' ? target : editableRoot(target));
      if (box && !box.hasAttribute('data-cg-state') && isComposeBox(box)) {
        const root = box.getRootNode();
        if (root !== this.doc) this.observe(root);
        this.onBox(box);
      }
    }
  }

  CG.Discovery = Discovery;
  CG.discovery = { isComposeBox, editableRoot };
})(globalThis.CG);
