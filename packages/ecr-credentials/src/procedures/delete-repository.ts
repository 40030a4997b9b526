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

/**
 * The names of the ECR repositories tagged `eks-kit:stack=<stack>` among those not named in `skip`.
 * The registry's listing (DescribeRepositories, pages of 1,000) gives the candidates; their tags come
 * from one Resource Groups Tagging API GetResources per 100 tagged repositories when there are more
 * than a few candidates (core's `findTaggedResources`), else, or when the caller may not use that API,
 * from ListTagsForResource per candidate, a few at a time. In a registry of 500 repositories the stack
 * file does not name, that is 1 listing and 1 GetResources instead of 500 tag reads (issue 21).
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
): Promise<string[]> {
  validateTagValue(stack, 'stack');
  const skipped = new Set(skip);
  const ecr = await clients.ecr();
  const candidates: Array<{ name: string; arn: string }> = [];
  try {
    // ECR's largest page (1,000): one call for most registries, and the same input as a stack run's
    // listing, so the run shares it (docs/AWS-FACTS.md#ecr-describing-repositories).
    for await (const page of paginateDescribeRepositories({ client: ecr, pageSize: 1000 }, {}))
      for (const repo of page.repositories ?? []) {
        const name = repo.repositoryName ?? '';
        if (name && repo.repositoryArn && !skipped.has(name))
          candidates.push({ name, arn: repo.repositoryArn });
      }
  } catch (error) {
    throw wrapAwsError(error, 'ecr:DescribeRepositories', stack);
  }
  if (candidates.length > PER_RESOURCE_TAG_READS_AT_MOST) {
    const tagged = await findTaggedResources(clients, {
      resourceType: 'ecr:repository',
      key: STACK_TAG_KEY,
      value: stack,
    });
    if (tagged) {
      const arns = new Set(tagged);
      return candidates
        .filter((c) => arns.has(c.arn))
        .map((c) => c.name)
        .sort();
    }
  }
  const owned = await mapConcurrent(candidates, TAG_READS_IN_FLIGHT, async ({ arn }) => {
    try {
      const tags = (await ecr.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags ?? [];
      return tags.some((t) => t.Key === STACK_TAG_KEY && t.Value === stack);
    } catch (error) {
      // Deleted between the listing and the read: not the stack's any more.
      if (isNotFoundError(error)) return false;
      throw wrapAwsError(error, 'ecr:ListTagsForResource', arn);
    }
  });
  return candidates
    .filter((_, i) => owned[i])
    .map((c) => c.name)
    .sort();
}
