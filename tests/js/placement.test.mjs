// Where the panel of finding cards goes: never over the box, its post button or the badge.
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadScripts } from './load.mjs';

const CG = loadScripts('src/shared/namespace.js', 'src/content/ui/placement.js');
const { placePanel, intersects } = CG.placement;
const R = (left, top, width, height) => ({ left, top, right: left + width, bottom: top + height });
const viewport = { width: 1100, height: 760 };
const panel = { width: 360, height: 290 };
const rectOf = (spot, p = panel) => R(spot.left, spot.top, Math.min(p.width, viewport.width - 8), spot.maxHeight ?? p.height);

function assertClear(spot, rects, vp = viewport, p = panel) {
  const r = rectOf(spot, p);
  for (const o of rects) assert.equal(intersects(r, o), false, `${JSON.stringify(r)} covers ${JSON.stringify(o)}`);
  assert.ok(r.left >= 0 && r.top >= 0 && r.right <= vp.width && r.bottom <= vp.height, `outside the viewport: ${JSON.stringify(r)}`);
}

test('below the box and its post button when there is room', () => {
  const box = R(254, 90, 592, 90);
  const button = R(770, 190, 60, 30);
  const spot = placePanel({ panel, box, avoid: [button], viewport });
  assert.equal(spot.side, 'below');
  assert.equal(spot.top, 226);
  assertClear(spot, [box, button]);
});

test('above when the box is near the bottom', () => {
  const box = R(254, 600, 592, 90);
  const button = R(770, 700, 60, 30);
  const badge = R(794, 576, 36, 20);
  const spot = placePanel({ panel, box, avoid: [button, badge], viewport });
  assert.equal(spot.side, 'above');
  assertClear(spot, [box, button, badge]);
});

test('beside when neither above nor below fits, and shortened when nothing fits whole', () => {
  const box = R(100, 200, 400, 400);
  const spot = placePanel({ panel, box, avoid: [], viewport });
  assert.equal(spot.side, 'right');
  assertClear(spot, [box]);
  const wide = R(20, 150, 1060, 300); // no room beside: the larger of above/below, scrolling
  const short = placePanel({ panel, box: wide, avoid: [], viewport });
  assert.equal(short.side, 'below');
  assert.ok(short.maxHeight < panel.height);
  assertClear(short, [wide]);
});

test('a box partly scrolled out only counts where it is visible; a box filling the viewport cannot be avoided', () => {
  const box = R(254, -400, 592, 500); // visible 0..100
  const spot = placePanel({ panel, box, avoid: [], viewport });
  assert.equal(spot.side, 'below');
  assertClear(spot, [R(254, 0, 592, 100)]);
  const full = placePanel({ panel, box: R(0, 0, 1100, 760), avoid: [], viewport });
  assert.equal(full.side, 'over');
  const r = rectOf(full);
  assert.ok(r.right <= 1100 && r.bottom <= 760);
});

test('right to left (Urdu UI): aligned on the box\'s left edge, and beside it on the left first', () => {
  const box = R(254, 90, 592, 90);
  const button = R(270, 190, 60, 30); // an RTL site puts its post button on the left
  const below = placePanel({ panel, box, avoid: [button], viewport, rtl: true });
  assert.equal(below.side, 'below');
  assert.equal(below.left, 254, 'left edges aligned');
  assertClear(below, [box, button]);
  const ltr = placePanel({ panel, box, avoid: [button], viewport });
  assert.equal(ltr.left, 846 - 360, 'right edges aligned without rtl');
  // Room on both sides: rtl goes left, ltr goes right.
  const tall = R(400, 200, 300, 400);
  const rtlSide = placePanel({ panel, box: tall, avoid: [], viewport, rtl: true });
  assert.equal(rtlSide.side, 'left');
  assertClear(rtlSide, [tall]);
  assert.equal(placePanel({ panel, box: tall, avoid: [], viewport }).side, 'right');
  // No room on the left: rtl still goes right rather than over the box.
  const leftBox = R(100, 200, 400, 400);
  const fallback = placePanel({ panel, box: leftBox, avoid: [], viewport, rtl: true });
  assert.equal(fallback.side, 'right');
  assertClear(fallback, [leftBox]);
});

test('a small window (700×420): shortened above or below as long as its head shows, never over the box', () => {
  const vp = { width: 700, height: 420 };
  const tall = { width: 360, height: 292 };
  const box = R(70, 171, 560, 77);
  const button = R(569, 256, 61, 27);
  const badge = R(595, 147, 35, 20);
  // 137 px above, 127 below: under the 140 px a panel without a measured head needs.
  assert.equal(placePanel({ panel: tall, box, avoid: [button, badge], viewport: vp }).side, 'over');
  const spot = placePanel({ panel: tall, head: 115, box, avoid: [button, badge], viewport: vp });
  assert.equal(spot.side, 'above');
  assert.equal(spot.maxHeight, 137);
  assertClear(spot, [box, button, badge], vp, tall);
  // A head taller than either space: nothing better than over the box.
  assert.equal(placePanel({ panel: tall, head: 150, box, avoid: [button, badge], viewport: vp }).side, 'over');
});
