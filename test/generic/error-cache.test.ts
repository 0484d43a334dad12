/**
 * An error in a user's spec's declared shape is generated from its schema with a fixed seed, so the same operation,
 * status and message always make the same body: src/engine/generic-api.ts makes it once and keeps it (bounded), and
 * each answer carries its own headers. (The saving is measured by bench/error-render.ts, not timed here.)
 */
import { describe, expect, it } from 'vitest';
import { forbidden, notFound, unauthorized } from '../../src/engine/errors.js';
import type { ApiModule } from '../../src/engine/types.js';
import { fixturePath, useTestApp } from '../support/test-app.js';

describe('declared-shape errors are made once per operation, status and message', () => {
  const t = useTestApp({ specs: [{ file: fixturePath('generic', 'secured.yaml') }] });
  const api = (): ApiModule => t.app.mounts.find((m) => m.api.name === 'secured')!.api;
  const render = (error: Parameters<ApiModule['renderError']>[0], operationId = 'listPets') => api().renderError(error, { requestId: 'r', operationId });

  it('the same 401 twice is the same body, made once; each answer has its own headers', async () => {
    const first = render(unauthorized('missing'));
    const again = render(unauthorized('missing'));
    expect(first.body).toEqual({ code: 401, message: 'authentication required' });
    expect(again.body).toBe(first.body);
    expect(again.headers).not.toBe(first.headers);
    expect(again.headers).toEqual(first.headers);
  });

  it('another message, status or operation is another body', async () => {
    const missing = render(unauthorized('missing'));
    expect(render(unauthorized('invalid', 'unknown token')).body).toEqual({ code: 401, message: 'unknown token' });
    expect(render(forbidden('missing scope: write:pets')).body).toEqual({ code: 403, message: 'missing scope: write:pets' });
    expect(render(unauthorized('missing'), 'whoAmI').body).not.toBe(missing.body);
    expect(render(unauthorized('missing')).body).toBe(missing.body);
  });

  it('is bounded: past 512 messages the oldest is made again (an equal body, not the kept one)', async () => {
    const oldest = render(notFound('pets 0 not found'), 'getPet');
    for (let i = 1; i <= 512; i++) render(notFound(`pets ${i} not found`), 'getPet');
    const remade = render(notFound('pets 0 not found'), 'getPet');
    expect(remade.body).toEqual(oldest.body);
    expect(remade.body).not.toBe(oldest.body);
  });

  it('served: the cached body still answers with its challenge, over HTTP', async () => {
    for (let i = 0; i < 2; i++) {
      const { body, headers } = await t.http.get('/v1/pets').expect(401);
      expect(body).toEqual({ code: 401, message: 'authentication required' });
      expect(headers['www-authenticate']).toMatch(/^Bearer realm=/);
    }
  });
});
