/**
 * In memory (no --store), the rule stage decides synchronously: a request a rate limit or a status rule answers, or
 * lets through, is answered without a promise (the edge then spends no microtask on it — a measured property of the
 * default path). With --store redis:// the same stage counts in Redis and answers with a promise
 * (test/redis/shared.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import type { EngineRequest } from '../../src/engine/types.js';

const AUTH = `Basic ${Buffer.from('AKIAIOSFOLQUICKSTART:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY').toString('base64')}`;

const listUsers = (): EngineRequest => ({
  method: 'GET',
  path: '/api/v1/auth/users',
  query: {},
  headers: { authorization: AUTH, 'x-mock-session': 'sync' },
  clientAddress: '127.0.0.1',
  origin: 'http://127.0.0.1:4010',
});

describe('the rule stage in memory', () => {
  it('answers synchronously whether a rate limit lets the request through or refuses it', async () => {
    // lakefs-rate-limited: listUsers 5 per minute per access key.
    const app = await createApp({ ...defaultConfig(), logLevel: 'silent', scenario: 'lakefs-rate-limited' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        const reply = app.pipeline.answer(listUsers());
        expect(reply).not.toBeInstanceOf(Promise);
        statuses.push((reply as { status: number }).status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    } finally {
      await app.close();
    }
  });
});
