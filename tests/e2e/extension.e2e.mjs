// End-to-end: the unpacked extension in a real browser (CG_BROWSER=chromium|firefox), fake
// copies of the sites under their real host names, and the real local service.
// One browser and one service for all suites (context.mjs); the suites run in this order.
// CG_E2E_SUITES=card,pause (names from SUITES) runs only those, e.g. while working on them.
import './context.mjs';

const SUITES = ['sites', 'card', 'policy', 'override', 'pause', 'auth', 'worker', 'i18n', 'moderation'];
const only = (process.env.CG_E2E_SUITES || '').split(',').map((s) => s.trim()).filter(Boolean);
const unknown = only.filter((s) => !SUITES.includes(s));
if (unknown.length) throw new Error(`unknown suite(s) ${unknown.join(', ')}; known: ${SUITES.join(', ')}`);
for (const name of SUITES) {
  if (!only.length || only.includes(name)) await import(`./suite_${name}.mjs`);
}
