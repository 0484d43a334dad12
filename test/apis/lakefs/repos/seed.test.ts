/** Seeding repositories from a scenario: defaults, history, references checked with the entry named. */
import { describe, expect, it } from 'vitest';
import { faker } from '@faker-js/faker';
import { createState } from '../../../../src/apis/lakefs/seed.js';
import { C1, C2 } from './support.js';

const now = new Date('2024-05-01T10:00:00Z');
const seed = (repositories: unknown[]) => createState({ users: [{ id: 'ada' }], repositories }, { faker, now });
const base = { name: 'repo-one', storageNamespace: 's3://b/r' };

describe('repository seeds', () => {
  it('starts every repository with the "Repository created" commit and its default branch on the last commit', () => {
    const repo = seed([{ ...base, commits: [{ message: 'one', objects: [{ path: 'a' }] }, { message: 'two', deletes: ['a'] }] }]).repos.repositories['repo-one']!;
    const commits = Object.values(repo.commits);
    expect(commits.map((c) => c.message)).toEqual(['Repository created', 'one', 'two']);
    expect(commits.map((c) => c.generation)).toEqual([1, 2, 3]);
    expect(commits[1]!.committer).toBe('ada');
    expect(commits[1]!.creationDate).toBe(Math.floor(now.getTime() / 1000));
    expect(Object.keys(commits[1]!.objects)).toEqual(['a']);
    expect(commits[2]!.objects).toEqual({});
    expect(commits[2]!.parents).toEqual([commits[1]!.id]);
    expect(repo.branches.main).toEqual({ id: 'main', commitId: commits[2]!.id, staged: {}, protected: false, hidden: false });
    expect(repo.readOnly).toBe(false);
  });

  it('gives equal content equal commit ids (content-addressed)', () => {
    const one = seed([{ ...base, creationDate: 1, commits: [{ message: 'm', creationDate: 2 }] }]);
    const two = seed([{ ...base, creationDate: 1, commits: [{ message: 'm', creationDate: 2 }] }]);
    expect(Object.keys(one.repos.repositories['repo-one']!.commits)).toEqual(Object.keys(two.repos.repositories['repo-one']!.commits));
  });

  it('branches from a named parent, and points branches at commits or tags', () => {
    const repo = seed([
      {
        ...base,
        commits: [
          { id: C1, message: 'one' },
          { id: C2, message: 'two', parent: C1 },
        ],
        tags: [{ name: 't', commit: C1 }],
        branches: [{ name: 'x', commit: 't' }, { name: 'y', commit: C2, protected: true }],
      },
    ]).repos.repositories['repo-one']!;
    expect(repo.branches.x!.commitId).toBe(C1);
    expect(repo.branches.y).toMatchObject({ commitId: C2, protected: true });
    expect(repo.branches.main!.commitId).toBe(C2);
  });

  it.each([
    ['a repository defined twice', [base, base], 'apis.lakefs.repositories[1]: repository "repo-one" is defined twice'],
    ['an unknown parent', [{ ...base, commits: [{ message: 'm', parent: C2 }] }], `apis.lakefs.repositories[0].commits[0].parent: commit "${C2}" is not an earlier commit of this repository`],
    ['a commit id used twice', [{ ...base, commits: [{ id: C1, message: 'a' }, { id: C1, message: 'b' }] }], `apis.lakefs.repositories[0].commits[1]: commit "${C1}" is defined twice`],
    ['a tag on an unknown commit', [{ ...base, tags: [{ name: 't', commit: C1 }] }], `apis.lakefs.repositories[0].tags[0].commit: commit "${C1}" is not among this repository's commits`],
    ['a branch on an unknown commit', [{ ...base, branches: [{ name: 'b', commit: 'nope' }] }], 'apis.lakefs.repositories[0].branches[0].commit: "nope" is neither a commit nor a tag of this repository'],
    ['a branch defined twice', [{ ...base, branches: [{ name: 'b' }, { name: 'b' }] }], 'apis.lakefs.repositories[0].branches[1]: branch "b" is defined twice'],
  ])('refuses %s, naming the entry', (_, repositories, message) => {
    expect(() => seed(repositories)).toThrow(message);
  });

  it('keeps ids like __proto__ as plain keys', () => {
    const repo = seed([{ ...base, commits: [{ message: 'm', objects: [{ path: '__proto__' }, { path: 'constructor' }] }] }]).repos.repositories['repo-one']!;
    const last = repo.commits[repo.branches.main!.commitId]!;
    expect(Object.keys(last.objects).sort()).toEqual(['__proto__', 'constructor']);
  });

  it('gives an empty repository state when the scenario has none', () => {
    expect(createState(undefined, { faker, now }).repos).toEqual({ repositories: {}, uploads: {}, blobs: {}, usedNamespaces: [], initialized: false });
  });
});
