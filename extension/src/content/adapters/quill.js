/*
 * Quill (LinkedIn). The editable root is .ql-editor; lines are <p>, an empty line <p><br></p>.
 * While formatting, Quill inserts span.ql-cursor holding a U+FEFF: not the user's text.
 */
(function (CG) {
  const { hasClass, contentEditableAdapter } = CG.adapters;
  CG.adapters.register(contentEditableAdapter(
    'quill',
    (el) => hasClass(el, 'ql-editor'),
    (el) => hasClass(el, 'ql-cursor') || hasClass(el, 'ql-clipboard'),
  ));
})(globalThis.CG);
