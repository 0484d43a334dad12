// The benchmark's floor: a bare express app whose one route answers the same status, content type and body
// that mockgate answered for the case (captured by bench/run.ts). No body parsing, no validation, no state.
// Configured by environment: BARE_PORT, BARE_ROUTE = {"method","path","status","contentType","body"}.
import express from 'express';

const route = JSON.parse(process.env.BARE_ROUTE);
const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app[route.method.toLowerCase()](route.path, (_req, res) => {
  res.status(route.status);
  if (route.body === undefined) return res.end();
  res.setHeader('Content-Type', route.contentType ?? 'application/json');
  res.end(route.body);
});
app.listen(Number(process.env.BARE_PORT), '127.0.0.1');
