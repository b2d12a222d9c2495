/*
 * ProseMirror (and Tiptap). Root is .ProseMirror; paragraphs are <p>. ProseMirror adds
 * br.ProseMirror-trailingBreak and img.ProseMirror-separator to keep lines editable, and
 * decoration widgets (.ProseMirror-widget, e.g. placeholders): none of that is text.
 */
(function (CG) {
  const { hasClass, contentEditableAdapter } = CG.adapters;
  CG.adapters.register(contentEditableAdapter(
    'prosemirror',
    (el) => hasClass(el, 'ProseMirror'),
    (el) => hasClass(el, 'ProseMirror-trailingBreak') || hasClass(el, 'ProseMirror-separator')
      || hasClass(el, 'ProseMirror-widget'),
  ));
})(globalThis.CG);
