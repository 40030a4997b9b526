/**
 * AWS Resource Groups Tagging API (awsJson1_1, target prefix `ResourceGroupsTaggingAPI_20170126`):
 * GetResources over the resources the emulator keeps tags for (ACM certificates and ECR repositories),
 * written from the API reference (GetResources, TagFilter, ResourceTagMapping; read December 2026).
 *
 * - Regional: a call answers for the endpoint's region and the caller's account.
 * - `TagFilters` (at most 50, each a `Key` and at most 20 `Values`): every filter must match (AND); a
 *   filter's values are alternatives (OR); a filter without values matches any value of its key.
 * - `ResourceTypeFilters` (at most 100): `service` or `service:resourceType`, as in the ARN
 *   (`acm:certificate`, `ecr:repository`).
 * - `ResourceARNList` cannot be combined with `TagFilters` or `ResourceTypeFilters`
 *   (InvalidParameterException).
 * - `ResourcesPerPage` 1-100 (default 100 here); the last page's `PaginationToken` is the empty string,
 *   as AWS answers. A page may hold fewer resources than asked (behaviour `taggingPageSize` caps it, to
 *   test callers that follow the token).
 * - Without filters, every resource that carries a tag is listed (AWS also lists resources that once
 *   had one, with `Tags: []`; the emulator keeps no such history).
 * - Throttling is `ThrottledException` (400); denied callers get AccessDeniedException.
 * - `ResourceARNList` (at most 100) takes no pagination parameters; `TagsPerPage` is 100-500.
 * - Behaviour `taggingStale: [{ ResourceARN, Tags }]` adds entries of resources that no longer exist, as
 *   AWS can answer them (aws/aws-sdk#302, 2022-08-02); `taggingEmptyFirstPage: true` answers a first page
 *   with no resource and a token.
 */
import { AwsError } from '../framework/errors.js';
import { asList } from '../framework/params.js';
import { defineService, type ServiceRequest } from '../framework/service.js';
import type { AcmState } from './acm.js';
import { type EcrState, repositoryArnOf } from './ecr.js';

/** One tagged resource as GetResources answers it. */
interface TaggedResource {
  ResourceARN: string;
  Tags: Array<{ Key: string; Value: string }>;
}

/** The Tagging API keeps nothing of its own: it reads the other services' tags. */
type TaggingState = Record<string, never>;

function invalidParameter(message: string): AwsError {
  return new AwsError('InvalidParameterException', message, 400);
}

/** The `service:resourceType` of an ARN (`arn:aws:ecr:r:a:repository/x` -> `ecr:repository`). */
function typeOfArn(arn: string): string {
  const [, , service = '', , , resource = ''] = arn.split(':');
  return `${service}:${resource.split(/[/:]/)[0] ?? ''}`;
}

/** Every resource of the caller's account in the request's region that carries a tag. */
function taggedResources(request: ServiceRequest<TaggingState>): TaggedResource[] {
  const out: TaggedResource[] = [];
  const acm = request.stateOf<AcmState>('acm');
  for (const cert of acm.certificates.values())
    if (cert.region === request.region && cert.tags.length > 0)
      out.push({
        ResourceARN: cert.arn,
        Tags: cert.tags.map((t) => ({ Key: t.Key, Value: t.Value ?? '' })),
      });
  const ecr = request.stateOf<EcrState>('ecr');
  for (const repo of ecr.repositories.values())
    if (repo.region === request.region && repo.tags.size > 0)
      out.push({
        ResourceARN: repositoryArnOf(repo),
        Tags: [...repo.tags].map(([Key, Value]) => ({ Key, Value })),
      });
  return out.sort((a, b) => (a.ResourceARN < b.ResourceARN ? -1 : a.ResourceARN > b.ResourceARN ? 1 : 0));
}

interface TagFilterInput {
  Key: string;
  Values: string[];
}

function tagFilters(input: Record<string, unknown>): TagFilterInput[] {
  const filters = asList(input.TagFilters).map((f, i) => {
    const filter = (f ?? {}) as Record<string, unknown>;
    const key = filter.Key;
    if (typeof key !== 'string' || key.length < 1 || key.length > 128)
      throw invalidParameter(`TagFilters[${i}].Key must be 1-128 characters`);
    const values = asList(filter.Values).map(String);
    if (values.length > 20) throw invalidParameter(`TagFilters[${i}].Values: at most 20 values`);
    return { Key: key, Values: values };
  });
  if (filters.length > 50) throw invalidParameter('TagFilters: at most 50 filters');
  return filters;
}

function getResources(request: ServiceRequest<TaggingState>): Record<string, unknown> {
  const { input } = request;
  const filters = tagFilters(input);
  const types = asList(input.ResourceTypeFilters).map(String);
  const arns = asList(input.ResourceARNList).map(String);
  if (types.length > 100) throw invalidParameter('ResourceTypeFilters: at most 100 items');
  if (arns.length > 0 && (filters.length > 0 || types.length > 0))
    throw invalidParameter(
      'You can specify either ResourceARNList or TagFilters/ResourceTypeFilters, but not both.',
    );
  if (arns.length > 100) throw invalidParameter('ResourceARNList: at most 100 ARNs');
  if (
    arns.length > 0 &&
    (input.ResourcesPerPage !== undefined || input.TagsPerPage !== undefined || input.PaginationToken)
  )
    throw invalidParameter('ResourceARNList cannot be combined with pagination parameters.');
  if (input.TagsPerPage !== undefined) {
    const tagsPerPage = Number(input.TagsPerPage);
    if (!Number.isInteger(tagsPerPage) || tagsPerPage < 100 || tagsPerPage > 500)
      throw invalidParameter('TagsPerPage must be between 100 and 500');
  }
  const perPage = input.ResourcesPerPage === undefined ? 100 : Number(input.ResourcesPerPage);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100)
    throw invalidParameter('ResourcesPerPage must be between 1 and 100');
  const cap = Number(request.behaviour.taggingPageSize);
  const pageSize = Number.isInteger(cap) && cap >= 1 ? Math.min(cap, perPage) : perPage;
  const wantedArns = new Set(arns);
  // Entries of resources already deleted, as AWS can still answer them (behaviour `taggingStale`).
  const stale = asList(request.behaviour.taggingStale) as TaggedResource[];
  const everything = [
    ...taggedResources(request),
    ...stale.filter((r) => r.ResourceARN.split(':')[3] === request.region),
  ];
  everything.sort((a, b) => (a.ResourceARN < b.ResourceARN ? -1 : a.ResourceARN > b.ResourceARN ? 1 : 0));
  const matching = everything.filter(
    (r) =>
      (wantedArns.size === 0 || wantedArns.has(r.ResourceARN)) &&
      (types.length === 0 ||
        types.some((t) =>
          t.includes(':') ? typeOfArn(r.ResourceARN) === t : r.ResourceARN.split(':')[2] === t,
        )) &&
      filters.every((f) =>
        r.Tags.some((tag) => tag.Key === f.Key && (f.Values.length === 0 || f.Values.includes(tag.Value))),
      ),
  );
  // The token is the last ARN of the page (base64): stable while resources come and go between pages.
  const token = typeof input.PaginationToken === 'string' ? input.PaginationToken : '';
  // A first page with nothing on it but a token (behaviour `taggingEmptyFirstPage`): the model allows
  // fewer results than asked, none included, while more remain.
  if (!token && request.behaviour.taggingEmptyFirstPage === true && matching.length > 0)
    return { ResourceTagMappingList: [], PaginationToken: Buffer.from('arn:', 'utf8').toString('base64') };
  let start = 0;
  if (token) {
    const after = Buffer.from(token, 'base64').toString('utf8');
    if (!after.startsWith('arn:')) throw invalidParameter('The specified pagination token is invalid.');
    start = matching.findIndex((r) => r.ResourceARN > after);
    if (start < 0) start = matching.length;
  }
  const page = matching.slice(start, start + pageSize);
  const more = start + pageSize < matching.length;
  const last = page.at(-1)?.ResourceARN ?? (start > 0 ? matching[start - 1]?.ResourceARN : undefined);
  return {
    ResourceTagMappingList: page,
    PaginationToken: more && last ? Buffer.from(last, 'utf8').toString('base64') : '',
  };
}

/** The Resource Groups Tagging API (GetResources). */
export const tagging = defineService<TaggingState>({
  signingName: 'tagging',
  protocol: { kind: 'json', targetPrefix: 'ResourceGroupsTaggingAPI_20170126', jsonVersion: '1.1' },
  errors: { throttling: { code: 'ThrottledException', status: 400 } },
  createState: () => ({}),
  operations: {
    GetResources: {
      // The IAM action's prefix is `tag`, not the signing name.
      action: 'tag:GetResources',
      logInput: ['ResourceTypeFilters', 'ResourcesPerPage', 'PaginationToken'],
      resource: () => '*',
      handler: getResources,
    },
  },
});
