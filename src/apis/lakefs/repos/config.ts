/**
 * The server's configuration (controller.go GetConfig, GetStorageConfig): which blockstore holds the data and
 * what it can do, the version, and the UI's and capabilities' settings. The lakeFS Python client reads
 * `storage_config.pre_sign_support` to choose between presigned and direct uploads and downloads, so the
 * scenario's `blockstoreType` (and `preSignSupport`) decide which path a client takes.
 */
import { currentUser, authorize } from '../authorize.js';
import { arn } from '../arn.js';
import { versionBefore } from '../errors.js';
import { json } from '../reply.js';
import type { LakefsContext } from '../state.js';
import { presigns } from './object-data.js';
import type { BlockstoreType, RepoHandler } from './state.js';

/** What each blockstore adapter reports about its namespaces (GetStorageNamespaceInfo), as lakeFS 1.80 does. */
const NAMESPACES: Record<BlockstoreType, { regex: string; example: string; prefix: string; importSupport: boolean }> = {
  s3: { regex: '^s3://', example: 's3://example-bucket/', prefix: 's3://', importSupport: true },
  gs: { regex: '^gs://', example: 'gs://example-bucket/', prefix: 'gs://', importSupport: true },
  azure: { regex: '^https?://', example: 'https://mystorageaccount.blob.core.windows.net/mycontainer/', prefix: 'https://', importSupport: true },
  local: { regex: '^local://', example: 'local://example-bucket/', prefix: 'local://', importSupport: false },
  mem: { regex: '^mem://', example: 'mem://example-bucket/', prefix: 'mem://', importSupport: false },
};

export function storageConfig(ctx: LakefsContext): Record<string, unknown> {
  const type = ctx.options.blockstoreType;
  const ns = NAMESPACES[type];
  const preSign = presigns(ctx);
  return {
    blockstore_description: '',
    blockstore_id: '',
    blockstore_namespace_ValidityRegex: ns.regex,
    blockstore_namespace_example: ns.example,
    blockstore_type: type,
    default_namespace_prefix: ns.prefix,
    import_support: ns.importSupport,
    import_validity_regex: ns.regex,
    pre_sign_multipart_upload: ctx.options.presignMultipart,
    pre_sign_support: preSign,
    pre_sign_support_ui: preSign,
  };
}

/** Any signed-in caller reads it (lakeFS answers a partial config to one without fs:ReadConfig; the mock, all of it). */
export const getConfig: RepoHandler = (ctx) => {
  currentUser(ctx);
  return json(ctx, 200, {
    // lakeFS 1.80 reports whether async operations are on (off in open source); 1.81 dropped the field.
    capabilities_config: versionBefore(ctx.options.lakefsVersion, [1, 81, 0]) ? { async_ops: false } : {},
    storage_config: storageConfig(ctx),
    storage_config_list: [],
    ui_config: {},
    version_config: { version: ctx.options.lakefsVersion, version_context: 'lakeFS' },
  });
};

export const getStorageConfig: RepoHandler = (ctx) => {
  authorize(ctx, 'fs:ReadConfig', arn.all);
  return json(ctx, 200, storageConfig(ctx));
};
