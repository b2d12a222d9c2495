/*
 * Pure text/offset logic shared by the content scripts' adapters and the worker (capText, the
 * service's limit in code points); unit-tested under Node with a tiny fake DOM.
 * - The service speaks code points (Python string indices); the DOM speaks UTF-16 code units.
 *   An emoji is 1 code point and 2 code units, so spans must be converted.
 * - A snapshot walks an editor's DOM once, without touching it, and records which text node
 *   produced which part of the text, so finding spans can be turned back into DOM Ranges.
 */
(function (CG) {
  const BLOCK_TAGS = new Set([
    'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'DD', 'DIV', 'DL', 'DT', 'FIGCAPTION', 'FIGURE',
    'FOOTER', 'FORM', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LI', 'MAIN', 'NAV', 'OL',
    'P', 'PRE', 'SECTION', 'TABLE', 'TBODY', 'TD', 'TH', 'THEAD', 'TR', 'UL',
  ]);
  const SKIP_TAGS = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT']);
  const TEXT_NODE = 3;
  const ELEMENT_NODE = 1;

  /** Offsets (UTF-16) of each code point boundary: table[cp] = utf16 index. */
  function codePointTable(text) {
    const table = [0];
    for (let i = 0; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      const isHighSurrogate = c >= 0xd800 && c <= 0xdbff;
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (isHighSurrogate && next >= 0xdc00 && next <= 0xdfff) i += 1;
      table.push(i + 1);
    }
    return table;
  }

  /** [[startCp, endCp]] -> [[startU16, endU16]], clamped to the text. */
  function codePointSpansToUtf16(text, spans) {
    const table = codePointTable(text);
    const last = table.length - 1;
    const clamp = (n) => Math.max(0, Math.min(last, n | 0));
    return (spans || [])
      .filter((s) => Array.isArray(s) && s.length === 2)
      .map(([a, b]) => [table[clamp(a)], table[clamp(b)]])
      .filter(([a, b]) => b > a);
  }

  function codePointLength(text) {
    return codePointTable(text).length - 1;
  }

  /** The service refuses more than `limit` code points: send the first `limit`. */
  function capText(text, limit) {
    if (text.length <= limit) return { text, truncated: false }; // fast path: code units >= code points
    const table = codePointTable(text);
    if (table.length - 1 <= limit) return { text, truncated: false };
    return { text: text.slice(0, table[limit]), truncated: true };
  }

  /**
   * Walk `root` and build {text, pieces:[{node, start, end}]} (UTF-16 offsets into text).
   * `skip(element)` lets an adapter hide editor furniture (cursors, widgets, placeholders).
   * Blocks become '\n'; a <br> becomes '\n' unless it is the last thing in its block (browsers
   * keep such a <br> only to give an empty line its height).
   */
  function snapshotDom(root, skip) {
    const pieces = [];
    let text = '';
    let pendingBreak = false; // a block ended since the last line break
    let lastInline = false; // the last thing emitted was inline text

    const breakIfPending = () => {
      if (pendingBreak && text.length > 0) text += '\n';
      pendingBreak = false;
    };
    const isLastInParent = (node) => {
      for (let n = node.nextSibling; n; n = n.nextSibling) {
        if (n.nodeType === ELEMENT_NODE) return false;
        if (n.nodeType === TEXT_NODE && n.data.length > 0) return false;
      }
      return true;
    };

    const visit = (node) => {
      if (node.nodeType === TEXT_NODE) {
        if (!node.data) return;
        breakIfPending();
        pieces.push({ node, start: text.length, end: text.length + node.data.length });
        text += node.data;
        lastInline = true;
        return;
      }
      if (node.nodeType !== ELEMENT_NODE) return;
      const tag = node.nodeName.toUpperCase();
      if (SKIP_TAGS.has(tag) || (skip && skip(node))) return;
      if (tag === 'BR') {
        breakIfPending();
        if (!isLastInParent(node)) {
          text += '\n';
          lastInline = false;
        }
        return;
      }
      const isBlock = BLOCK_TAGS.has(tag);
      if (isBlock) {
        if ((pendingBreak || lastInline) && text.length > 0) text += '\n';
        pendingBreak = false;
        lastInline = false;
      }
      for (let child = node.firstChild; child; child = child.nextSibling) visit(child);
      if (isBlock) pendingBreak = true;
    };

    for (let child = root.firstChild; child; child = child.nextSibling) visit(child);
    return { text, pieces };
  }

  /** Find the piece holding UTF-16 offset `offset` (as a start, or as an end when `isEnd`). */
  function locate(pieces, offset, isEnd) {
    let lo = 0;
    let hi = pieces.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const p = pieces[mid];
      if (isEnd ? offset <= p.start : offset < p.start) hi = mid - 1;
      else if (isEnd ? offset > p.end : offset >= p.end) lo = mid + 1;
      else return { piece: p, offset: offset - p.start };
    }
    // Offset falls on a synthetic '\n': a start snaps forward, an end snaps back.
    if (isEnd) return hi >= 0 ? { piece: pieces[hi], offset: pieces[hi].end - pieces[hi].start } : null;
    return lo < pieces.length ? { piece: pieces[lo], offset: 0 } : null;
  }

  /** UTF-16 [start, end) in the snapshot text -> {startNode, startOffset, endNode, endOffset}. */
  function rangePoints(snapshot, start, end) {
    const a = locate(snapshot.pieces, start, false);
    const b = locate(snapshot.pieces, end, true);
    if (!a || !b) return null;
    if (a.piece.start + a.offset >= b.piece.start + b.offset) return null;
    return { startNode: a.piece.node, startOffset: a.offset, endNode: b.piece.node, endOffset: b.offset };
  }

  CG.textMap = { codePointTable, codePointSpansToUtf16, codePointLength, capText, snapshotDom, rangePoints, BLOCK_TAGS };
})(globalThis.CG);
