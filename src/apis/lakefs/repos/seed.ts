/**
 * Builds the repositories of a session from `apis.lakefs.repositories`. Each repository starts, as in lakeFS,
 * with the empty "Repository created" commit; the listed commits follow it, each on the previous one unless it
 * names its parent, each adding, replacing or deleting objects of its parent's tree. Branches point at the last
 * listed commit unless they name one; the default branch is added when not listed.
 */
import { createHash } from 'node:crypto';
import type { StateFactoryContext } from '../../../engine/types.js';
import { unixSeconds, type LakefsState } from '../state.js';
import { has, lookup, put, remove, rows, type Table } from '../table.js';
import { mergeTrees } from './commits.js';
import { commitId, metaRangeOf } from './refs.js';
import { storeData } from './data.js';
import { firstCommit, namespaceKey } from './repositories.js';
import type { CommitRecord, ObjectRecord, RepositoryRecord, RepoState } from './state.js';

function fail(where: string, problem: string): never {
  throw new Error(`apis.lakefs.${where}: ${problem}`);
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** A seeded object; one with `content` gets that text as its data (size and checksum follow from it). */
function seedObject(o: any, repo: string, mtime: number, state: RepoState): ObjectRecord {
  const content = typeof o.content === 'string' ? Buffer.from(o.content, 'utf8') : undefined;
  const size = content ? content.length : (o.sizeBytes ?? 0);
  const checksum = content ? createHash('md5').update(content).digest('hex') : (o.checksum ?? md5(`${repo}\n${o.path}\n${size}`));
  const object: ObjectRecord = {
    path: o.path,
    physicalAddress: o.physicalAddress ?? `data/seed/${md5(`${repo}\n${o.path}\n${checksum}`)}`,
    checksum,
    sizeBytes: size,
    mtime: o.mtime ?? mtime,
    contentType: o.contentType ?? 'application/octet-stream',
    metadata: o.metadata ?? {},
  };
  if (content) storeData(state, repo, object.physicalAddress, content);
  return object;
}

export function createRepoState(seed: Record<string, any>, identity: Pick<LakefsState, 'users'>, ctx: StateFactoryContext): RepoState {
  // Seeded users mean someone ran setup already (GET /setup_lakefs answers `initialized`).
  const state: RepoState = { repositories: {}, uploads: {}, blobs: {}, usedNamespaces: [], initialized: rows(identity.users).length > 0 };
  const now = unixSeconds(ctx.now);
  const defaultCommitter = rows(identity.users)[0]?.id ?? '';

  (seed.repositories ?? []).forEach((r: any, i: number) => {
    const where = `repositories[${i}]`;
    if (has(state.repositories, r.name)) fail(where, `repository "${r.name}" is defined twice`);
    const created = r.creationDate ?? now;
    const repo: RepositoryRecord = {
      id: r.name,
      storageNamespace: r.storageNamespace,
      defaultBranch: r.defaultBranch ?? 'main',
      creationDate: created,
      readOnly: r.readOnly === true,
      ...(r.storageId !== undefined && { storageId: r.storageId }),
      branches: {},
      tags: {},
      commits: {},
    };
    let last: CommitRecord = firstCommit(created);
    put(repo.commits, last.id, last);

    (r.commits ?? []).forEach((c: any, j: number) => {
      const at = `${where}.commits[${j}]`;
      const parent = c.parent === undefined ? last : lookup(repo.commits, c.parent);
      if (!parent) fail(`${at}.parent`, `commit "${c.parent}" is not an earlier commit of this repository`);
      const creationDate = c.creationDate ?? created;
      const objects: Table<ObjectRecord> = mergeTrees(parent.objects, {});
      for (const o of c.objects ?? []) put(objects, o.path, seedObject(o, repo.id, creationDate, state));
      for (const path of c.deletes ?? []) remove(objects, path);
      const content = {
        parents: [parent.id],
        committer: c.committer ?? defaultCommitter,
        message: c.message,
        creationDate,
        metaRangeId: metaRangeOf(objects),
        metadata: c.metadata ?? {},
      };
      const id = c.id ?? commitId(content);
      if (has(repo.commits, id)) fail(at, `commit "${id}" is defined twice`);
      last = { ...content, id, generation: parent.generation + 1, objects };
      put(repo.commits, id, last);
    });

    (r.tags ?? []).forEach((t: any, j: number) => {
      if (has(repo.tags, t.name)) fail(`${where}.tags[${j}]`, `tag "${t.name}" is defined twice`);
      if (!has(repo.commits, t.commit)) fail(`${where}.tags[${j}].commit`, `commit "${t.commit}" is not among this repository's commits`);
      put(repo.tags, t.name, t.commit);
    });

    (r.branches ?? []).forEach((b: any, j: number) => {
      const at = `${where}.branches[${j}]`;
      if (has(repo.branches, b.name)) fail(at, `branch "${b.name}" is defined twice`);
      const target = b.commit === undefined ? last.id : has(repo.commits, b.commit) ? b.commit : lookup(repo.tags, b.commit);
      if (target === undefined) fail(`${at}.commit`, `"${b.commit}" is neither a commit nor a tag of this repository`);
      const staged: Table<ObjectRecord> = {};
      for (const o of b.staged ?? []) put(staged, o.path, seedObject(o, repo.id, now, state));
      put(repo.branches, b.name, { id: b.name, commitId: target, staged, protected: b.protected === true, hidden: b.hidden === true });
      // A protected branch is one a rule covers: the rule is its name, as a user would set it.
      if (b.protected === true) repo.protectionRules = [...(repo.protectionRules ?? []), b.name].sort();
    });
    if (!has(repo.branches, repo.defaultBranch)) {
      put(repo.branches, repo.defaultBranch, { id: repo.defaultBranch, commitId: last.id, staged: {}, protected: false, hidden: false });
    }

    put(state.repositories, repo.id, repo);
    // An existing repository's namespace holds lakeFS's marker (read-only ones were created without writing it).
    if (!repo.readOnly) state.usedNamespaces!.push(namespaceKey(repo.storageNamespace));
  });
  return state;
}
