/**
 * Facts about the caller that procedures need to compute ARNs (e.g. in dry run, before a resource exists).
 */
// IAM's commands are imported where they are sent (`(await import('@aws-sdk/client-iam')).X`), not at
// the top: importing @eks-kit/iam-policies loads no IAM SDK code until a call (issue 21). The bundles'
// esbuild plugins (tools/esbuild-plugins) make it a static, tree-shaken import again.
import { type AwsClients, describeAccount, type Partition, wrapAwsError } from '@eks-kit/core';
import { POLICY_SIZE_LIMITS } from '../builders/sizes.js';

/**
 * The caller's account id and partition (one STS GetCallerIdentity call; a read).
 *
 * @deprecated since 0.2: use core's `describeAccount` (the same lookup); kept for one minor.
 * @example
 * ```ts
 * const { accountId, partition } = await callerAccount(clients);
 * ```
 */
export const callerAccount: typeof describeAccount = describeAccount;

/**
 * The ARN of an IAM role or policy from its path and name.
 *
 * @example
 * ```ts
 * iamArn('aws', '123456789012', 'role', '/eks-kit/', 'ca'); // 'arn:aws:iam::123456789012:role/eks-kit/ca'
 * ```
 */
export function iamArn(
  partition: Partition,
  accountId: string,
  type: 'role' | 'policy',
  path: string,
  name: string,
): string {
  return `arn:${partition}:iam::${accountId}:${type}${path}${name}`;
}

/**
 * The account's trust policy size quota, `AssumeRolePolicySizeQuota` from IAM GetAccountSummary (a
 * read; 2,048 by default, raised through Service Quotas). Pass it as `trustSizeLimit` to
 * `ensureRole` or `validatePolicy` when a trust policy needs more than the default: the input
 * checks themselves make no AWS call, so the live quota is read only when asked.
 *
 * @example
 * ```ts
 * const trustSizeLimit = await describeTrustPolicySizeQuota(clients); // e.g. 4096
 * await ensureRole(clients, { name: 'ci', trust: bigTrust, trustSizeLimit });
 * ```
 */
export async function describeTrustPolicySizeQuota(clients: AwsClients): Promise<number> {
  const iam = await clients.iam();
  try {
    const out = await iam.send(new (await import('@aws-sdk/client-iam')).GetAccountSummaryCommand({}));
    return out.SummaryMap?.AssumeRolePolicySizeQuota ?? POLICY_SIZE_LIMITS.trustDefault;
  } catch (error) {
    throw wrapAwsError(error, 'iam:GetAccountSummary');
  }
}
