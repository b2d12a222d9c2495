/*
 * Moderation assist panel: in a data-cg-ui host (shadow root), a small box at the bottom corner
 * that lists the messages an admin should act on, each with its category, what to do, the rule
 * and a button that scrolls to it. It reads the page, never changes it: the "show" highlight is
 * a box of its own drawn over the message.
 */
(function (CG) {
  const CSS = `
  .mod { position: fixed; top: 72px; inset-inline-end: 16px; width: min(340px, calc(100vw - 32px));
    max-height: min(calc(100vh - 180px), 440px); display: flex; flex-direction: column; pointer-events: auto;
    font: 13px/1.4 system-ui, sans-serif; color: #202124; background: #fff; border: 1px solid #dadce0;
    border-radius: 10px; box-shadow: 0 4px 16px rgba(0,0,0,.18); overflow: hidden; }
  .mod.dark { color: #e8eaed; background: #292a2d; border-color: #5f6368; }
  .mod header { display: flex; align-items: center; gap: 8px; padding: 8px 10px; border-bottom: 1px solid rgba(128,128,128,.3); }
  .mod header .title { flex: 1; font-weight: 600; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .mod .count { font-weight: 700; color: #b3261e; }
  .mod.dark .count { color: #f28b82; }
  .mod button { font: inherit; cursor: pointer; border: 1px solid #dadce0; background: transparent; color: inherit;
    border-radius: 6px; padding: 2px 8px; }
  .mod .status { padding: 6px 10px; color: #5f6368; }
  .mod.dark .status { color: #bdc1c6; }
  .mod ol { list-style: none; margin: 0; padding: 0; overflow-y: auto; }
  .mod li { padding: 8px 10px; border-top: 1px solid rgba(128,128,128,.2); display: grid; gap: 2px; }
  .mod li .cat { font-weight: 600; }
  .mod li .todo { color: #b3261e; }
  .mod.dark li .todo { color: #f28b82; }
  .mod li .why { color: #5f6368; }
  .mod li .doc { color: #5f6368; font-size: 12px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .mod.dark li .doc { color: #bdc1c6; }
  .mod.dark li .why { color: #bdc1c6; }
  .mod.collapsed ol, .mod.collapsed .status { display: none; }
  .flash { position: fixed; border: 3px solid #d93025; border-radius: 8px; pointer-events: none;
    box-shadow: 0 0 0 4px rgba(217,48,37,.25); transition: opacity .6s; }
  `;

  class ModerationPanel {
    /** @param hooks {turnOff() | null}: turn moderation off for this group (null when IT set it) */
    constructor(doc, hooks) {
      this.doc = doc;
      this.hooks = hooks;
      const { host, shadow } = CG.createUiHost(doc, 'data-cg-mod-panel');
      this.host = host;
      this.shadow = shadow;
      shadow.append(CG.h('style', {}, CSS));
      this.root = CG.applyLanguage(CG.h('section', { class: 'mod', role: 'region' }));
      shadow.append(this.root);
      this.collapsed = false;
    }

    /**
     * Draw the scanner's state. Called after every batch and arrival, so it does little: the
     * head and status are a few nodes; the list is redrawn only when the flagged set changed, and
     * a message flagged after the others (one arriving) is appended, not the whole list redrawn.
     */
    render(scanner) {
      const started = CG.perf.start();
      const flagged = scanner.flagged();
      if (this.dark === undefined) this.dark = CG.isDarkBehind(this.doc.body);
      this.root.classList.toggle('dark', this.dark);
      this.root.classList.toggle('collapsed', this.collapsed);
      if (!this.list) this.build(scanner);
      this.count.textContent = String(flagged.length);
      this.count.setAttribute('data-cg-mod-count', String(flagged.length));
      this.status.textContent = scanner.offline ? CG.t('mod_status_offline')
        : CG.t('mod_status', [String(scanner.checked), String(flagged.length)]);
      if (scanner.version !== this.version) {
        this.version = scanner.version;
        const shown = [...this.items.keys()];
        const prefix = shown.every((el, i) => flagged[i] && flagged[i].el === el && flagged[i].marks === this.items.get(el).marks);
        if (!prefix) {
          this.items.clear();
          this.list.replaceChildren();
        }
        for (const { el, marks } of flagged.slice(prefix ? shown.length : 0)) {
          const li = this.item(el, marks);
          this.items.set(el, { li, marks });
          this.list.append(li);
        }
      }
      CG.perf.end('moderation-panel', started);
    }

    /** The panel's frame, once: head (title, count, open/close, turn off), status, list. */
    build(scanner) {
      this.root.setAttribute('aria-label', CG.t('mod_panel_label', [scanner.target]));
      this.count = CG.h('span', { class: 'count' });
      this.status = CG.h('div', { class: 'status', role: 'status' });
      this.list = CG.h('ol', {});
      this.items = new Map(); // element -> {li, marks}, in list order
      const toggle = CG.h('button', { type: 'button', 'aria-expanded': 'true' }, CG.t('mod_panel_close'));
      toggle.addEventListener('click', () => {
        this.collapsed = !this.collapsed;
        this.root.classList.toggle('collapsed', this.collapsed);
        toggle.setAttribute('aria-expanded', String(!this.collapsed));
        toggle.textContent = CG.t(this.collapsed ? 'mod_panel_open' : 'mod_panel_close');
      });
      this.root.replaceChildren(
        CG.h('header', {},
          CG.h('span', { class: 'title', title: scanner.target }, CG.tn('mod_panel_title', [scanner.target])),
          this.count, toggle,
          this.hooks.turnOff ? CG.h('button', { type: 'button', 'data-cg-action': 'mod-off', onclick: () => this.hooks.turnOff() },
            CG.t('mod_panel_off')) : null),
        this.status, this.list);
    }

    item(el, marks) {
      const first = marks[0];
      const actions = [...new Set(marks.flatMap((m) => m.actions || []))];
      return CG.h('li', { 'data-cg-mod-item': marks.map((m) => m.category).join(' ') },
        CG.h('span', { class: 'cat' }, marks.map((m) => CG.categoryLabel(m.category)).join(' · ')),
        CG.h('span', { class: 'todo' }, actions.map((a) => CG.t(`mod_action_${a}`)).join(', ')),
        CG.h('span', { class: 'why', lang: first.rule && first.rule.lang ? first.rule.lang : 'en' }, first.message || ''),
        CG.h('span', { class: 'why' }, CG.refNode(first.rule ? first.rule.ref : '')),
        first.rule ? CG.h('span', { class: 'doc', title: CG.documentLabel(first.rule.source_title, first.rule.source_date) },
          CG.h('bdi', {}, CG.documentLabel(first.rule.source_title, first.rule.source_date))) : null,
        CG.h('div', {}, CG.h('button', { type: 'button', 'data-cg-action': 'mod-show', onclick: () => this.show(el) },
          CG.t('mod_show'))));
    }

    /** Scroll the message into view and draw a brief frame over it (our own element). */
    show(el) {
      if (!el.isConnected) return;
      el.scrollIntoView({ block: 'center', behavior: 'auto' });
      requestAnimationFrame(() => {
        const r = el.getBoundingClientRect();
        const flash = CG.h('div', { class: 'flash', 'data-cg-mod-flash': '' });
        flash.style.cssText = `left:${r.left - 3}px;top:${r.top - 3}px;width:${r.width}px;height:${r.height}px;`;
        this.shadow.append(flash);
        setTimeout(() => { flash.style.opacity = '0'; }, 1400);
        setTimeout(() => flash.remove(), 2100);
      });
    }

    dispose() {
      this.host.remove();
    }
  }

  CG.ModerationPanel = ModerationPanel;
})(globalThis.CG);
