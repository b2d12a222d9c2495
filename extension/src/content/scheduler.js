/*
 * When to check a box's text. Pure logic with injectable timers (unit-tested under Node).
 * - notifyInput() is all a keystroke costs: bump a version and push the debounce timer back.
 * - When the timer fires the text is read once; one request at a time; input arriving while a
 *   request is in flight only sets `dirty`, and the next request starts when the first returns.
 * - Results are cached by text (an LRU), so undo/redo back to a checked text answers at once.
 * - When the service is offline it retries on its own with a backoff, so it recovers by itself.
 */
(function (CG) {
  const EMPTY_RESULT = Object.freeze({ verdict: 'ok', findings: [], scores: {} });

  class CheckScheduler {
    /**
     * @param {object} o
     * @param {number} o.debounceMs
     * @param {() => string} o.readText      current text of the box
     * @param {(text: string) => Promise<{result?: object, offline?: boolean}>} o.send
     * @param {(state: string) => void} o.onState   'checking' | 'offline'
     * @param {(text: string, result: object) => void} o.onResult
     * @param {number} [o.limit]             max code points sent (the service's limit)
     * @param {object} [o.timers]            {setTimeout, clearTimeout}
     */
    constructor(o) {
      this.debounceMs = o.debounceMs;
      this.readText = o.readText;
      this.send = o.send;
      this.onState = o.onState || (() => {});
      this.onResult = o.onResult || (() => {});
      this.limit = o.limit || 20000;
      this.timers = o.timers || globalThis;
      this.cache = new Map();
      this.cacheSize = o.cacheSize || 30;
      this.version = 0; // bumped by every input
      this.deliveredVersion = -1; // the version whose outcome was last delivered
      this.timer = null;
      this.inFlight = false;
      this.dirty = false;
      this.retryMs = 0;
      this.state = 'idle';
      this.waiters = [];
      this.disposed = false;
    }

    notifyInput() {
      this.version += 1;
      if (this.state !== 'checking') this.setState('checking');
      this.schedule(this.debounceMs);
    }

    /** Check now and resolve with the outcome for the current text ({result} or {offline}). */
    flush() {
      return new Promise((resolve) => {
        if (this.deliveredVersion === this.version && this.lastOutcome) {
          resolve(this.lastOutcome);
          return;
        }
        this.waiters.push(resolve);
        if (!this.inFlight) this.schedule(0);
        else this.dirty = true;
      });
    }

    /** Forget cached answers (settings changed) and check again. */
    invalidate() {
      this.cache.clear();
      this.deliveredVersion = -1;
      this.version += 1;
      this.schedule(0);
    }

    dispose() {
      this.disposed = true;
      if (this.timer) this.timers.clearTimeout(this.timer);
      this.timer = null;
      this.waiters.splice(0).forEach((w) => w({ offline: true }));
    }

    schedule(ms) {
      if (this.disposed) return;
      if (this.timer) this.timers.clearTimeout(this.timer);
      this.timer = this.timers.setTimeout(() => {
        this.timer = null;
        this.fire();
      }, ms);
    }

    setState(state) {
      this.state = state;
      this.onState(state);
    }

    async fire() {
      if (this.disposed) return;
      if (this.inFlight) {
        this.dirty = true;
        return;
      }
      const version = this.version;
      const { text } = CG.textMap.capText(this.readText(), this.limit);
      let outcome;
      if (!text.trim()) {
        outcome = { result: EMPTY_RESULT };
      } else if (this.cache.has(text)) {
        outcome = { result: this.cache.get(text) };
        this.cache.delete(text); // refresh LRU position
        this.cache.set(text, outcome.result);
      } else {
        this.inFlight = true;
        try {
          outcome = await this.send(text);
        } catch (_) {
          outcome = { offline: true };
        }
        this.inFlight = false;
        if (this.disposed) return;
        if (outcome && outcome.result) this.remember(text, outcome.result);
      }
      if (!outcome || !(outcome.result || outcome.offline)) outcome = { offline: true };

      if (this.dirty) {
        // Input arrived while we were waiting: check the newer text right away.
        this.dirty = false;
        if (version !== this.version && !this.timer) this.schedule(0);
        if (version !== this.version) return;
      }
      if (version !== this.version) return; // a newer check is already scheduled
      this.deliver(version, text, outcome);
    }

    deliver(version, text, outcome) {
      this.deliveredVersion = version;
      this.lastOutcome = outcome;
      if (outcome.offline) {
        this.setState('offline');
        this.retryMs = Math.min(this.retryMs ? this.retryMs * 2 : 2000, 15000);
        if (!this.timer) this.schedule(this.retryMs);
        this.deliveredVersion = -1; // so the retry really asks again
      } else {
        this.retryMs = 0;
        this.state = outcome.result.verdict || 'ok';
        this.onResult(text, outcome.result);
      }
      this.waiters.splice(0).forEach((w) => w(outcome));
    }

    remember(text, result) {
      this.cache.set(text, result);
      if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value);
    }
  }

  CG.CheckScheduler = CheckScheduler;
  CG.EMPTY_RESULT = EMPTY_RESULT;
})(globalThis.CG);
