// convex-metrics-relay: serves the Convex backend's /metrics to the CloudWatch agent in a form Prometheus parsers accept.
// The backend writes its VictoriaMetrics histograms with "# TYPE <name> vmhistogram", a type the Prometheus text format
// does not have: a Prometheus scrape (the agent's) fails on that line and drops the whole scrape. The relay types them
// as summaries (the agent keeps summaries and sends the deltas of their _sum and _count) and leaves out their
// _bucket{vmrange=...} lines, which no summary has and nothing here uses. Everything else passes unchanged.
'use strict';
const http = require('http');

const upstream = process.env.RELAY_UPSTREAM || 'http://127.0.0.1:3210/metrics';
const host = process.env.RELAY_HOST || '127.0.0.1';
const port = Number(process.env.RELAY_PORT || '9464');

function rewrite(text) {
  const histograms = new Set();
  const out = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) vmhistogram$/.exec(line);
    if (type) {
      histograms.add(type[1]);
      out.push(`# TYPE ${type[1]} summary`);
      continue;
    }
    const bucket = /^(\S+?)_bucket\{/.exec(line);
    if (bucket && histograms.has(bucket[1])) {
      continue;
    }
    out.push(line);
  }
  return out.join('\n');
}

function fail(res, status, message) {
  res.writeHead(status, { 'Content-Type': 'text/plain' });
  res.end(`${message}\n`);
}

const server = http.createServer((req, res) => {
  if (req.method !== 'GET' || req.url.split('?')[0] !== '/metrics') {
    fail(res, 404, 'not found');
    return;
  }
  const request = http.get(upstream, { timeout: 10000 }, (up) => {
    const chunks = [];
    up.on('data', (chunk) => chunks.push(chunk));
    up.on('end', () => {
      if (up.statusCode !== 200) {
        fail(res, 502, `backend answered ${up.statusCode}`);
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(rewrite(Buffer.concat(chunks).toString('utf8')));
    });
  });
  request.on('timeout', () => request.destroy(new Error('backend timed out')));
  request.on('error', (err) => fail(res, 502, `backend unreachable: ${err.message}`));
});

server.listen(port, host, () => console.log(`convex-metrics-relay: ${upstream} on ${host}:${port}`));
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
