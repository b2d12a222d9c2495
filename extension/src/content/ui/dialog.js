/*
 * The "second look" dialog shown when a post is held (host carries data-cg-dialog).
 * Resolves with {action: 'edit'} or {action: 'post', reason}. Edit is the default button;
 * Escape means edit. For block, "post anyway" is offered only where policy allows, and asks
 * for a reason where policy says so.
 */
(function (CG) {
  const { h, t } = CG;

  /**
   * @param {Document} doc
   * @param {object} o {verdict: 'warn'|'block'|'offline', findings, overridePolicy: 'allow'|'reason'|'never', dark}
   * @returns {Promise<{action: string, reason?: string}>}
   */
  function showPostDialog(doc, o) {
    return new Promise((resolve) => {
      const { host, shadow } = CG.createUiHost(doc, 'data-cg-dialog');
      host.setAttribute('data-cg-verdict', o.verdict);
      const previousFocus = doc.activeElement;
      const isBlock = o.verdict === 'block';
      const isOffline = o.verdict === 'offline';
      const canOverride = !isOffline && (!isBlock || o.overridePolicy !== 'never');
      const needsReason = isBlock && o.overridePolicy === 'reason';

      const reason = needsReason ? h('textarea', { id: 'cg-reason', 'data-cg-reason': '', 'aria-describedby': 'cg-reason-help' }) : null;
      const postButton = canOverride
        ? h('button', { class: `act ${isBlock ? 'danger' : ''}`, type: 'button', 'data-cg-action': 'post-anyway',
          disabled: needsReason, onclick: () => finish('post') }, t('dialog_post_anyway'))
        : null;
      const editButton = h('button', { class: 'act primary', type: 'button', 'data-cg-action': 'edit', onclick: () => finish('edit') },
        t('dialog_edit'));
      if (reason) reason.addEventListener('input', () => { postButton.disabled = reason.value.trim().length < 3; });

      const title = isOffline ? t('dialog_title_offline') : t(isBlock ? 'dialog_title_block' : 'dialog_title_warn');
      const intro = isOffline ? t('dialog_intro_offline')
        : (isBlock && !canOverride ? t('dialog_intro_block_locked') : t(isBlock ? 'dialog_intro_block' : 'dialog_intro_warn'));
      const list = h('ul', {}, (o.findings || []).map((f) => h('li', { 'data-cg-finding': f.category },
        h('strong', {}, CG.categoryLabel(f.category)), ' — ', `${(f.rule && f.rule.ref) || ''}${f.rule && f.rule.title ? ` (${f.rule.title})` : ''}`,
        h('div', {}, f.message || ''))));

      const dialog = h('div', { class: 'dialog', role: 'alertdialog', 'aria-modal': 'true', 'aria-labelledby': 'cg-dlg-title',
        'aria-describedby': 'cg-dlg-intro' },
      h('h2', { id: 'cg-dlg-title' }, title),
      h('p', { id: 'cg-dlg-intro' }, intro),
      list,
      reason ? h('label', { for: 'cg-reason' }, t('dialog_reason_label')) : null,
      reason,
      reason ? h('div', { id: 'cg-reason-help', class: 'sr' }, t('dialog_reason_help')) : null,
      h('div', { class: 'actions' }, postButton, editButton));

      const backdrop = h('div', { class: 'backdrop' }, dialog);
      const root = h('div', { class: `root${o.dark ? ' dark' : ''}` }, backdrop);
      shadow.append(root);

      const onKey = (e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          finish('edit');
        } else if (e.key === 'Tab') {
          // Keep focus inside the dialog while it is open.
          const items = [...dialog.querySelectorAll('button:not([disabled]), textarea')];
          const active = shadow.activeElement;
          const i = items.indexOf(active);
          const next = e.shiftKey ? (i <= 0 ? items.length - 1 : i - 1) : (i + 1) % items.length;
          e.preventDefault();
          items[next].focus();
        }
        e.stopPropagation();
      };
      dialog.addEventListener('keydown', onKey);
      // Keys must not reach the page's own shortcuts while the dialog is up.
      ['keypress', 'keyup'].forEach((k) => dialog.addEventListener(k, (e) => e.stopPropagation()));

      let done = false;
      function finish(action) {
        if (done) return;
        done = true;
        const answer = { action, reason: reason ? reason.value.trim() : undefined };
        host.remove();
        if (action === 'edit' && previousFocus && previousFocus.focus) previousFocus.focus({ preventScroll: true });
        resolve(answer);
      }
      (reason || editButton).focus();
    });
  }

  CG.showPostDialog = showPostDialog;
})(globalThis.CG);
