/*
 * One watched compose box: reads its text through its adapter, schedules checks, keeps
 * data-cg-state, drives the overlay and answers "may this post go?" for the interceptor.
 * It never writes into the editor: the only thing it sets on the box is data-cg-state.
 */
(function (CG) {
  const FLAGGED = new Set(['warn', 'block']);
  const severityRank = { info: 0, warn: 1, block: 2 };

  class BoxController {
    /** @param {object} page {site, config, send(text), event(kind, categories), openRule(rule), optOut(box)} */
    constructor(box, adapter, page) {
      this.box = box;
      this.adapter = adapter;
      this.page = page;
      this.state = null;
      this.result = null; // last result for the current text
      this.resultText = '';
      this.ignored = new Set(); // categories ignored for this post
      this.lastFlagged = []; // categories of the last warn/block result
      this.reported = ''; // categories already counted as warning_shown for this post
      this.overlay = null;
      this.scheduler = new CG.CheckScheduler({
        debounceMs: page.config.settings.debounceMs,
        readText: () => adapter.readText(box),
        send: (text) => page.send(text),
        onState: (s) => this.setState(s),
        onResult: (text, result) => this.onResult(text, result),
        limit: CG.SERVICE_TEXT_LIMIT,
      });
      this.onInput = () => {
        const timed = CG.perf.start();
        if (this.state !== 'paused') this.scheduler.notifyInput();
        CG.perf.end('input', timed);
      };
      if (adapter.kind === 'value') {
        box.addEventListener('input', this.onInput);
      } else {
        // Editors also change text without input events (emoji pickers, paste handlers, undo).
        this.mutations = new MutationObserver(this.onInput);
        this.mutations.observe(box, { childList: true, subtree: true, characterData: true });
      }
      this.onFocus = () => this.ensureOverlay();
      box.addEventListener('focus', this.onFocus);
      if (page.isPaused()) this.setState('paused');
      else if (adapter.readText(box).trim()) this.scheduler.notifyInput();
      else this.setState('ok');
    }

    ensureOverlay() {
      if (!this.overlay) {
        this.overlay = new CG.BoxOverlay(this.box, this.adapter, {
          onIgnore: (f) => this.ignore(f),
          onNotAProblem: (f) => { this.page.event('not_a_problem', [f.category]); this.ignore(f); },
          onSeeRule: (f) => this.page.openRule(f.rule || {}),
          onOptOut: () => this.page.optOut(this),
          postButtons: () => CG.siteProfiles.postButtonsFor(this.box, CG.siteProfiles.profileFor(this.page.site)),
        });
        this.overlay.update(this.state, this.visibleFindings(), null);
        if (this.result) this.render();
      }
      return this.overlay;
    }

    dispose(keepAttribute) {
      this.scheduler.dispose();
      if (this.mutations) this.mutations.disconnect();
      this.box.removeEventListener('input', this.onInput);
      this.box.removeEventListener('focus', this.onFocus);
      if (this.overlay) this.overlay.destroy();
      this.overlay = null;
      if (!keepAttribute) this.box.removeAttribute('data-cg-state');
    }

    setState(state) {
      if (state === this.state) return;
      this.state = state;
      this.box.setAttribute('data-cg-state', state);
      if (this.overlay) this.overlay.update(state, state === 'checking' ? null : this.visibleFindings(), null);
      else if (state !== 'ok' && state !== 'checking') this.ensureOverlay();
    }

    pause(paused) {
      if (paused) {
        this.setState('paused');
      } else if (this.state === 'paused') {
        this.setState('checking');
        this.scheduler.invalidate();
      }
    }

    visibleFindings() {
      if (!this.result) return [];
      return (this.result.findings || []).filter((f) => f.severity !== 'info' && !this.ignored.has(f.category));
    }

    verdictOf(findings) {
      const worst = findings.reduce((m, f) => Math.max(m, severityRank[f.severity] || 0), 0);
      return worst === 2 ? 'block' : worst === 1 ? 'warn' : 'ok';
    }

    onResult(text, result) {
      if (!text.trim()) {
        this.ignored.clear(); // the post went (or was cleared): a new post starts
        this.reported = '';
      }
      this.result = result;
      this.resultText = text;
      const findings = this.visibleFindings();
      const verdict = this.verdictOf(findings);
      // Flagged before and fine now, after the officer changed the text: an edit.
      if (this.lastFlagged.length && verdict === 'ok' && text.trim()) this.page.event('edited', this.lastFlagged);
      this.lastFlagged = FLAGGED.has(verdict) ? findings.map((f) => f.category) : [];
      const cats = findings.map((f) => f.category).sort().join(',');
      if (FLAGGED.has(verdict) && cats !== this.reported) {
        this.reported = cats;
        this.page.event('warning_shown', findings.map((f) => f.category));
      }
      this.setState(verdict);
      this.render();
    }

    /** Highlights + cards for the last result (requestAnimationFrame via the overlay). */
    render() {
      if (!this.overlay && !FLAGGED.has(this.state)) return;
      const findings = this.visibleFindings();
      const spans = [];
      const text = this.resultText;
      for (const f of findings) {
        for (const [start, end] of CG.textMap.codePointSpansToUtf16(text, f.spans)) spans.push({ start, end, severity: f.severity });
      }
      this.ensureOverlay().update(this.state, findings, spans);
    }

    ignore(finding) {
      this.ignored.add(finding.category);
      this.lastFlagged = this.lastFlagged.filter((c) => c !== finding.category);
      const verdict = this.verdictOf(this.visibleFindings());
      this.setState(verdict);
      this.render();
    }

    /** Does a post from this box need a second look right now? */
    needsLook() {
      if (this.state === 'paused') return false;
      if (FLAGGED.has(this.state) || this.state === 'checking') return true;
      return this.state === 'offline' && this.page.effectivePolicy().failClosed;
    }

    /** Hold a post: resolves true when it may go. */
    async confirmPost() {
      if (this.state === 'checking' || this.state === 'offline') {
        const timeout = new Promise((r) => setTimeout(() => r({ offline: true }), 2500));
        await Promise.race([this.scheduler.flush(), timeout]);
      }
      const state = this.state;
      if (state === 'offline') {
        if (!this.page.effectivePolicy().failClosed) return true;
      } else if (!FLAGGED.has(state)) {
        return true;
      }
      const findings = state === 'offline' ? [] : this.visibleFindings();
      const answer = await CG.showPostDialog(this.box.ownerDocument, {
        verdict: state,
        findings,
        overridePolicy: this.page.effectivePolicy().blockOverride,
        setByOrganisation: this.page.effectivePolicy().setByOrganisation,
        dark: CG.isDarkBehind(this.box),
      });
      if (answer.action === 'post') {
        this.page.event('override', findings.map((f) => f.category));
        return true;
      }
      this.box.focus({ preventScroll: true });
      return false;
    }
  }

  CG.BoxController = BoxController;
})(globalThis.CG);
