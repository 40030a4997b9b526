/**
 * ensureRole: create or converge an IAM role (trust, description, session length, tags, inline
 * policies, attachments, boundary), idempotently, with dry run.
 */
// IAM's commands are imported where they are sent (`(await import('@aws-sdk/client-iam')).X`), not at
// the top: importing @eks-kit/iam-policies loads no IAM SDK code until a call (issue 21). The bundles'
// esbuild plugins (tools/esbuild-plugins) make it a static, tree-shaken import again.
import type { CreateRoleCommandInput, IAMClient, Role } from '@aws-sdk/client-iam';
import {
  type AwsClients,
  adoptChange,
  applyPlan,
  awsErrorCode,
  type Change,
  type Deadline,
  deadlineOf,
  decideOwnership,
  describeAccount,
  EksKitError,
  type EnsureOptions,
  type EnsureResult,
  type PlannedChange,
  UNCHANGED,
} from '@eks-kit/core';
import { asList } from '../builders/canonical-values.js';
import { policyJson } from '../builders/document.js';
import type { PolicyDocument } from '../builders/types.js';
import { iamArn } from './aws-context.js';
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
 * Policies are compared semantically, so only real differences are changed.
 *
 * Ownership (with `stack`, core's `decideOwnership`): a role it creates is tagged
 * `eks-kit:stack=<stack>`; an existing role tagged for another stack is refused
 * (`OwnedByAnotherStack`, dry run too) before any write; an existing role without the tag (made by
 * hand) is refused (`NotOwnedByStack`) unless `options.adopt` is set, when it is tagged and then
 * converged (a dry run shows the `adopt:` change). A role this stack owns is managed exclusively:
 * inline policies and managed policy attachments the spec does not name are drift, deleted and
 * detached. Without `stack`, extra inline policies, attachments and tags are removed only with
 * `exclusive: true`.
 *
 * Reliability: while IAM has not propagated a new principal (`MalformedPolicyDocument: Invalid
 * principal in policy`, docs/AWS-FACTS.md#iam-propagation-delay) it retries with backoff and emits a `retry` event per attempt;
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
  const deadline = deadlineOf(options);
  const iam = await clients.iam();
  const read = await readRole(iam, spec.name);
  const { state, changes: createChanges } = read
    ? { state: read, changes: [] }
    : await createRole(clients, iam, spec, { ...options, deadline });
  const created = createChanges.length > 0;
  // The ownership rule (core): a role tagged for another stack is never changed; one without the
  // stack tag is changed only when adopted; what this stack owns, it manages exclusively.
  const adoptSteps = created ? [] : planAdoption(iam, state, spec, options);
  const steps = [
    ...adoptSteps,
    ...(await planRoleConvergence(iam, state, spec, {
      ...options,
      exclusivePolicies: !created && spec.stack !== undefined,
    })),
  ];
  const { changes } = await applyPlan(steps, { ...options, deadline, earlier: createChanges });
  return {
    changes: [...createChanges, ...changes],
    arn: state.role.Arn ?? '',
    ...(state.role.RoleId !== undefined ? { roleId: state.role.RoleId } : {}),
    created,
  };
}

/**
 * Create the role (in a dry run: the state it would have). A role another process created
 * meanwhile (`EntityAlreadyExists`) is read and converged instead: no create change then.
 */
async function createRole(
  clients: AwsClients,
  iam: IAMClient,
  spec: RoleSpec,
  options: EnsureRoleOptions & { deadline: Deadline },
): Promise<{ state: RoleState; changes: Change[] }> {
  const { name } = spec;
  const path = spec.path ?? '/';
  const resource = `iam role ${name}`;
  const tags = { ...(spec.tags ?? {}), ...(spec.stack !== undefined ? { [STACK_TAG_KEY]: spec.stack } : {}) };
  let state: RoleState | undefined;
  if (options.dryRun) {
    const { accountId, partition } = await describeAccount(clients);
    const arn = iamArn(partition, accountId, 'role', path, name);
    state = stateOfNewRole(spec, { RoleName: name, Arn: arn } as Role, tags);
  }
  const create = async (): Promise<unknown> => {
    try {
      const out = await retryWhilePrincipalPropagates(
        async () =>
          iam.send(new (await import('@aws-sdk/client-iam')).CreateRoleCommand(createRoleInput(spec, tags))),
        resource,
        options,
      );
      if (!out.Role) throw new EksKitError('AwsError', `iam:CreateRole on ${name} returned no role`);
      state = stateOfNewRole(spec, out.Role, tags);
      return undefined;
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
      options.onEvent?.({
        type: 'notice',
        resource,
        message: `${resource} was created by someone else meanwhile; converging it instead`,
      });
      state = await readRole(iam, name);
      if (!state) throw error;
      return UNCHANGED;
    }
  };
  const change: Change = {
    action: 'create',
    resource,
    summary: `create role ${path}${name} trusted by ${trustedPrincipals(spec.trust)}`,
    after: { path, trust: spec.trust, tags },
  };
  const { changes } = await applyPlan(
    [{ change, operation: 'iam:CreateRole', target: name, apply: create }],
    options,
  );
  if (!state) throw new EksKitError('AwsError', `iam:CreateRole on ${name}: no role after the create`);
  return { state, changes };
}

function createRoleInput(spec: RoleSpec, tags: Record<string, string>): CreateRoleCommandInput {
  return {
    RoleName: spec.name,
    Path: spec.path ?? '/',
    AssumeRolePolicyDocument: policyJson(spec.trust),
    ...(spec.description !== undefined ? { Description: spec.description } : {}),
    ...(spec.maxSessionDuration !== undefined ? { MaxSessionDuration: spec.maxSessionDuration } : {}),
    ...(typeof spec.permissionsBoundary === 'string'
      ? { PermissionsBoundary: spec.permissionsBoundary }
      : {}),
    ...(Object.keys(tags).length > 0
      ? { Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }
      : {}),
  };
}

/** With a stack: refuse another stack's role, and plan the stack tag on one adopted (core's decideOwnership). */
function planAdoption(
  iam: IAMClient,
  state: RoleState,
  spec: RoleSpec,
  options: EnsureOptions,
): PlannedChange[] {
  const stack = spec.stack;
  if (stack === undefined) return [];
  const name = spec.name;
  const resource = `iam role ${name}`;
  const decision = decideOwnership({
    resource,
    tags: state.tags,
    stack,
    adopt: options.adopt,
    dryRun: options.dryRun,
    retag: `aws iam tag-role --role-name ${name} --tags Key=${STACK_TAG_KEY},Value=${stack}`,
  });
  if (!decision.adopting) return [];
  return [
    {
      change: adoptChange(resource, stack, options.adopt),
      operation: 'iam:TagRole',
      target: name,
      apply: async () =>
        iam.send(
          new (await import('@aws-sdk/client-iam')).TagRoleCommand({
            RoleName: name,
            Tags: [{ Key: STACK_TAG_KEY, Value: stack }],
          }),
        ),
    },
  ];
}
