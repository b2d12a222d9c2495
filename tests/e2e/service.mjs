// Starts the REAL local service for the E2E tests: $CG_PYTHON -m conduct_guard serve.
// (CG_E2E_SERVICE=stub uses tests/e2e/stub_service.mjs instead, for working on the harness.)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStub } from './stub_service.mjs';
import { loadScripts } from '../js/load.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// The header that carries the service token, as the extension names it (one home: service_client.js).
export const TOKEN_HEADER = loadScripts('src/shared/namespace.js', 'src/background/service_client.js').SERVICE_AUTH.header;

const pythonEnv = (env) => ({ ...env, PYTHONPATH: [env.PYTHONPATH, path.join(ROOT, 'backend')].filter(Boolean).join(path.delimiter) });

/** The environment of a process living in `home` (the service, setup, the browsers and so the native host). */
export function homeEnv(home) {
  const env = { ...process.env, HOME: home };
  // nothing may point the token, the settings or the browsers' folders back at the developer's
  for (const name of ['XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME', 'CONDUCT_GUARD_TOKEN_FILE', 'CONDUCT_GUARD_CONFIG']) delete env[name];
  return env;
}

/**
 * A home folder of the run's own, set up as an officer does it once: `conduct-guard setup`
 * writes the service token and the native messaging host's manifests (Chromium's
 * ~/.config/chromium/NativeMessagingHosts, Firefox's ~/.mozilla/native-messaging-hosts). The
 * service and the browsers run with HOME there, so the host the browser starts hands the
 * extension the token the service checks, and nothing of the developer's own is read or written.
 * -> {home, env, token, remove()}
 */
export function prepareHome() {
  const home = mkdtempSync(path.join(tmpdir(), 'cg-e2e-home-'));
  const env = homeEnv(home);
  const python = process.env.CG_PYTHON || 'python3';
  const run = spawnSync(python, ['-m', 'conduct_guard', 'setup'], { cwd: ROOT, env: pythonEnv(env), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`conduct-guard setup failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  // the file setup names ("token:    PATH"), not a copy of the platform's data-folder rules
  const tokenFile = /^token:\s+(.+)$/m.exec(run.stdout)[1].trim();
  return {
    home, env, tokenFile,
    token: readFileSync(tokenFile, 'utf8').trim(),
    remove() { rmSync(home, { recursive: true, force: true }); },
  };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitHealthy(url, ms, child) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (child && child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}`);
    try {
      const r = await fetch(`${url}/v1/health`);
      if (r.ok) return await r.json();
    } catch (_) { /* not yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`service at ${url} not healthy after ${ms} ms`);
}

/**
 * -> {url, stop(), start(extraEnv?), health, kind} ; start() restarts it on the same port.
 * `baseEnv`: the environment of every start (prepareHome's), extraEnv on top.
 */
export async function startService(port, baseEnv = process.env) {
  const p = port || (await freePort());
  const url = `http://127.0.0.1:${p}`;
  if (process.env.CG_E2E_SERVICE === 'stub') {
    let stub = await startStub(p);
    return {
      url, kind: 'stub', health: await waitHealthy(url, 5000),
      async stop() { await stub.close(); stub = null; },
      async start() { stub = await startStub(p); await waitHealthy(url, 5000); },
    };
  }
  const python = process.env.CG_PYTHON || 'python3';
  let child = null;
  let log = '';
  const launch = async (extraEnv) => {
    // From a checkout the package is not installed: let Python find backend/ too.
    const env = pythonEnv({ ...baseEnv, ...(extraEnv || {}) });
    child = spawn(python, ['-m', 'conduct_guard', 'serve', '--host', '127.0.0.1', '--port', String(p)],
      { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => { log += d; });
    child.stderr.on('data', (d) => { log += d; });
    try {
      return await waitHealthy(url, 90000, child);
    } catch (e) {
      throw new Error(`${e.message}\n--- service output ---\n${log.slice(-3000)}`);
    }
  };
  const stopChild = async () => {
    if (!child || child.exitCode !== null) return;
    const done = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await done;
    clearTimeout(timer);
  };
  const health = await launch();
  return { url, kind: 'real', health, stop: stopChild, start: launch, log: () => log };
}
