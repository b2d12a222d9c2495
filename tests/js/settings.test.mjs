import test from 'node:test';
import assert from 'node:assert/strict';
import { loadPure } from './load.mjs';

const CG = loadPure();
const S = CG.settings;

test('defaults: the service at 127.0.0.1:47814 and the nine sites', () => {
  const { settings, locked } = S.mergeSettings(undefined, undefined);
  assert.equal(settings.serviceUrl, 'http://127.0.0.1:47814');
  assert.deepEqual([...settings.sites].sort(), ['facebook.com', 'instagram.com', 'linkedin.com', 'reddit.com',
    'threads.net', 'web.telegram.org', 'web.whatsapp.com', 'x.com', 'youtube.com']);
  assert.deepEqual(locked, []);
});

test('merge order: defaults -> user -> managed; managed keys are locked', () => {
  const { settings, locked } = S.mergeSettings(
    { pack: 'in-ais', failClosed: false, defaultAccount: 'official' },
    { failClosed: true, blockOverride: 'never' },
  );
  assert.equal(settings.pack, 'in-ais'); // user
  assert.equal(settings.defaultAccount, 'official'); // user
  assert.equal(settings.failClosed, true); // managed wins
  assert.equal(settings.blockOverride, 'never');
  assert.deepEqual(locked, ['blockOverride', 'failClosed']);
});

test('invalid or unknown values are ignored, not trusted', () => {
  const { settings, locked } = S.mergeSettings(
    { serviceUrl: 'http://evil.example.com:47814', debounceMs: 5, sites: ['x.com', 'not a host', 'WWW.Example.COM'], junk: 1 },
    { defaultAccount: 'admin', failClosed: 'yes' },
  );
  assert.equal(settings.serviceUrl, 'http://127.0.0.1:47814'); // loopback only
  assert.equal(settings.debounceMs, 350);
  assert.deepEqual(settings.sites, ['x.com', 'example.com']);
  assert.equal(settings.defaultAccount, 'personal');
  assert.deepEqual(locked, []);
  assert.equal('junk' in settings, false);
});

test('service URL accepts loopback hosts with a port', () => {
  assert.equal(S.VALIDATORS.serviceUrl('http://localhost:47999/'), 'http://localhost:47999');
  assert.equal(S.VALIDATORS.serviceUrl('http://127.0.0.1:1'), 'http://127.0.0.1:1');
  assert.equal(S.VALIDATORS.serviceUrl('http://127.0.0.2:1'), undefined);
});

test('a site covers its subdomains, and nothing else', () => {
  const sites = S.DEFAULT_SITES;
  assert.equal(S.siteForHost('www.facebook.com', sites), 'facebook.com');
  assert.equal(S.siteForHost('m.facebook.com', sites), 'facebook.com');
  assert.equal(S.siteForHost('x.com', sites), 'x.com');
  assert.equal(S.siteForHost('web.whatsapp.com', sites), 'web.whatsapp.com');
  assert.equal(S.siteForHost('whatsapp.com', sites), null);
  assert.equal(S.siteForHost('notx.com', sites), null);
  assert.equal(S.siteForHost('example.org', sites), null);
});

test('account type per site falls back to the default', () => {
  const { settings } = S.mergeSettings({ accountBySite: { 'x.com': 'official', 'bad host': 'official' } }, {});
  assert.equal(S.accountFor(settings, 'x.com'), 'official');
  assert.equal(S.accountFor(settings, 'reddit.com'), 'personal');
  assert.deepEqual(settings.accountBySite, { 'x.com': 'official' });
});

test('pauses: per site, forever or timed, and everywhere for an hour', () => {
  const now = 1_000_000;
  assert.equal(S.isPaused({ all: now + 10, sites: {} }, 'x.com', now), true);
  assert.equal(S.isPaused({ all: now - 10, sites: {} }, 'x.com', now), false);
  assert.equal(S.isPaused({ all: 0, sites: { 'x.com': 'forever' } }, 'x.com', now), true);
  assert.equal(S.isPaused({ all: 0, sites: { 'x.com': now - 1 } }, 'x.com', now), false);
  assert.equal(S.isPaused({ all: 0, sites: { 'x.com': 'forever' } }, 'reddit.com', now), false);
});

test('pauseEnds: the next timed end that applies to the site (the service\'s pause or the site\'s)', () => {
  const now = 1_000_000;
  assert.equal(S.pauseEnds({ all: now + 900, sites: {} }, 'x.com', now), now + 900);
  assert.equal(S.pauseEnds({ all: now + 900, sites: { 'x.com': now + 60 } }, 'x.com', now), now + 60);
  assert.equal(S.pauseEnds({ all: 0, sites: { 'x.com': 'forever' } }, 'x.com', now), 0, 'no end to wait for');
  assert.equal(S.pauseEnds({ all: now - 1, sites: { 'reddit.com': now + 5 } }, 'x.com', now), 0);
  assert.equal(S.pauseEnds(null, 'x.com', now), 0);
});

test('moderation assist: off by default, on only for the groups and pages listed, compared without case', () => {
  const { settings } = S.mergeSettings(undefined, undefined);
  assert.equal(settings.moderation, 'optin');
  assert.deepEqual(settings.moderationTargets, {});
  assert.equal(S.moderates(settings, 'web.whatsapp.com', 'District Officers Lahore'), false);
  const targets = S.withModerationTarget({}, 'web.whatsapp.com', '  District  Officers Lahore ', true);
  const on = S.mergeSettings({ moderationTargets: targets }, undefined).settings;
  assert.equal(S.moderates(on, 'web.whatsapp.com', 'district officers lahore'), true);
  assert.equal(S.moderates(on, 'web.whatsapp.com', 'Another group'), false);
  assert.equal(S.moderates(on, 'facebook.com', 'District Officers Lahore'), false, 'per site');
  const offAgain = S.withModerationTarget(on.moderationTargets, 'web.whatsapp.com', 'DISTRICT OFFICERS LAHORE', false);
  assert.deepEqual(offAgain['web.whatsapp.com'], []);
  assert.equal(S.moderationKey('@DCLahore'), 'dclahore', 'an X handle with or without @');
});

test('moderation assist: IT can lock it off, and bad target lists are cleaned', () => {
  const { settings, locked } = S.mergeSettings(
    { moderationTargets: { 'x.com': ['DCLahore'] } },
    { moderation: 'off' },
  );
  assert.equal(S.moderates(settings, 'x.com', 'DCLahore'), false, 'off wins over the user\'s list');
  assert.deepEqual(locked, ['moderation']);
  const cleaned = S.mergeSettings({ moderation: 'always', moderationTargets: { 'not a host': ['a'], 'x.com': ['A', 5, '', 'a'] } }).settings;
  assert.equal(cleaned.moderation, 'optin');
  assert.deepEqual(cleaned.moderationTargets, { 'x.com': ['a'] });
});
