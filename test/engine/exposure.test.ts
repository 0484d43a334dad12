/**
 * What is secret and what a browser may read comes from the mounted specs and what their API modules declare:
 * a new API needs no list anywhere else (journal redaction, CORS, the dashboard all read this).
 */
import { describe, expect, it } from 'vitest';
import { exposureOf } from '../../src/engine/exposure.js';
import type { LoadedSpec } from '../../src/engine/spec.js';
import type { ApiModule } from '../../src/engine/types.js';

const spec = (securitySchemes: LoadedSpec['securitySchemes'], headers: string[] = []): LoadedSpec =>
  ({
    securitySchemes,
    operations: [{ responses: { '200': { headers: Object.fromEntries(headers.map((h) => [h, { schema: { type: 'string' } }])) } } }],
  }) as unknown as LoadedSpec;
const api = (extra: Partial<ApiModule> = {}) => ({ name: 'x', ...extra }) as ApiModule;

describe('exposureOf', () => {
  it('redacts credentials every API shares, the headers of apiKey schemes and the fields an API declares', () => {
    const exposure = exposureOf([
      { api: api({ secrets: { headers: ['X-Extra-Key'], fields: ['key_text'] } }), spec: spec({ key: { type: 'apiKey', in: 'header', name: 'X-Widget-Key' } }) },
    ]);
    for (const header of ['authorization', 'cookie', 'set-cookie', 'x-widget-key', 'x-extra-key']) expect(exposure.secretHeaders.has(header)).toBe(true);
    expect(exposure.secretHeaders.has('x-mock-session')).toBe(false);
    for (const field of ['secret_access_key', 'password', 'aws_session_token', 'key_text', 'KEY_TEXT']) expect(exposure.isSecretField(field)).toBe(true);
    expect(exposure.isSecretField('name')).toBe(false);
    expect(exposure.secretFields).toEqual(['key_text']);
  });

  it('exposes the rate-limit and location headers, the spec\'s declared response headers and the API\'s own, never a secret one', () => {
    const exposure = exposureOf([
      { api: api({ exposedHeaders: ['X-Custom'], secrets: { headers: ['X-Token-Out'] } }), spec: spec({}, ['X-LakeFS-Mailbox', 'X-Token-Out', 'Retry-After']) },
    ]);
    const exposed = exposure.exposedHeaders.split(', ');
    expect(exposed).toEqual(expect.arrayContaining(['Retry-After', 'RateLimit-Remaining', 'Location', 'X-LakeFS-Mailbox', 'X-Custom']));
    expect(exposed).not.toContain('X-Token-Out');
    expect(exposed.filter((h) => h.toLowerCase() === 'retry-after')).toHaveLength(1);
  });
});
