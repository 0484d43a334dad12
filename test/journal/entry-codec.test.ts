import { describe, expect, it } from 'vitest';
import { decodeEntry, EntryEncoder } from '../../src/journal/entry-codec.js';
import type { RecordedExchange } from '../../src/journal/journal.js';

const base: RecordedExchange = {
  timeMs: 1_767_000_000_123,
  session: 'default',
  requestId: 'req-1',
  method: 'GET',
  path: '/api/v1/auth/users/quickstart',
  query: {},
  status: 200,
  durationMs: 0.25,
  source: 'handler',
  rules: [],
  explicit: false,
  request: { headers: { host: '127.0.0.1', authorization: 'Basic eDp5' }, bodyBytes: 0 },
  response: { headers: { 'content-type': 'application/json' }, bodyText: '{"id":"quickstart"}', bodyBytes: 19 },
};

describe('a journal entry as bytes', () => {
  it('reads back what was written, field for field', () => {
    const full: RecordedExchange = {
      ...base,
      session: 'sé§sion ✓',
      api: 'lakefs',
      operationId: 'createUser',
      method: 'POST',
      query: { prefix: 'a', tags: ['x', 'y'] },
      status: 429,
      source: 'rule',
      rules: ['slow', 'limit'],
      fault: { action: 'garbage', bytes: 12 },
      sessionForgotten: { cause: 'idle', at: '2026-12-03T00:00:00.000Z' },
      requestValid: false,
      requestIssues: [{ in: 'body', path: ['id', 0], message: 'must be string', keyword: 'type', received: null }],
      responseValid: true,
      explicit: true,
      request: { headers: { 'set-cookie': ['a=1', 'b=2'], 'x-n': 5 as unknown as string, 'x-é': 'ü' }, bodyText: '{"id":"ü"}', bodyBytes: 11 },
      response: { headers: {}, bodyText: undefined, bodyBytes: 70_000 },
    };
    const encoder = new EntryEncoder();
    expect(decodeEntry(Buffer.from(encoder.encode(42, full)))).toEqual({ ...full, id: 42 });
    expect(decodeEntry(Buffer.from(encoder.encode(43, base)))).toEqual({ ...base, id: 43 });
  });

  it('keeps undefined and false verdicts apart', () => {
    const encoder = new EntryEncoder();
    const absent = decodeEntry(Buffer.from(encoder.encode(1, base)));
    expect('requestValid' in absent && absent.requestValid).toBeUndefined();
    const refused = decodeEntry(Buffer.from(encoder.encode(2, { ...base, requestValid: false, responseValid: false })));
    expect([refused.requestValid, refused.responseValid]).toEqual([false, false]);
  });

  it('grows its scratch buffer for a large entry and stays right for the next small one', () => {
    const encoder = new EntryEncoder();
    const big = { ...base, request: { headers: { a: 'x'.repeat(4000), b: 'y'.repeat(4000), c: 'z'.repeat(4000), d: 'w'.repeat(4000), e: 'v'.repeat(4000) }, bodyBytes: 0 } };
    expect(decodeEntry(Buffer.from(encoder.encode(1, big))).request.headers).toEqual(big.request.headers);
    expect(decodeEntry(Buffer.from(encoder.encode(2, base)))).toEqual({ ...base, id: 2 });
  });

  it('does not keep header values longer than 4096 characters', () => {
    const encoder = new EntryEncoder();
    const entry = { ...base, request: { headers: { 'x-big': 'y'.repeat(5000), 'x-list': ['a'.repeat(3000), 'b'.repeat(3000)] }, bodyBytes: 0 } };
    expect(decodeEntry(Buffer.from(encoder.encode(1, entry))).request.headers).toEqual({
      'x-big': '[5000 characters, not kept]',
      'x-list': '[6002 characters, not kept]',
    });
  });
});
