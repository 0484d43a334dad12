/**
 * The business rules in code, checked directly: with the bundled spec some of them are caught earlier by
 * schema validation, but a user who mounts the upstream document (which has no such keywords) relies on
 * these alone.
 */
import { describe, expect, it } from 'vitest';
import { redactMaterial, materialToStore } from '../../../src/apis/tiledb/material.js';
import { pageByKey, readPageRequest } from '../../../src/apis/tiledb/pagination.js';
import { DEFAULT_OPTIONS } from '../../../src/apis/tiledb/state.js';
import { credentialRequestIssues, fieldName, updateRequestIssues } from '../../../src/apis/tiledb/validation.js';
import { awsKeys } from './helpers.js';

const fields = (issues: Array<{ path: Array<string | number> }>) => issues.map((i) => fieldName(i.path, 'body'));

describe('credentialRequestIssues', () => {
  it.each([
    ['a body that is not an object', [1], ['body']],
    ['a name over 64 characters', { name: 'n'.repeat(65), provider: 'AWS', credential: awsKeys }, ['name']],
    ['a name with a slash', { name: 'a/b', provider: 'AWS', credential: awsKeys }, ['name']],
    ['an unknown provider', { name: 'a', provider: 'aws', credential: awsKeys }, ['provider']],
    ['a non-object credential', { name: 'a', provider: 'AWS', credential: 'x' }, ['credential']],
    ['a non-object sub-field', { name: 'a', provider: 'AWS', credential: { aws: 'x' } }, ['credential.aws']],
    ['a GCP key without key_text', { name: 'a', provider: 'GCP', token: { gcp: { account_id: 'a', key_id: 'k' } } }, ['token.gcp.key_text']],
  ])('reports %s', (_label, body, expected) => {
    expect(fields(credentialRequestIssues(body))).toEqual(expected);
  });

  it('ignores unknown keys inside the material, as Go decoding does', () => {
    expect(credentialRequestIssues({ name: 'a', provider: 'AWS', credential: { ...awsKeys, ibm: {} } })).toEqual([]);
  });
});

describe('updateRequestIssues', () => {
  it('accepts an empty patch', () => {
    expect(updateRequestIssues({})).toEqual([]);
  });

  it('checks only the fields present', () => {
    expect(fields(updateRequestIssues({ name: '', allowed_in_tasks: 'no' }))).toEqual(['name', 'allowed_in_tasks']);
  });
});

describe('material', () => {
  it('keeps known fields only and redacts secrets on the way out', () => {
    const stored = materialToStore({ credential: { aws: { ...awsKeys.aws, endpoint: 'https://s3', extra: 'x' } } });
    expect(stored).toEqual({ credential: { aws: { ...awsKeys.aws, endpoint: 'https://s3' } } });
    expect(redactMaterial(stored)).toEqual({ credential: { aws: { access_key_id: awsKeys.aws.access_key_id, secret_access_key: '', endpoint: 'https://s3' } } });
  });

  it('leaves GCP key ids empty when the key file is not JSON', () => {
    expect(materialToStore({ token: { gcp: { key_text: 'opaque' } } })).toEqual({ token: { gcp: { key_text: 'opaque', account_id: '', key_id: '' } } });
  });
});

describe('pagination', () => {
  it('reports page and per_page below 1 and lowers large page sizes', () => {
    expect(readPageRequest({ page: '0', per_page: '-1' }, DEFAULT_OPTIONS).issues.map((i) => i.path[0])).toEqual(['page', 'per_page']);
    expect(readPageRequest({ per_page: 500 }, DEFAULT_OPTIONS)).toEqual({ request: { page: 1, perPage: 100 }, issues: [] });
  });

  it('answers an empty list with zero pages', () => {
    expect(pageByKey([], () => true, String, { page: 1, perPage: 10 }).pagination_metadata).toEqual({ page: 1, per_page: 10, total_pages: 0, total_items: 0 });
  });

  it('pages as a stable sort of every match does, for early, middle, late and past-the-end pages', () => {
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    // Repeated names (ties keep their order), and a filter.
    const items = Array.from({ length: 500 }, (_, i) => ({ i, name: `c-${Math.floor(random() * 300)}`, keep: random() < 0.8 }));
    const kept = items.filter((x) => x.keep);
    const sorted = [...kept].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const perPage of [1, 7, 25, 100]) {
      for (let page = 1; page <= Math.ceil(kept.length / perPage) + 1; page++) {
        const got = pageByKey(items, (x) => x.keep, (x) => x.name, { page, perPage });
        expect(got.data).toEqual(sorted.slice((page - 1) * perPage, page * perPage));
        expect(got.pagination_metadata.total_items).toBe(kept.length);
      }
    }
  });
});
