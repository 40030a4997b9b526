/**
 * deleteRole and deleteManagedPolicy (issue 16): remove what a stack owns, and nothing else, in the
 * order IAM demands (inline policies and attachments before the role, non-default versions before
 * the policy), idempotently and with dry run.
 */
// IAM's commands are imported where they are sent (`(await import('@aws-sdk/client-iam')).X`), not at
// the top: importing @eks-kit/iam-policies loads no IAM SDK code until a call (issue 21). The bundles'
// esbuild plugins (tools/esbuild-plugins) make it a static, tree-shaken import again.
import type { IAMClient, Policy, PolicyVersion } from '@aws-sdk/client-iam';
import {
  type AwsClients,
  absentResult,
  applyPlan,
  type DeleteOptions,
  type DeleteResult,
  describeAccount,
  isNotFoundError,
  keepUnlessOwned,
  type PlannedChange,
  refusedResult,
  validateTagValue,
  wrapAwsError,
} from '@eks-kit/core';
import { validateIamPath, validatePolicyName, validateRoleName } from '../builders/names.js';
import { iamArn } from './aws-context.js';
import { readRole } from './read-role.js';

/** Which role {@link deleteRole} removes, and for which stack (only a role tagged for it is deleted). */
export interface DeleteRoleSpec {
  name: string;
  stack: string;
}

/** Which customer managed policy {@link deleteManagedPolicy} removes, and for which stack. */
export interface DeleteManagedPolicySpec {
  name: string;
  /** IAM path, default `/`. */
  path?: string;
  stack: string;
}

/** A delete that treats NoSuchEntity as done (a concurrent or earlier run removed it). */
async function gone(promise: Promise<unknown>, operation: string, target: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    if (!isNotFoundError(error)) throw wrapAwsError(error, operation, target);
  }
}

/**
 * Delete an IAM role this stack owns (tag `eks-kit:stack=<stack>`): its inline policies, then its
 * managed policy attachments (the policies themselves stay), then the role. A role without the tag
 * or tagged for another stack is kept untouched (`outcome: 'kept'`, `keptBecause: 'not-owned'`); a
 * missing role is `absent`, so a rerun after a crash finishes the job and a second run makes no
 * mutating call. With `dryRun`, only reads are made.
 *
 * @example
 * ```ts
 * const result = await deleteRole(clients, { name: 'cluster-autoscaler', stack: 'prod' }, { dryRun: true });
 * console.log(result.outcome, renderChanges(result.changes));
 * ```
 */
export async function deleteRole(
  clients: AwsClients,
  spec: DeleteRoleSpec,
  options: DeleteOptions = {},
): Promise<DeleteResult> {
  validateRoleName(spec?.name, 'name');
  validateTagValue(spec.stack, 'stack');
  const name = spec.name;
  const resource = `iam role ${name}`;
  const iam = await clients.iam();
  const state = await readRole(iam, name);
  if (!state) return absentResult(resource);
  const kept = keepUnlessOwned(resource, state.tags, spec.stack);
  if (kept) return kept;
  const steps: PlannedChange[] = [];
  for (const policyName of state.inlinePolicyNames)
    steps.push({
      change: { action: 'delete', resource, summary: `delete inline policy ${policyName}` },
      apply: async () =>
        gone(
          iam.send(
            new (await import('@aws-sdk/client-iam')).DeleteRolePolicyCommand({
              RoleName: name,
              PolicyName: policyName,
            }),
          ),
          'iam:DeleteRolePolicy',
          `${name}/${policyName}`,
        ),
    });
  for (const arn of state.attachedPolicyArns)
    steps.push({
      change: { action: 'delete', resource, summary: `detach ${arn}` },
      apply: async () =>
        gone(
          iam.send(
            new (await import('@aws-sdk/client-iam')).DetachRolePolicyCommand({
              RoleName: name,
              PolicyArn: arn,
            }),
          ),
          'iam:DetachRolePolicy',
          `${name} ${arn}`,
        ),
    });
  steps.push({
    change: { action: 'delete', resource, summary: `delete role ${state.role.Path ?? '/'}${name}` },
    apply: async () =>
      gone(
        iam.send(new (await import('@aws-sdk/client-iam')).DeleteRoleCommand({ RoleName: name })),
        'iam:DeleteRole',
        name,
      ),
  });
  return { changes: (await applyPlan(steps, options)).changes, resource, outcome: 'deleted' };
}

async function getPolicy(iam: IAMClient, arn: string): Promise<Policy | undefined> {
  try {
    return (await iam.send(new (await import('@aws-sdk/client-iam')).GetPolicyCommand({ PolicyArn: arn })))
      .Policy;
  } catch (error) {
    if (isNotFoundError(error)) return undefined;
    throw wrapAwsError(error, 'iam:GetPolicy', arn);
  }
}

async function policyTags(iam: IAMClient, policy: Policy, arn: string): Promise<Policy['Tags']> {
  if (policy.Tags !== undefined) return policy.Tags;
  try {
    return (
      await iam.send(new (await import('@aws-sdk/client-iam')).ListPolicyTagsCommand({ PolicyArn: arn }))
    ).Tags;
  } catch (error) {
    throw wrapAwsError(error, 'iam:ListPolicyTags', arn);
  }
}

/**
 * Delete a customer managed policy this stack owns: its non-default versions, then the policy
 * (IAM refuses a policy with more than one version). A policy still attached to a role, user or
 * group is kept (`keptBecause: 'refused'`): delete or detach those first (`destroyStack` deletes
 * the stack's roles before its policies). Untagged or foreign policies are never touched; a missing
 * one is `absent`. With `dryRun`, only reads are made.
 *
 * @example
 * ```ts
 * await deleteManagedPolicy(clients, { name: 'eks-kit-ecr-push', path: '/eks-kit/', stack: 'prod' });
 * ```
 */
export async function deleteManagedPolicy(
  clients: AwsClients,
  spec: DeleteManagedPolicySpec,
  options: DeleteOptions = {},
): Promise<DeleteResult> {
  validatePolicyName(spec?.name, 'name');
  const path = spec.path === undefined ? '/' : validateIamPath(spec.path, 'path');
  validateTagValue(spec.stack, 'stack');
  const iam = await clients.iam();
  const { accountId, partition } = await describeAccount(clients);
  const arn = iamArn(partition, accountId, 'policy', path, spec.name);
  const resource = `iam policy ${spec.name}`;
  const policy = await getPolicy(iam, arn);
  if (!policy) return absentResult(resource);
  const kept = keepUnlessOwned(resource, await policyTags(iam, policy, arn), spec.stack);
  if (kept) return kept;
  const attachments = (policy.AttachmentCount ?? 0) + (policy.PermissionsBoundaryUsageCount ?? 0);
  if (attachments > 0)
    return refusedResult(
      resource,
      `still attached to ${attachments} role(s), user(s) or group(s) (or used as a boundary)`,
      `detach it first: aws iam list-entities-for-policy --policy-arn ${arn}`,
    );
  const versions: PolicyVersion[] = [];
  try {
    for await (const page of (await import('@aws-sdk/client-iam')).paginateListPolicyVersions(
      { client: iam },
      { PolicyArn: arn },
    ))
      versions.push(...(page.Versions ?? []));
  } catch (error) {
    throw wrapAwsError(error, 'iam:ListPolicyVersions', arn);
  }
  const steps: PlannedChange[] = [];
  for (const v of versions) {
    if (v.IsDefaultVersion || v.VersionId === undefined) continue;
    const versionId = v.VersionId;
    steps.push({
      change: { action: 'delete', resource, summary: `delete policy version ${versionId}` },
      apply: async () =>
        gone(
          iam.send(
            new (await import('@aws-sdk/client-iam')).DeletePolicyVersionCommand({
              PolicyArn: arn,
              VersionId: versionId,
            }),
          ),
          'iam:DeletePolicyVersion',
          `${arn} ${versionId}`,
        ),
    });
  }
  steps.push({
    change: { action: 'delete', resource, summary: `delete managed policy ${path}${spec.name}` },
    apply: async () =>
      gone(
        iam.send(new (await import('@aws-sdk/client-iam')).DeletePolicyCommand({ PolicyArn: arn })),
        'iam:DeletePolicy',
        arn,
      ),
  });
  return { changes: (await applyPlan(steps, options)).changes, resource, outcome: 'deleted' };
}
