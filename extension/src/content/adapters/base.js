/*
 * Editor adapters: each editor's quirks in one small named object.
 * An adapter answers: is this element mine (match), what is its text (readText, never
 * changing anything), and how do text offsets map back to DOM nodes (snapshot).
 * Adapters register in order, most specific first; `generic contenteditable` is the fallback.
 */
(function (CG) {
  const adapters = [];

  function register(adapter) {
    adapters.push(adapter);
  }

  function adapterFor(element) {
    return adapters.find((a) => a.match(element)) || null;
  }

  const hasClass = (el, name) => !!(el.classList && el.classList.contains(name));

  /** Build a contenteditable adapter from the editor's furniture to skip. */
  function contentEditableAdapter(name, match, skip) {
    return {
      name,
      kind: 'contenteditable',
      match,
      skip,
      snapshot(el) {
        return CG.textMap.snapshotDom(el, skip);
      },
      readText(el) {
        return CG.textMap.snapshotDom(el, skip).text;
      },
    };
  }

  CG.adapters = { register, adapterFor, list: adapters, hasClass, contentEditableAdapter };
})(globalThis.CG);
