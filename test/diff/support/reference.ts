/**
 * A tiny stand-in for a real lakeFS, on node:http: just enough of /api/v1 to be the reference of a diff against
 * mockgate's lakefs-community scenario. It answers as that scenario does, except where a test asks it to drift,
 * and its tokens are its own (a token the mock issued is unknown here), so a script only works when each side
 * reuses what it captured from its own answers.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const KEY = 'AKIAIOSFOLQUICKSTART';
export const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

export interface Reference {
  url: string;
  /** Requests received, as "METHOD path". */
  received: string[];
  close(): Promise<void>;
}

export interface Drift {
  /** GET /user answers creation_date as a string (a shape difference). */
  creationDateAsString?: boolean;
  /** GET /auth/groups answers 404 (not 501). */
  groups404?: boolean;
}

export async function startReference(drift: Drift = {}): Promise<Reference> {
  const tokens = new Set<string>();
  const received: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(`${req.method} ${req.url}`);
      const url = new URL(req.url ?? '/', 'http://x');
      const auth = req.headers.authorization ?? '';
      const basic = auth === `Basic ${Buffer.from(`${KEY}:${SECRET}`).toString('base64')}`;
      const bearer = auth.startsWith('Bearer ') && tokens.has(auth.slice(7));
      const json = (status: number, body: unknown, headers: Record<string, string | string[]> = {}) => {
        res.writeHead(status, { 'Content-Type': 'application/json', 'X-Request-Id': randomUUID(), ...headers });
        res.end(JSON.stringify(body));
      };
      const created = Math.floor(Date.now() / 1000) - 1234;
      const path = url.pathname;
      if (req.method === 'POST' && path === '/api/v1/auth/login') {
        let body: { access_key_id?: string; secret_access_key?: string } = {};
        try {
          body = JSON.parse(Buffer.concat(chunks).toString());
        } catch {
          return json(400, { message: 'bad body' });
        }
        if (body.access_key_id !== KEY || body.secret_access_key !== SECRET) return json(401, { message: 'error authenticating request' });
        const token = randomBytes(16).toString('hex');
        tokens.add(token);
        const expires = new Date(Date.now() + 2_592_000_000).toUTCString();
        return json(200, { token, token_expiration: Math.floor(Date.now() / 1000) + 2_592_000 }, {
          'Set-Cookie': [`internal_auth_session=${token}; Path=/; Expires=${expires}; Max-Age=2592000; HttpOnly; SameSite=Lax`],
        });
      }
      if (req.method === 'GET' && path === '/api/v1/user') {
        if (!auth) return json(200, { user: { creation_date: 0, id: '' } });
        if (!bearer && !basic) return json(401, { message: 'error authenticating request' });
        return json(200, { user: { id: 'admin', creation_date: drift.creationDateAsString ? String(created) : created, friendly_name: '', email: '' } });
      }
      if (!basic && !bearer) return json(401, { message: 'error authenticating request' });
      const user = /^\/api\/v1\/auth\/users\/([^/]+)$/.exec(path);
      if (req.method === 'GET' && user) {
        const id = decodeURIComponent(user[1]!);
        return id === 'admin' ? json(200, { id: 'admin', creation_date: created, friendly_name: '', email: '' }) : json(404, { message: `user not found (request ${randomUUID()})` });
      }
      if (req.method === 'GET' && path === '/api/v1/auth/groups') return drift.groups404 ? json(404, { message: 'not found' }) : json(501, { message: 'Not Implemented' });
      return json(404, { message: 'path not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The script the run and CLI tests share: log in, reuse the token, read a user, a volatile 404, an unimplemented listing. */
export const SCRIPT = `
name: tiny-lakefs
base: /api/v1
errorText: [message]
credentials: { basic: [${KEY}, '${SECRET}'] }
normalize:
  - { pattern: ' \\(request [0-9a-f-]+\\)', replace: '' }
  - { field: creation_date }
steps:
  - name: log in
    method: POST
    path: /auth/login
    credentials: { none: true }
    body: { access_key_id: ${KEY}, secret_access_key: '${SECRET}' }
    capture: { token: body.token, session: cookie.internal_auth_session }
  - name: who am I, with the token
    method: GET
    path: /user
    credentials: { bearer: '{{token}}' }
    capture: { me: body.user.id }
  - name: read myself
    method: GET
    path: /auth/users/{{me}}
  - name: a user that does not exist
    method: GET
    path: /auth/users/nobody
  - name: list groups
    method: GET
    path: /auth/groups
`;
