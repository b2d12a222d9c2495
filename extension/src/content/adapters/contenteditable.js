/* Any other contenteditable editor (YouTube comments, Telegram, Reddit's RTE): the fallback. */
(function (CG) {
  const { contentEditableAdapter } = CG.adapters;
  CG.adapters.register(contentEditableAdapter(
    'contenteditable',
    (el) => !!el.isContentEditable || (el.getAttribute && /^(true|plaintext-only|)$/.test(el.getAttribute('contenteditable') ?? 'x')),
    (el) => el.getAttribute && el.getAttribute('aria-hidden') === 'true' && el.getAttribute('contenteditable') === 'false',
  ));
})(globalThis.CG);
