/*
 * Helpers for the popup and options pages: strings in the UI language, localise [data-i18n], show
 * locks. They talk to the worker through CG.client (src/shared/client.js) and draw with src/shared/dom.js.
 */
(function (CG) {
  CG.page = {
    /** The UI language's strings from the worker (src/shared/i18n.js); <html lang dir> follow it. */
    async loadStrings() {
      const reply = await CG.client.getUiStrings();
      if (reply.ok) CG.i18n.install(reply);
      CG.i18n.applyToDocument(document);
      return reply;
    },
    localise(root) {
      for (const el of root.querySelectorAll('[data-i18n]')) {
        const text = CG.i18n.raw(el.getAttribute('data-i18n'));
        if (text !== null) el.textContent = text;
      }
      for (const el of root.querySelectorAll('[data-i18n-placeholder]')) {
        el.setAttribute('placeholder', CG.i18n.t(el.getAttribute('data-i18n-placeholder')));
      }
      for (const el of root.querySelectorAll('[data-i18n-label]')) {
        el.setAttribute('aria-label', CG.i18n.t(el.getAttribute('data-i18n-label')));
      }
    },
    t: (key, subs) => CG.i18n.t(key, subs),
    /**
     * Say why pausing everywhere and the counts cannot reach the service (this user's token, from
     * the native messaging host, is missing or was refused), or hide `note` when they can.
     * `auth`: GET_STATUS's {ok, reason}; checking posts never needs it.
     */
    showAuth(note, auth) {
      note.hidden = !auth || auth.ok !== false;
      if (note.hidden) return;
      const command = document.createElement('code');
      Object.assign(command, { textContent: 'conduct-guard setup', dir: 'ltr', lang: 'en' });
      note.replaceChildren(...(auth.reason === 'rejected'
        ? CG.tn('service_auth_rejected', [command]) : CG.tn('service_auth_missing', [command])));
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
