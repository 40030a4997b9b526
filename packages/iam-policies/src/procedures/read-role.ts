/**
 * Reading the current state of a role: the role itself (trust, description, tags, boundary), its
 * inline policies (decoded from IAM's URL-encoded JSON) and its attached managed policies.
 */
// IAM's commands are imported where they are sent (`(await import('@aws-sdk/client-iam')).X`), not at
// the top: importing @eks-kit/iam-policies loads no IAM SDK code until a call (issue 21). The bundles'
// esbuild plugins (tools/esbuild-plugins) make it a static, tree-shaken import again.
import type { IAMClient, Role } from '@aws-sdk/client-iam';
import { isNotFoundError, wrapAwsError } from '@eks-kit/core';

/** What IAM holds for a role. Policy documents are still IAM's raw (URL-encoded) strings. */
export interface RoleState {
  role: Role;
  tags: Record<string, string>;
  /** Inline policy names (all of them). */
  inlinePolicyNames: string[];
  /** Attached managed policy ARNs. */
  attachedPolicyArns: string[];
}

/**
 * GetRole, or undefined when the role does not exist.
 *
 * @example
 * ```ts
 * const role = await findRole(await clients.iam(), 'cluster-autoscaler');
 * ```
 */
export async function findRole(iam: IAMClient, name: string): Promise<Role | undefined> {
  try {
    const out = await iam.send(new (await import('@aws-sdk/client-iam')).GetRoleCommand({ RoleName: name }));
    return out.Role;
  } catch (error) {
    if (isNotFoundError(error)) return undefined;
    throw wrapAwsError(error, 'iam:GetRole', name);
  }
}

/**
 * Deprecated name of {@link findRole} (reads are named `find*`, and it returns undefined when the role is absent); the same function. Kept for one minor version.
 *
 * @deprecated Use {@link findRole}.
 * @example
 * ```ts
 * findRole(...args); // instead of getRole(...args)
 * ```
 */
export const getRole: typeof findRole = findRole;

/**
 * The role with its inline policy names and attachments, or undefined when it does not exist.
 *
 * @example
 * ```ts
 * const state = await readRole(await clients.iam(), 'cluster-autoscaler');
 * ```
 */
export async function readRole(iam: IAMClient, name: string): Promise<RoleState | undefined> {
  const role = await findRole(iam, name);
  if (!role) return undefined;
  // The two listings need only the role's name: read at once (issue 22), after GetRole so that a
  // missing role costs one call.
  const inline = async (): Promise<string[]> => {
    const names: string[] = [];
    try {
      for await (const page of (await import('@aws-sdk/client-iam')).paginateListRolePolicies(
        { client: iam },
        { RoleName: name },
      ))
        names.push(...(page.PolicyNames ?? []));
    } catch (error) {
      throw wrapAwsError(error, 'iam:ListRolePolicies', name);
    }
    return names;
  };
  const attached = async (): Promise<string[]> => {
    const arns: string[] = [];
    try {
      for await (const page of (await import('@aws-sdk/client-iam')).paginateListAttachedRolePolicies(
        { client: iam },
        { RoleName: name },
      )) {
        for (const p of page.AttachedPolicies ?? []) if (p.PolicyArn) arns.push(p.PolicyArn);
      }
    } catch (error) {
      throw wrapAwsError(error, 'iam:ListAttachedRolePolicies', name);
    }
    return arns;
  };
  const [inlinePolicyNames, attachedPolicyArns] = await Promise.all([inline(), attached()]);
  const tags: Record<string, string> = {};
  for (const t of role.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
  return { role, tags, inlinePolicyNames, attachedPolicyArns };
}

/**
 * One inline policy's document as IAM returns it (URL-encoded JSON), or undefined when absent.
 *
 * @example
 * ```ts
 * const raw = await findInlinePolicy(iam, 'ca', 'autoscaler');
 * if (raw && !policiesEqual(raw, desired)) { ... }
 * ```
 */
export async function findInlinePolicy(
  iam: IAMClient,
  roleName: string,
  policyName: string,
): Promise<string | undefined> {
  try {
    const out = await iam.send(
      new (await import('@aws-sdk/client-iam')).GetRolePolicyCommand({
        RoleName: roleName,
        PolicyName: policyName,
      }),
    );
    return out.PolicyDocument;
  } catch (error) {
    if (isNotFoundError(error)) return undefined;
    throw wrapAwsError(error, 'iam:GetRolePolicy', `${roleName}/${policyName}`);
  }
}

/**
 * Deprecated name of {@link findInlinePolicy} (reads are named `find*`, and it returns undefined when the policy is absent); the same function. Kept for one minor version.
 *
 * @deprecated Use {@link findInlinePolicy}.
 * @example
 * ```ts
 * findInlinePolicy(...args); // instead of getInlinePolicy(...args)
 * ```
 */
export const getInlinePolicy: typeof findInlinePolicy = findInlinePolicy;
