/* Helpers for the popup and options pages: localise [data-i18n], talk to the worker, show locks. */
(function (CG) {
  CG.page = {
    localise(root) {
      for (const el of root.querySelectorAll('[data-i18n]')) {
        el.textContent = CG.api.i18n.getMessage(el.getAttribute('data-i18n')) || el.textContent;
      }
      for (const el of root.querySelectorAll('[data-i18n-placeholder]')) {
        el.setAttribute('placeholder', CG.api.i18n.getMessage(el.getAttribute('data-i18n-placeholder')));
      }
      for (const el of root.querySelectorAll('[data-i18n-label]')) {
        el.setAttribute('aria-label', CG.api.i18n.getMessage(el.getAttribute('data-i18n-label')));
      }
    },
    t: (key, subs) => CG.api.i18n.getMessage(key, subs) || key,
    async ask(kind, fields) {
      try {
        return (await CG.api.runtime.sendMessage({ kind, ...(fields || {}) })) || { ok: false };
      } catch (e) {
        return { ok: false, error: String(e) };
      }
    },
    /** Disable controls whose setting IT locked, and say so next to them. */
    showLocks(root, locked) {
      for (const el of root.querySelectorAll('[data-setting]')) {
        const isLocked = locked.includes(el.getAttribute('data-setting'));
        el.toggleAttribute('disabled', isLocked);
        el.closest('.field')?.classList.toggle('locked', isLocked);
        const note = el.closest('.field')?.querySelector('.lock-note');
        if (note) note.hidden = !isLocked;
      }
    },
  };
})(globalThis.CG);
