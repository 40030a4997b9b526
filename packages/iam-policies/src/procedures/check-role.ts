/**
 * checkRole: findings about a role compared with what it should be (used by `eks-kit check` and the
 * scheduled checks Lambda).
 */
// IAM's commands are imported where they are sent (`(await import('@aws-sdk/client-iam')).X`), not at
// the top: importing @eks-kit/iam-policies loads no IAM SDK code until a call (issue 21). The bundles'
// esbuild plugins (tools/esbuild-plugins) make it a static, tree-shaken import again.
import type { IAMClient } from '@aws-sdk/client-iam';
import {
  type AwsClients,
  classifyOwnership,
  type Finding,
  finding,
  InvalidInputError,
  wrapAwsError,
} from '@eks-kit/core';
import { diffCurrentPolicy } from '../builders/compare.js';
import { validatePolicyName, validateRoleName } from '../builders/names.js';
import { overBroadGrants } from '../builders/over-broad.js';
import type { PolicyDocument } from '../builders/types.js';
import { validatePolicy } from '../builders/validate-policy.js';
import { findInlinePolicy, readRole } from './read-role.js';
import { validatePolicyArn } from './role-input.js';

/** What {@link checkRole} compares the role with; parts left out are not checked. */
export interface CheckRoleInput {
  name: string;
  trust?: PolicyDocument;
  inlinePolicies?: Record<string, PolicyDocument>;
  managedPolicyArns?: string[];
  /** Extra inline policies and attachments fail (default: they only warn). */
  exclusive?: boolean;
}

/**
 * Findings for a role: `iam.role` (missing role), `iam.trust` (trust drift), `iam.policy` (inline
 * policy missing, drifted, or extra) and `iam.attachments` (managed policy missing or extra).
 * Extra policies fail with `exclusive`, else warn. Makes read calls only.
 *
 * @example
 * ```ts
 * const findings = await checkRole(clients, { name: 'cluster-autoscaler', trust, inlinePolicies: { autoscaler } });
 * for (const f of findings) if (f.status !== 'ok') console.log(f.check, f.message);
 * ```
 */
export async function checkRole(clients: AwsClients, input: CheckRoleInput): Promise<Finding[]> {
  if (typeof input !== 'object' || input === null)
    throw new InvalidInputError('role', input, 'a check input object');
  validateRoleName(input.name, 'name');
  if (input.trust !== undefined) await validatePolicy(input.trust, { kind: 'trust', field: 'trust' });
  for (const [policyName, doc] of Object.entries(input.inlinePolicies ?? {})) {
    validatePolicyName(policyName, `inlinePolicies.${policyName}`);
    await validatePolicy(doc, { kind: 'identity', field: `inlinePolicies.${policyName}` });
  }
  for (const [i, arn] of (input.managedPolicyArns ?? []).entries())
    validatePolicyArn(arn, `managedPolicyArns[${i}]`);

  const iam = await clients.iam();
  const name = input.name;
  const resource = `iam role ${name}`;
  const state = await readRole(iam, name);
  if (!state) {
    return [
      finding('iam.role', resource, 'fail', `role ${name} does not exist`, {
        hint: 'create it with eks-kit apply (ensureRole)',
      }),
    ];
  }
  const findings: Finding[] = [
    finding('iam.role', resource, 'ok', `role ${name} exists`, { data: { arn: state.role.Arn } }),
  ];
  if (input.trust !== undefined) {
    const diff = diffCurrentPolicy(state.role.AssumeRolePolicyDocument ?? '{}', input.trust);
    findings.push(
      diff.equal
        ? finding('iam.trust', resource, 'ok', 'trust policy matches')
        : finding('iam.trust', resource, 'fail', `trust policy drifted: ${diff.summary}`, {
            hint: 'run eks-kit apply to restore it',
            data: { added: diff.added, removed: diff.removed },
          }),
    );
  }
  const existing = new Set(state.inlinePolicyNames);
  for (const [policyName, doc] of Object.entries(input.inlinePolicies ?? {}).sort(([a], [b]) =>
    a < b ? -1 : 1,
  )) {
    const raw = existing.has(policyName) ? await findInlinePolicy(iam, name, policyName) : undefined;
    if (raw === undefined) {
      findings.push(
        finding('iam.policy', resource, 'fail', `inline policy ${policyName} is missing`, {
          hint: 'run eks-kit apply to add it',
        }),
      );
      continue;
    }
    const diff = diffCurrentPolicy(raw, doc);
    findings.push(
      diff.equal
        ? finding('iam.policy', resource, 'ok', `inline policy ${policyName} matches`)
        : finding('iam.policy', resource, 'fail', `inline policy ${policyName} drifted: ${diff.summary}`, {
            hint: 'run eks-kit apply to restore it',
            data: { added: diff.added, removed: diff.removed },
          }),
    );
  }
  const extraStatus = input.exclusive ? 'fail' : 'warn';
  if (input.inlinePolicies !== undefined) {
    for (const extra of [...existing].filter((n) => !Object.hasOwn(input.inlinePolicies ?? {}, n)).sort()) {
      findings.push(
        finding('iam.policy', resource, extraStatus, `extra inline policy ${extra} (not in the stack)`, {
          hint: input.exclusive ? 'eks-kit apply removes it (exclusive)' : 'remove it if nobody needs it',
        }),
      );
    }
  }
  if (input.managedPolicyArns !== undefined) {
    const attached = new Set(state.attachedPolicyArns);
    const desired = new Set(input.managedPolicyArns);
    const missing = [...desired].filter((a) => !attached.has(a)).sort();
    const extra = [...attached].filter((a) => !desired.has(a)).sort();
    for (const arn of missing)
      findings.push(
        finding('iam.attachments', resource, 'fail', `managed policy ${arn} is not attached`, {
          hint: 'run eks-kit apply to attach it',
        }),
      );
    for (const arn of extra)
      findings.push(
        finding(
          'iam.attachments',
          resource,
          extraStatus,
          `extra managed policy ${arn} attached (not in the stack)`,
          {
            hint: input.exclusive ? 'eks-kit apply detaches it (exclusive)' : 'detach it if nobody needs it',
          },
        ),
      );
    if (missing.length === 0 && extra.length === 0)
      findings.push(finding('iam.attachments', resource, 'ok', 'managed policy attachments match'));
  }
  return findings;
}

/** What {@link checkRoleGrants} compares a role's policies with. */
export interface CheckRoleGrantsInput {
  /** The role. */
  name: string;
  /** The stack that owns it: a role it does not own is not judged here. */
  stack: string;
  /** Names of the inline policies the stack itself puts on the role. */
  inlinePolicies: readonly string[];
  /** Managed policies the stack itself attaches. */
  managedPolicyArns?: readonly string[];
}

/**
 * Findings `iam.grants` for a role the stack owns: each inline policy or attached managed policy the
 * stack does not describe (added by hand) that grants more than the stack's own (`*` actions,
 * `iam:*`, a write on `Resource: "*"` without a condition; see `overBroadGrants`) is a `fail`
 * naming the policy; otherwise one `ok`. A missing role, or one the stack does not own, gives no
 * finding. Read calls only (GetRole, ListRolePolicies, GetRolePolicy, ListAttachedRolePolicies,
 * GetPolicy, GetPolicyVersion).
 *
 * @example
 * ```ts
 * const findings = await checkRoleGrants(clients, { name: 'seed-cluster-autoscaler', stack: 'seed', inlinePolicies: ['cluster-autoscaler'] });
 * ```
 */
export async function checkRoleGrants(clients: AwsClients, input: CheckRoleGrantsInput): Promise<Finding[]> {
  if (typeof input !== 'object' || input === null)
    throw new InvalidInputError('role', input, 'a check input object');
  validateRoleName(input.name, 'name');
  const iam = await clients.iam();
  const state = await readRole(iam, input.name);
  if (!state || classifyOwnership(state.tags, input.stack).kind !== 'owned') return [];
  const resource = `iam role ${input.name}`;
  const hint = `eks-kit apply removes it (stack ${input.stack} manages this role exclusively); give what it grants a role of its own`;
  const findings: Finding[] = [];
  const own = new Set(input.inlinePolicies);
  for (const policyName of state.inlinePolicyNames.filter((n) => !own.has(n)).sort()) {
    const raw = await findInlinePolicy(iam, input.name, policyName);
    const reasons = raw === undefined ? [] : overBroadGrants(raw);
    if (reasons.length > 0)
      findings.push(
        finding(
          'iam.grants',
          resource,
          'fail',
          `inline policy ${policyName} grants more than stack ${input.stack}'s own: ${reasons.join('; ')}`,
          {
            hint,
            data: { policy: policyName, reasons },
          },
        ),
      );
  }
  const attachedByStack = new Set(input.managedPolicyArns ?? []);
  for (const arn of state.attachedPolicyArns.filter((a) => !attachedByStack.has(a)).sort()) {
    const reasons = overBroadGrants(await managedPolicyDocument(iam, arn));
    if (reasons.length > 0)
      findings.push(
        finding(
          'iam.grants',
          resource,
          'fail',
          `managed policy ${arn} grants more than stack ${input.stack}'s own: ${reasons.join('; ')}`,
          {
            hint,
            data: { policy: arn, reasons },
          },
        ),
      );
  }
  if (findings.length === 0)
    findings.push(
      finding(
        'iam.grants',
        resource,
        'ok',
        `no policy on the role grants more than stack ${input.stack}'s own`,
      ),
    );
  return findings;
}

/** The default version's document of a managed policy (reads only). */
async function managedPolicyDocument(iam: IAMClient, arn: string): Promise<string> {
  try {
    const policy = await iam.send(
      new (await import('@aws-sdk/client-iam')).GetPolicyCommand({ PolicyArn: arn }),
    );
    const version = await iam.send(
      new (await import('@aws-sdk/client-iam')).GetPolicyVersionCommand({
        PolicyArn: arn,
        VersionId: policy.Policy?.DefaultVersionId,
      }),
    );
    return version.PolicyVersion?.Document ?? '{}';
  } catch (error) {
    throw wrapAwsError(error, 'iam:GetPolicyVersion', arn);
  }
}
