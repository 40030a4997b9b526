/**
 * Step: the IAM role of the GitLab runner's build pod (IRSA), allowed to push to the stack's
 * repository and its cache (ecr-credentials' `ensureRunnerRole`).
 */
import { ensureRunnerRole, findRunnerRoleBlockers, type RunnerRoleInput } from '@eks-kit/ecr-credentials';
import { runnerRoleName } from '../orchestrate/names.js';
import type { Stack } from '../schema/stack-schema.js';
import type { Step, StepOutcome } from './step.js';

/**
 * The input of `ensureRunnerRole` for this stack: the cluster's issuer (from the stack, else EKS),
 * the runner's namespace and service account, push on `gitlab.repository` and its cache.
 *
 * @example
 * ```ts
 * runnerRoleInput(stack).roleName; // 'seed-gitlab-runner-build'
 * ```
 */
export function runnerRoleInput(stack: Stack): RunnerRoleInput {
  const g = stack.gitlab!;
  const repo = stack.repositories.find((r) => r.name === g.repository);
  return {
    ...(stack.cluster.oidcIssuer ? { issuer: stack.cluster.oidcIssuer } : { cluster: stack.cluster.name }),
    namespace: g.runner.namespace,
    serviceAccount: g.runner.serviceAccount,
    roleName: runnerRoleName(stack),
    ...(stack.tags ? { tags: stack.tags } : {}),
    repositories: [g.repository],
    ...(repo?.cache ? {} : { cacheRepositories: false as const }),
    stack: stack.name,
  };
}

/**
 * Ensure the runner's build role.
 *
 * @example
 * ```ts
 * const { changes } = await runnerRoleStep.run({ clients, stack, dryRun: true, signal: undefined, emit: () => {}, account });
 * ```
 */
export const runnerRoleStep: Step = {
  id: 'gitlab.role',
  title: 'GitLab build pod IAM role',
  async run(ctx): Promise<StepOutcome> {
    const result = await ensureRunnerRole(ctx.clients, runnerRoleInput(ctx.stack), {
      dryRun: ctx.dryRun,
      adopt: ctx.adopt === true || ctx.stack.gitlab?.runner.adopt === true,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      onEvent: ctx.emit,
    });
    return { changes: result.changes, findings: result.findings };
  },
  blockers: (ctx) => findRunnerRoleBlockers(ctx.clients, runnerRoleInput(ctx.stack)),
};
