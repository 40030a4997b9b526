/**
 * Steps: the autoscaler's worker group tags, then its IAM role (asg-discovery).
 * TODO(wiring): the input shapes follow issue 5's API text; check them against the package once its
 * procedures land.
 */
import * as asg from '@eks-kit/asg-discovery';
import type { Change, EnsureOptions } from '@eks-kit/core';
import { autoscalerRoleName, autoscalerServiceAccount, stackTags } from '../orchestrate/names.js';
import { packageFunction } from '../orchestrate/package-api.js';
import type { Stack } from '../schema/stack-schema.js';
import type { Step, StepContext, StepOutcome } from './step.js';

type EnsureFn = (
  clients: StepContext['clients'],
  input: Record<string, unknown>,
  options: EnsureOptions,
) => Promise<{ changes: Change[] }>;

const PKG = '@eks-kit/asg-discovery';

/**
 * The worker group selection of the stack in asg-discovery's terms.
 *
 * @example
 * ```ts
 * workerGroupSelection(stack); // { names: ['seed-workers-a', 'seed-workers-b'] }
 * ```
 */
export function workerGroupSelection(stack: Stack): Record<string, unknown> {
  const groups = stack.autoscaler!.workerGroups;
  if (groups.names) return { names: groups.names };
  if (groups.prefix !== undefined) return { prefix: groups.prefix };
  return { clusterTags: true };
}

function options(ctx: StepContext): EnsureOptions {
  return { dryRun: ctx.dryRun, ...(ctx.signal ? { signal: ctx.signal } : {}), onEvent: ctx.emit };
}

/** Tag the selected worker groups for auto-discovery (and node templates for scale from zero). */
export const autoscalerTagsStep: Step = {
  id: 'autoscaler.tags',
  title: 'autoscaler discovery tags on the worker groups',
  async run(ctx): Promise<StepOutcome> {
    const ensureTags = packageFunction<EnsureFn>(asg, 'ensureAutoDiscoveryTags', PKG);
    const a = ctx.stack.autoscaler!;
    const result = await ensureTags(
      ctx.clients,
      {
        cluster: ctx.stack.cluster.name,
        select: workerGroupSelection(ctx.stack),
        ...(a.nodeTemplates ? { nodeTemplates: a.nodeTemplates } : {}),
      },
      options(ctx),
    );
    return { changes: result.changes };
  },
};

/** The autoscaler's IAM role with its policy and the trust of its identity mode. */
export const autoscalerRoleStep: Step = {
  id: 'autoscaler.role',
  title: 'autoscaler IAM role',
  async run(ctx): Promise<StepOutcome> {
    const ensureRole = packageFunction<EnsureFn>(asg, 'ensureClusterAutoscalerRole', PKG);
    const result = await ensureRole(ctx.clients, autoscalerRoleInput(ctx.stack), options(ctx));
    return { changes: result.changes };
  },
};

/**
 * The input of asg-discovery's role procedures for this stack.
 *
 * @example
 * ```ts
 * autoscalerRoleInput(stack).roleName; // 'seed-cluster-autoscaler'
 * ```
 */
export function autoscalerRoleInput(stack: Stack): Record<string, unknown> {
  const a = stack.autoscaler!;
  return {
    cluster: stack.cluster.name,
    identity: {
      mode: a.identity.mode,
      ...(a.identity.workerRoleArns ? { nodeRoleArns: a.identity.workerRoleArns } : {}),
      ...(a.identity.serverRoleArn ? { serverRoleArn: a.identity.serverRoleArn } : {}),
    },
    ...(stack.cluster.oidcIssuer ? { oidcIssuer: stack.cluster.oidcIssuer } : {}),
    namespace: a.namespace,
    serviceAccount: autoscalerServiceAccount(stack),
    roleName: autoscalerRoleName(stack),
    select: workerGroupSelection(stack),
    stack: stack.name,
    tags: stackTags(stack),
  };
}
