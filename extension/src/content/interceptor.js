/*
 * Holds a post for a second look. Capture-phase listeners on the window run before any of the
 * site's own handlers; while a box is warn/block (or still checking) a click on the site's
 * post/send button, or its send shortcut, is stopped and the dialog asks. After "post anyway"
 * the same action is replayed once, with our listeners standing aside, so the site's own
 * handler runs exactly once.
 */
(function (CG) {
  class PostInterceptor {
    /** @param {object} o {site, profile, controllers: () => Iterable<BoxController>, controllerOf(el)} */
    constructor(win, o) {
      this.win = win;
      this.o = o;
      this.replaying = false;
      this.holding = false;
      this.onClick = (e) => this.handleClick(e);
      this.onKeyDown = (e) => this.handleKey(e);
      this.onSubmit = (e) => this.handleSubmit(e);
    }

    start() {
      this.win.addEventListener('click', this.onClick, true);
      this.win.addEventListener('keydown', this.onKeyDown, true);
      this.win.addEventListener('submit', this.onSubmit, true);
    }

    stop() {
      this.win.removeEventListener('click', this.onClick, true);
      this.win.removeEventListener('keydown', this.onKeyDown, true);
      this.win.removeEventListener('submit', this.onSubmit, true);
    }

    /** The watched box a post button belongs to: the nearest one sharing a close ancestor. */
    boxForButton(button) {
      const candidates = [...this.o.controllers()].filter((c) => c.box.isConnected);
      if (!candidates.length) return null;
      let node = button;
      for (let depth = 0; node && depth < 14; depth += 1, node = CG.composedParent(node)) {
        const inside = candidates.filter((c) => CG.composedContains(node, c.box));
        if (inside.length) {
          return inside.find((c) => c.box === this.lastFocusedBox()) || inside[0];
        }
      }
      return null;
    }

    lastFocusedBox() {
      let active = document.activeElement;
      while (active && active.shadowRoot && active.shadowRoot.activeElement) active = active.shadowRoot.activeElement;
      return active;
    }

    handleClick(e) {
      if (this.replaying) return;
      const timed = CG.perf.start();
      const path = e.composedPath();
      let button = null;
      for (let i = 0; i < Math.min(path.length, 8); i += 1) {
        const el = path[i];
        if (el.nodeType === 1 && el.hasAttribute('data-cg-ui')) break;
        if (CG.siteProfiles.isPostButton(el, this.o.profile)) { button = el; break; }
      }
      const controller = button && this.boxForButton(button);
      CG.perf.end('click', timed);
      if (!controller || !controller.needsLook()) return;
      this.hold(e, controller, () => button.click());
    }

    handleKey(e) {
      if (this.replaying || e.key !== 'Enter' || e.isComposing || e.shiftKey || e.altKey) return;
      const timed = CG.perf.start();
      const target = e.composedPath()[0];
      const controller = target && this.o.controllerOf(target);
      CG.perf.end('keydown', timed);
      if (!controller) return;
      const mod = e.ctrlKey || e.metaKey;
      if (!mod && !this.o.profile.enterSends(controller.box)) return;
      if (!controller.needsLook()) return;
      const init = { key: 'Enter', code: 'Enter', keyCode: 13, which: 13, bubbles: true, cancelable: true, composed: true,
        ctrlKey: e.ctrlKey, metaKey: e.metaKey };
      this.hold(e, controller, () => target.dispatchEvent(new KeyboardEvent('keydown', init)));
    }

    handleSubmit(e) {
      if (this.replaying) return;
      const form = e.target;
      const controller = [...this.o.controllers()].find((c) => form.contains && form.contains(c.box));
      if (!controller || !controller.needsLook()) return;
      this.hold(e, controller, () => (form.requestSubmit ? form.requestSubmit() : form.submit()));
    }

    hold(e, controller, replay) {
      e.preventDefault();
      e.stopImmediatePropagation();
      if (this.holding) return; // a dialog is already up for this post
      this.holding = true;
      controller.confirmPost().then((go) => {
        this.holding = false;
        if (!go) return;
        this.replaying = true;
        try {
          replay();
        } finally {
          this.replaying = false;
        }
      }, () => { this.holding = false; });
    }
  }

  CG.PostInterceptor = PostInterceptor;
})(globalThis.CG);
