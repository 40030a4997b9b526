/** Steps: the autoscaler's worker group tags, then its IAM role (asg-discovery). */
import {
  type AutoscalerIdentity,
  type CheckAutoscalerSetupInput,
  type EnsureClusterAutoscalerRoleInput,
  ensureAutoDiscoveryTags,
  ensureClusterAutoscalerRole,
  findClusterAutoscalerRoleBlockers,
  type GroupShapeOptions,
  type NodeGroupSelector,
} from '@eks-kit/asg-discovery';
import { EksKitError, type EnsureOptions } from '@eks-kit/core';
import { autoModeFinding, autoModeToRefuse } from '../orchestrate/auto-mode.js';
import { autoscalerRoleName, autoscalerServiceAccount } from '../orchestrate/names.js';
import { workerGroupSelectionInStackTerms } from '../orchestrate/stack-hints.js';
import type { Stack } from '../schema/stack-schema.js';
import { resolveStackNodeTemplates } from './node-templates.js';
import type { Step, StepContext, StepOutcome } from './step.js';

/**
 * The worker group selection of the stack in asg-discovery's terms.
 *
 * @example
 * ```ts
 * workerGroupSelection(stack); // { names: ['seed-workers-a', 'seed-workers-b'] }
 * ```
 */
export function workerGroupSelection(stack: Stack): NodeGroupSelector {
  const groups = stack.autoscaler!.workerGroups;
  if (groups.names) return { names: groups.names };
  if (groups.prefix !== undefined) return { namePrefix: groups.prefix };
  return { eksClusterTags: true };
}

/**
 * The autoscaler's identity in asg-discovery's terms.
 *
 * @example
 * ```ts
 * autoscalerIdentity(stack); // 'irsa'
 * ```
 */
export function autoscalerIdentity(stack: Stack): AutoscalerIdentity {
  const identity = stack.autoscaler!.identity;
  if (identity.mode === 'kube2iam') return { kube2iam: { nodeRoleArns: identity.workerRoleArns ?? [] } };
  if (identity.mode === 'kiam') return { kiam: { serverRoleArn: identity.serverRoleArn ?? '' } };
  return identity.mode;
}

/**
 * The input of asg-discovery's role procedures (and its setup check) for this stack.
 *
 * @example
 * ```ts
 * autoscalerRoleInput(stack).roleName; // 'seed-cluster-autoscaler'
 * ```
 */
export function autoscalerRoleInput(
  stack: Stack,
): EnsureClusterAutoscalerRoleInput & CheckAutoscalerSetupInput {
  const a = stack.autoscaler!;
  return {
    cluster: stack.cluster.name,
    identity: autoscalerIdentity(stack),
    namespace: a.namespace,
    serviceAccount: autoscalerServiceAccount(stack),
    release: a.release,
    roleName: autoscalerRoleName(stack),
    select: workerGroupSelection(stack),
    stack: stack.name,
    shape: autoscalerShapeOptions(stack),
  };
}

/**
 * How the autoscaler runs, from `autoscaler.extraArgs`, for asg-discovery's group-shape findings
 * (`balance-similar-node-groups`, `balancing-ignore-label` comma-separated).
 *
 * @example
 * ```ts
 * autoscalerShapeOptions(stack); // { balanceSimilarNodeGroups: true, balancingIgnoreLabels: [] }
 * ```
 */
export function autoscalerShapeOptions(stack: Stack): GroupShapeOptions {
  const args = { ...(stack.autoscaler?.extraArgs ?? {}), ...(stack.autoscaler?.uncheckedExtraArgs ?? {}) };
  const ignore = args['balancing-ignore-label'];
  return {
    balanceSimilarNodeGroups: [true, 'true'].includes(args['balance-similar-node-groups'] as never),
    balancingIgnoreLabels:
      typeof ignore === 'string'
        ? ignore
            .split(',')
            .map((l) => l.trim())
            .filter(Boolean)
        : [],
  };
}

function options(ctx: StepContext, adopt: boolean | undefined): EnsureOptions {
  return {
    dryRun: ctx.dryRun,
    adopt: ctx.adopt === true || adopt === true,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    onEvent: ctx.emit,
  };
}

/**
 * Tag the selected worker groups for auto-discovery (and node templates for scale from zero).
 *
 * @example
 * ```ts
 * const { changes } = await autoscalerTagsStep.run({ clients, stack, dryRun: true, signal: undefined, emit: () => {}, account });
 * ```
 */
export const autoscalerTagsStep: Step = {
  id: 'autoscaler.tags',
  title: 'autoscaler discovery tags on the worker groups',
  async run(ctx): Promise<StepOutcome> {
    // EKS Auto Mode: no groups to tag; the refusal blocks the plan (and the apply, below).
    const autoMode = await autoModeToRefuse(ctx.clients, ctx.stack, signalOf(ctx));
    if (autoMode) return { changes: [], findings: [autoModeFinding(ctx.stack, autoMode, 'fail')] };
    const a = ctx.stack.autoscaler!;
    const result = await resolveStackNodeTemplates(ctx.clients, ctx.stack)
      .then((nodeTemplates) =>
        ensureAutoDiscoveryTags(
          ctx.clients,
          {
            cluster: ctx.stack.cluster.name,
            select: workerGroupSelection(ctx.stack),
            ...(nodeTemplates ? { nodeTemplates } : {}),
            stack: ctx.stack.name,
          },
          options(ctx, a.workerGroups.adopt),
        ),
      )
      .catch((error: unknown) => {
        throw inStackTermsError(error, ctx.stack);
      });
    return { changes: result.changes };
  },
  async blockers(ctx) {
    const autoMode = await autoModeToRefuse(ctx.clients, ctx.stack, signalOf(ctx));
    return autoMode ? [autoModeFinding(ctx.stack, autoMode, 'fail')] : [];
  },
};

function signalOf(ctx: StepContext): { signal?: AbortSignal } {
  return ctx.signal ? { signal: ctx.signal } : {};
}

/**
 * asg-discovery's "no group matched" in the stack file's keys (its own hint names the library's
 * `names`/`namePrefix` selector); other errors pass unchanged.
 *
 * @example
 * ```ts
 * await ensureAutoDiscoveryTags(clients, input).catch((e) => { throw inStackTermsError(e, stack); });
 * ```
 */
export function inStackTermsError(error: unknown, stack: Stack): unknown {
  if (!(error instanceof EksKitError) || error.code !== 'NoNodeGroups') return error;
  const selection = workerGroupSelectionInStackTerms(stack.autoscaler!.workerGroups, stack.cluster.name);
  return new EksKitError(
    'NoNodeGroups',
    `autoscaler.workerGroups (${selection}) matched no Auto Scaling group of cluster ${stack.cluster.name}`,
    {
      hint: 'set autoscaler.workerGroups to the names, a name prefix (prefix) or clusterTags: true for EKS managed node groups; list the groups with aws autoscaling describe-auto-scaling-groups --query "AutoScalingGroups[].AutoScalingGroupName"',
      cause: error,
    },
  );
}

/**
 * The autoscaler's IAM role with its policy and the trust of its identity mode.
 *
 * @example
 * ```ts
 * const { changes } = await autoscalerRoleStep.run({ clients, stack, dryRun: true, signal: undefined, emit: () => {}, account });
 * ```
 */
export const autoscalerRoleStep: Step = {
  id: 'autoscaler.role',
  title: 'autoscaler IAM role',
  async run(ctx): Promise<StepOutcome> {
    // EKS Auto Mode: the tags step says why (once); no role for an autoscaler that is not used.
    if (await autoModeToRefuse(ctx.clients, ctx.stack, signalOf(ctx))) return { changes: [] };
    const result = await ensureClusterAutoscalerRole(
      ctx.clients,
      roleInput(ctx.stack),
      options(ctx, ctx.stack.autoscaler?.adopt),
    );
    return { changes: result.changes, findings: result.findings };
  },
  blockers: async (ctx) =>
    (await autoModeToRefuse(ctx.clients, ctx.stack, signalOf(ctx)))
      ? []
      : findClusterAutoscalerRoleBlockers(ctx.clients, roleInput(ctx.stack)),
};

function roleInput(stack: Stack): EnsureClusterAutoscalerRoleInput {
  const { select: _select, shape: _shape, ...input } = autoscalerRoleInput(stack);
  return { ...input, ...(stack.tags ? { tags: stack.tags } : {}) };
}
