/**
 * The resources of a region that carry a tag, with one Resource Groups Tagging API call per 100 of
 * them (issue 21): the orphan scans read a tag per resource otherwise (ECR ListTagsForResource, ACM
 * ListTagsForCertificate), one call for each repository or certificate of an account the stack file
 * does not name. docs/AWS-FACTS.md#finding-tagged-resources-with-the-tagging-api.
 */
import type { AwsClients } from './clients.js';
import { EksKitError, isAccessDeniedError, wrapAwsError } from './errors.js';

/**
 * More candidates than this, and a scan asks the Tagging API instead of reading each one's tags: at
 * this many or fewer, the per-resource reads cost no more calls than GetResources' one (or two, for a
 * scan that needs both answers), and they need no permission beyond the service's own.
 */
export const PER_RESOURCE_TAG_READS_AT_MOST = 3;

/** What {@link findTaggedResources} looks for. */
export interface TaggedResourceQuery {
  /** `service:resourceType` as in the ARN: `ecr:repository`, `acm:certificate`. */
  resourceType: string;
  /** Tag key and the value it must have. */
  key: string;
  value: string;
  /** Region (default: the client set's). */
  region?: string;
  signal?: AbortSignal;
}

/**
 * The ARNs (sorted) of the resources of `resourceType` in the region tagged `key=value`, from the Resource
 * Groups Tagging API's GetResources (pages of 100, AWS's largest; read December 2026). `undefined` when the
 * client set has no Tagging API client (a wrapper without the getter, or the package not installed) or the
 * caller may not call it (AccessDenied, e.g. a role made before eks-kit asked for `tag:GetResources`): the
 * caller then reads each resource's tags as before.
 *
 * It can list a resource that was deleted (aws/aws-sdk#302, 2022-08-02): intersect its answer with the
 * service's own listing, and let the deletion re-read ownership (every delete procedure does).
 *
 * @example
 * ```ts
 * const arns = await findTaggedResources(clients, { resourceType: 'ecr:repository', key: STACK_TAG_KEY, value: 'prod' });
 * // ['arn:aws:ecr:eu-west-1:123456789012:repository/prod/app'], or undefined without tag:GetResources
 * ```
 */
export async function findTaggedResources(
  clients: AwsClients,
  query: TaggedResourceQuery,
): Promise<string[] | undefined> {
  if (!clients.tagging) return undefined;
  let client: Awaited<ReturnType<NonNullable<AwsClients['tagging']>>>;
  let paginateGetResources: typeof import('@aws-sdk/client-resource-groups-tagging-api').paginateGetResources;
  try {
    client = await clients.tagging(query.region);
    ({ paginateGetResources } = await import('@aws-sdk/client-resource-groups-tagging-api'));
  } catch (error) {
    // A library user without the Tagging API's client installed: the per-resource reads still work.
    if (error instanceof EksKitError && error.code === 'MissingDependency') return undefined;
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
    )) {
      query.signal?.throwIfAborted();
      for (const mapping of page.ResourceTagMappingList ?? [])
        if (mapping.ResourceARN) arns.push(mapping.ResourceARN);
    }
  } catch (error) {
    if (isAccessDeniedError(error)) return undefined;
    throw wrapAwsError(error, 'tag:GetResources', `${query.resourceType} ${query.key}=${query.value}`);
  }
  return arns.sort();
}
