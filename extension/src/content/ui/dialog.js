/*
 * The "second look" dialog shown when a post is held (host carries data-cg-dialog).
 * Resolves with {action: 'edit'} or {action: 'post', reason}. Edit is the default button;
 * Escape means edit. For block, "post anyway" is offered only where policy allows, and asks
 * for a reason where policy says so. Wording: a warning "may" break the rules, a block is "not
 * allowed"; "your organisation" is named only where IT set the setting (managed storage or the
 * service's machine policy), otherwise the officer's own settings are.
 */
(function (CG) {
  const { h, t } = CG;

  /**
   * @param {Document} doc
   * @param {object} o {verdict: 'warn'|'block'|'offline', findings, overridePolicy: 'allow'|'reason'|'never', dark,
   *   setByOrganisation: {blockOverride: boolean, failClosed: boolean} (IT set it; absent: the officer's own settings)}
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
      const byOrg = o.setByOrganisation || {};

      // dir="auto": the reason may be typed in any script, whatever the UI language.
      const reason = needsReason ? h('textarea', { id: 'cg-reason', dir: 'auto', 'data-cg-reason': '', 'aria-describedby': 'cg-reason-help' }) : null;
      // A disabled "post anyway" says why, next to it: a reason is still missing.
      const postWhy = needsReason ? h('span', { id: 'cg-post-why', class: 'why-not', 'data-cg-why-disabled': '' },
        t('dialog_post_needs_reason')) : null;
      const postButton = canOverride
        ? h('button', { class: `act ${isBlock ? 'danger' : ''}`, type: 'button', 'data-cg-action': 'post-anyway',
          disabled: needsReason, 'aria-describedby': needsReason ? 'cg-post-why' : null, onclick: () => finish('post') },
        t('dialog_post_anyway'))
        : null;
      // No "post anyway" at all: say so where it would be, and whose rule that is.
      const noPost = isBlock && !canOverride ? h('span', { class: 'why-not', 'data-cg-why-no-post': '' },
        t(byOrg.blockOverride ? 'dialog_block_never_org' : 'dialog_block_never_own')) : null;
      const editButton = h('button', { class: 'act primary', type: 'button', 'data-cg-action': 'edit', onclick: () => finish('edit') },
        t('dialog_edit'));
      if (reason) {
        reason.addEventListener('input', () => {
          postButton.disabled = reason.value.trim().length < 3;
          postWhy.hidden = !postButton.disabled;
        });
      }

      const title = isOffline ? t('dialog_title_offline') : t(isBlock ? 'dialog_title_block' : 'dialog_title_warn');
      const intro = isOffline ? t(byOrg.failClosed ? 'dialog_intro_offline_org' : 'dialog_intro_offline_own')
        : t(isBlock ? 'dialog_intro_block' : 'dialog_intro_warn');
      let policyLine = null;
      if (isBlock && canOverride) {
        policyLine = needsReason ? t(byOrg.blockOverride ? 'dialog_block_reason_org' : 'dialog_block_reason_own')
          : t('dialog_block_allow');
      }
      // The service's texts (English where the pack lacks the UI language) keep their own
      // direction; rule references stay left to right.
      const list = h('ul', {}, (o.findings || []).map((f) => h('li', { 'data-cg-finding': f.category },
        h('strong', {}, CG.categoryLabel(f.category)), ' — ', CG.refNode(f.rule && f.rule.ref),
        f.rule && f.rule.title ? [' (', h('bdi', { lang: CG.findingLang(f) }, f.rule.title), ')'] : null,
        h('div', { dir: 'auto', lang: CG.findingLang(f) }, f.message || ''),
        f.rule && f.rule.instead ? h('div', { class: 'instead' },
          CG.tn('card_instead', [h('bdi', { lang: CG.findingLang(f) }, f.rule.instead)])) : null)));

      const dialog = h('div', { class: 'dialog', role: 'alertdialog', 'aria-modal': 'true', 'aria-labelledby': 'cg-dlg-title',
        'aria-describedby': 'cg-dlg-intro' },
      h('h2', { id: 'cg-dlg-title' }, title),
      h('p', { id: 'cg-dlg-intro' }, intro),
      list,
      policyLine ? h('p', { 'data-cg-policy-line': '' }, policyLine) : null,
      reason ? h('label', { for: 'cg-reason' }, t('dialog_reason_label')) : null,
      reason,
      reason ? h('div', { id: 'cg-reason-help', class: 'hint' }, t('dialog_reason_help')) : null,
      h('div', { class: 'actions' }, noPost, postWhy, postButton, editButton));

      const backdrop = h('div', { class: 'backdrop' }, dialog);
      const root = CG.applyLanguage(h('div', { class: `root${o.dark ? ' dark' : ''}` }, backdrop));
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

  /**
   * Where the policy wants a reason before a NOT ALLOWED finding is let through ("reason"), the
   * card's dismissals ask for it too: otherwise "ignore for this post" would be a way round the
   * reason "post anyway" asks for. The host carries data-cg-reason-dialog (not data-cg-dialog:
   * no post is held). Like the post dialog's, the reason is neither stored nor sent.
   * @param {Document} doc
   * @param {object} o {findings, optOut: boolean (taking the box out of checking), dark}
   * @returns {Promise<boolean>} true once a reason was given, false when the officer went back
   */
  function askDismissReason(doc, o) {
    return new Promise((resolve) => {
      const { host, shadow } = CG.createUiHost(doc, 'data-cg-reason-dialog');
      const previousFocus = doc.activeElement;
      const reason = h('textarea', { id: 'cg-reason', dir: 'auto', 'data-cg-reason': '', 'aria-describedby': 'cg-reason-help' });
      const confirm = h('button', { class: 'act danger', type: 'button', 'data-cg-action': 'dismiss', disabled: true,
        onclick: () => finish(true) }, t(o.optOut ? 'reason_confirm_opt_out' : 'reason_confirm_dismiss'));
      const back = h('button', { class: 'act primary', type: 'button', 'data-cg-action': 'keep', onclick: () => finish(false) },
        t('reason_keep'));
      reason.addEventListener('input', () => { confirm.disabled = reason.value.trim().length < 3; });
      const list = h('ul', {}, (o.findings || []).map((f) => h('li', { 'data-cg-finding': f.category },
        h('strong', {}, CG.categoryLabel(f.category)), ' — ', CG.refNode(f.rule && f.rule.ref))));
      const dialog = h('div', { class: 'dialog', role: 'alertdialog', 'aria-modal': 'true', 'aria-labelledby': 'cg-dlg-title',
        'aria-describedby': 'cg-dlg-intro' },
      h('h2', { id: 'cg-dlg-title' }, t(o.optOut ? 'reason_title_opt_out' : 'reason_title_dismiss')),
      h('p', { id: 'cg-dlg-intro' }, t('reason_intro')),
      list,
      h('label', { for: 'cg-reason' }, t('reason_label')),
      reason,
      h('div', { id: 'cg-reason-help', class: 'sr' }, t('dialog_reason_help')),
      h('div', { class: 'actions' }, confirm, back));
      shadow.append(CG.applyLanguage(h('div', { class: `root${o.dark ? ' dark' : ''}` }, h('div', { class: 'backdrop' }, dialog))));

      dialog.addEventListener('keydown', (e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          finish(false);
        } else if (e.key === 'Tab') {
          const items = [...dialog.querySelectorAll('button:not([disabled]), textarea')];
          const i = items.indexOf(shadow.activeElement);
          e.preventDefault();
          items[e.shiftKey ? (i <= 0 ? items.length - 1 : i - 1) : (i + 1) % items.length].focus();
        }
        e.stopPropagation(); // the page's shortcuts must not see keys typed into the reason
      });
      ['keypress', 'keyup'].forEach((k) => dialog.addEventListener(k, (e) => e.stopPropagation()));

      let done = false;
      function finish(given) {
        if (done) return;
        done = true;
        host.remove();
        if (previousFocus && previousFocus.focus) previousFocus.focus({ preventScroll: true });
        resolve(given);
      }
      reason.focus();
    });
  }

  CG.showPostDialog = showPostDialog;
  CG.askDismissReason = askDismissReason;
})(globalThis.CG);
