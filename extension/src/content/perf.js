/*
 * Measures the time the content script spends on the typing path (for the benchmark).
 * A ring of the last 2,000 samples; `document` event `cg-perf-dump` writes them as JSON into
 * <html data-cg-perf> so a test harness can read them. No text is ever recorded.
 */
(function (CG) {
  const SIZE = 2000;
  const samples = [];
  const now = () => performance.now();

  CG.perf = {
    start: now,
    end(kind, startedAt) {
      const t = now();
      samples.push([kind, startedAt, t - startedAt]);
      if (samples.length > SIZE) samples.shift();
    },
    samples,
    install(doc) {
      doc.addEventListener('cg-perf-dump', () => {
        doc.documentElement.setAttribute('data-cg-perf', JSON.stringify({ timeOrigin: performance.timeOrigin, samples }));
      });
      doc.addEventListener('cg-perf-reset', () => { samples.length = 0; });
    },
  };
})(globalThis.CG);
