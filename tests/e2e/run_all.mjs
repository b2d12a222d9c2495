// Runs the E2E suite once per browser (sequentially: the machine may have 2 cores).
// A browser whose binary is absent is skipped with a message; anything else failing fails.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserAvailable, BINARIES } from './browsers.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
// node run_all.mjs [chromium] [firefox] [--suites=card,pause] (default: both browsers, every suite)
const args = process.argv.slice(2);
const suites = args.find((a) => a.startsWith('--suites='));
if (suites) process.env.CG_E2E_SUITES = suites.slice('--suites='.length);
const browsers = args.filter((a) => !a.startsWith('--'));
const wanted = browsers.length ? browsers : ['chromium', 'firefox'];
let failed = false;
for (const name of wanted) {
  if (!browserAvailable(name)) {
    console.log(`# SKIP ${name} end-to-end tests: ${BINARIES[name]} not found (apt-get install ${name === 'firefox' ? 'firefox-esr' : 'chromium'})`);
    continue;
  }
  const started = Date.now();
  // Node 20 applies --test-timeout to the file as well, and the file runs every suite (one service,
  // one browser): 10 minutes for all of them; each wait inside a test has its own timeout.
  const run = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-timeout=600000',
    path.join(HERE, 'extension.e2e.mjs')], { stdio: 'inherit', env: { ...process.env, CG_BROWSER: name } });
  console.log(`# ${name} end-to-end: ${run.status === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
