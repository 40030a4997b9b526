/**
 * The roles tagged for a stack (issue 16's orphan scan), read in few calls (issue 21): a real account
 * holds hundreds to thousands of roles, and one ListRoleTags per role made every plan and check (and the
 * checks Lambda in every account of an organisation) wait for as many sequential IAM calls.
 *
 * - ListRoles with `MaxItems: 1000`, following `Marker` while `IsTruncated` (IAM API Reference,
 *   ListRoles: MaxItems 1-1000, default 100, "IAM might return fewer results, even when there are more
 *   results available"; ListRoles does not return Tags, PermissionsBoundary or RoleLastUsed;
 *   https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRoles.html, read 2026-12-07).
 * - Up to {@link PER_ROLE_TAG_READS_MAX} roles to read: one ListRoleTags each (the seed world's case).
 * - More: GetAccountAuthorizationDetails with `Filter: ['Role']`, `MaxItems: 1000`, whose RoleDetail
 *   carries each role's Tags (IAM API Reference, GetAccountAuthorizationDetails and RoleDetail,
 *   https://docs.aws.amazon.com/IAM/latest/APIReference/API_RoleDetail.html, read 2026-12-07): at most
 *   1,000 roles a call (IAM "might return fewer"). See docs/AWS-FACTS.md#iam-reading-every-roles-tags.
 * - That call refused (AccessDenied: a caller granted only ListRoleTags, e.g. a checker deployed before
 *   issue 21): ListRoleTags per role, {@link TAG_READ_CONCURRENCY} at once, and a notice saying so.
 */
import type { IAMClient, Tag } from '@aws-sdk/client-iam';
import {
  type AwsClients,
  isAccessDeniedError,
  isNotFoundError,
  MANAGED_BY_TAG_KEY,
  mapConcurrent,
  STACK_TAG_KEY as STACK_TAG,
  validateTagValue,
  wrapAwsError,
} from '@eks-kit/core';

/**
 * IAM's largest page for ListRoles and GetAccountAuthorizationDetails (MaxItems 1-1000): the scan's
 * ListRoles input is `{ MaxItems: ROLE_LISTING_PAGE_SIZE }` (and `Marker` after the first page), so a
 * caller that starts the same listing early (stack's prefetch) shares its answer.
 *
 * @example
 * ```ts
 * await iam.send(new ListRolesCommand({ MaxItems: ROLE_LISTING_PAGE_SIZE }));
 * ```
 */
export const ROLE_LISTING_PAGE_SIZE = 1000;
const MAX_ITEMS = ROLE_LISTING_PAGE_SIZE;

/**
 * At most this many roles have their tags read one ListRoleTags each; more are read from
 * GetAccountAuthorizationDetails. Ten is the burst of eks-kit's client-side IAM bucket (10/s, burst 10:
 * docs/AWS-FACTS.md#request-rate-quotas-eks-kit-stays-under), so up to ten per-role reads never wait for
 * a token and take two round trips at {@link TAG_READ_CONCURRENCY} in flight; past it, each further ten
 * roles cost a second of waiting, while one authorization-details page answers 1,000 roles (but carries
 * every role's policies: a larger answer, worth it only past a handful of roles). The seed world's one
 * role stays one ListRoleTags.
 *
 * @example
 * ```ts
 * const perRole = candidates.length <= PER_ROLE_TAG_READS_MAX;
 * ```
 */
export const PER_ROLE_TAG_READS_MAX = 10;

/**
 * Per-role tag reads in flight at once: core's in-flight bound per service (8, `quotas.ts`); the rate
 * itself is kept by core's quota middleware on every client (IAM 10/s, burst 10).
 */
const TAG_READ_CONCURRENCY = 8;

/** How {@link scanRolesOfStack} read the roles' tags. */
export type RoleTagSource = 'none' | 'list-role-tags' | 'authorization-details';

/** What {@link scanRolesOfStack} found, and how. */
export interface RoleScan {
  /** Names of the roles tagged `eks-kit:stack=<stack>`, sorted. */
  roles: string[];
  /** Roles ListRoles answered (every page). */
  listed: number;
  /** Roles whose tags had to be read (listed, minus skipped and service-linked ones). */
  candidates: number;
  /** Where their tags came from: none needed, one ListRoleTags per role, or GetAccountAuthorizationDetails. */
  tagsFrom: RoleTagSource;
  /**
   * Said once when GetAccountAuthorizationDetails was refused and the tags were read one role at a
   * time instead (the result is the same; it took more calls). Callers show it (plan, check).
   */
  notice?: string;
}

/** Options of {@link scanRolesOfStack} and {@link findRolesOfStack}. */
export interface FindRolesOfStackOptions {
  /** Stops the scan between calls and aborts the call in flight. */
  signal?: AbortSignal;
}

type Send = <T>(command: unknown, operation: string, resource: string) => Promise<T>;

function sender(iam: IAMClient, signal: AbortSignal | undefined): Send {
  return async <T>(command: unknown, operation: string, resource: string): Promise<T> => {
    signal?.throwIfAborted();
    try {
      return (await iam.send(
        command as Parameters<IAMClient['send']>[0],
        signal ? { abortSignal: signal } : {},
      )) as T;
    } catch (error) {
      throw wrapAwsError(error, operation, resource);
    }
  };
}

/**
 * A role another tool deploys and deletes (the checks Lambda's template: eks-kit:managed-by, or
 * CloudFormation's own aws:cloudformation:stack-name, whose propagation to a resource varies by type:
 * docs/AWS-FACTS.md#roles-the-deploy-template-makes-and-destroy) is the stack's, but not eks-kit's to
 * delete.
 */
function taggedForStack(tags: readonly Tag[], stack: string): boolean {
  const managedElsewhere = tags.some(
    (t) => t.Key === MANAGED_BY_TAG_KEY || t.Key === 'aws:cloudformation:stack-name',
  );
  return !managedElsewhere && tags.some((t) => t.Key === STACK_TAG && t.Value === stack);
}

/** Every page of ListRoles: the names whose tags must be read, and how many roles there were. */
async function listCandidates(
  send: Send,
  stack: string,
  skipped: ReadonlySet<string>,
): Promise<{ names: string[]; listed: number }> {
  const { ListRolesCommand } = await import('@aws-sdk/client-iam');
  const names: string[] = [];
  let listed = 0;
  let marker: string | undefined;
  for (;;) {
    const page = await send<{
      Roles?: { RoleName?: string; Path?: string }[];
      IsTruncated?: boolean;
      Marker?: string;
    }>(
      new ListRolesCommand({ MaxItems: MAX_ITEMS, ...(marker ? { Marker: marker } : {}) }),
      'iam:ListRoles',
      stack,
    );
    for (const role of page.Roles ?? []) {
      listed++;
      const name = role.RoleName ?? '';
      if (!name || skipped.has(name.toLowerCase()) || role.Path?.startsWith('/aws-service-role/')) continue;
      names.push(name);
    }
    // As the SDK's paginator: stop when IAM says the list is complete (or repeats its marker).
    const next = page.IsTruncated ? page.Marker : undefined;
    if (!next || next === marker) return { names, listed };
    marker = next;
  }
}

/** One ListRoleTags per name, a few at once; a role deleted since the listing has no tags (not ours). */
async function tagsPerRole(send: Send, names: readonly string[]): Promise<Map<string, Tag[]>> {
  const { ListRoleTagsCommand } = await import('@aws-sdk/client-iam');
  const tags = await mapConcurrent(names, TAG_READ_CONCURRENCY, async (name) => {
    try {
      // A role has at most 50 tags: one page (ListRoleTags' default MaxItems is 100).
      return (
        (await send<{ Tags?: Tag[] }>(new ListRoleTagsCommand({ RoleName: name }), 'iam:ListRoleTags', name))
          .Tags ?? []
      );
    } catch (error) {
      if (isNotFoundError(error)) return [];
      throw error;
    }
  });
  return new Map(names.map((name, i) => [name, tags[i] ?? []]));
}

/** Every role's tags from GetAccountAuthorizationDetails (Filter Role), pages of at most 1,000 roles. */
async function tagsFromAuthorizationDetails(send: Send, stack: string): Promise<Map<string, Tag[]>> {
  const { GetAccountAuthorizationDetailsCommand } = await import('@aws-sdk/client-iam');
  const tags = new Map<string, Tag[]>();
  let marker: string | undefined;
  for (;;) {
    const page = await send<{
      RoleDetailList?: { RoleName?: string; Tags?: Tag[] }[];
      IsTruncated?: boolean;
      Marker?: string;
    }>(
      new GetAccountAuthorizationDetailsCommand({
        Filter: ['Role'],
        MaxItems: MAX_ITEMS,
        ...(marker ? { Marker: marker } : {}),
      }),
      'iam:GetAccountAuthorizationDetails',
      stack,
    );
    for (const role of page.RoleDetailList ?? []) if (role.RoleName) tags.set(role.RoleName, role.Tags ?? []);
    const next = page.IsTruncated ? page.Marker : undefined;
    if (!next || next === marker) return tags;
    marker = next;
  }
}

/** The tags of `names`: per role when few, else from GetAccountAuthorizationDetails (falling back per role). */
async function readTags(
  send: Send,
  stack: string,
  names: readonly string[],
): Promise<{ tags: Map<string, Tag[]>; tagsFrom: RoleTagSource; notice?: string }> {
  if (names.length === 0) return { tags: new Map(), tagsFrom: 'none' };
  if (names.length <= PER_ROLE_TAG_READS_MAX)
    return { tags: await tagsPerRole(send, names), tagsFrom: 'list-role-tags' };
  let all: Map<string, Tag[]>;
  try {
    all = await tagsFromAuthorizationDetails(send, stack);
  } catch (error) {
    if (!isAccessDeniedError(error)) throw error;
    return {
      tags: await tagsPerRole(send, names),
      tagsFrom: 'list-role-tags',
      notice:
        `iam:GetAccountAuthorizationDetails was refused (AccessDenied): the tags of ${names.length} roles ` +
        `were read one iam:ListRoleTags each; granted, it reads every listed role's tags in pages of up to ${MAX_ITEMS} roles`,
    };
  }
  // A role created after the listing is not in it (the next run sees it); one listed but not in the
  // details (created in between, or a page IAM cut short) is read on its own.
  const missing = names.filter((n) => !all.has(n));
  if (missing.length > 0) for (const [name, t] of await tagsPerRole(send, missing)) all.set(name, t);
  return { tags: all, tagsFrom: 'authorization-details' };
}

/**
 * The IAM roles tagged `eks-kit:stack=<stack>`, and how their tags were read. ListRoles pages of 1,000;
 * then, for the roles not skipped (names in `skip`, case-insensitive, and service-linked roles under
 * `/aws-service-role/`), their tags: one ListRoleTags each when there are at most
 * {@link PER_ROLE_TAG_READS_MAX}, else GetAccountAuthorizationDetails (`Filter: ['Role']`, one call per
 * 1,000 roles; it returns every role's policies too). When that call is refused (AccessDenied), the
 * tags are read one ListRoleTags per role, a few at once, and `notice` says so. A role tagged
 * `eks-kit:managed-by` or `aws:cloudformation:stack-name` is never listed (another tool deletes it).
 * Reads only; errors name the IAM operation.
 *
 * @example
 * ```ts
 * const scan = await scanRolesOfStack(clients, 'prod', ['prod-cluster-autoscaler']);
 * if (scan.notice) console.warn(scan.notice);
 * console.log(scan.roles); // ['prod-old-role']
 * ```
 */
export async function scanRolesOfStack(
  clients: AwsClients,
  stack: string,
  skip: readonly string[] = [],
  options: FindRolesOfStackOptions = {},
): Promise<RoleScan> {
  validateTagValue(stack, 'stack');
  const skipped = new Set(skip.map((s) => s.toLowerCase()));
  const send = sender(await clients.iam(), options.signal);
  const { names, listed } = await listCandidates(send, stack, skipped);
  const { tags, tagsFrom, notice } = await readTags(send, stack, names);
  const roles = names.filter((name) => taggedForStack(tags.get(name) ?? [], stack)).sort();
  return { roles, listed, candidates: names.length, tagsFrom, ...(notice ? { notice } : {}) };
}

/**
 * The names of the IAM roles tagged `eks-kit:stack=<stack>` (sorted): {@link scanRolesOfStack}'s
 * `roles`. Roles named in `skip` (case-insensitive) and service-linked roles are not read; a role that
 * another tool deploys and deletes (tagged `eks-kit:managed-by`, as the checks Lambda's template tags
 * its roles, or carrying CloudFormation's `aws:cloudformation:stack-name`) is not listed.
 *
 * @example
 * ```ts
 * await findRolesOfStack(clients, 'prod', ['prod-cluster-autoscaler']); // ['prod-old-role']
 * ```
 */
export async function findRolesOfStack(
  clients: AwsClients,
  stack: string,
  skip: readonly string[] = [],
  options: FindRolesOfStackOptions = {},
): Promise<string[]> {
  return (await scanRolesOfStack(clients, stack, skip, options)).roles;
}
