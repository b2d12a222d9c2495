/*
 * Where the panel of finding cards goes. Pure geometry (unit-tested under Node).
 * It must never cover the compose box's text, the site's post/send button or our badge:
 * below all of them if the panel fits there, else above, else beside (right, then left);
 * when none fits whole, the larger space above/below with the panel shortened (it scrolls) as long
 * as its head (its title and the first card's category, severity and rule) still shows: a small
 * window (700×420) has no room for a whole card, and a panel over the box hid the text it is about;
 * always inside the viewport. Mirrored for a right-to-left UI (Urdu): aligned on the box's left
 * edge, and beside it on the left first.
 */
(function (CG) {
  const MIN_HEIGHT = 140; // the head's height when the caller does not measure it (o.head)

  /** Rect {top, left, right, bottom} clipped to the viewport (only the visible part matters). */
  function clip(r, vw, vh) {
    return { top: Math.max(0, r.top), left: Math.max(0, r.left), right: Math.min(vw, r.right), bottom: Math.min(vh, r.bottom) };
  }

  function union(rects) {
    return rects.reduce((u, r) => ({
      top: Math.min(u.top, r.top), left: Math.min(u.left, r.left), right: Math.max(u.right, r.right), bottom: Math.max(u.bottom, r.bottom),
    }));
  }

  function intersects(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  /**
   * @param {object} o
   * @param {{width:number,height:number}} o.panel  the panel's natural size
   * @param {object} o.box                           the compose box's client rect
   * @param {object[]} [o.avoid]                    more rects not to cover (post buttons, badge)
   * @param {{width:number,height:number}} o.viewport
   * @param {number} [o.gap]    space between the panel and what it avoids
   * @param {number} [o.margin] space kept from the viewport's edges
   * @param {boolean} [o.rtl]   a right-to-left UI: the panel is mirrored
   * @param {number} [o.head]   the panel's height down to the end of the first card's head: a
   *   shortened panel must show at least that much
   * @returns {{top:number,left:number,maxHeight:number|null,side:string}}
   */
  function placePanel(o) {
    const gap = o.gap ?? 6;
    const margin = o.margin ?? 4;
    const vw = o.viewport.width;
    const vh = o.viewport.height;
    const pw = Math.min(o.panel.width, vw - 2 * margin);
    const ph = o.panel.height;
    const rects = [o.box, ...(o.avoid || [])].filter(Boolean).map((r) => clip(r, vw, vh))
      .filter((r) => r.bottom > r.top && r.right > r.left);
    const area = rects.length ? union(rects) : clip(o.box, vw, vh);
    const clampLeft = (x) => Math.max(margin, Math.min(vw - pw - margin, x));
    const clampTop = (y, h) => Math.max(margin, Math.min(vh - h - margin, y));
    // Edges aligned like the badge: right edges, or left edges in a right-to-left UI.
    const alignedLeft = clampLeft(o.rtl ? o.box.left : o.box.right - pw);

    const below = vh - margin - (area.bottom + gap);
    const above = area.top - gap - margin;
    if (ph <= below) return { top: area.bottom + gap, left: alignedLeft, maxHeight: null, side: 'below' };
    if (ph <= above) return { top: area.top - gap - ph, left: alignedLeft, maxHeight: null, side: 'above' };

    // Beside: the panel may be as tall as the viewport; it must stay clear of every rect.
    const sideHeight = Math.min(ph, vh - 2 * margin);
    const sideTop = clampTop(o.box.top, sideHeight);
    const maxHeight = sideHeight < ph ? sideHeight : null;
    const right = area.right + gap;
    const left = area.left - gap - pw;
    const sides = [
      right + pw <= vw - margin ? { top: sideTop, left: right, maxHeight, side: 'right' } : null,
      left >= margin ? { top: sideTop, left, maxHeight, side: 'left' } : null,
    ];
    const beside = (o.rtl ? sides.reverse() : sides).find(Boolean);
    if (beside) return beside;

    // Shortened (scrolling) above or below, whichever has more room, if the head shows whole.
    if (Math.max(below, above) >= (o.head ?? MIN_HEIGHT)) {
      return below >= above
        ? { top: area.bottom + gap, left: alignedLeft, maxHeight: below, side: 'below' }
        : { top: margin, left: alignedLeft, maxHeight: above, side: 'above' };
    }
    // The box fills the viewport: nothing can avoid it; stay inside the viewport, bottom right.
    return { top: clampTop(vh, Math.min(ph, vh - 2 * margin)), left: clampLeft(vw), maxHeight: Math.min(ph, vh - 2 * margin), side: 'over' };
  }

  CG.placement = { placePanel, intersects, clip, union };
})(globalThis.CG);
