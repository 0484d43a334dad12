/**
 * npm run bench:error-render — what an error in a user's spec's declared shape costs, in process (no socket): the
 * 401 of test/fixtures/generic/secured.yaml's listPets (declared `{code, message}`), rendered by the API module
 * (src/engine/generic-api.ts) with a message it has not seen (the body is generated from the schema and checked)
 * and with one it has (the body it made is reused); then the whole request, `GET /v1/pets` without a credential,
 * over a keep-alive connection to the app on 127.0.0.1 (one at a time, so it is latency, kernel included). Medians
 * of 5 rounds; prints, writes nothing.
 *
 *   npm run bench:error-render
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../src/app.js';
import { defaultConfig } from '../src/config.js';
import { unauthorized } from '../src/engine/errors.js';
import { fixturePath } from '../test/support/test-app.js';
import { median } from './lib/load.js';

const ROUNDS = 5;
const RENDERS = 2000;
const REQUESTS = 5000;

const app = await createApp({ ...defaultConfig(), logLevel: 'silent', specs: [{ file: fixturePath('generic', 'secured.yaml') }] });
const api = app.mounts.find((m) => m.api.name === 'secured')!.api;
const render = (message: string) => api.renderError(unauthorized('invalid', message), { requestId: 'r', operationId: 'listPets' });

/** Microseconds per call of `fn(i)`, over `n` calls. */
function perCall(n: number, fn: (i: number) => unknown): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  return Number(process.hrtime.bigint() - start) / 1000 / n;
}

render('warm-up');
const misses: number[] = [];
const hits: number[] = [];
let round = 0;
for (let r = 0; r < ROUNDS; r++) {
  misses.push(perCall(RENDERS, (i) => render(`unknown token ${round}-${i}`)));
  hits.push(perCall(RENDERS, () => render('unknown token')));
  round++;
}
console.log(`render a 401 in the declared shape, new message (generated): ${median(misses).toFixed(1)} µs`);
console.log(`render a 401 in the declared shape, seen message (kept):     ${median(hits).toFixed(1)} µs`);

const server = http.createServer(app.handler);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/pets`;
const call = async () => {
  const res = await fetch(url);
  await res.arrayBuffer();
  return res.status;
};
if ((await call()) !== 401) throw new Error('GET /v1/pets without a credential did not answer 401');
const whole: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < REQUESTS; i++) await call();
  whole.push(Number(process.hrtime.bigint() - start) / 1000 / REQUESTS);
}
console.log(`GET /v1/pets without a credential (401), whole request over loopback: ${median(whole).toFixed(1)} µs`);
server.closeAllConnections();
server.close();
await app.close();
