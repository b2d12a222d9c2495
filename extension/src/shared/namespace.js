/*
 * One shared namespace for the classic scripts of each context (content script,
 * worker, popup, options). MV3 content scripts cannot be ES modules without a
 * loader, and Firefox background.scripts are classic too, so every file adds to
 * `globalThis.CG` and the manifest lists them in order.
 * The same files also run under Node for the unit tests (see tests/js/load.mjs).
 */
(function () {
  const root = globalThis;
  root.CG = root.CG || {};
  // `browser` (Firefox, promise-based) first; Chrome's MV3 `chrome` also returns promises.
  root.CG.api = root.browser && root.browser.runtime ? root.browser : root.chrome;
})();
