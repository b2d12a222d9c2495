/*
 * Moderation assist: checks the messages of one group or page the officer moderates, and marks
 * those an admin should act on with data-cg-mod="<category ids>" (CONTRACT "Moderation assist").
 *
 * The page is never slowed by it: the MutationObserver only keeps its records; the messages they
 * touch (all of them the first time) are read in idle time (requestIdleCallback), sent in batches of BATCH, one batch in flight, and a
 * batch waits while the officer's own compose box is being checked (their checks keep priority).
 * A message is checked again only when its text changed. No text is kept: a WeakMap holds, per
 * message element, the length and a 32-bit hash of the text last checked, never the text.
 */
(function (CG) {
  const BATCH = 25; // messages per POST /v1/moderate: ~150 ms of model time here, short enough
  // that a compose-box check waiting behind it is not noticed
  const YIELD_MS = 40; // between batches, so the page and the compose-box checks get their turn
  const BUSY_WAIT_MS = 120; // while a compose box is checking
  const OFFLINE_RETRY_MS = 5000;

  const idle = (fn) => (typeof requestIdleCallback === 'function'
    ? requestIdleCallback(fn, { timeout: 500 }) : setTimeout(fn, 16));

  /** FNV-1a over UTF-16 units: enough to tell that a message's text changed. */
  function fingerprint(text) {
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i += 1) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    return `${text.length}:${h >>> 0}`;
  }

  class ModerationScanner {
    /**
     * @param doc       the page's document
     * @param adapter   CG.moderationSites adapter of this site
     * @param target    the group or page name (adapter.target)
     * @param hooks     {moderate(messages) -> Promise<{results}|{offline}>, busy() -> bool,
     *                   paused() -> bool, changed(scanner)}: the page's side (main.js)
     */
    constructor(doc, adapter, target, hooks) {
      this.doc = doc;
      this.adapter = adapter;
      this.target = target;
      this.hooks = hooks;
      this.seen = new WeakMap(); // element -> fingerprint of the text last sent
      this.marked = new Map(); // element -> marks (flagged messages, in page order when listed)
      this.checked = 0;
      this.offline = false;
      this.dirty = true;
      this.fullScan = true; // the first look reads every message; later ones only what changed
      this.changes = []; // MutationRecords not looked at yet
      this.removed = false; // a record removed nodes: drop marks of messages no longer in the page
      this.version = 0; // changes when the set of flagged messages changes (the panel redraws)
      this.sending = false;
      this.disposed = false;
      this.pending = []; // [{el, text, print}] read but not sent yet
      this.observer = new MutationObserver((records) => {
        const started = CG.perf.start();
        for (const r of records) this.changes.push(r);
        this.markDirty();
        CG.perf.end('moderation-observe', started);
      });
    }

    start() {
      const container = this.adapter.container(this.doc);
      this.observer.observe(container, { childList: true, subtree: true, characterData: true });
      this.markDirty();
    }

    /** The observer's whole work: keep the records and ask for an idle moment. */
    markDirty() {
      this.dirty = true;
      if (!this.scheduled && !this.disposed) {
        this.scheduled = true;
        idle(() => { this.scheduled = false; this.pump(); });
      }
    }

    /** The message elements to look at: all of them the first time, then those the records touch. */
    candidates() {
      const sites = CG.moderationSites;
      if (this.fullScan) {
        this.fullScan = false;
        this.changes = [];
        return sites.messagesIn(this.adapter, this.adapter.container(this.doc));
      }
      const found = new Set();
      for (const r of this.changes) {
        const holder = sites.messageOf(this.adapter, r.target);
        if (holder) found.add(holder);
        for (const node of r.addedNodes || []) for (const el of sites.messagesIn(this.adapter, node)) found.add(el);
        if (r.removedNodes && r.removedNodes.length) this.removed = true;
      }
      this.changes = [];
      return [...found];
    }

    /** Read the messages whose text is new since it was last sent (in idle time). */
    collect() {
      const started = CG.perf.start();
      this.dirty = false;
      const queued = new Set(this.pending.map((p) => p.el));
      for (const el of this.candidates()) {
        if (queued.has(el)) continue;
        const text = this.adapter.textOf(el);
        const print = fingerprint(text);
        if (this.seen.get(el) === print) continue;
        if (!text) {
          this.seen.set(el, print);
          this.setMarks(el, []);
          continue;
        }
        this.pending.push({ el, text, print });
      }
      if (this.removed) {
        this.removed = false;
        for (const el of [...this.marked.keys()]) {
          if (!el.isConnected) {
            this.marked.delete(el);
            this.version += 1;
          }
        }
      }
      CG.perf.end('moderation-collect', started);
    }

    async pump() {
      if (this.disposed || this.sending) return;
      if (this.dirty) this.collect();
      if (!this.pending.length) return;
      if (this.hooks.paused()) return; // the pause's end calls resume()
      if (this.hooks.busy()) {
        setTimeout(() => this.pump(), BUSY_WAIT_MS);
        return;
      }
      this.sending = true;
      const batch = this.pending.splice(0, BATCH);
      const reply = await this.hooks.moderate(batch.map((p, i) => ({ id: String(i), text: p.text })));
      this.sending = false;
      if (this.disposed) return;
      if (!reply || reply.offline || !Array.isArray(reply.results)) {
        this.pending.unshift(...batch);
        this.offline = true;
        this.hooks.changed(this);
        setTimeout(() => this.pump(), OFFLINE_RETRY_MS);
        return;
      }
      this.offline = false;
      const byId = new Map(reply.results.map((r) => [r.id, r]));
      batch.forEach((p, i) => {
        const result = byId.get(String(i));
        if (!result || !p.el.isConnected) return;
        this.seen.set(p.el, p.print);
        this.checked += 1;
        this.setMarks(p.el, result.marks || []);
      });
      this.hooks.changed(this);
      if (this.pending.length || this.dirty) setTimeout(() => idle(() => this.pump()), YIELD_MS);
    }

    /** data-cg-mod on a flagged message, none on the others: the only change to the page's DOM. */
    setMarks(el, marks) {
      if (marks.length) {
        el.setAttribute('data-cg-mod', marks.map((m) => m.category).join(' '));
        this.marked.set(el, marks);
        this.version += 1;
      } else if (this.marked.has(el) || el.hasAttribute('data-cg-mod')) {
        el.removeAttribute('data-cg-mod');
        this.marked.delete(el);
        this.version += 1;
      }
    }

    /** Flagged messages in the order they were read (the page's order: history, then arrivals). */
    flagged() {
      return [...this.marked].map(([el, marks]) => ({ el, marks }));
    }

    /** After a pause: send what waited. */
    resume() {
      this.markDirty();
    }

    /** Stop watching; with `unmark`, take every data-cg-mod away (turned off for this group). */
    dispose(unmark) {
      this.disposed = true;
      this.observer.disconnect();
      if (unmark) for (const el of this.marked.keys()) el.removeAttribute('data-cg-mod');
      this.marked.clear();
      this.pending = [];
    }
  }

  CG.ModerationScanner = ModerationScanner;
})(globalThis.CG);
