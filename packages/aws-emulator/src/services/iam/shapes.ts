/**
 * IAM response shapes and shared input checks (names, paths, tags, markers).
 */
import { AwsError, validationError } from '../../framework/errors.js';
import { paginate } from '../../framework/pagination.js';
import { asList, optionalInt, optionalString, validateName } from '../../framework/params.js';
import { encodeDocument } from './documents.js';
import type { IamRole, IamState, ManagedPolicy, Tag } from './state.js';

/** IAM name characters. */
export const NAME_PATTERN = /^[\w+=,.@-]+$/;

/**
 * A role as IAM returns it (documents URL-encoded); `full` adds Tags, RoleLastUsed (GetRole).
 * @example roleShape(role, true)
 */
export function roleShape(role: IamRole, full: boolean): Record<string, unknown> {
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.id,
    Arn: role.arn,
    CreateDate: new Date(role.createdAt),
    AssumeRolePolicyDocument: encodeDocument(role.trustPolicy),
    Description: role.description,
    MaxSessionDuration: role.maxSessionDuration,
    PermissionsBoundary: role.permissionsBoundaryArn
      ? { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: role.permissionsBoundaryArn }
      : undefined,
    Tags: full && role.tags.length > 0 ? role.tags : undefined,
    RoleLastUsed: full ? {} : undefined,
  };
}

/**
 * Roles that have `arn` attached, and those using it as permissions boundary.
 * @example usage(state, arn).attachments
 */
export function usage(state: IamState, arn: string): { attachments: number; boundaries: number } {
  let attachments = 0;
  let boundaries = 0;
  for (const role of state.roles.values()) {
    if (role.attached.includes(arn)) attachments++;
    if (role.permissionsBoundaryArn === arn) boundaries++;
  }
  return { attachments, boundaries };
}

/**
 * A managed policy as IAM returns it.
 * @example policyShape(state, policy, true)
 */
export function policyShape(
  state: IamState,
  policy: ManagedPolicy,
  withTags: boolean,
): Record<string, unknown> {
  const used = usage(state, policy.arn);
  return {
    PolicyName: policy.name,
    PolicyId: policy.id,
    Arn: policy.arn,
    Path: policy.path,
    DefaultVersionId: policy.defaultVersionId,
    AttachmentCount: used.attachments,
    PermissionsBoundaryUsageCount: used.boundaries,
    IsAttachable: true,
    Description: withTags ? policy.description : undefined,
    CreateDate: new Date(policy.createdAt),
    UpdateDate: new Date(policy.updatedAt),
    Tags: withTags && policy.tags.length > 0 ? policy.tags : undefined,
  };
}

/**
 * Checks a role name: 1-64 characters of `[\w+=,.@-]`.
 * @example checkRoleName('ci')
 */
export function checkRoleName(name: string): void {
  validateName('RoleName', name, 1, 64, NAME_PATTERN);
}

/**
 * Checks a policy name: 1-128 characters of `[\w+=,.@-]`.
 * @example checkPolicyName('push')
 */
export function checkPolicyName(name: string, key = 'PolicyName'): void {
  validateName(key, name, 1, 128, NAME_PATTERN);
}

/**
 * The `Path` input (default `/`), checked as IAM does.
 * @example readPath(req.input)
 */
export function readPath(input: Record<string, unknown>, key = 'Path'): string {
  const path = optionalString(input, key) ?? '/';
  validateName(key, path, 1, 512);
  if (!/^\/([\x21-\x7E]*\/)?$/.test(path)) {
    throw validationError(
      key.charAt(0).toLowerCase() + key.slice(1),
      path,
      'Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)',
    );
  }
  return path;
}

/**
 * Reads `Tags.member.N` as IAM checks them (key 1-128, value 0-256, at most 50).
 * @example readTags(req.input)
 */
export function readTags(input: Record<string, unknown>, resourceKind = 'Role'): Tag[] {
  const tags = asList<Record<string, unknown>>(input.Tags).map((t, i) => {
    const Key = typeof t.Key === 'string' ? t.Key : '';
    const Value = typeof t.Value === 'string' ? t.Value : '';
    validateName(`Tags.${i + 1}.member.key`, Key, 1, 128, /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u);
    validateName(`Tags.${i + 1}.member.value`, Value, 0, 256);
    return { Key, Value };
  });
  if (tags.length > 50)
    throw new AwsError('LimitExceeded', `Cannot exceed quota for TagsPer${resourceKind}: 50`, 409);
  return tags;
}

/**
 * Merges tags into a list (same key replaces), enforcing the 50-tag quota.
 * @example mergeTags(role.tags, [{ Key: 'a', Value: 'b' }], 'Role')
 */
export function mergeTags(current: Tag[], added: Tag[], resourceKind: string): Tag[] {
  const next = [...current];
  for (const tag of added) {
    const i = next.findIndex((t) => t.Key === tag.Key);
    if (i >= 0) next[i] = tag;
    else next.push(tag);
  }
  if (next.length > 50)
    throw new AwsError('LimitExceeded', `Cannot exceed quota for TagsPer${resourceKind}: 50`, 409);
  return next;
}

/**
 * One page of an IAM list: `Marker`/`MaxItems` (1-1000, default 100) in, `IsTruncated`/`Marker` out.
 * @example const { items, page } = iamPage(roles, req.input)
 */
export function iamPage<T>(
  items: readonly T[],
  input: Record<string, unknown>,
): { items: T[]; page: { IsTruncated: boolean; Marker?: string } } {
  const max = optionalInt(input, 'MaxItems', 1, 1000) ?? 100;
  const marker = optionalString(input, 'Marker');
  const page = paginate(items, marker, max, 'ValidationError');
  return {
    items: page.items,
    page: page.nextToken ? { IsTruncated: true, Marker: page.nextToken } : { IsTruncated: false },
  };
}

/**
 * NoSuchEntity 404 for a role.
 * @example throw noSuchRole('ci')
 */
export function noSuchRole(name: string): AwsError {
  return new AwsError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);
}

/**
 * NoSuchEntity 404 for a managed policy.
 * @example throw noSuchPolicy(arn)
 */
export function noSuchPolicy(arn: string): AwsError {
  return new AwsError('NoSuchEntity', `Policy ${arn} was not found.`, 404);
}
