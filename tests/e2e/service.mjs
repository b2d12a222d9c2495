// Starts the REAL local service for the E2E tests: $CG_PYTHON -m conduct_guard serve.
// (CG_E2E_SERVICE=stub uses tests/e2e/stub_service.mjs instead, for working on the harness.)
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStub } from './stub_service.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

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

/** -> {url, stop(), start(extraEnv?), health, kind} ; start() restarts it on the same port. */
export async function startService(port) {
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
    const env = { ...process.env, ...(extraEnv || {}), PYTHONPATH: [process.env.PYTHONPATH, path.join(ROOT, 'backend')].filter(Boolean).join(path.delimiter) };
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
