/**
 * Step: the IAM role of the GitLab runner's build pod (IRSA), allowed to push to the stack's
 * repositories and cache (ecr-credentials' `ensureRunnerRole`).
 * TODO(wiring): the input follows issue 7's API text; check it once the procedure lands.
 */
import type { Change, EnsureOptions } from '@eks-kit/core';
import * as ecr from '@eks-kit/ecr-credentials';
import { runnerRoleName, stackTags } from '../orchestrate/names.js';
import { packageFunction } from '../orchestrate/package-api.js';
import type { Stack } from '../schema/stack-schema.js';
import type { Step, StepContext, StepOutcome } from './step.js';

type EnsureRunnerRoleFn = (
  clients: StepContext['clients'],
  input: Record<string, unknown>,
  options: EnsureOptions,
) => Promise<{ changes: Change[] }>;

/**
 * The input of `ensureRunnerRole` for this stack.
 *
 * @example
 * ```ts
 * runnerRoleInput(stack).roleName; // 'seed-gitlab-runner-build'
 * ```
 */
export function runnerRoleInput(stack: Stack): Record<string, unknown> {
  const g = stack.gitlab!;
  const repo = stack.repositories.find((r) => r.name === g.repository);
  return {
    cluster: stack.cluster.name,
    ...(stack.cluster.oidcIssuer ? { oidcIssuer: stack.cluster.oidcIssuer } : {}),
    namespace: g.runner.namespace,
    serviceAccount: g.runner.serviceAccount,
    roleName: runnerRoleName(stack),
    repositories: [g.repository],
    ...(repo?.cache ? { cacheRepositories: [ecr.cacheRepositoryName(g.repository)] } : {}),
    stack: stack.name,
    tags: stackTags(stack),
  };
}

/** Ensure the runner's build role. */
export const runnerRoleStep: Step = {
  id: 'gitlab.role',
  title: 'GitLab build pod IAM role',
  async run(ctx): Promise<StepOutcome> {
    const ensureRunnerRole = packageFunction<EnsureRunnerRoleFn>(
      ecr,
      'ensureRunnerRole',
      '@eks-kit/ecr-credentials',
    );
    const result = await ensureRunnerRole(ctx.clients, runnerRoleInput(ctx.stack), {
      dryRun: ctx.dryRun,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      onEvent: ctx.emit,
    });
    return { changes: result.changes };
  },
};
