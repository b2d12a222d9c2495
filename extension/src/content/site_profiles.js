/*
 * What "post" means on each site: which buttons send, and which keys send from which boxes.
 * Ctrl/Cmd+Enter is treated as "send" everywhere (X, Reddit, LinkedIn use it); plain Enter only
 * where the site sends on Enter, so that a newline is never held on sites where Enter types one.
 */
(function (CG) {
  const POST_WORDS = /^(post|post all|tweet|reply|send|share|publish|comment|save|submit|respond|پوسٹ|भेजें|পোস্ট)$/i;

  const PROFILES = {
    'x.com': {
      postButtons: '[data-testid="tweetButton"], [data-testid="tweetButtonInline"], [data-testid="dmComposerSendButton"]',
      enterSends: (box) => !!(box.closest && box.closest('[data-testid="dmComposerTextInput"], [data-testid="dm-composer-textarea"]')),
    },
    'web.whatsapp.com': {
      postButtons: '[data-icon="send"], [data-icon="wds-ic-send-filled"], button[aria-label="Send"]',
      enterSends: () => true,
    },
    'web.telegram.org': {
      postButtons: '.btn-send, button.send, [aria-label="Send Message"]',
      enterSends: () => true,
    },
    'facebook.com': {
      postButtons: '[aria-label="Post"], [aria-label="Comment"], [aria-label="Press enter to send"], [aria-label="Send"]',
      // Comment and chat boxes send on Enter; the post composer uses Enter for a newline.
      enterSends: (box) => /comment|message|reply/i.test(box.getAttribute('aria-label') || '')
        && !/what'?s on your mind|create a post/i.test(box.getAttribute('aria-label') || ''),
    },
    'instagram.com': {
      postButtons: '[role="button"][tabindex="0"]',
      enterSends: (box) => /comment|message/i.test(box.getAttribute('aria-label') || ''),
    },
    'linkedin.com': {
      postButtons: '.share-actions__primary-action, .comments-comment-box__submit-button, .msg-form__send-button',
      enterSends: (box) => !!(box.closest && box.closest('.msg-form')),
    },
    'reddit.com': { postButtons: 'button[type="submit"], [slot="submit-button"]', enterSends: () => false },
    'threads.net': { postButtons: '', enterSends: () => false },
    'youtube.com': { postButtons: '#submit-button, ytd-button-renderer#submit-button button', enterSends: () => false },
  };
  const GENERIC = { postButtons: '', enterSends: () => false };

  function profileFor(site) {
    return PROFILES[site] || GENERIC;
  }

  /** Does this element look like the site's post/send button? */
  function isPostButton(el, profile) {
    if (!el || el.nodeType !== 1) return false;
    if (profile.postButtons && el.matches(profile.postButtons)) return true;
    const isButton = el.nodeName === 'BUTTON' || el.getAttribute('role') === 'button'
      || (el.nodeName === 'INPUT' && /^(submit|button)$/i.test(el.type));
    if (!isButton) return false;
    if (el.getAttribute('data-cg-post') !== null) return true;
    const label = (el.getAttribute('aria-label') || el.getAttribute('data-testid') || el.value || el.textContent || '').trim();
    return label.length <= 24 && POST_WORDS.test(label);
  }

  /**
   * The post/send buttons that belong to a box: those inside its nearest ancestor (up to a few
   * levels, across shadow roots) that holds any, and close to it on screen.
   */
  function postButtonsFor(box, profile) {
    const near = (b) => {
      const r = b.getBoundingClientRect();
      const br = box.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && r.top < br.bottom + 240 && r.bottom > br.top - 240;
    };
    let node = box;
    for (let depth = 0; node && depth < 8; depth += 1) {
      const parent = CG.composedParent(node);
      if (!parent || parent.nodeType !== 1) break;
      const found = [...parent.querySelectorAll('button, [role="button"], input[type="submit"]')]
        .filter((b) => isPostButton(b, profile) && near(b));
      if (found.length) return found;
      node = parent;
    }
    return [];
  }

  CG.siteProfiles = { profileFor, isPostButton, postButtonsFor, POST_WORDS };
})(globalThis.CG);
