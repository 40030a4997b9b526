/** Step: the stack's ECR repositories and kaniko cache repositories (ecr-credentials). */
import type { Change } from '@eks-kit/core';
import {
  ensureRepository,
  expireUntaggedAfterDays,
  kanikoCacheRepository,
  keepLastTaggedImages,
  type LifecycleRuleInput,
  type RepositorySpec,
} from '@eks-kit/ecr-credentials';
import type { Stack, StackRepository } from '../schema/stack-schema.js';
import type { Step, StepOutcome } from './step.js';

/**
 * The lifecycle rules of a repository (expire untagged after D days, keep the last N tagged
 * images), or undefined when the stack sets none.
 *
 * @example
 * ```ts
 * repositoryLifecycle({ name: 'app', lifecycle: { keepLast: 30, untaggedDays: 14 } }); // two rules
 * ```
 */
export function repositoryLifecycle(repo: StackRepository): LifecycleRuleInput[] | undefined {
  const rules: LifecycleRuleInput[] = [];
  if (repo.lifecycle?.untaggedDays !== undefined)
    rules.push(expireUntaggedAfterDays(repo.lifecycle.untaggedDays));
  if (repo.lifecycle?.keepLast !== undefined) rules.push(keepLastTaggedImages(repo.lifecycle.keepLast));
  return rules.length ? rules : undefined;
}

/**
 * The desired repositories: each listed one, plus its mutable `<name>/cache` (ecr-credentials'
 * `kanikoCacheRepository`) when `cache: true`. All tagged `eks-kit:stack=<stack>`.
 *
 * @example
 * ```ts
 * desiredRepositories(stack).map((r) => r.name); // ['seed/app', 'seed/app/cache']
 * ```
 */
export function desiredRepositories(stack: Stack): RepositorySpec[] {
  const tags = stack.tags ?? {};
  return stack.repositories.flatMap((repo) => {
    const lifecycle = repositoryLifecycle(repo);
    const main: RepositorySpec = {
      name: repo.name,
      tagMutability: repo.tagMutability,
      scanOnPush: repo.scanOnPush,
      ...(lifecycle ? { lifecyclePolicy: lifecycle } : {}),
      tags,
      stack: stack.name,
    };
    return repo.cache ? [main, { ...kanikoCacheRepository(repo.name, { stack: stack.name }), tags }] : [main];
  });
}

/**
 * Ensure every repository of the stack.
 *
 * @example
 * ```ts
 * const { changes } = await repositoriesStep.run({ clients, stack, dryRun: true, signal: undefined, emit: () => {}, account });
 * ```
 */
export const repositoriesStep: Step = {
  id: 'repositories',
  title: 'ECR repositories',
  async run(ctx): Promise<StepOutcome> {
    const changes: Change[] = [];
    const adopted = new Set(ctx.stack.repositories.filter((r) => r.adopt === true).map((r) => r.name));
    for (const spec of desiredRepositories(ctx.stack)) {
      const main = spec.name.endsWith('/cache') ? spec.name.slice(0, -'/cache'.length) : spec.name;
      const result = await ensureRepository(ctx.clients, spec, {
        dryRun: ctx.dryRun,
        adopt: ctx.adopt === true || adopted.has(spec.name) || adopted.has(main),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        onEvent: ctx.emit,
      });
      changes.push(...result.changes);
    }
    return { changes };
  },
};
