/**
 * IAM's size limits (docs/AWS-FACTS.md#iam-names-and-size-limits): managed policy 6,144 characters, inline policies of
 * one role 10,240 together, trust policy 2,048 by default (the account's AssumeRolePolicySizeQuota);
 * IAM does not count whitespace, so the canonical JSON without whitespace is what is measured.
 */
import { InvalidInputError } from '@eks-kit/core';
import type { PolicyDocument } from './types.js';

/** IAM size limits in characters. */
export const POLICY_SIZE_LIMITS = {
  managed: 6_144,
  inlineTotal: 10_240,
  trustDefault: 2_048,
} as const;

/**
 * Characters IAM counts for a document: its JSON without whitespace outside strings.
 *
 * @example
 * ```ts
 * policySize({ Version: '2012-10-17', Statement: [] }); // 38
 * ```
 */
export function policySize(doc: PolicyDocument | Record<string, unknown>): number {
  return JSON.stringify(doc).length;
}

/**
 * Check the inline policies of one role together against the 10,240-character limit.
 *
 * @example
 * ```ts
 * validateInlinePolicies({ ecr: ecrPushPolicy, logs: logsPolicy }, 'inlinePolicies');
 * ```
 */
export function validateInlinePolicies(
  policies: Record<string, PolicyDocument>,
  field = 'inlinePolicies',
): void {
  const total = Object.values(policies).reduce((sum, doc) => sum + policySize(doc), 0);
  if (total > POLICY_SIZE_LIMITS.inlineTotal) {
    throw new InvalidInputError(
      field,
      `${total} characters`,
      `inline policies of at most ${POLICY_SIZE_LIMITS.inlineTotal} characters together (IAM role limit, whitespace not counted)`,
      { hint: 'move some statements into a managed policy (6,144 characters each, 10 per role)' },
    );
  }
}
