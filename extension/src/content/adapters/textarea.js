/* Plain <textarea> and text <input>: the value is the text; offsets are the value's own. */
(function (CG) {
  CG.adapters.register({
    name: 'textarea',
    kind: 'value',
    match: (el) => el.nodeName === 'TEXTAREA' || el.nodeName === 'INPUT',
    readText: (el) => el.value || '',
    snapshot: (el) => ({ text: el.value || '', pieces: [] }),
  });
})(globalThis.CG);
