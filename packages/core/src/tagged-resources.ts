/**
 * The resources of a region that carry a tag, with one Resource Groups Tagging API call per 100 of
 * them (issue 21): the orphan scans read a tag per resource otherwise (ECR ListTagsForResource, ACM
 * ListTagsForCertificate), one call for each repository or certificate of an account the stack file
 * does not name. docs/AWS-FACTS.md#finding-tagged-resources-with-the-tagging-api.
 */
import type { AwsClients } from './clients.js';
import { EksKitError, isAccessDeniedError, wrapAwsError } from './errors.js';

/**
 * More candidates than this, and a scan asks the Tagging API instead of reading each one's tags. With
 * one candidate its own tag read is one call, as GetResources is, and needs no permission beyond the
 * service's own (so a caller without `tag:GetResources` sends no refused call for it); with two or more,
 * GetResources is fewer calls.
 */
export const PER_RESOURCE_TAG_READS_AT_MOST = 1;

/** What {@link findTaggedResources} looks for. */
export interface TaggedResourceQuery {
  /** `service:resourceType` as in the ARN: `ecr:repository`, `acm:certificate`. */
  resourceType: string;
  /** Tag key. */
  key: string;
  /** The value the tag must have (an exact match). */
  value: string;
  /** Region (default: the client set's). */
  region?: string;
  signal?: AbortSignal;
}

/**
 * What {@link findTaggedResources} answers: the ARNs, or why the Tagging API could not be used (the
 * caller then reads each resource's tags): `refused` (AccessDenied: the identity lacks
 * `tag:GetResources`, with AWS's message) or `no-client` (a client set without the Tagging API's
 * getter, or its package not installed).
 */
export type TaggedResourcesAnswer =
  | { arns: string[]; unavailable?: undefined }
  | { arns?: undefined; unavailable: 'refused' | 'no-client'; message: string };

/**
 * The ARNs (sorted) of the resources of `resourceType` in the region tagged `key=value`, from the Resource
 * Groups Tagging API's GetResources (pages of 100, AWS's largest; read December 2026), or why it could
 * not be used ({@link TaggedResourcesAnswer}: no Tagging API client, or AccessDenied, e.g. a role made
 * before eks-kit asked for `tag:GetResources`): the caller then reads each resource's tags.
 *
 * It can list a resource that was deleted (aws/aws-sdk#302, 2022-08-02): intersect its answer with the
 * service's own listing, and let the deletion re-read ownership (every delete procedure does).
 *
 * @example
 * ```ts
 * const answer = await findTaggedResources(clients, { resourceType: 'ecr:repository', key: STACK_TAG_KEY, value: 'prod' });
 * // { arns: ['arn:aws:ecr:eu-west-1:123456789012:repository/prod/app'] }
 * // or { unavailable: 'refused', message: '... not authorized to perform: tag:GetResources ...' }
 * ```
 */
export async function findTaggedResources(
  clients: AwsClients,
  query: TaggedResourceQuery,
): Promise<TaggedResourcesAnswer> {
  const noClient = { unavailable: 'no-client', message: 'no Resource Groups Tagging API client' } as const;
  if (!clients.tagging) return noClient;
  query.signal?.throwIfAborted();
  let client: Awaited<ReturnType<NonNullable<AwsClients['tagging']>>>;
  let paginateGetResources: typeof import('@aws-sdk/client-resource-groups-tagging-api').paginateGetResources;
  try {
    client = await clients.tagging(query.region);
    // This shape (`(await import(pkg)).name`) is the one the bundles' esbuild plugins narrow to the one
    // export (tools/esbuild-plugins): destructuring would keep every export of the package.
    paginateGetResources = (await import('@aws-sdk/client-resource-groups-tagging-api')).paginateGetResources;
  } catch (error) {
    // A library user without the Tagging API's client installed: the per-resource reads still work.
    if (error instanceof EksKitError && error.code === 'MissingDependency')
      return { unavailable: 'no-client', message: error.message };
    throw error;
  }
  const arns: string[] = [];
  try {
    for await (const page of paginateGetResources(
      { client, pageSize: 100 },
      {
        TagFilters: [{ Key: query.key, Values: [query.value] }],
        ResourceTypeFilters: [query.resourceType],
      },
      ...(query.signal ? [{ abortSignal: query.signal }] : []),
    )) {
      query.signal?.throwIfAborted();
      for (const mapping of page.ResourceTagMappingList ?? [])
        if (mapping.ResourceARN) arns.push(mapping.ResourceARN);
    }
  } catch (error) {
    if (query.signal?.aborted) throw error;
    if (isAccessDeniedError(error))
      return { unavailable: 'refused', message: error instanceof Error ? error.message : String(error) };
    throw wrapAwsError(error, 'tag:GetResources', `${query.resourceType} ${query.key}=${query.value}`);
  }
  return { arns: arns.sort() };
}
