/*
 * Draft.js (X / Twitter). The editable root is .public-DraftEditor-content; each block is
 * div[data-block="true"], text lives in span[data-text="true"]; an empty block holds
 * <br data-text="true">. The placeholder sits outside the editable root, so nothing to skip.
 */
(function (CG) {
  const { hasClass, contentEditableAdapter } = CG.adapters;
  CG.adapters.register(contentEditableAdapter(
    'draftjs',
    (el) => hasClass(el, 'public-DraftEditor-content') || !!(el.closest && el.closest('.DraftEditor-root')),
    () => false,
  ));
})(globalThis.CG);
