/*
 * Moderation assist, per site: which group or page is shown, which elements are other people's
 * messages or comments, and their text. One small adapter per site, like the compose-box
 * adapters: the sites' markup changes, and each quirk stays in one place.
 *
 * `target()` names the group or page as IT and the officer write it in moderationTargets (a
 * WhatsApp group's name in its chat header, a Facebook page's address, an X handle); `selector`
 * finds the message elements (the element that gets data-cg-mod) and `accept` keeps those of
 * other people; `textOf()` reads one message's text, never the page's own UI around it.
 */
(function (CG) {
  const textIn = (el, selector) => [...el.querySelectorAll(selector)]
    .map((n) => n.textContent).join('\n').trim();

  const WHATSAPP = {
    site: 'web.whatsapp.com',
    /** The open chat's name: the title in the conversation header. */
    target(doc) {
      const title = doc.querySelector('#main header [data-testid="conversation-info-header-chat-title"], #main header span[title]');
      return title ? (title.getAttribute('title') || title.textContent || '').trim() || null : null;
    },
    /** Incoming messages only: the officer's own went through the compose box. */
    selector: '#main [data-id]',
    accept: (el) => !!el.querySelector('.message-in'),
    textOf: (el) => textIn(el, 'span.selectable-text'),
    container: (doc) => doc.querySelector('#main') || doc.body,
  };

  /** facebook.com/<page> or facebook.com/groups/<id>: the page or group whose comments these are. */
  function facebookTarget(loc) {
    const parts = loc.pathname.split('/').filter(Boolean);
    if (!parts.length) return null;
    if (parts[0] === 'groups' && parts[1]) return `groups/${parts[1]}`;
    if (/^(watch|reel|stories|photo|permalink\.php|story\.php|profile\.php|messages|notifications)$/.test(parts[0])) return null;
    return decodeURIComponent(parts[0]);
  }

  const FACEBOOK = {
    site: 'facebook.com',
    target: (doc) => facebookTarget(doc.location),
    /** Comments and replies: their own article, whose text is in dir="auto" blocks not inside a
     * nested reply (each reply is checked on its own). */
    selector: '[role="article"][aria-label^="Comment by"], [role="article"][aria-label^="Reply by"]',
    accept: () => true,
    textOf(el) {
      return [...el.querySelectorAll('div[dir="auto"]')]
        .filter((n) => n.closest('[role="article"]') === el)
        .map((n) => n.textContent).join('\n').trim();
    },
    container: (doc) => doc.querySelector('[role="main"]') || doc.body,
  };

  /** x.com/<handle>/status/<id>: replies to that account's post. */
  function xTarget(loc) {
    const m = /^\/([A-Za-z0-9_]{1,15})\/status\/\d+/.exec(loc.pathname);
    return m ? m[1] : null;
  }

  const X = {
    site: 'x.com',
    target: (doc) => xTarget(doc.location),
    /** Replies: every post in the conversation except those of the thread's own account. */
    selector: 'article[data-testid="tweet"]',
    accept(el) {
      const owner = (xTarget(el.ownerDocument.location) || '').toLowerCase();
      const author = el.querySelector('[data-testid="User-Name"] a[href^="/"]');
      return !author || author.getAttribute('href').slice(1).toLowerCase() !== owner;
    },
    textOf: (el) => textIn(el, '[data-testid="tweetText"]'),
    container: (doc) => doc.querySelector('[aria-label^="Timeline"]') || doc.querySelector('main') || doc.body,
  };

  const BY_SITE = { [WHATSAPP.site]: WHATSAPP, [FACEBOOK.site]: FACEBOOK, [X.site]: X };

  /** The messages at or inside `node` (an element added to the page). */
  function messagesIn(adapter, node) {
    if (!node || node.nodeType !== 1) return [];
    const found = node.matches(adapter.selector) ? [node] : [];
    for (const el of node.querySelectorAll(adapter.selector)) found.push(el);
    return found.filter(adapter.accept);
  }

  /** The message that holds `node` (a changed text or element), or null. */
  function messageOf(adapter, node) {
    const el = node && (node.nodeType === 1 ? node : node.parentElement);
    const message = el && el.closest(adapter.selector);
    return message && adapter.accept(message) ? message : null;
  }

  CG.moderationSites = {
    messagesIn,
    messageOf,
    /** The adapter for an enabled site (settings.siteForHost), or null where there is none. */
    forSite: (site) => BY_SITE[site] || null,
    SITES: Object.freeze(Object.keys(BY_SITE)),
  };
})(globalThis.CG);
