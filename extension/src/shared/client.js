/*
 * The one client of the message protocol (src/shared/protocol.js): the content scripts, the popup
 * and the options page send every message through it, and nothing else calls
 * runtime.sendMessage or tabs.sendMessage (tests/js/client.test.mjs keeps it so).
 * A reply is the receiver's `{ok: true, ...}` or `{ok: false, ...}`; when there is none (no
 * receiver, no answer, the extension reloaded under a content script) it is `{ok: false, error}`.
 */
(function (CG) {
  const failed = (e) => ({ ok: false, error: String((e && e.message) || e || 'no_reply') });

  async function deliver(post) {
    try {
      const reply = await post();
      return reply && typeof reply === 'object' ? reply : failed('no_reply');
    } catch (e) {
      return failed(e);
    }
  }

  CG.client = {
    /** To the worker: `kind` is one of CG.MSG. */
    send(kind, fields) {
      return deliver(() => CG.api.runtime.sendMessage({ kind, ...(fields || {}) }));
    },
    /** The popup to the page shown in a tab (its top frame's content script). */
    sendToTab(tabId, kind, fields) {
      return deliver(() => CG.api.tabs.sendMessage(tabId, { kind, ...(fields || {}) }, { frameId: 0 }));
    },
  };
})(globalThis.CG);
