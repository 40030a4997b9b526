/** `eks-kit ecr login|docker-config|repo|check-push|ci-job`: ECR for image builds in GitLab CI. */
import { type Change, changesToJson, EXIT_CODES, InvalidInputError, renderChanges } from '@eks-kit/core';
import * as ecr from '@eks-kit/ecr-credentials';
import { renderStack, stackSteps } from '@eks-kit/stack';
import { accountIdOf, checkAccountOption } from '../runtime/account.js';
import type { CommandContext } from '../runtime/context.js';
import { printDocument } from '../runtime/document.js';
import { describeExpiry } from '../runtime/expiry.js';
import { withStack } from '../runtime/load.js';
import type { AccountIdOption, FileOption } from '../runtime/options.js';
import { printFindings } from './check.js';

/** Options of `eks-kit ecr login`. */
export interface EcrLoginOptions extends FileOption {
  passwordStdout?: boolean;
  registry?: string;
}

/** Options of `eks-kit ecr repo`. */
export interface EcrRepoOptions extends FileOption {
  dryRun?: boolean;
}

/** Options of `eks-kit ecr check-push`. */
export interface EcrCheckPushOptions extends FileOption {
  repository?: string;
}

/**
 * Get a registry password from GetAuthorizationToken. It is printed only with `--password-stdout`
 * (for `docker login --password-stdin`); otherwise only the user name, registry and expiry.
 *
 * @example
 * ```sh
 * eks-kit ecr login --password-stdout | docker login --username AWS --password-stdin 123456789012.dkr.ecr.eu-west-1.amazonaws.com
 * ```
 */
export async function ecrLogin(ctx: CommandContext, options: EcrLoginOptions): Promise<number> {
  // --password-stdout prints the bare password for `docker login --password-stdin`: it has no JSON
  // form, and printing a secret where a script expects JSON would leak it into parsers and logs.
  if (options.passwordStdout === true && ctx.out.json)
    throw new InvalidInputError(
      '--password-stdout',
      true,
      'not together with --json (the password is printed bare, for docker login --password-stdin)',
    );
  const registryOption =
    options.registry === undefined ? undefined : ecr.registryHost(options.registry, '--registry');
  return withStack(ctx, options, async ({ stack, clients }) => {
    const registry =
      registryOption ?? ecr.registryHostFor(await accountIdOf({}, clients, ctx.signal), stack.cluster.region);
    const auth = await ecr.getDockerAuth(clients, { registry });
    if (options.passwordStdout === true) {
      process.stdout.write(auth.password);
      if (process.stdout.isTTY) process.stdout.write('\n');
      return 0;
    }
    const now = new Date();
    const info = {
      registry,
      username: auth.username,
      expiresAt: auth.expiresAt?.toISOString(),
      ...(auth.expiresAt
        ? { expiresInSeconds: Math.max(0, Math.floor((auth.expiresAt.getTime() - now.getTime()) / 1000)) }
        : {}),
    };
    if (ctx.out.json) ctx.out.resultJson(info);
    else
      ctx.out.result(
        `registry ${registry}, user ${auth.username}${auth.expiresAt ? `, token expires ${describeExpiry(auth.expiresAt, now)}` : ''}`,
      );
    ctx.out.notice('The password is printed only with --password-stdout.');
    return 0;
  });
}

/**
 * Print a docker config.json that uses the ecr-login credential helper for this account's registry.
 *
 * @example
 * ```sh
 * eks-kit ecr docker-config --account-id 123456789012 > /kaniko/.docker/config.json
 * ```
 */
export async function ecrDockerConfig(
  ctx: CommandContext,
  options: FileOption & AccountIdOption,
): Promise<number> {
  checkAccountOption(options);
  return withStack(ctx, options, async ({ stack, clients }) => {
    const registry = ecr.registryHostFor(
      await accountIdOf(options, clients, ctx.signal),
      stack.cluster.region,
    );
    ctx.out.result(JSON.stringify(ecr.dockerConfig({ credHelpers: [registry] }), null, 2));
    return 0;
  });
}

/**
 * Ensure the stack's repositories (and kaniko cache repositories); `--dry-run` shows the plan.
 *
 * @example
 * ```sh
 * eks-kit ecr repo --dry-run
 * ```
 */
export async function ecrRepo(ctx: CommandContext, options: EcrRepoOptions): Promise<number> {
  return withStack(ctx, options, async ({ stack, clients }) => {
    const step = stackSteps(stack).find((s) => s.id === 'repositories');
    if (!step) throw new InvalidInputError('repositories', [], 'at least one repository in the stack');
    const changes: Change[] = (
      await step.run({
        clients,
        stack,
        dryRun: options.dryRun === true,
        signal: ctx.signal,
        emit: (e) => ctx.out.progress(e),
        account: () => Promise.reject(new Error('unused')),
      })
    ).changes;
    if (ctx.out.json) ctx.out.resultJson(changesToJson(changes));
    else
      ctx.out.result(
        renderChanges(changes, { color: ctx.out.color, verb: options.dryRun === true ? 'Plan' : 'Applied' }),
      );
    return 0;
  });
}

/**
 * Reproduce kaniko's push check with the credentials eks-kit runs as and explain the outcome
 * (401 no usable credentials, 403 missing push actions, missing repository, immutable tags).
 *
 * @example
 * ```sh
 * eks-kit ecr check-push --repository team/app
 * ```
 */
export async function ecrCheckPush(ctx: CommandContext, options: EcrCheckPushOptions): Promise<number> {
  const repositoryOption =
    options.repository === undefined
      ? undefined
      : ecr.validateRepositoryName(options.repository, '--repository');
  return withStack(ctx, options, async ({ stack, clients }) => {
    const repository = repositoryOption ?? stack.gitlab?.repository ?? stack.repositories[0]?.name;
    if (!repository)
      throw new InvalidInputError('--repository', undefined, 'a repository (or repositories in the stack)');
    const registry = ecr.registryHostFor(await accountIdOf({}, clients, ctx.signal), stack.cluster.region);
    // With --endpoint-url (an emulator or a proxy) the registry API is served there too.
    const findings = await ecr.checkPushAccess(
      clients,
      {
        registry,
        repository,
        ...(ctx.globals.endpointUrl ? { registryEndpoint: ctx.globals.endpointUrl } : {}),
      },
      { signal: ctx.signal },
    );
    printFindings(ctx, findings, stack.name);
    return findings.some((f) => f.status === 'fail') ? EXIT_CODES.failingFindings : EXIT_CODES.ok;
  });
}

/**
 * Print the `.gitlab-ci.yml` build job of the stack (kaniko or rootless BuildKit); with `--json`, the
 * same document as JSON.
 *
 * @example
 * ```sh
 * eks-kit ecr ci-job --account-id 123456789012 >> .gitlab-ci.yml
 * ```
 */
export async function ecrCiJob(ctx: CommandContext, options: FileOption & AccountIdOption): Promise<number> {
  checkAccountOption(options);
  return withStack(ctx, options, async ({ stack, clients }) => {
    if (!stack.gitlab) throw new InvalidInputError('gitlab', undefined, 'a gitlab section in the stack');
    const accountId = await accountIdOf(options, clients, ctx.signal);
    printDocument(
      ctx,
      renderStack(stack, { accountId }).find((f) => f.path === '.gitlab-ci.yml')?.content ?? '',
    );
    return 0;
  });
}
