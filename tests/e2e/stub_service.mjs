// A stand-in for the local service with contract-shaped answers (harness development only;
// the E2E tests run against the real service unless CG_E2E_SERVICE=stub).
import http from 'node:http';

const CATEGORIES = ['official_information', 'political_opinion', 'criticism_of_government', 'misinformation',
  'hate_speech', 'national_security', 'incitement_defamation', 'privacy', 'self_promotion'];

function check(text) {
  const scores = Object.fromEntries(CATEGORIES.map((c) => [c, 0.01]));
  const findings = [];
  const m = /cabinet|F\.No\.|confidential/i.exec(text);
  if (m) {
    scores.official_information = 0.95;
    const chars = [...text];
    findings.push({
      category: 'official_information', score: 0.95, severity: 'block',
      rule: { pack: 'pk-federal', ref: 'Rule 18', title: 'Communication of official information', source: 'stub.pdf' },
      message: 'This looks like official information that has not been made public.',
      spans: [[0, chars.length]],
    });
  }
  const verdict = findings.some((f) => f.severity === 'block') ? 'block' : findings.length ? 'warn' : 'ok';
  return { verdict, scores, findings, model: { name: 'stub', version: '0' }, elapsed_ms: 0.1 };
}

export function startStub(port) {
  const server = http.createServer((req, res) => {
    const origin = req.headers.origin;
    if (origin && !/^(chrome-extension|moz-extension):\/\//.test(origin)) {
      res.writeHead(403, { 'Content-Type': 'application/json' }).end('{"error":{"code":"forbidden","message":"origin"}}');
      return;
    }
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const json = (code, obj) => res.writeHead(code, { 'Content-Type': 'application/json' }).end(JSON.stringify(obj));
      if (req.url === '/v1/health') return json(200, { status: 'ok', model: { name: 'stub', version: '0' }, pack: 'pk-federal' });
      if (req.url === '/v1/packs') return json(200, { packs: [{ id: 'pk-federal', name: 'Pakistan federal', rules: [] }] });
      if (req.url === '/v1/events') return json(200, { ok: true });
      if (req.url === '/v1/check' && req.method === 'POST') {
        try {
          return json(200, check(JSON.parse(body).text));
        } catch (_) {
          return json(400, { error: { code: 'bad_json', message: 'bad' } });
        }
      }
      return json(404, { error: { code: 'not_found', message: req.url } });
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  })));
}
