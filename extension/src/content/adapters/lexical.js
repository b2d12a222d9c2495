/*
 * Lexical (Facebook, Instagram, WhatsApp Web). Root carries data-lexical-editor="true";
 * paragraphs are <p>, text in span[data-lexical-text="true"], soft breaks are <br>, an empty
 * paragraph is <p><br></p>. Decorators (mentions, emoji images) keep their text in spans.
 * Lexical watches its DOM with a MutationObserver, which is why we only ever read it.
 */
(function (CG) {
  const { contentEditableAdapter } = CG.adapters;
  CG.adapters.register(contentEditableAdapter(
    'lexical',
    (el) => el.getAttribute && el.getAttribute('data-lexical-editor') === 'true',
    () => false,
  ));
})(globalThis.CG);
