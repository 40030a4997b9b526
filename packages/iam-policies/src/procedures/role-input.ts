/**
 * Input of ensureRole / checkRole and its validation (all before the first AWS call).
 */
/** The tag every resource eks-kit creates carries (one definition, in core). */
import {
  InvalidInputError,
  ownEntries,
  parseArn,
  STACK_TAG_KEY,
  validateTags,
  validateTagValue,
} from '@eks-kit/core';
import { validateIamPath, validatePolicyName, validateRoleName } from '../builders/names.js';
import { validateInlinePolicies } from '../builders/sizes.js';
import type { PolicyDocument } from '../builders/types.js';
import { validatePolicy } from '../builders/validate-policy.js';

export { STACK_TAG_KEY };

/** Desired state of a role. */
export interface RoleSpec {
  name: string;
  /** IAM path (default `/`); a role's path cannot change after creation. */
  path?: string;
  /** Trust policy, e.g. from `irsaTrustPolicy`. */
  trust: PolicyDocument;
  description?: string;
  /** Seconds, 3,600-43,200. */
  maxSessionDuration?: number;
  tags?: Record<string, string>;
  /** Inline policies by name. */
  inlinePolicies?: Record<string, PolicyDocument>;
  managedPolicyArns?: string[];
  /** Permissions boundary policy ARN; `null` removes an existing boundary. */
  permissionsBoundary?: string | null;
  /** Remove inline policies, attachments and tags that the spec does not name (default false). */
  exclusive?: boolean;
  /** Stack name: a role created by ensureRole is tagged `eks-kit:stack=<stack>`. */
  stack?: string;
  /** Trust policy size limit (default 2,048; GetAccountSummary AssumeRolePolicySizeQuota may allow more). */
  trustSizeLimit?: number;
}

/**
 * Check a managed policy ARN (`arn:<partition>:iam::<account|aws>:policy/...`).
 *
 * @example
 * ```ts
 * validatePolicyArn('arn:aws:iam::aws:policy/ReadOnlyAccess', 'managedPolicyArns[0]'); // ok
 * ```
 */
export function validatePolicyArn(value: unknown, field: string): string {
  const arn = parseArn(value, field);
  if (arn.service !== 'iam' || !arn.resource.startsWith('policy/'))
    throw new InvalidInputError(
      field,
      value,
      'a managed policy ARN such as arn:aws:iam::aws:policy/ReadOnlyAccess',
    );
  return value as string;
}

/** IAM's description characters: tab, LF, CR, printable ASCII and Latin-1. */
function isIamDescriptionText(value: string): boolean {
  for (const ch of value) {
    const c = ch.codePointAt(0) ?? 0;
    if (!(c === 9 || c === 10 || c === 13 || (c >= 0x20 && c <= 0x7e) || (c >= 0xa1 && c <= 0xff)))
      return false;
  }
  return true;
}

/**
 * Check a role description: at most 1,000 characters of IAM's allowed set.
 *
 * @example
 * ```ts
 * validateDescription('Cluster Autoscaler (IRSA)', 'description');
 * ```
 */
export function validateDescription(value: unknown, field = 'description'): string {
  if (typeof value !== 'string' || value.length > 1000 || !isIamDescriptionText(value))
    throw new InvalidInputError(field, value, 'a description of at most 1,000 printable characters');
  return value;
}

/**
 * Validate a whole role spec (names, path, documents for their kind, sizes, ARNs, tags).
 *
 * @example
 * ```ts
 * await validateRoleSpec({ name: 'ca', trust: irsaTrustPolicy(...) });
 * ```
 */
export async function validateRoleSpec(spec: RoleSpec): Promise<void> {
  if (typeof spec !== 'object' || spec === null)
    throw new InvalidInputError('role', spec, 'a role spec object');
  validateRoleName(spec.name, 'name');
  if (spec.path !== undefined) validateIamPath(spec.path, 'path');
  if (spec.trust === undefined) throw new InvalidInputError('trust', undefined, 'a trust policy document');
  if (
    spec.trustSizeLimit !== undefined &&
    !(Number.isInteger(spec.trustSizeLimit) && spec.trustSizeLimit > 0)
  )
    throw new InvalidInputError(
      'trustSizeLimit',
      spec.trustSizeLimit,
      'a positive whole number of characters',
    );
  await validatePolicy(spec.trust, {
    kind: 'trust',
    field: 'trust',
    ...(spec.trustSizeLimit !== undefined ? { trustSizeLimit: spec.trustSizeLimit } : {}),
  });
  if (spec.description !== undefined) validateDescription(spec.description, 'description');
  if (
    spec.maxSessionDuration !== undefined &&
    (!Number.isInteger(spec.maxSessionDuration) ||
      spec.maxSessionDuration < 3600 ||
      spec.maxSessionDuration > 43200)
  )
    throw new InvalidInputError(
      'maxSessionDuration',
      spec.maxSessionDuration,
      'a whole number of seconds from 3600 to 43200',
    );
  validateTags(spec.tags, 'tags');
  if (spec.stack !== undefined) {
    if (typeof spec.stack !== 'string' || spec.stack === '')
      throw new InvalidInputError('stack', spec.stack, 'a stack name');
    validateTagValue(spec.stack, 'stack');
  }
  if (spec.inlinePolicies !== undefined) {
    if (
      typeof spec.inlinePolicies !== 'object' ||
      spec.inlinePolicies === null ||
      Array.isArray(spec.inlinePolicies)
    )
      throw new InvalidInputError(
        'inlinePolicies',
        spec.inlinePolicies,
        'a map of policy names to documents',
      );
    for (const [name, doc] of ownEntries(spec.inlinePolicies, 'inlinePolicies')) {
      validatePolicyName(name, `inlinePolicies.${name}`);
      await validatePolicy(doc, { kind: 'identity', managed: false, field: `inlinePolicies.${name}` });
    }
    validateInlinePolicies(spec.inlinePolicies, 'inlinePolicies');
  }
  if (spec.managedPolicyArns !== undefined) {
    if (!Array.isArray(spec.managedPolicyArns))
      throw new InvalidInputError(
        'managedPolicyArns',
        spec.managedPolicyArns,
        'a list of managed policy ARNs',
      );
    if (spec.managedPolicyArns.length > 20)
      throw new InvalidInputError(
        'managedPolicyArns',
        spec.managedPolicyArns,
        'at most 20 managed policies (IAM quota; 10 by default)',
      );
    for (const [index, arn] of spec.managedPolicyArns.entries())
      validatePolicyArn(arn, `managedPolicyArns[${index}]`);
  }
  if (spec.permissionsBoundary !== undefined && spec.permissionsBoundary !== null)
    validatePolicyArn(spec.permissionsBoundary, 'permissionsBoundary');
  if (spec.exclusive !== undefined && typeof spec.exclusive !== 'boolean')
    throw new InvalidInputError('exclusive', spec.exclusive, 'true or false');
}
