/**
 * deleteRepository (issue 16): delete an ECR repository this stack owns, never one that still holds
 * images unless asked, never an untagged or foreign one; idempotent, with dry run.
 */
import {
  DeleteRepositoryCommand,
  DescribeRepositoriesCommand,
  type ECRClient,
  ListImagesCommand,
  ListTagsForResourceCommand,
  paginateDescribeRepositories,
  type Repository,
} from '@aws-sdk/client-ecr';
import {
  type AwsClients,
  absentResult,
  applyPlan,
  awsErrorCode,
  type DeleteOptions,
  type DeleteResult,
  findTaggedResources,
  isNotFoundError,
  keepUnlessOwned,
  mapConcurrent,
  PER_RESOURCE_TAG_READS_AT_MOST,
  refusedResult,
  STACK_TAG_KEY,
  UNCHANGED,
  validateTagValue,
  wrapAwsError,
} from '@eks-kit/core';
import { validateRepositoryName } from '../builders/repository-ref.js';

/** Which repository {@link deleteRepository} removes, for which stack, and whether its images may go too. */
export interface DeleteRepositorySpec {
  name: string;
  stack: string;
  /** Delete the images with the repository (ECR's `force`). Default false: a repository with images is kept. */
  forceDeleteImages?: boolean;
}

async function describeRepository(ecr: ECRClient, name: string): Promise<Repository | undefined> {
  try {
    return (await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }))).repositories?.[0];
  } catch (error) {
    if (isNotFoundError(error)) return undefined;
    throw wrapAwsError(error, 'ecr:DescribeRepositories', name);
  }
}

/** The flag that allows deleting a repository with its images, named in every refusal. */
export const FORCE_DELETE_IMAGES_HINT =
  'its images would be lost: pass --force-delete-images (forceDeleteImages: true) to delete them with it';

/**
 * Delete an ECR repository tagged `eks-kit:stack=<stack>`. One that still holds images is kept
 * (`keptBecause: 'refused'`, ECR's RepositoryNotEmptyException named) unless `forceDeleteImages`;
 * one without the tag or tagged for another stack is never touched; a missing one is `absent`
 * (a rerun makes no mutating call). A dry run reads the image list (one page) to say whether the
 * delete would be refused.
 *
 * @example
 * ```ts
 * const r = await deleteRepository(clients, { name: 'team/app', stack: 'prod' });
 * if (r.outcome === 'kept') console.error(`${r.resource}: ${r.reason} (${r.hint})`);
 * ```
 */
export async function deleteRepository(
  clients: AwsClients,
  spec: DeleteRepositorySpec,
  options: DeleteOptions = {},
): Promise<DeleteResult> {
  const name = validateRepositoryName(spec?.name, 'name');
  validateTagValue(spec.stack, 'stack');
  const force = spec.forceDeleteImages === true;
  const resource = `ecr repository ${name}`;
  const ecr = await clients.ecr();
  const repo = await describeRepository(ecr, name);
  if (!repo) return absentResult(resource);
  const arn = repo.repositoryArn ?? '';
  let tags: { Key?: string; Value?: string }[];
  try {
    tags = (await ecr.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags ?? [];
  } catch (error) {
    throw wrapAwsError(error, 'ecr:ListTagsForResource', arn);
  }
  const kept = keepUnlessOwned(resource, tags, spec.stack);
  if (kept) return kept;
  const refuse = (): DeleteResult =>
    refusedResult(resource, 'still holds images (ECR RepositoryNotEmptyException)', FORCE_DELETE_IMAGES_HINT);
  let images = 0;
  if (options.dryRun || force) {
    try {
      images =
        (await ecr.send(new ListImagesCommand({ repositoryName: name, maxResults: 1000 }))).imageIds
          ?.length ?? 0;
    } catch (error) {
      if (isNotFoundError(error)) return absentResult(resource);
      throw wrapAwsError(error, 'ecr:ListImages', name);
    }
    if (options.dryRun && images > 0 && !force) return refuse();
  }
  const change = {
    action: 'delete' as const,
    resource,
    summary: `delete repository ${name}${force && images > 0 ? ` and its ${images}${images === 1000 ? '+' : ''} image(s)` : ''}`,
  };
  // ECR's answer decides what was done: not empty (refused) or gone meanwhile (absent) change nothing.
  let answered: DeleteResult | undefined;
  const remove = async (): Promise<unknown> => {
    try {
      return await ecr.send(
        new DeleteRepositoryCommand({ repositoryName: name, ...(force ? { force: true } : {}) }),
      );
    } catch (error) {
      if (awsErrorCode(error) === 'RepositoryNotEmptyException') answered = refuse();
      else if (isNotFoundError(error)) answered = absentResult(resource);
      else throw error;
      return UNCHANGED;
    }
  };
  const { changes } = await applyPlan(
    [{ change, operation: 'ecr:DeleteRepository', target: name, apply: remove }],
    options,
  );
  return answered ?? { changes, resource, outcome: 'deleted' };
}

/**
 * At most this many repositories' tags are read at once when each is read on its own (the client
 * set's quotas pace them further: ECR publishes no rate for ListTagsForResource, core's default applies).
 */
const TAG_READS_IN_FLIGHT = 8;

/** What {@link scanRepositoriesOfStack} answers. */
export interface RepositoryScan {
  /** The names of the stack's repositories (sorted). */
  repositories: string[];
  /**
   * Set when the Tagging API could not be used and every candidate's tags were read on their own
   * (`tag:GetResources` refused, or no Tagging API client): the reason. The repositories are the same.
   */
  notice?: string;
}

/**
 * The ECR repositories tagged `eks-kit:stack=<stack>` among those not named in `skip`. The registry's
 * listing (DescribeRepositories, pages of 1,000) gives the candidates; with more than one, their tags
 * come from one Resource Groups Tagging API GetResources per 100 of the stack's repositories (core's
 * `findTaggedResources`; its answer is intersected with the listing, since it can name a deleted
 * repository), else from ListTagsForResource per candidate, 8 at a time (also when the caller may not
 * call `tag:GetResources`, which `notice` then says). In a registry of 500 repositories the stack file
 * does not name, that is 1 listing and 1 GetResources instead of 500 tag reads (issue 21).
 *
 * @example
 * ```ts
 * const { repositories, notice } = await scanRepositoriesOfStack(clients, 'prod', ['prod/app']);
 * // repositories: ['prod/old']; notice: undefined, or why each repository's tags were read
 * ```
 */
export async function scanRepositoriesOfStack(
  clients: AwsClients,
  stack: string,
  skip: readonly string[] = [],
  options: { signal?: AbortSignal } = {},
): Promise<RepositoryScan> {
  validateTagValue(stack, 'stack');
  const { signal } = options;
  const skipped = new Set(skip);
  const ecr = await clients.ecr();
  const candidates: Array<{ name: string; arn: string }> = [];
  try {
    // ECR's largest page (1,000): one call for most registries, and the same input as a stack run's
    // listing, so the run shares it (docs/AWS-FACTS.md#ecr-describing-repositories).
    for await (const page of paginateDescribeRepositories(
      { client: ecr, pageSize: 1000 },
      {},
      ...(signal ? [{ abortSignal: signal }] : []),
    ))
      for (const repo of page.repositories ?? []) {
        const name = repo.repositoryName ?? '';
        if (name && repo.repositoryArn && !skipped.has(name))
          candidates.push({ name, arn: repo.repositoryArn });
      }
  } catch (error) {
    if (signal?.aborted) throw error;
    throw wrapAwsError(error, 'ecr:DescribeRepositories', stack);
  }
  const names = (owned: readonly boolean[]): string[] =>
    candidates
      .filter((_, i) => owned[i])
      .map((c) => c.name)
      .sort();
  let notice: string | undefined;
  if (candidates.length > PER_RESOURCE_TAG_READS_AT_MOST) {
    const answer = await findTaggedResources(clients, {
      resourceType: 'ecr:repository',
      key: STACK_TAG_KEY,
      value: stack,
      ...(signal ? { signal } : {}),
    });
    if (answer.arns) {
      const arns = new Set(answer.arns);
      return { repositories: names(candidates.map((c) => arns.has(c.arn))) };
    }
    notice = `read the tags of ${candidates.length} repositories one by one: ${answer.message}`;
  }
  const owned = await mapConcurrent(candidates, TAG_READS_IN_FLIGHT, async ({ arn }) => {
    try {
      const out = await ecr.send(new ListTagsForResourceCommand({ resourceArn: arn }), {
        abortSignal: signal,
      });
      return (out.tags ?? []).some((t) => t.Key === STACK_TAG_KEY && t.Value === stack);
    } catch (error) {
      if (signal?.aborted) throw error;
      // Deleted between the listing and the read: not the stack's any more.
      if (isNotFoundError(error)) return false;
      throw wrapAwsError(error, 'ecr:ListTagsForResource', arn);
    }
  });
  return { repositories: names(owned), ...(notice ? { notice } : {}) };
}

/**
 * The names of the ECR repositories tagged `eks-kit:stack=<stack>` among those not named in `skip`:
 * {@link scanRepositoriesOfStack}'s repositories.
 *
 * @example
 * ```ts
 * await findRepositoriesOfStack(clients, 'prod', ['prod/app']); // ['prod/old']
 * ```
 */
export async function findRepositoriesOfStack(
  clients: AwsClients,
  stack: string,
  skip: readonly string[] = [],
  options: { signal?: AbortSignal } = {},
): Promise<string[]> {
  return (await scanRepositoriesOfStack(clients, stack, skip, options)).repositories;
}
