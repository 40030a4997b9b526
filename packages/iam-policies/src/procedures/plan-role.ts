/**
 * Planning the convergence of an existing role to its spec: one step (a Change and the call that
 * makes it) per difference, semantic for policies. Nothing here mutates; ensureRole runs the steps.
 */
import {
  AttachRolePolicyCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  type IAMClient,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
} from '@aws-sdk/client-iam';
import { type Change, EksKitError, type EnsureOptions, isNotFoundError, wrapAwsError } from '@eks-kit/core';
import { diffCurrentPolicy, policyForDisplay } from '../builders/compare.js';
import { policyJson } from '../builders/document.js';
import { type PropagationRetry, retryWhilePrincipalPropagates } from './propagation.js';
import { findInlinePolicy, type RoleState } from './read-role.js';
import { type RoleSpec, STACK_TAG_KEY } from './role-input.js';

/** One planned change and the call that makes it. */
export interface PlannedStep {
  change: Change;
  apply: () => Promise<unknown>;
}

async function send<T>(operation: string, resource: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw wrapAwsError(error, operation, resource);
  }
}

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
 * for (const step of steps) await step.apply();
 * ```
 */
export async function planRoleConvergence(
  iam: IAMClient,
  state: RoleState,
  spec: RoleSpec,
  options: EnsureOptions & {
    propagation?: PropagationRetry;
    /** Delete inline policies and detach managed policies the spec does not name (a role the stack owns). */
    exclusivePolicies?: boolean;
  } = {},
): Promise<PlannedStep[]> {
  const exclusivePolicies = spec.exclusive === true || options.exclusivePolicies === true;
  const name = spec.name;
  const resource = `iam role ${name}`;
  const steps: PlannedStep[] = [];
  const role = state.role;
  if (spec.path !== undefined && role.Path !== undefined && role.Path !== spec.path) {
    throw new EksKitError('RolePathMismatch', `${resource} exists with path ${role.Path}, not ${spec.path}`, {
      hint: `IAM cannot move a role: set path to ${role.Path}, or delete the role so that it is recreated`,
    });
  }

  const trustDiff = diffCurrentPolicy(role.AssumeRolePolicyDocument ?? '{}', spec.trust);
  if (!trustDiff.equal) {
    steps.push({
      change: {
        action: 'update',
        resource,
        summary: `trust policy: ${trustDiff.summary}`,
        before: policyForDisplay(role.AssumeRolePolicyDocument ?? '{}'),
        after: spec.trust,
      },
      apply: () =>
        send('iam:UpdateAssumeRolePolicy', name, () =>
          retryWhilePrincipalPropagates(
            () =>
              iam.send(
                new UpdateAssumeRolePolicyCommand({ RoleName: name, PolicyDocument: policyJson(spec.trust) }),
              ),
            resource,
            options,
          ),
        ),
    });
  }

  const update: { Description?: string; MaxSessionDuration?: number } = {};
  if (spec.description !== undefined && (role.Description ?? '') !== spec.description)
    update.Description = spec.description;
  if (spec.maxSessionDuration !== undefined && (role.MaxSessionDuration ?? 3600) !== spec.maxSessionDuration)
    update.MaxSessionDuration = spec.maxSessionDuration;
  if (Object.keys(update).length > 0) {
    steps.push({
      change: {
        action: 'update',
        resource,
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
      // UpdateRole without MaxSessionDuration resets it to one hour (IAM API reference, UpdateRole):
      // a description change always sends the duration the role keeps.
      apply: () =>
        send('iam:UpdateRole', name, () =>
          iam.send(
            new UpdateRoleCommand({
              RoleName: name,
              ...update,
              MaxSessionDuration: update.MaxSessionDuration ?? role.MaxSessionDuration ?? 3600,
            }),
          ),
        ),
    });
  }

  const currentBoundary = role.PermissionsBoundary?.PermissionsBoundaryArn;
  if (typeof spec.permissionsBoundary === 'string' && spec.permissionsBoundary !== currentBoundary) {
    const boundary = spec.permissionsBoundary;
    steps.push({
      change: {
        action: 'update',
        resource,
        summary: `permissions boundary: ${currentBoundary ?? 'none'} -> ${boundary}`,
        before: currentBoundary ?? null,
        after: boundary,
      },
      apply: () =>
        send('iam:PutRolePermissionsBoundary', name, () =>
          iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: name, PermissionsBoundary: boundary })),
        ),
    });
  } else if (spec.permissionsBoundary === null && currentBoundary !== undefined) {
    steps.push({
      change: {
        action: 'update',
        resource,
        summary: `permissions boundary: ${currentBoundary} -> none`,
        before: currentBoundary,
        after: null,
      },
      apply: () =>
        send('iam:DeleteRolePermissionsBoundary', name, () =>
          iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: name })),
        ),
    });
  }

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
      apply: () =>
        send('iam:TagRole', name, () =>
          iam.send(
            new TagRoleCommand({ RoleName: name, Tags: toTag.map(([Key, Value]) => ({ Key, Value })) }),
          ),
        ),
    });
  }
  if (spec.exclusive) {
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
        apply: () =>
          send('iam:UntagRole', name, () =>
            iam.send(new UntagRoleCommand({ RoleName: name, TagKeys: toUntag })),
          ),
      });
    }
  }

  const existingInline = new Set(state.inlinePolicyNames);
  for (const [policyName, doc] of Object.entries(spec.inlinePolicies ?? {}).sort(([a], [b]) =>
    a < b ? -1 : 1,
  )) {
    const raw = existingInline.has(policyName) ? await findInlinePolicy(iam, name, policyName) : undefined;
    let summary: string;
    let action: Change['action'];
    if (raw === undefined) {
      action = 'create';
      summary = `inline policy ${policyName}: create`;
    } else {
      const diff = diffCurrentPolicy(raw, doc);
      if (diff.equal) continue;
      action = 'update';
      summary = `inline policy ${policyName}: ${diff.summary}`;
    }
    steps.push({
      change: {
        action,
        resource,
        summary,
        ...(raw !== undefined ? { before: policyForDisplay(raw) } : {}),
        after: doc,
      },
      apply: () =>
        send('iam:PutRolePolicy', `${name}/${policyName}`, () =>
          iam.send(
            new PutRolePolicyCommand({
              RoleName: name,
              PolicyName: policyName,
              PolicyDocument: policyJson(doc),
            }),
          ),
        ),
    });
  }
  if (exclusivePolicies) {
    const desired = new Set(Object.keys(spec.inlinePolicies ?? {}));
    for (const policyName of [...existingInline].filter((n) => !desired.has(n)).sort()) {
      steps.push({
        change: {
          action: 'delete',
          resource,
          summary: `delete inline policy ${policyName} (${spec.exclusive ? 'not in the spec, exclusive' : 'not described by the stack that owns the role: drift'})`,
        },
        // Already deleted by a concurrent run (NoSuchEntity): done.
        apply: () =>
          send('iam:DeleteRolePolicy', `${name}/${policyName}`, () =>
            goneIsDone(iam.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: policyName }))),
          ),
      });
    }
  }

  const attached = new Set(state.attachedPolicyArns);
  const desiredArns = [...new Set(spec.managedPolicyArns ?? [])].sort();
  for (const arn of desiredArns.filter((a) => !attached.has(a))) {
    steps.push({
      change: { action: 'create', resource, summary: `attach ${arn}`, after: arn },
      apply: () =>
        send('iam:AttachRolePolicy', `${name} ${arn}`, () =>
          iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: arn })),
        ),
    });
  }
  if (exclusivePolicies) {
    const desired = new Set(desiredArns);
    for (const arn of [...attached].filter((a) => !desired.has(a)).sort()) {
      steps.push({
        change: {
          action: 'delete',
          resource,
          summary: `detach ${arn} (${spec.exclusive ? 'not in the spec, exclusive' : 'attached outside the stack that owns the role: drift'})`,
          before: arn,
        },
        // Already detached by a concurrent run (NoSuchEntity): done.
        apply: () =>
          send('iam:DetachRolePolicy', `${name} ${arn}`, () =>
            goneIsDone(iam.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn: arn }))),
          ),
      });
    }
  }
  return steps;
}
