/**
 * ensureRole: create or converge an IAM role (trust, description, session length, tags, inline
 * policies, attachments, boundary), idempotently, with dry run.
 */
import { CreateRoleCommand, type Role } from '@aws-sdk/client-iam';
import {
  type AwsClients,
  awsErrorCode,
  type Change,
  EksKitError,
  type EnsureOptions,
  type EnsureResult,
  wrapAwsError,
} from '@eks-kit/core';
import { asList } from '../builders/canonical-values.js';
import { policyJson } from '../builders/document.js';
import type { PolicyDocument } from '../builders/types.js';
import { callerAccount, iamArn } from './aws-context.js';
import { planRoleConvergence } from './plan-role.js';
import { type PropagationRetry, retryWhilePrincipalPropagates } from './propagation.js';
import { type RoleState, readRole } from './read-role.js';
import { type RoleSpec, STACK_TAG_KEY, validateRoleSpec } from './role-input.js';

/** Options of {@link ensureRole}: the usual dry run, signal and events, plus the propagation retry timing. */
export interface EnsureRoleOptions extends EnsureOptions {
  propagation?: PropagationRetry;
}

/** What {@link ensureRole} returns. */
export interface EnsureRoleResult extends EnsureResult {
  /** The role ARN (computed in dry run when the role does not exist yet). */
  arn: string;
  /** IAM's unique id (AROA...), unknown in dry run for a new role. */
  roleId?: string;
  /** True when this run created the role (or, in dry run, would create it). */
  created: boolean;
}

/** The principals a trust policy names, for one-line summaries. */
function trustedPrincipals(trust: PolicyDocument): string {
  const names: string[] = [];
  for (const s of trust.Statement) {
    const p = s.Principal;
    if (p === undefined) continue;
    if (p === '*') names.push('*');
    else for (const value of Object.values(p)) names.push(...asList(value));
  }
  return names.join(', ');
}

function isAlreadyExists(error: unknown): boolean {
  return /EntityAlreadyExists/.test(awsErrorCode(error) ?? '');
}

/** The state of a role just created (or to be created in dry run) from its spec: nothing attached yet. */
function stateOfNewRole(spec: RoleSpec, role: Role, tags: Record<string, string>): RoleState {
  return {
    role: {
      ...role,
      Path: spec.path ?? '/',
      AssumeRolePolicyDocument: policyJson(spec.trust),
      ...(spec.description !== undefined ? { Description: spec.description } : {}),
      MaxSessionDuration: spec.maxSessionDuration ?? 3600,
      ...(typeof spec.permissionsBoundary === 'string'
        ? {
            PermissionsBoundary: {
              PermissionsBoundaryArn: spec.permissionsBoundary,
              PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
            },
          }
        : {}),
    },
    tags,
    inlinePolicyNames: [],
    attachedPolicyArns: [],
  };
}

/**
 * Create the role if it does not exist, then converge it to `spec`: trust policy, description,
 * max session duration, tags, inline policies, managed policy attachments and permissions boundary.
 * Policies are compared semantically, so only real differences are changed. Inline policies,
 * attachments and tags that the spec does not name are removed only with `exclusive: true`.
 * A role it creates is tagged `eks-kit:stack=<stack>` when `stack` is given.
 *
 * Reliability: while IAM has not propagated a new principal (`MalformedPolicyDocument: Invalid
 * principal in policy`, AWS-FACTS.md) it retries with backoff and emits a `retry` event per attempt;
 * if another process creates the role at the same time (`EntityAlreadyExists`) it converges that role.
 * Input is validated before any AWS call; with `dryRun` no mutating call is made.
 *
 * @example
 * ```ts
 * const { changes, arn } = await ensureRole(clients, {
 *   name: 'cluster-autoscaler',
 *   trust: irsaTrustPolicy({ oidcProviderArn, namespace: 'kube-system', serviceAccount: 'cluster-autoscaler' }),
 *   inlinePolicies: { autoscaler: autoscalerPolicy },
 *   stack: 'prod',
 * }, { dryRun: true });
 * console.log(renderChanges(changes));
 * ```
 */
export async function ensureRole(
  clients: AwsClients,
  spec: RoleSpec,
  options: EnsureRoleOptions = {},
): Promise<EnsureRoleResult> {
  await validateRoleSpec(spec);
  const iam = await clients.iam();
  const name = spec.name;
  const path = spec.path ?? '/';
  const resource = `iam role ${name}`;
  const changes: Change[] = [];
  let created = false;
  let state = await readRole(iam, name);

  if (!state) {
    const tags = {
      ...(spec.tags ?? {}),
      ...(spec.stack !== undefined ? { [STACK_TAG_KEY]: spec.stack } : {}),
    };
    const createChange: Change = {
      action: 'create',
      resource,
      summary: `create role ${path}${name} trusted by ${trustedPrincipals(spec.trust)}`,
      after: { path, trust: spec.trust, tags },
    };
    if (options.dryRun) {
      const { accountId, partition } = await callerAccount(clients);
      changes.push(createChange);
      created = true;
      state = stateOfNewRole(
        spec,
        { RoleName: name, Arn: iamArn(partition, accountId, 'role', path, name) } as Role,
        tags,
      );
    } else {
      try {
        const out = await retryWhilePrincipalPropagates(
          () =>
            iam.send(
              new CreateRoleCommand({
                RoleName: name,
                Path: path,
                AssumeRolePolicyDocument: policyJson(spec.trust),
                ...(spec.description !== undefined ? { Description: spec.description } : {}),
                ...(spec.maxSessionDuration !== undefined
                  ? { MaxSessionDuration: spec.maxSessionDuration }
                  : {}),
                ...(typeof spec.permissionsBoundary === 'string'
                  ? { PermissionsBoundary: spec.permissionsBoundary }
                  : {}),
                ...(Object.keys(tags).length > 0
                  ? { Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }
                  : {}),
              }),
            ),
          resource,
          options,
        );
        if (!out.Role) throw new EksKitError('AwsError', `iam:CreateRole on ${name} returned no role`);
        changes.push(createChange);
        created = true;
        state = stateOfNewRole(spec, out.Role, tags);
      } catch (error) {
        if (!isAlreadyExists(error)) throw wrapAwsError(error, 'iam:CreateRole', name);
        options.onEvent?.({
          type: 'notice',
          resource,
          message: `${resource} was created by someone else meanwhile; converging it instead`,
        });
        state = await readRole(iam, name);
        if (!state) throw wrapAwsError(error, 'iam:CreateRole', name);
      }
    }
  }

  if (!created && spec.stack !== undefined && state.tags[STACK_TAG_KEY] !== spec.stack) {
    options.onEvent?.({
      type: 'notice',
      resource,
      message: `${resource} exists and is not tagged ${STACK_TAG_KEY}=${spec.stack}: it was not created by this stack; converging it as asked`,
    });
  }

  const steps = await planRoleConvergence(iam, state, spec, options);
  for (const step of steps) {
    if (!options.dryRun) await step.apply();
    changes.push(step.change);
    options.onEvent?.({ type: options.dryRun ? 'plan' : 'applied', resource, message: step.change.summary });
  }
  return {
    changes,
    arn: state.role.Arn ?? '',
    ...(state.role.RoleId !== undefined ? { roleId: state.role.RoleId } : {}),
    created,
  };
}
