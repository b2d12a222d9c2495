// End-to-end: the unpacked extension in a real browser (CG_BROWSER=chromium|firefox), fake
// copies of the sites under their real host names, and the real local service.
// One browser and one service for all suites (context.mjs); the suites run in this order.
import './context.mjs';
import './suite_sites.mjs';
import './suite_card.mjs';
import './suite_policy.mjs';
import './suite_worker.mjs';
