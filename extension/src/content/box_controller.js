/*
 * One watched compose box: reads its text through its adapter, schedules checks, keeps
 * data-cg-state, drives the overlay and answers "may this post go?" for the interceptor.
 * It never writes into the editor: the only thing it sets on the box is data-cg-state.
 */
(function (CG) {
  const FLAGGED = new Set(['warn', 'block']);
  const severityRank = { info: 0, warn: 1, block: 2 };

  class BoxController {
    /**
     * @param {object} page {site, config, send(text), event(kind, categories), openRule(rule), optOut(controller),
     *   effectivePolicy(), isPaused(), pausedNow()}
     */
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
        // A retry after an offline answer may still be due when a pause starts: paused wins.
        onState: (s) => { if (!page.isPaused()) this.setState(s); },
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
          onIgnore: (f) => this.dismiss(f, 'ignored'),
          onNotAProblem: (f) => this.dismiss(f, 'not_a_problem'),
          onSeeRule: (f) => this.page.openRule(f.rule || {}),
          onOptOut: () => this.optOut(),
          canDismiss: (f) => this.canDismiss(f),
          canOptOut: () => this.canOptOut(),
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
      // An ignored block comes back if the policy no longer lets blocks be dismissed.
      return (this.result.findings || []).filter((f) => f.severity !== 'info'
        && !(this.ignored.has(f.category) && this.canDismiss(f)));
    }

    /**
     * May a finding be set aside from its card ("ignore for this post", "not a problem")? A
     * NOT ALLOWED one only where its post could go anyway: with blockOverride "never" (the
     * officer's choice, IT's managed setting or the service's machine policy) it stays until
     * the text is edited, or the card would be a way round the held post.
     */
    canDismiss(f) {
      return f.severity !== 'block' || this.page.effectivePolicy().blockOverride !== 'never';
    }

    /** "Don't check this box": never with "never", or any box could carry a blocked post out. */
    canOptOut() {
      return this.page.effectivePolicy().blockOverride !== 'never';
    }

    /** The blocks a dismissal would let through: with "reason" they need one first. */
    async reasonGiven(findings, optOut) {
      const blocks = findings.filter((f) => f.severity === 'block');
      if (!blocks.length || this.page.effectivePolicy().blockOverride !== 'reason') return true;
      return CG.askDismissReason(this.box.ownerDocument, { findings: blocks, optOut, dark: CG.isDarkBehind(this.box) });
    }

    /** "Ignore for this post" / "not a problem": checked here too, not only by what the card offers. */
    async dismiss(finding, event) {
      if (!this.canDismiss(finding) || !(await this.reasonGiven([finding], false))) return;
      this.page.event(event, [finding.category]); // every dismissal is counted (categories only)
      this.ignore(finding);
    }

    async optOut() {
      if (!this.canOptOut()) return;
      const findings = this.visibleFindings();
      if (!(await this.reasonGiven(findings, true))) return;
      this.page.event('opted_out', findings.map((f) => f.category));
      this.page.optOut(this);
    }

    /** The policy changed (settings, IT, the service): findings set aside may have to come back. */
    policyChanged() {
      if (!this.result || !['ok', 'warn', 'block'].includes(this.state)) return;
      this.setState(this.verdictOf(this.visibleFindings()));
      this.render();
    }

    verdictOf(findings) {
      const worst = findings.reduce((m, f) => Math.max(m, severityRank[f.severity] || 0), 0);
      return worst === 2 ? 'block' : worst === 1 ? 'warn' : 'ok';
    }

    onResult(text, result) {
      if (this.page.isPaused()) {
        // The answer came from a paused service (or the pause began while it was on its way):
        // nothing is shown or counted; checking starts again from scratch at the resume.
        this.setState('paused');
        return;
      }
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
      // Judged from the findings, not only the state: a block set aside under a looser policy
      // is held again as soon as the policy says "never".
      if (this.state === 'ok' && this.result && FLAGGED.has(this.verdictOf(this.visibleFindings()))) return true;
      return this.state === 'offline' && this.page.effectivePolicy().failClosed;
    }

    /** Hold a post: resolves true when it may go. */
    async confirmPost() {
      if (this.state === 'checking' || this.state === 'offline') {
        const timeout = new Promise((r) => setTimeout(() => r({ offline: true }), 2500));
        await Promise.race([this.scheduler.flush(), timeout]);
      }
      if (this.state === 'ok' && this.result) this.policyChanged();
      // Paused from the tray a moment ago (the page looks every few seconds): ask before holding.
      if (FLAGGED.has(this.state) && await this.page.pausedNow()) this.setState('paused');
      const state = this.state;
      if (state === 'paused') return true;
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
