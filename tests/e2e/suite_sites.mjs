// The sites: every editor kind, holding a post, offline and recovery, screenshots.
import test from 'node:test';
import assert from 'node:assert/strict';
import { BROWSER, ctx, open } from './context.mjs';
import {
  SHOTS, VIOLATING, BENIGN, waitState, waitExists, waitGone, exists, textOf, posts, editorText, postAnyway, typeInto,
} from './helpers.mjs';

test('x.com (Draft.js): warns, names the rule, holds the post until "post anyway"', async () => {
  const page = await open('https://x.com/');
  const box = '[data-testid="tweetTextarea_0"]';
  await waitState(page, box, /ok/);
  await typeInto(page, box, VIOLATING);
  await waitState(page, box, /^(warn|block)$/);
  assert.equal(await editorText(page), VIOLATING, 'the typed text is unchanged');

  // The card names the rule.
  await page.click('.badge');
  await waitExists(page, '.card[data-cg-finding]');
  assert.equal(await exists(page, '.card[data-cg-finding="official_information"]'), true);
  assert.ok((await textOf(page, '.card[data-cg-finding="official_information"] [data-cg-rule]')).trim().length > 0);
  await page.screenshot(`${SHOTS}/cg-${BROWSER}-x-card.png`);
  await page.press('Escape');

  // Clicking Post is held; "edit" keeps it held.
  await page.click('[data-testid="tweetButton"]');
  await waitExists(page, '[data-cg-dialog]');
  await page.screenshot(`${SHOTS}/cg-${BROWSER}-x-dialog.png`);
  assert.deepEqual(await posts(page), []);
  await page.click('[data-cg-action="edit"]');
  await waitGone(page, '[data-cg-dialog]');
  assert.deepEqual(await posts(page), []);

  // The keyboard shortcut (Ctrl+Enter on X) is held too; "post anyway" runs the site's handler once.
  await page.focus(box);
  await page.press('Control+Enter');
  await waitExists(page, '[data-cg-dialog]');
  assert.deepEqual(await posts(page), []);
  await postAnyway(page);
  await page.waitFor(() => window.__posts.length === 1, undefined, 5000);
  assert.deepEqual(await posts(page), [VIOLATING]);
  await page.close();
});

test('facebook.com (Lexical): a benign post is ok and posts without a dialog; the editor DOM is untouched', async () => {
  const page = await open('https://www.facebook.com/');
  const box = '[data-lexical-editor]';
  await typeInto(page, box, BENIGN);
  await waitState(page, box, /^ok$/);
  assert.equal(await editorText(page), BENIGN);
  assert.equal(await page.evaluate(() => window.__foreignMutations), 0, 'no attribute changes besides data-cg-state');
  await page.click('[aria-label="Post"]');
  await page.waitFor(() => window.__posts.length === 1, undefined, 5000);
  assert.equal(await exists(page, '[data-cg-dialog]'), false);
  // And a violating one in the same box is flagged.
  await typeInto(page, box, VIOLATING);
  await waitState(page, box, /^(warn|block)$/);
  await page.close();
});

test('web.whatsapp.com (Lexical): Enter is held while flagged, and sends once after "post anyway"', async () => {
  const page = await open('https://web.whatsapp.com/');
  const box = '[aria-label="Type a message"]';
  await typeInto(page, box, VIOLATING);
  await waitState(page, box, /^(warn|block)$/);
  await page.press('Enter');
  await waitExists(page, '[data-cg-dialog]');
  assert.deepEqual(await posts(page), []);
  await page.press('Escape'); // = edit
  await waitGone(page, '[data-cg-dialog]');
  assert.equal(await editorText(page), VIOLATING, 'Enter did not reach the editor');
  await page.focus(box);
  await page.press('Enter');
  await waitExists(page, '[data-cg-dialog]');
  await postAnyway(page);
  await page.waitFor(() => window.__posts.length === 1, undefined, 5000);
  assert.deepEqual(await posts(page), [VIOLATING]);
  await page.close();
});

test('linkedin.com (Quill): flagged, the Post button is held', async () => {
  const page = await open('https://www.linkedin.com/');
  const box = '.ql-editor';
  await typeInto(page, box, VIOLATING);
  await waitState(page, box, /^(warn|block)$/);
  assert.equal(await editorText(page), VIOLATING);
  await page.click('.share-actions__primary-action');
  await waitExists(page, '[data-cg-dialog]');
  assert.deepEqual(await posts(page), []);
  await postAnyway(page);
  await page.waitFor(() => window.__posts.length === 1, undefined, 5000);
  await page.close();
});

test('reddit.com (textarea in a form): a click right after typing is held until the check answers', async () => {
  const page = await open('https://www.reddit.com/');
  const box = 'textarea';
  await waitState(page, box, /ok/);
  await typeInto(page, box, VIOLATING);
  await page.click('button[type="submit"]'); // within the debounce: still "checking"
  await waitExists(page, '[data-cg-dialog]');
  assert.deepEqual(await posts(page), []);
  await postAnyway(page);
  await page.waitFor(() => window.__posts.length === 1, undefined, 5000);
  assert.deepEqual(await posts(page), [VIOLATING]);
  await page.close();
});

test('youtube.com: a comment box inside an open shadow root is watched', async () => {
  const page = await open('https://www.youtube.com/');
  const box = '#contenteditable-root';
  await typeInto(page, box, VIOLATING);
  await waitState(page, box, /^(warn|block)$/);
  await page.click('#submit-button');
  await waitExists(page, '[data-cg-dialog]');
  assert.deepEqual(await posts(page), []);
  await page.close();
});

test('threads.net (ProseMirror): a box added late, and its replacement, are found', async () => {
  const page = await open('https://www.threads.net/');
  const box = '.ProseMirror';
  await waitState(page, box, /ok/, 8000);
  await typeInto(page, box, BENIGN);
  await waitState(page, box, /^ok$/);
  await page.evaluate(() => window.__remount());
  await waitState(page, '.ProseMirror[data-gen="2"]', /ok/, 8000);
  await typeInto(page, box, VIOLATING);
  await waitState(page, box, /^(warn|block)$/);
  await page.close();
});

test('instagram.com: a box inside an iframe (all_frames)', async () => {
  const page = await open('https://www.instagram.com/');
  const frame = 'frame_instagram';
  await page.waitFor(() => true, undefined, 1000);
  await waitState(page, 'textarea', /ok/, 8000, frame);
  await typeInto(page, 'textarea', VIOLATING, frame);
  await waitState(page, 'textarea', /^(warn|block)$/, 15000, frame);
  await page.close();
});

test('example.org is not a checked site', async () => {
  const page = await open('https://example.org/');
  await page.waitFor(() => document.readyState === 'complete', undefined, 5000);
  await new Promise((r) => setTimeout(r, 800));
  assert.equal(await exists(page, '[data-cg-state]'), false);
  await page.close();
});

test('service down: offline quietly, posting not blocked; recovers when the service returns', async () => {
  const page = await open('https://www.reddit.com/');
  const box = 'textarea';
  await waitState(page, box, /ok/);
  await ctx.env.service.stop();
  try {
    await typeInto(page, box, VIOLATING);
    await waitState(page, box, /^offline$/);
    await page.click('button[type="submit"]');
    await page.waitFor(() => window.__posts.length === 1, undefined, 8000);
    assert.equal(await exists(page, '[data-cg-dialog]'), false, 'no dialog while offline (not fail-closed)');
    await typeInto(page, box, VIOLATING);
    await waitState(page, box, /^offline$/);
  } finally {
    await ctx.env.service.start();
  }
  // No typing needed: the box retries on its own.
  await waitState(page, box, /^(warn|block)$/, 30000);
  await page.close();
});

test('screenshots on a dark page (checked by eye)', async () => {
  const page = await open('https://x.com/?theme=dark');
  const box = '[data-testid="tweetTextarea_0"]';
  await typeInto(page, box, VIOLATING);
  await waitState(page, box, /^(warn|block)$/);
  await page.screenshot(`${SHOTS}/cg-${BROWSER}-dark-badge.png`);
  await page.click('.badge');
  await waitExists(page, '.card[data-cg-finding]');
  await page.screenshot(`${SHOTS}/cg-${BROWSER}-dark-card.png`);
  await page.press('Escape');
  await page.click('[data-testid="tweetButton"]');
  await waitExists(page, '[data-cg-dialog]');
  await page.screenshot(`${SHOTS}/cg-${BROWSER}-dark-dialog.png`);
  await page.close();
});
