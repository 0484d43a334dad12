/** Unit tests of the foundation the auth handlers rely on: wildcards, ARNs, policy evaluation and paging. */
import { describe, expect, it } from 'vitest';
import { arn, arnMatch } from '../../../../src/apis/lakefs/arn.js';
import { effectivePolicies, evaluate, type AccessRequest } from '../../../../src/apis/lakefs/authorize.js';
import { compareBytewise, paginate, pageAmount } from '../../../../src/apis/lakefs/pagination.js';
import type { LakefsState, PolicyRecord, PolicyStatement } from '../../../../src/apis/lakefs/state.js';
import { put } from '../../../../src/apis/lakefs/table.js';
import { wildcardMatch } from '../../../../src/apis/lakefs/wildcard.js';

describe('wildcardMatch', () => {
  it.each([
    ['*', '', true],
    ['*', 'anything/at/all', true],
    ['auth:*', 'auth:CreateUser', true],
    ['auth:*', 'fs:ReadObject', false],
    ['auth:Read*', 'auth:ReadUser', true],
    ['auth:Read*', 'auth:CreateUser', false],
    ['user/?', 'user/a', true],
    ['user/?', 'user/ab', false],
    ['user/?', 'user/', false],
    ['repository/*/object/*', 'repository/r/object/a/b/c', true],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['exact', 'exact', true],
    ['exact', 'exactly', false],
    ['[abc]', 'a', false],
    ['[abc]', '[abc]', true],
  ])('%j matches %j: %s', (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value)).toBe(expected);
  });

  it('stays fast on a hostile pattern', () => {
    const started = performance.now();
    expect(wildcardMatch(`${'*a'.repeat(50)}b`, 'a'.repeat(5000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('arn', () => {
  it('builds lakeFS resource names', () => {
    expect(arn.user('alice')).toBe('arn:lakefs:auth:::user/alice');
    expect(arn.group('Admins')).toBe('arn:lakefs:auth:::group/Admins');
    expect(arn.policy('P')).toBe('arn:lakefs:auth:::policy/P');
    expect(arn.externalPrincipal('arn:aws:iam::1:role/r')).toBe('arn:lakefs:auth:::externalPrincipal/arn:aws:iam::1:role/r');
    expect(arn.all).toBe('*');
  });

  it.each([
    ['*', arn.user('x'), true],
    ['arn:lakefs:auth:::user/*', arn.user('x'), true],
    ['arn:lakefs:auth:::user/*', arn.group('x'), false],
    ['arn:lakefs:auth:us-east-1::user/x', arn.user('x'), true],
    ['arn:lakefs:fs:::user/x', arn.user('x'), false],
    ['arn:lakefs:auth::123:user/x', arn.user('x'), false],
    ['arn:other:auth:::user/x', arn.user('x'), false],
    ['arn:lakefs:auth:::externalPrincipal/arn:aws:*', arn.externalPrincipal('arn:aws:iam::1:role/r'), true],
    ['not an arn', arn.user('x'), false],
    ['arn:lakefs:auth:::user/x', '*', false],
  ])('%j covers %j: %s', (pattern, resource, expected) => {
    expect(arnMatch(pattern, resource)).toBe(expected);
  });
});

describe('evaluate', () => {
  const policy = (id: string, ...statement: PolicyStatement[]): PolicyRecord => ({ id, creationDate: 0, statement });
  const request = (over: Partial<AccessRequest> = {}): AccessRequest => ({
    action: 'auth:ReadUser',
    resource: arn.user('alice'),
    username: 'alice',
    sourceIp: '10.1.2.3',
    ...over,
  });

  it('is neutral without a matching statement', () => {
    expect(evaluate([], request())).toBe('neutral');
    expect(evaluate([policy('p', { effect: 'allow', action: ['fs:*'], resource: '*' })], request())).toBe('neutral');
  });

  it('lets a deny win over an allow, in any order', () => {
    const allow = policy('a', { effect: 'allow', action: ['auth:*'], resource: '*' });
    const deny = policy('d', { effect: 'deny', action: ['auth:ReadUser'], resource: 'arn:lakefs:auth:::user/*' });
    expect(evaluate([allow, deny], request())).toBe('deny');
    expect(evaluate([deny, allow], request())).toBe('deny');
    expect(evaluate([allow], request())).toBe('allow');
  });

  it('replaces ${user} with the caller', () => {
    const own = policy('own', { effect: 'allow', action: ['auth:ReadUser'], resource: 'arn:lakefs:auth:::user/${user}' });
    expect(evaluate([own], request())).toBe('allow');
    expect(evaluate([own], request({ resource: arn.user('bob') }))).toBe('neutral');
  });

  it('reads a JSON list of resources', () => {
    const listed = policy('l', { effect: 'allow', action: ['auth:ReadUser'], resource: JSON.stringify([arn.user('bob'), arn.user('${user}')]) });
    expect(evaluate([listed], request())).toBe('allow');
    expect(evaluate([listed], request({ resource: arn.user('bob') }))).toBe('allow');
    expect(evaluate([listed], request({ resource: arn.user('carol') }))).toBe('neutral');
  });

  it('skips a statement whose IpAddress / NotIpAddress condition fails', () => {
    const office = policy('o', { effect: 'allow', action: ['*'], resource: '*', condition: { IpAddress: { SourceIp: ['10.0.0.0/8'] } } });
    const notOffice = policy('n', { effect: 'allow', action: ['*'], resource: '*', condition: { NotIpAddress: { SourceIp: ['10.0.0.0/8'] } } });
    expect(evaluate([office], request())).toBe('allow');
    expect(evaluate([office], request({ sourceIp: '192.168.0.1' }))).toBe('neutral');
    expect(evaluate([office], request({ sourceIp: '::ffff:10.9.9.9' }))).toBe('allow');
    expect(evaluate([notOffice], request())).toBe('neutral');
    expect(evaluate([notOffice], request({ sourceIp: '192.168.0.1' }))).toBe('allow');
    const single = policy('s', { effect: 'allow', action: ['*'], resource: '*', condition: { IpAddress: { SourceIp: ['10.1.2.3'] } } });
    expect(evaluate([single], request())).toBe('allow');
  });

  it('denies when a condition cannot be evaluated', () => {
    const broken = policy('b', { effect: 'allow', action: ['*'], resource: '*', condition: { IpAddress: { SourceIp: ['not-a-cidr'] } } });
    const unknown = policy('u', { effect: 'allow', action: ['*'], resource: '*', condition: { DateBefore: { Time: ['2030'] } } });
    expect(evaluate([broken], request())).toBe('deny');
    expect(evaluate([unknown], request())).toBe('deny');
  });

  it('applies StringLike conditions', () => {
    const like = policy('l', { effect: 'allow', action: ['*'], resource: '*', condition: { StringLike: { Username: ['ali*'] } } });
    expect(evaluate([like], request())).toBe('allow');
    expect(evaluate([like], request({ username: 'bob' }))).toBe('neutral');
  });
});

describe('effectivePolicies', () => {
  it('collects the user\'s and its groups\' policies, each once, ignoring dangling ids', () => {
    const state = { users: {}, groups: {}, policies: {}, groupMembers: {}, userPolicies: {}, groupPolicies: {} } as unknown as LakefsState;
    for (const id of ['A', 'B', 'C']) put(state.policies, id, { id, creationDate: 0, statement: [] });
    put(state.userPolicies, 'alice', ['A', 'gone']);
    put(state.groupMembers, 'g1', ['alice']);
    put(state.groupMembers, 'g2', ['bob']);
    put(state.groupPolicies, 'g1', ['A', 'B']);
    put(state.groupPolicies, 'g2', ['C']);
    expect(effectivePolicies(state, 'alice').map((p) => p.id)).toEqual(['A', 'B']);
    expect(effectivePolicies(state, '__proto__')).toEqual([]);
  });
});

describe('paginate', () => {
  const items = ['b', 'a', 'd', 'c'];
  const page = (query: Parameters<typeof paginate>[2]) => paginate(items, (s) => s, query);

  it('sorts byte-wise and reads the defaults', () => {
    expect(page({})).toEqual({ results: ['a', 'b', 'c', 'd'], pagination: { has_more: false, next_offset: '', results: 4, max_per_page: 0 } });
  });

  it('reports has_more on a full page, also when nothing follows', () => {
    expect(page({ amount: 2 }).pagination).toEqual({ has_more: true, next_offset: 'b', results: 2, max_per_page: 0 });
    expect(page({ amount: 2, after: 'b' }).pagination).toEqual({ has_more: true, next_offset: 'd', results: 2, max_per_page: 0 });
    expect(page({ amount: 2, after: 'd' })).toEqual({ results: [], pagination: { has_more: false, next_offset: '', results: 0, max_per_page: 0 } });
  });

  it('filters by prefix and starts strictly after `after`', () => {
    const named = paginate(['ab', 'ac', 'b', 'a'], (s) => s, { prefix: 'a', after: 'ab' });
    expect(named.results).toEqual(['ac']);
  });

  it.each([
    ['a', 'b', -1],
    ['ab', 'a', 1],
    ['\ue000', '😀', -1], // U+E000 sorts before an astral character in UTF-8, after it in UTF-16
    ['😀', '\uffff', 1],
    ['\ud7ff', '😀', -1],
    ['é', 'z', 1],
  ])('orders %j against %j byte-wise, as a KV scan does', (a, b, sign) => {
    expect(Math.sign(compareBytewise(a, b))).toBe(sign);
    expect(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)))).toBe(sign);
  });

  it('says max_per_page 0 for auth lists, and 1000 with exact has_more for catalog-style lists', () => {
    expect(paginate([], (s: string) => s, {}).pagination.max_per_page).toBe(0);
    const exact = paginate(['a', 'b'], (s) => s, { amount: 2 }, { hasMore: 'exact', maxPerPage: 1000 });
    expect(exact.pagination).toEqual({ has_more: false, next_offset: '', results: 2, max_per_page: 1000 });
    const full = paginate(['a', 'b'], (s) => s, { amount: 2 });
    expect(full.pagination).toEqual({ has_more: true, next_offset: 'b', results: 2, max_per_page: 0 });
  });

  it.each([
    [undefined, 100],
    [0, 100],
    [-1, 100],
    [5, 5],
    [1000, 1000],
    [5000, 1000],
  ])('turns amount %j into a page of %i', (amount, expected) => {
    expect(pageAmount(amount)).toBe(expected);
  });

  it('compares UTF-8 bytes, not UTF-16 units', () => {
    expect(compareBytewise('\uFF21', '\u{1F600}')).toBeLessThan(0);
    expect('\uFF21' < '\u{1F600}').toBe(false);
  });
});
