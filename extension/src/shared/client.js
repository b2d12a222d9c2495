/*
 * The one client of the message protocol (src/shared/protocol.js), with a method per message kind:
 * CG.MSG.CHECK_TEXT is CG.client.checkText(fields), CG.MSG.GET_MOD_TARGET is
 * CG.client.getModTarget(tabId) (the one kind the popup sends to a tab's content script), and so on.
 * The methods are made from CG.MSG, so a new kind has its method and none can be misspelt.
 * The content scripts, the popup and the options page send every message through it, and nothing
 * else calls runtime.sendMessage or tabs.sendMessage (tests/js/client.test.mjs keeps it so).
 * A reply is the receiver's `{ok: true, ...}` or `{ok: false, ...}`; when there is none (no
 * receiver, no answer, the extension reloaded under a content script) it is `{ok: false, error}`.
 * The transport is injectable (CG.makeClient), as in Harper's protocol client; CG.client uses the
 * browser's messaging, looked up at each call.
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

  // Kinds the popup sends to the page shown in a tab (its top frame's content script); every
  // other kind goes to the worker.
  const TO_TAB = new Set([CG.MSG.GET_MOD_TARGET]);

  /** CG.MSG key -> method name: CHECK_TEXT -> checkText. */
  CG.clientMethodName = (key) => key.toLowerCase().replace(/_([a-z])/g, (_, c) => c.toUpperCase());

  /** A client over `transport`: {toWorker(message), toTab(tabId, message)}, each a promise of the reply. */
  CG.makeClient = function makeClient(transport) {
    const client = {};
    for (const [key, kind] of Object.entries(CG.MSG)) {
      client[CG.clientMethodName(key)] = TO_TAB.has(kind)
        ? (tabId, fields) => deliver(() => transport.toTab(tabId, { kind, ...(fields || {}) }))
        : (fields) => deliver(() => transport.toWorker({ kind, ...(fields || {}) }));
    }
    return Object.freeze(client);
  };

  CG.client = CG.makeClient({
    toWorker: (message) => CG.api.runtime.sendMessage(message),
    toTab: (tabId, message) => CG.api.tabs.sendMessage(tabId, message, { frameId: 0 }),
  });
})(globalThis.CG);
