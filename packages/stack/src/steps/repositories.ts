/** Step: the stack's ECR repositories and kaniko cache repositories (ecr-credentials). */
import { type Change, type Finding, finding } from '@eks-kit/core';
import {
  ensureRepository,
  expireUntaggedAfterDays,
  kanikoCacheRepository,
  keepLastTaggedImages,
  type LifecycleRuleInput,
  type RepositorySpec,
  readRegistryScanning,
  scanningDecision,
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
      ...(repo.tagMutabilityExclusions ? { tagMutabilityExclusions: repo.tagMutabilityExclusions } : {}),
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
    const findings: Finding[] = [];
    const specs = desiredRepositories(ctx.stack);
    const adopted = new Set(ctx.stack.repositories.filter((r) => r.adopt === true).map((r) => r.name));
    // The registry's scanning configuration replaces the deprecated repository scanOnPush: read it
    // once; where its rules decide, the plan leaves scanning alone and says which setting applies.
    const registryScanning =
      specs.length > 0
        ? await readRegistryScanning(ctx.clients, ctx.signal ? { signal: ctx.signal } : {})
        : undefined;
    for (const spec of specs) {
      const main = spec.name.endsWith('/cache') ? spec.name.slice(0, -'/cache'.length) : spec.name;
      const decision = scanningDecision(spec.name, registryScanning);
      if (decision.decidedBy === 'registry' && spec.scanOnPush !== undefined) {
        const scans = decision.frequency === 'SCAN_ON_PUSH' || decision.frequency === 'CONTINUOUS_SCAN';
        const agrees = scans === spec.scanOnPush;
        findings.push(
          finding(
            'ecr.scanning',
            `ecr repository ${spec.name}`,
            agrees ? 'ok' : 'warn',
            `${decision.summary}; the stack's scanOnPush: ${spec.scanOnPush} is not used`,
            {
              ...(agrees
                ? {}
                : {
                    hint: "eks-kit does not manage the registry's scanning configuration: change its rules in the ECR registry settings (PutRegistryScanningConfiguration), or set scanOnPush in the stack file to what the registry does",
                  }),
              data: { ...decision },
            },
          ),
        );
      }
      const result = await ensureRepository(
        ctx.clients,
        { ...spec, ...(registryScanning ? { registryScanning } : {}) },
        {
          dryRun: ctx.dryRun,
          adopt: ctx.adopt === true || adopted.has(spec.name) || adopted.has(main),
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          onEvent: ctx.emit,
        },
      );
      changes.push(...result.changes);
    }
    return { changes, ...(findings.length > 0 ? { findings } : {}) };
  },
};
