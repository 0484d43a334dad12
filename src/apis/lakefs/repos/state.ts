/**
 * The repositories' part of the lakeFS state (owned by repos/): repositories, branches, commits, objects and
 * presigned multipart uploads. (Being built.)
 */

// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface RepoState {}

// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface RepoOptions {}
