// Fake copies of the target sites, served over HTTPS under their real host names.
// Browsers reach them through a tiny CONNECT proxy (every https host -> our server), so the
// extension's content-script match patterns (https://*.x.com/* ...) apply exactly as in real use.
import https from 'node:https';
import http from 'node:http';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const HOSTS = ['x.com', 'www.facebook.com', 'web.whatsapp.com', 'www.linkedin.com', 'www.reddit.com',
  'www.youtube.com', 'www.threads.net', 'www.instagram.com', 'web.telegram.org', 'example.org'];

// Which fake page each host serves at "/".
const PAGE_BY_HOST = {
  'x.com': 'x.html',
  'www.facebook.com': 'facebook.html',
  'web.whatsapp.com': 'whatsapp.html',
  'www.linkedin.com': 'linkedin.html',
  'www.reddit.com': 'reddit.html',
  'www.youtube.com': 'youtube.html',
  'www.threads.net': 'threads.html',
  'www.instagram.com': 'instagram.html',
  'web.telegram.org': 'reddit.html',
  'example.org': 'reddit.html',
};

/** A self-signed certificate for all the hosts (made with openssl at test time, never committed). */
export function makeCertificate() {
  const dir = mkdtempSync(path.join(tmpdir(), 'cg-cert-'));
  const config = path.join(dir, 'openssl.cnf');
  writeFileSync(config, [
    '[req]', 'distinguished_name=dn', 'x509_extensions=ext', 'prompt=no',
    '[dn]', 'CN=conduct-guard-e2e',
    '[ext]', `subjectAltName=${HOSTS.map((h) => `DNS:${h}`).join(',')}`,
    'basicConstraints=CA:FALSE', 'keyUsage=digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth',
  ].join('\n'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-keyout', path.join(dir, 'key.pem'),
    '-out', path.join(dir, 'cert.pem'), '-config', config], { stdio: 'ignore' });
  return { key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) };
}

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

/** Start the HTTPS site server and the CONNECT proxy in front of it. */
export async function startSites() {
  const { key, cert } = makeCertificate();
  const site = https.createServer({ key, cert }, (req, res) => {
    const host = (req.headers.host || '').replace(/:\d+$/, '');
    const url = new URL(req.url, `https://${host}`);
    // ?fixture=NAME serves pages/NAME.html at any path, so a page can have a real address
    // (facebook.com/DCOfficeLahore/posts/1, x.com/DCLahore/status/1): moderation assist reads it.
    const fixture = url.searchParams.get('fixture');
    let file = fixture && /^[a-z_]+$/.test(fixture) ? `${fixture}.html`
      : url.pathname === '/' ? PAGE_BY_HOST[host] : url.pathname.slice(1);
    if (!file || !/^[a-z_]+\.(html|js|css)$/.test(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    try {
      const body = readFileSync(path.join(HERE, 'pages', file));
      const type = file.endsWith('.html') ? 'text/html' : file.endsWith('.js') ? 'text/javascript' : 'text/css';
      res.writeHead(200, { 'Content-Type': `${type}; charset=utf-8`, 'Cache-Control': 'no-store' }).end(body);
    } catch (_) {
      res.writeHead(404).end('not found');
    }
  });
  const sitePort = await listen(site);

  // CONNECT host:443 -> our HTTPS server, whatever the host.
  const proxy = http.createServer((req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, clientSocket, head) => {
    const upstream = net.connect(sitePort, '127.0.0.1', () => {
      clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head && head.length) upstream.write(head);
      upstream.pipe(clientSocket);
      clientSocket.pipe(upstream);
    });
    upstream.on('error', () => clientSocket.destroy());
    clientSocket.on('error', () => upstream.destroy());
  });
  const proxyPort = await listen(proxy);
  return {
    sitePort,
    proxyPort,
    async close() {
      proxy.closeAllConnections?.();
      site.closeAllConnections?.();
      await Promise.all([new Promise((r) => proxy.close(r)), new Promise((r) => site.close(r))]);
    },
  };
}
