/*
 * CSS for everything inside our shadow roots. Light by default; .dark when the page is dark.
 * Sides are logical (inline-start/end): with dir="rtl" on the root (Urdu) the card, panel,
 * badge and dialogs mirror by themselves. Fonts per script, by the root's lang.
 */
(function (CG) {
  CG.UI_CSS = `
:host { all: initial; }
* { box-sizing: border-box; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
.root:lang(ur) * { font-family: "Noto Nastaliq Urdu", "Jameel Noori Nastaleeq", "Urdu Typesetting", "Noto Naskh Arabic", system-ui, "Segoe UI", sans-serif; }
.root:lang(hi) * { font-family: system-ui, "Nirmala UI", "Noto Sans Devanagari", "Segoe UI", Roboto, "Noto Sans", sans-serif; }
.root:lang(bn) * { font-family: system-ui, "Nirmala UI", "Noto Sans Bengali", "Segoe UI", Roboto, "Noto Sans", sans-serif; }
.root:lang(gu) * { font-family: system-ui, "Nirmala UI", "Noto Sans Gujarati", "Segoe UI", Roboto, "Noto Sans", sans-serif; }
.root:lang(ur) .panel, .root:lang(ur) .dialog { line-height: 1.75; }
/* Texts in English inside another UI (a pack without the language, document titles, rule refs): a Latin font. */
.root:not(:lang(en)) :lang(en) { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; line-height: 1.45; }
.root:lang(ur) .badge { height: 24px; line-height: 22px; }
.root:lang(ur) .dialog textarea { margin-top: 10px; } /* Nastaliq descenders of the label above */
.root:lang(ur) .dialog .hint { margin-top: 0; }
.ref { unicode-bidi: isolate; }
.quote:not(:lang(en)) { font-style: normal; } /* no slanted Nastaliq, Devanagari, Bangla or Gujarati */
.root { --bg:#ffffff; --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --warn:#9a6700; --warn-bg:#fff8c5;
  --block:#cf222e; --block-bg:#ffebe9; --ok:#1a7f37; --focus:#0969da; --shadow:0 8px 24px rgba(0,0,0,.18); }
.root.dark { --bg:#1f2428; --fg:#e6edf3; --muted:#9198a1; --line:#3d444d; --warn:#e3b341; --warn-bg:#3a2f0b;
  --block:#ff7b72; --block-bg:#3d1614; --ok:#56d364; --focus:#4493f8; --shadow:0 8px 24px rgba(0,0,0,.6); }
.badge { position: fixed; pointer-events: auto; display: inline-flex; align-items: center; gap: 4px;
  height: 20px; min-width: 20px; padding: 0 7px; border-radius: 10px; border: 1px solid var(--line);
  background: var(--bg); color: var(--muted); font-size: 12px; line-height: 18px; font-weight: 600;
  cursor: pointer; box-shadow: 0 1px 3px rgba(0,0,0,.15); transition: opacity .15s; white-space: nowrap; }
.badge:focus-visible, button:focus-visible, textarea:focus-visible, a:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; }
.badge[data-state="ok"] { color: var(--ok); opacity: .75; }
.badge[data-state="checking"], .badge[data-state="offline"], .badge[data-state="paused"] { opacity: .7; }
.badge[data-state="warn"] { color: var(--warn); background: var(--warn-bg); border-color: var(--warn); }
.badge[data-state="block"] { color: var(--block); background: var(--block-bg); border-color: var(--block); }
.badge .dot { width: 8px; height: 8px; border-radius: 50%; background: currentColor; }
.badge[data-state="checking"] .dot { animation: pulse 1s ease-in-out infinite; }
@keyframes pulse { 50% { opacity: .3; } }
@media (prefers-reduced-motion: reduce) { .badge[data-state="checking"] .dot { animation: none; } }
.hl { position: fixed; pointer-events: none; border-bottom: 2px solid var(--warn); background: rgba(212,167,44,.16); border-radius: 2px; }
.hl.block { border-bottom-color: var(--block); background: rgba(207,34,46,.12); }
.mirror { position: fixed; visibility: hidden; overflow: hidden; white-space: pre-wrap; word-wrap: break-word; }
.panel { position: fixed; pointer-events: auto; width: 360px; max-width: calc(100vw - 16px); max-height: min(70vh, 520px);
  overflow: auto; background: var(--bg); color: var(--fg); border: 1px solid var(--line); border-radius: 10px;
  box-shadow: var(--shadow); padding: 10px; font-size: 13px; line-height: 1.4; }
.panel h2 { font-size: 13px; margin: 0 0 8px; }
.card { border: 1px solid var(--line); border-inline-start: 4px solid var(--warn); border-radius: 8px; padding: 8px 10px; margin: 0 0 8px; }
.card.block { border-inline-start-color: var(--block); }
.card .cat { font-weight: 700; }
.card .sev { font-size: 11px; font-weight: 700; text-transform: uppercase; margin-inline-start: 6px; color: var(--warn); }
.card.block .sev { color: var(--block); }
.card .rule { margin-top: 4px; }
.card .source { color: var(--muted); font-size: 12px; }
.card .msg { margin: 6px 0; }
.card .quote { margin: 6px 0; padding-block: 2px; padding-inline: 8px 0; border-inline-start: 3px solid var(--line); font-style: italic;
  display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 6; overflow: hidden; }
.card .note { color: var(--muted); font-size: 12px; margin: 0 0 4px; }
/* A small window (700×420): a compact card, so that a shortened panel shows more than its head. */
@media (max-height: 520px) {
  .panel { padding: 6px 8px; line-height: 1.3; }
  .panel h2 { margin-bottom: 4px; }
  .card { padding: 6px 8px; margin-bottom: 6px; }
  .card .msg, .card .quote { margin: 4px 0; }
  .card .quote { -webkit-line-clamp: 3; }
}
.card .instead { margin: 4px 0; }
.card .source { margin: 0 0 6px; }
.dialog .why-not { color: var(--muted); font-size: 13px; margin-block: 0; margin-inline: 0 auto; align-self: center; flex: 1 1 6em; min-width: 0; }
.dialog .hint { color: var(--muted); font-size: 12px; margin: -6px 0 8px; }
.dialog li .instead { color: var(--muted); font-size: 13px; }
.actions { display: flex; flex-wrap: wrap; gap: 6px; }
button.act { pointer-events: auto; font-size: 12px; padding: 3px 8px; border-radius: 6px; border: 1px solid var(--line);
  background: transparent; color: var(--fg); cursor: pointer; }
button.act:hover { background: rgba(127,127,127,.15); }
button.primary { background: var(--focus); border-color: var(--focus); color: #fff; }
button.danger { border-color: var(--block); color: var(--block); }
button[disabled] { opacity: .5; cursor: not-allowed; }
.footer { display: flex; justify-content: space-between; align-items: center; margin-top: 4px; color: var(--muted); font-size: 12px; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.backdrop { position: fixed; inset: 0; width: 100vw; height: 100vh; pointer-events: auto; background: rgba(0,0,0,.45);
  display: flex; align-items: center; justify-content: center; }
.dialog { width: 440px; max-width: calc(100vw - 24px); max-height: 85vh; overflow: auto; background: var(--bg); color: var(--fg);
  border-radius: 12px; box-shadow: var(--shadow); padding: 16px; font-size: 14px; line-height: 1.45; }
.dialog h2 { margin: 0 0 6px; font-size: 16px; }
.dialog p { margin: 0 0 10px; color: var(--muted); }
.dialog textarea { width: 100%; min-height: 56px; margin: 4px 0 10px; background: var(--bg); color: var(--fg);
  border: 1px solid var(--line); border-radius: 6px; padding: 6px; font-size: 13px; }
.dialog label { display: block; font-size: 13px; font-weight: 600; }
.dialog .actions { justify-content: flex-end; margin-top: 8px; }
.dialog .actions button { font-size: 14px; padding: 6px 12px; }
`;
})(globalThis.CG);
