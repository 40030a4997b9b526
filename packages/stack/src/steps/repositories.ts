/**
 * Step: the stack's ECR repositories and kaniko cache repositories (ecr-credentials).
 * TODO(wiring): the input follows issue 7's API text; check it once the procedure lands.
 */
import type { Change, EnsureOptions } from '@eks-kit/core';
import * as ecr from '@eks-kit/ecr-credentials';
import { stackTags } from '../orchestrate/names.js';
import { packageFunction } from '../orchestrate/package-api.js';
import type { StackRepository } from '../schema/stack-schema.js';
import type { Step, StepContext, StepOutcome } from './step.js';

type EnsureRepositoryFn = (
  clients: StepContext['clients'],
  input: Record<string, unknown>,
  options: EnsureOptions,
) => Promise<{ changes: Change[] }>;

/**
 * The lifecycle policy of a repository (keep the last N tagged images, expire untagged after D days),
 * or undefined when the stack sets none.
 *
 * @example
 * ```ts
 * repositoryLifecycle({ name: 'app', lifecycle: { keepLast: 30, untaggedDays: 14 } });
 * ```
 */
export function repositoryLifecycle(repo: StackRepository): unknown {
  const rules = [];
  if (repo.lifecycle?.untaggedDays !== undefined)
    rules.push(ecr.expireUntaggedAfterDays(repo.lifecycle.untaggedDays));
  if (repo.lifecycle?.keepLast !== undefined) rules.push(ecr.keepLastTaggedImages(repo.lifecycle.keepLast));
  return rules.length ? ecr.lifecyclePolicy(rules) : undefined;
}

/**
 * The desired repositories: each listed one, plus its mutable `<name>/cache` when `cache: true`
 * (kaniko's cache is written over and over, so it cannot be immutable).
 *
 * @example
 * ```ts
 * desiredRepositories(stack).map((r) => r.name); // ['seed/app', 'seed/app/cache']
 * ```
 */
export function desiredRepositories(
  repositories: readonly StackRepository[],
  tags: Record<string, string>,
): Record<string, unknown>[] {
  return repositories.flatMap((repo) => {
    const lifecycle = repositoryLifecycle(repo);
    const main = {
      name: repo.name,
      tagMutability: repo.tagMutability,
      scanOnPush: repo.scanOnPush,
      ...(lifecycle ? { lifecyclePolicy: lifecycle } : {}),
      tags,
    };
    if (!repo.cache) return [main];
    return [
      main,
      {
        name: ecr.cacheRepositoryName(repo.name),
        tagMutability: 'MUTABLE',
        scanOnPush: false,
        lifecyclePolicy: ecr.lifecyclePolicy([ecr.expireUntaggedAfterDays(7)]),
        tags,
      },
    ];
  });
}

/** Ensure every repository of the stack. */
export const repositoriesStep: Step = {
  id: 'repositories',
  title: 'ECR repositories',
  async run(ctx): Promise<StepOutcome> {
    const ensureRepository = packageFunction<EnsureRepositoryFn>(
      ecr,
      'ensureRepository',
      '@eks-kit/ecr-credentials',
    );
    const changes: Change[] = [];
    for (const input of desiredRepositories(ctx.stack.repositories, stackTags(ctx.stack))) {
      const result = await ensureRepository(
        ctx.clients,
        { ...input, stack: ctx.stack.name },
        {
          dryRun: ctx.dryRun,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          onEvent: ctx.emit,
        },
      );
      changes.push(...result.changes);
    }
    return { changes };
  },
};
