// The limit for Node on one core: a bare node:http listener answering fixed bytes — the status, headers and body
// mockgate answered for the case (captured by bench/limit.ts) — whatever the request. It reads the request body
// (as any server must, to keep the connection usable) and does nothing else: no routing, parsing or state.
// Configured by environment: BARE_PORT, BARE_ANSWER = {"status","headers":{name: value},"body"}.
import http from 'node:http';

const answer = JSON.parse(process.env.BARE_ANSWER);
const body = Buffer.from(answer.body ?? '', 'utf8');
const headers = { ...answer.headers, 'Content-Length': String(body.length) };
http
  .createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(answer.status, headers);
      res.end(body);
    });
  })
  .listen(Number(process.env.BARE_PORT), '127.0.0.1');
