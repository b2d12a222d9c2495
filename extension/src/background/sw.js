/*
 * Chrome/Edge service-worker entry. Firefox loads the same files through manifest
 * background.scripts instead (it ignores background.service_worker when scripts are present,
 * and Chrome ignores scripts when service_worker is present).
 */
importScripts(
  '../shared/namespace.js',
  '../shared/protocol.js',
  '../shared/i18n.js',
  '../shared/settings.js',
  '../shared/text_map.js',
  'service_client.js',
  'worker.js',
);
