/**
 * Planning the convergence of an existing role to its spec: one step (a Change and the call that
 * makes it) per difference, semantic for policies. Nothing here mutates; ensureRole runs the steps on
 * core's converge engine (`applyPlan`), which wraps a failing write with the step's operation.
 */
// IAM's commands are imported where they are sent (`(await import('@aws-sdk/client-iam')).X`), not at
// the top: importing @eks-kit/iam-policies loads no IAM SDK code until a call (issue 21). The bundles'
// esbuild plugins (tools/esbuild-plugins) make it a static, tree-shaken import again.
import type { IAMClient } from '@aws-sdk/client-iam';
import {
  type Change,
  EksKitError,
  type EnsureOptions,
  isNotFoundError,
  type PlannedChange,
} from '@eks-kit/core';
import { diffCurrentPolicy, policyForDisplay } from '../builders/compare.js';
import { policyJson } from '../builders/document.js';
import { type PropagationRetry, retryWhilePrincipalPropagates } from './propagation.js';
import { findInlinePolicy, type RoleState } from './read-role.js';
import { type RoleSpec, STACK_TAG_KEY } from './role-input.js';

/**
 * One planned change and the call that makes it.
 *
 * @deprecated core's `PlannedChange` (the converge engine's step); this alias goes in the next minor.
 */
export type PlannedStep = PlannedChange;

/** Options of {@link planRoleConvergence}. */
export type PlanRoleOptions = EnsureOptions & {
  propagation?: PropagationRetry;
  /** Delete inline policies and detach managed policies the spec does not name (a role the stack owns). */
  exclusivePolicies?: boolean;
};

/** A removal whose target is already gone (NoSuchEntity) has nothing left to do. */
async function goneIsDone(call: Promise<unknown>): Promise<unknown> {
  try {
    return await call;
  } catch (error) {
    if (isNotFoundError(error)) return undefined;
    throw error;
  }
}

/**
 * The steps that bring `state` to `spec`. Reads inline policy documents (GetRolePolicy) to compare.
 *
 * @example
 * ```ts
 * const steps = await planRoleConvergence(iam, state, spec, options);
 * const { changes } = await applyPlan(steps, options);
 * ```
 */
export async function planRoleConvergence(
  iam: IAMClient,
  state: RoleState,
  spec: RoleSpec,
  options: PlanRoleOptions = {},
): Promise<PlannedChange[]> {
  const role = state.role;
  if (spec.path !== undefined && role.Path !== undefined && role.Path !== spec.path) {
    throw new EksKitError(
      'RolePathMismatch',
      `iam role ${spec.name} exists with path ${role.Path}, not ${spec.path}`,
      {
        hint: `IAM cannot move a role: set path to ${role.Path}, or delete the role so that it is recreated`,
      },
    );
  }
  const exclusivePolicies = spec.exclusive === true || options.exclusivePolicies === true;
  return [
    ...planTrust(iam, state, spec, options),
    ...planSettings(iam, state, spec),
    ...planBoundary(iam, state, spec),
    ...planTags(iam, state, spec),
    ...(await planInlinePolicies(iam, state, spec, exclusivePolicies)),
    ...planAttachments(iam, state, spec, exclusivePolicies),
  ];
}

function planTrust(
  iam: IAMClient,
  state: RoleState,
  spec: RoleSpec,
  options: PlanRoleOptions,
): PlannedChange[] {
  const { name } = spec;
  const resource = `iam role ${name}`;
  const current = state.role.AssumeRolePolicyDocument ?? '{}';
  const trustDiff = diffCurrentPolicy(current, spec.trust);
  if (trustDiff.equal) return [];
  return [
    {
      change: {
        action: 'update',
        resource,
        summary: `trust policy: ${trustDiff.summary}`,
        before: policyForDisplay(current),
        after: spec.trust,
      },
      operation: 'iam:UpdateAssumeRolePolicy',
      target: name,
      apply: () =>
        retryWhilePrincipalPropagates(
          async () =>
            iam.send(
              new (await import('@aws-sdk/client-iam')).UpdateAssumeRolePolicyCommand({
                RoleName: name,
                PolicyDocument: policyJson(spec.trust),
              }),
            ),
          resource,
          options,
        ),
    },
  ];
}

/** Description and maximum session duration: one UpdateRole. */
function planSettings(iam: IAMClient, state: RoleState, spec: RoleSpec): PlannedChange[] {
  const { name } = spec;
  const role = state.role;
  const update: { Description?: string; MaxSessionDuration?: number } = {};
  if (spec.description !== undefined && (role.Description ?? '') !== spec.description)
    update.Description = spec.description;
  if (spec.maxSessionDuration !== undefined && (role.MaxSessionDuration ?? 3600) !== spec.maxSessionDuration)
    update.MaxSessionDuration = spec.maxSessionDuration;
  if (Object.keys(update).length === 0) return [];
  return [
    {
      change: {
        action: 'update',
        resource: `iam role ${name}`,
        summary: Object.keys(update)
          .map((k) =>
            k === 'Description'
              ? `description: ${JSON.stringify(role.Description ?? '')} -> ${JSON.stringify(spec.description)}`
              : `max session duration: ${role.MaxSessionDuration ?? 3600}s -> ${spec.maxSessionDuration}s`,
          )
          .join('; '),
        before: { Description: role.Description, MaxSessionDuration: role.MaxSessionDuration },
        after: update,
      },
      operation: 'iam:UpdateRole',
      target: name,
      // UpdateRole without MaxSessionDuration resets it to one hour (IAM API reference, UpdateRole):
      // a description change always sends the duration the role keeps.
      apply: async () =>
        iam.send(
          new (await import('@aws-sdk/client-iam')).UpdateRoleCommand({
            RoleName: name,
            ...update,
            MaxSessionDuration: update.MaxSessionDuration ?? role.MaxSessionDuration ?? 3600,
          }),
        ),
    },
  ];
}

function planBoundary(iam: IAMClient, state: RoleState, spec: RoleSpec): PlannedChange[] {
  const { name } = spec;
  const resource = `iam role ${name}`;
  const currentBoundary = state.role.PermissionsBoundary?.PermissionsBoundaryArn;
  if (typeof spec.permissionsBoundary === 'string' && spec.permissionsBoundary !== currentBoundary) {
    const boundary = spec.permissionsBoundary;
    return [
      {
        change: {
          action: 'update',
          resource,
          summary: `permissions boundary: ${currentBoundary ?? 'none'} -> ${boundary}`,
          before: currentBoundary ?? null,
          after: boundary,
        },
        operation: 'iam:PutRolePermissionsBoundary',
        target: name,
        apply: async () =>
          iam.send(
            new (await import('@aws-sdk/client-iam')).PutRolePermissionsBoundaryCommand({
              RoleName: name,
              PermissionsBoundary: boundary,
            }),
          ),
      },
    ];
  }
  if (spec.permissionsBoundary === null && currentBoundary !== undefined) {
    return [
      {
        change: {
          action: 'update',
          resource,
          summary: `permissions boundary: ${currentBoundary} -> none`,
          before: currentBoundary,
          after: null,
        },
        operation: 'iam:DeleteRolePermissionsBoundary',
        target: name,
        apply: async () =>
          iam.send(
            new (await import('@aws-sdk/client-iam')).DeleteRolePermissionsBoundaryCommand({
              RoleName: name,
            }),
          ),
      },
    ];
  }
  return [];
}

/** Tags the spec names that differ; with `exclusive`, tags it does not name (the stack tag stays). */
function planTags(iam: IAMClient, state: RoleState, spec: RoleSpec): PlannedChange[] {
  const { name } = spec;
  const resource = `iam role ${name}`;
  const steps: PlannedChange[] = [];
  const toTag = Object.entries(spec.tags ?? {}).filter(([k, v]) => state.tags[k] !== v);
  if (toTag.length > 0) {
    steps.push({
      change: {
        action: 'tag',
        resource,
        summary: `tags: ${toTag.map(([k, v]) => `${k}=${v}`).join(', ')}`,
        before: Object.fromEntries(toTag.map(([k]) => [k, state.tags[k] ?? null])),
        after: Object.fromEntries(toTag),
      },
      operation: 'iam:TagRole',
      target: name,
      apply: async () =>
        iam.send(
          new (await import('@aws-sdk/client-iam')).TagRoleCommand({
            RoleName: name,
            Tags: toTag.map(([Key, Value]) => ({ Key, Value })),
          }),
        ),
    });
  }
  if (!spec.exclusive) return steps;
  const desired = spec.tags ?? {};
  const toUntag = Object.keys(state.tags)
    .filter((k) => !(k in desired) && k !== STACK_TAG_KEY)
    .sort();
  if (toUntag.length > 0) {
    steps.push({
      change: {
        action: 'untag',
        resource,
        summary: `remove tags: ${toUntag.join(', ')}`,
        before: toUntag,
        after: null,
      },
      operation: 'iam:UntagRole',
      target: name,
      apply: async () =>
        iam.send(
          new (await import('@aws-sdk/client-iam')).UntagRoleCommand({ RoleName: name, TagKeys: toUntag }),
        ),
    });
  }
  return steps;
}

/** Inline policies: put what differs semantically; when exclusive, delete those the spec does not name. */
async function planInlinePolicies(
  iam: IAMClient,
  state: RoleState,
  spec: RoleSpec,
  exclusivePolicies: boolean,
): Promise<PlannedChange[]> {
  const { name } = spec;
  const resource = `iam role ${name}`;
  const steps: PlannedChange[] = [];
  const existingInline = new Set(state.inlinePolicyNames);
  for (const [policyName, doc] of Object.entries(spec.inlinePolicies ?? {}).sort(([a], [b]) =>
    a < b ? -1 : 1,
  )) {
    const raw = existingInline.has(policyName) ? await findInlinePolicy(iam, name, policyName) : undefined;
    const diff = raw === undefined ? undefined : diffCurrentPolicy(raw, doc);
    if (diff?.equal) continue;
    const change: Change = {
      action: diff ? 'update' : 'create',
      resource,
      summary: `inline policy ${policyName}: ${diff ? diff.summary : 'create'}`,
      ...(raw !== undefined ? { before: policyForDisplay(raw) } : {}),
      after: doc,
    };
    steps.push({
      change,
      operation: 'iam:PutRolePolicy',
      target: `${name}/${policyName}`,
      apply: async () =>
        iam.send(
          new (await import('@aws-sdk/client-iam')).PutRolePolicyCommand({
            RoleName: name,
            PolicyName: policyName,
            PolicyDocument: policyJson(doc),
          }),
        ),
    });
  }
  if (!exclusivePolicies) return steps;
  const desired = new Set(Object.keys(spec.inlinePolicies ?? {}));
  for (const policyName of [...existingInline].filter((n) => !desired.has(n)).sort()) {
    steps.push({
      change: {
        action: 'delete',
        resource,
        summary: `delete inline policy ${policyName} (${spec.exclusive ? 'not in the spec, exclusive' : 'not described by the stack that owns the role: drift'})`,
      },
      operation: 'iam:DeleteRolePolicy',
      target: `${name}/${policyName}`,
      // Already deleted by a concurrent run (NoSuchEntity): done.
      apply: async () =>
        goneIsDone(
          iam.send(
            new (await import('@aws-sdk/client-iam')).DeleteRolePolicyCommand({
              RoleName: name,
              PolicyName: policyName,
            }),
          ),
        ),
    });
  }
  return steps;
}

/** Managed policy attachments: attach the missing; when exclusive, detach those the spec does not name. */
function planAttachments(
  iam: IAMClient,
  state: RoleState,
  spec: RoleSpec,
  exclusivePolicies: boolean,
): PlannedChange[] {
  const { name } = spec;
  const resource = `iam role ${name}`;
  const steps: PlannedChange[] = [];
  const attached = new Set(state.attachedPolicyArns);
  const desiredArns = [...new Set(spec.managedPolicyArns ?? [])].sort();
  for (const arn of desiredArns.filter((a) => !attached.has(a))) {
    steps.push({
      change: { action: 'create', resource, summary: `attach ${arn}`, after: arn },
      operation: 'iam:AttachRolePolicy',
      target: `${name} ${arn}`,
      apply: async () =>
        iam.send(
          new (await import('@aws-sdk/client-iam')).AttachRolePolicyCommand({
            RoleName: name,
            PolicyArn: arn,
          }),
        ),
    });
  }
  if (!exclusivePolicies) return steps;
  const desired = new Set(desiredArns);
  for (const arn of [...attached].filter((a) => !desired.has(a)).sort()) {
    steps.push({
      change: {
        action: 'delete',
        resource,
        summary: `detach ${arn} (${spec.exclusive ? 'not in the spec, exclusive' : 'attached outside the stack that owns the role: drift'})`,
        before: arn,
      },
      operation: 'iam:DetachRolePolicy',
      target: `${name} ${arn}`,
      // Already detached by a concurrent run (NoSuchEntity): done.
      apply: async () =>
        goneIsDone(
          iam.send(
            new (await import('@aws-sdk/client-iam')).DetachRolePolicyCommand({
              RoleName: name,
              PolicyArn: arn,
            }),
          ),
        ),
    });
  }
  return steps;
}
