/*
 * The inline UI of one box: a badge, highlight rectangles over the responsible sentences and a
 * panel of finding cards. All of it lives in a fixed-position shadow host (data-cg-ui) outside
 * the editor, so the editor's DOM is never touched; it follows scrolling/resizing by
 * re-measuring in requestAnimationFrame. The badge sits just outside the box's top-right corner
 * (or below it when there is no room), where it covers neither the text nor the site's buttons.
 * The panel goes below the box and its post button, else above, else beside (ui/placement.js).
 */
(function (CG) {
  const { h, t } = CG;
  const BADGE_GAP = 4;

  class BoxOverlay {
    /**
     * @param {object} actions {onIgnore(f), onNotAProblem(f), onSeeRule(f), onOptOut(), postButtons() -> Element[],
     *   canDismiss(f), canOptOut()}: the last two say which actions the policy lets the card offer
     */
    constructor(box, adapter, actions) {
      this.box = box;
      this.adapter = adapter;
      this.actions = actions;
      const { host, shadow } = CG.createUiHost(box.ownerDocument);
      this.host = host;
      // The UI language's lang and dir (rtl for Urdu) on the root: the card, the badge and the
      // panel are mirrored; the highlights and the badge's place are measured, never mirrored.
      this.root = CG.applyLanguage(h('div', { class: 'root' }));
      this.badge = h('button', { class: 'badge', type: 'button', 'data-state': 'checking', 'aria-haspopup': 'dialog',
        'aria-expanded': 'false', onclick: () => this.togglePanel() },
      h('span', { class: 'dot', 'aria-hidden': 'true' }), h('span', { class: 'count' }));
      this.highlightLayer = h('div', { 'aria-hidden': 'true' });
      this.live = h('div', { class: 'sr', role: 'status', 'aria-live': 'polite' });
      this.root.append(this.highlightLayer, this.badge, this.live);
      shadow.append(this.root);
      this.state = 'checking';
      this.findings = [];
      this.highlightSpans = []; // [{start, end, severity}] UTF-16, for the current text
      this.panel = null;
      this.frame = 0;
      this.schedule = () => this.requestLayout();
      this.box.ownerDocument.addEventListener('scroll', this.schedule, { capture: true, passive: true });
      window.addEventListener('resize', this.schedule, { passive: true });
      this.resizeObserver = new ResizeObserver(this.schedule);
      this.resizeObserver.observe(box);
      this.onFocus = () => this.requestLayout();
      box.addEventListener('focus', this.onFocus);
      this.applyTheme();
      this.render();
    }

    applyTheme() {
      this.root.classList.toggle('dark', CG.isDarkBehind(this.box));
    }

    destroy() {
      cancelAnimationFrame(this.frame);
      this.box.ownerDocument.removeEventListener('scroll', this.schedule, { capture: true });
      window.removeEventListener('resize', this.schedule);
      this.resizeObserver.disconnect();
      this.box.removeEventListener('focus', this.onFocus);
      this.host.remove();
    }

    /** state: checking|ok|warn|block|offline|paused; findings: visible findings; spans: UTF-16 per finding. */
    update(state, findings, highlightSpans) {
      const announce = state !== this.state && (state === 'warn' || state === 'block');
      this.state = state;
      if (findings) this.findings = findings;
      if (highlightSpans) this.highlightSpans = highlightSpans;
      if (state === 'checking' || state === 'offline' || state === 'paused' || state === 'ok') this.highlightSpans = [];
      if (state === 'ok') this.findings = [];
      if (announce) {
        const cats = this.findings.map((f) => CG.categoryLabel(f.category)).join(t('list_separator'));
        this.live.textContent = this.findings.length === 1
          ? t('live_findings_one', [cats]) : t('live_findings', [CG.i18n.number(this.findings.length), cats]);
      }
      this.render();
    }

    render() {
      const n = this.findings.length;
      const flagged = this.state === 'warn' || this.state === 'block';
      CG.applyLanguage(this.root); // the language may have changed (options, IT)
      this.badge.dataset.state = this.state;
      this.badge.querySelector('.count').textContent = flagged ? CG.i18n.number(n) : '';
      const findingsLabel = n === 1 ? t('badge_label_findings_one') : t('badge_label_findings', [CG.i18n.number(n)]);
      this.badge.setAttribute('aria-label', flagged ? findingsLabel : t(`badge_label_${this.state}`));
      this.badge.title = this.badge.getAttribute('aria-label');
      if (this.panel && !flagged) this.closePanel(false);
      else if (this.panel) this.fillPanel();
      this.requestLayout();
    }

    requestLayout() {
      if (this.frame) return;
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.layout();
      });
    }

    layout() {
      const rect = this.box.getBoundingClientRect();
      const visible = this.box.isConnected && rect.width > 0 && rect.height > 0
        && rect.bottom > 0 && rect.top < innerHeight;
      this.root.style.display = visible ? '' : 'none';
      if (!visible) return;
      const bw = this.badge.offsetWidth || 24;
      const bh = this.badge.offsetHeight || 20;
      let top = rect.top - bh - BADGE_GAP;
      if (top < 2) top = rect.bottom + BADGE_GAP;
      // Mirrored with the UI: over the box's top-right corner, or its top-left one in Urdu.
      const corner = CG.i18n.dir() === 'rtl' ? rect.left : rect.right - bw;
      const left = Math.max(2, Math.min(innerWidth - bw - 2, corner));
      this.badge.style.top = `${Math.round(top)}px`;
      this.badge.style.left = `${Math.round(left)}px`;
      this.drawHighlights(rect);
      if (this.panel) this.placePanel();
    }

    drawHighlights(boxRect) {
      const layer = this.highlightLayer;
      layer.textContent = '';
      if (!this.highlightSpans.length) return;
      const rects = this.adapter.kind === 'value' ? this.valueRects(boxRect) : this.editorRects();
      for (const { rect, severity } of rects) {
        // Only inside the box: text scrolled out of an inner scroller is not highlighted.
        const top = Math.max(rect.top, boxRect.top);
        const bottom = Math.min(rect.bottom, boxRect.bottom);
        const left = Math.max(rect.left, boxRect.left);
        const right = Math.min(rect.right, boxRect.right);
        if (bottom - top < 2 || right - left < 1) continue;
        layer.append(h('div', {
          class: `hl ${severity}`,
          style: `top:${top}px;left:${left}px;width:${right - left}px;height:${bottom - top}px`,
        }));
      }
    }

    editorRects() {
      const snapshot = this.adapter.snapshot(this.box);
      const out = [];
      for (const span of this.highlightSpans) {
        const points = CG.textMap.rangePoints(snapshot, span.start, span.end);
        if (!points) continue;
        const range = this.box.ownerDocument.createRange();
        range.setStart(points.startNode, points.startOffset);
        range.setEnd(points.endNode, points.endOffset);
        for (const rect of range.getClientRects()) out.push({ rect, severity: span.severity });
      }
      return out;
    }

    /** textarea/input: lay the value out in a hidden mirror with the same box metrics. */
    valueRects(boxRect) {
      const style = getComputedStyle(this.box);
      const mirror = h('div', { class: 'mirror' });
      // The box's own direction and alignment, not our UI's: an Urdu post in an English UI (or
      // the reverse) is laid out as the page lays it out, so the highlights sit on its words.
      for (const p of ['font', 'letterSpacing', 'wordSpacing', 'lineHeight', 'padding', 'border', 'textIndent',
        'textTransform', 'tabSize', 'direction', 'unicodeBidi', 'textAlign']) mirror.style[p] = style[p];
      mirror.style.borderColor = 'transparent';
      // The width below is the box's border box: a content-box mirror would be wider by the
      // padding and border, which moves right-aligned (e.g. Urdu) text off its highlights.
      mirror.style.boxSizing = 'border-box';
      mirror.style.whiteSpace = this.box.nodeName === 'INPUT' ? 'pre' : 'pre-wrap';
      mirror.style.width = `${boxRect.width}px`;
      mirror.style.height = `${boxRect.height}px`;
      mirror.style.top = `${boxRect.top - this.box.scrollTop}px`;
      mirror.style.left = `${boxRect.left - this.box.scrollLeft}px`;
      mirror.style.height = `${this.box.scrollHeight + 40}px`;
      const textNode = document.createTextNode(this.box.value);
      mirror.append(textNode);
      this.highlightLayer.append(mirror);
      const out = [];
      for (const span of this.highlightSpans) {
        const range = document.createRange();
        range.setStart(textNode, Math.min(span.start, textNode.length));
        range.setEnd(textNode, Math.min(span.end, textNode.length));
        for (const rect of range.getClientRects()) out.push({ rect, severity: span.severity });
      }
      mirror.remove();
      return out;
    }

    togglePanel() {
      if (this.panel) this.closePanel(true);
      else if (this.findings.length) this.openPanel(true);
    }

    openPanel(focus) {
      this.panel = h('div', { class: 'panel', role: 'dialog', 'aria-label': t('panel_title'),
        onkeydown: (e) => { if (e.key === 'Escape') { e.stopPropagation(); this.closePanel(true); } } });
      this.root.append(this.panel);
      this.badge.setAttribute('aria-expanded', 'true');
      this.fillPanel();
      this.placePanel();
      // The panel opens at its top (a long card, e.g. in Urdu, is not scrolled to its first button).
      if (focus) (this.panel.querySelector('button') || this.panel).focus({ preventScroll: true });
    }

    closePanel(returnFocus) {
      if (!this.panel) return;
      this.panel.remove();
      this.panel = null;
      this.badge.setAttribute('aria-expanded', 'false');
      if (returnFocus) this.box.focus({ preventScroll: true });
    }

    fillPanel() {
      const p = this.panel;
      p.textContent = '';
      p.append(h('h2', {}, t('panel_title')));
      for (const f of this.findings) p.append(this.card(f));
      p.append(h('div', { class: 'footer' }, h('span', {}, t('panel_footer')),
        this.actions.canOptOut() ? h('button', { class: 'act', type: 'button', 'data-cg-action': 'opt-out',
          onclick: () => this.actions.onOptOut() }, t('action_opt_out_field')) : null));
    }

    card(f) {
      const rule = f.rule || {};
      const lang = CG.findingLang(f);
      // The finding's texts come from the service, in the UI language where the pack has it and
      // in English otherwise: each block takes its own direction (dir="auto"), and the rule's
      // reference stays left to right as its document numbers it.
      return h('article', { class: `card ${f.severity}`, 'data-cg-finding': f.category },
        h('div', {}, h('span', { class: 'cat' }, CG.categoryLabel(f.category)), h('span', { class: 'sev' }, CG.severityLabel(f.severity))),
        h('div', { class: 'rule', 'data-cg-rule': rule.ref || '' }, CG.refNode(rule.ref),
          rule.title ? [' — ', h('bdi', { class: 'title', lang }, rule.title)] : null),
        h('div', { class: 'msg', dir: 'auto', lang }, f.message || ''),
        // The rule in its document's own words, what to do instead, and the document by its
        // title and date (rule.source is only the seed's file name: never shown). A translated
        // quote says it is unofficial (the pack's quote_note); the binding English is its title.
        rule.quote ? h('blockquote', { class: 'quote', dir: 'auto', lang, 'data-cg-quote': '' }, `“${rule.quote}”`) : null,
        rule.quote_note ? h('div', { class: 'note', dir: 'auto', lang, 'data-cg-quote-note': '', title: rule.quote_original || null },
          rule.quote_note) : null,
        rule.note ? h('div', { class: 'note', dir: 'auto', lang }, rule.note) : null,
        rule.instead ? h('div', { class: 'instead', 'data-cg-instead': '' },
          CG.tn('card_instead', [h('bdi', { lang }, rule.instead)])) : null,
        // Documents keep their own (English) titles.
        rule.source_title ? h('div', { class: 'source', 'data-cg-source': '' },
          CG.tn('card_source', [h('bdi', { lang: 'en' }, CG.documentLabel(rule.source_title, rule.source_date))])) : null,
        h('div', { class: 'actions' },
          this.actions.canDismiss(f) ? [
            h('button', { class: 'act', type: 'button', 'data-cg-action': 'ignore', onclick: () => this.actions.onIgnore(f) }, t('action_ignore')),
            h('button', { class: 'act', type: 'button', 'data-cg-action': 'not-a-problem', onclick: () => this.actions.onNotAProblem(f) }, t('action_not_a_problem')),
          ] : null,
          h('button', { class: 'act', type: 'button', 'data-cg-action': 'see-rule', onclick: () => this.actions.onSeeRule(f) }, t('action_see_rule'))));
    }

    /**
     * The panel's height down to the first card's rule: its title and the category, severity and
     * rule of the first card, what a shortened panel must still show (measured: the card's words
     * and fonts vary with the language).
     */
    headHeight() {
      const p = this.panel;
      const rule = p.querySelector('.card .rule');
      if (!rule) return undefined;
      const style = getComputedStyle(p);
      const below = parseFloat(style.paddingBottom) + parseFloat(style.borderBottomWidth);
      return rule.getBoundingClientRect().bottom - p.getBoundingClientRect().top + p.scrollTop + below;
    }

    /** Below the box and its post button, else above, else beside: never over the text or the button. */
    placePanel() {
      const p = this.panel;
      p.style.maxHeight = '';
      const buttons = (this.actions.postButtons ? this.actions.postButtons() : []).map((b) => b.getBoundingClientRect());
      const spot = CG.placement.placePanel({
        panel: { width: p.offsetWidth, height: p.offsetHeight },
        head: this.headHeight(),
        box: this.box.getBoundingClientRect(),
        avoid: [this.badge.getBoundingClientRect(), ...buttons],
        rtl: CG.i18n.dir() === 'rtl',
        viewport: { width: document.documentElement.clientWidth || innerWidth, height: document.documentElement.clientHeight || innerHeight },
      });
      p.dataset.side = spot.side;
      p.style.top = `${Math.round(spot.top)}px`;
      p.style.left = `${Math.round(spot.left)}px`;
      if (spot.maxHeight !== null) p.style.maxHeight = `${Math.floor(spot.maxHeight)}px`;
    }
  }

  CG.BoxOverlay = BoxOverlay;
})(globalThis.CG);
