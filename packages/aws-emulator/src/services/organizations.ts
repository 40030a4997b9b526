/**
 * AWS Organizations (awsJson1_1, `X-Amz-Target: AWSOrganizationsV20161128.<Op>`): the reads a tool needs
 * to list an organisation's accounts, written from the Organizations API Reference.
 *
 * - DescribeOrganization, ListRoots, ListAccounts, ListAccountsForParent, ListOrganizationalUnitsForParent.
 * - Lists are paginated with `NextToken` / `MaxResults` (1-20; ListAccounts pages are at most 20 accounts
 *   whatever is asked); a token this emulator did not make is `InvalidInputException` (Reason
 *   `INVALID_NEXT_TOKEN`), a `MaxResults` outside 1-20 `InvalidInputException` too.
 * - Accounts carry `State` (ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED, PENDING_ACTIVATION). AWS retired the
 *   older `Status` field on 2026-09-09 (the SDK's Account model, 3.1169.0); a world with
 *   `organizations.legacyStatus: true` also answers `Status` as before (SUSPENDED for a CLOSED account,
 *   ACTIVE for PENDING_ACTIVATION, which `Status` never had).
 * - Short pages: AWS may answer a list call with fewer results than `MaxResults`, even none, and a
 *   `NextToken` all the same (Organizations API Reference, `MaxResults` of the list operations). A world
 *   asks for that with `organizations.pageSizes`: page n of every listing holds at most
 *   `pageSizes[n % length]` items (and never more than `MaxResults`), 0 being an empty page with a
 *   `NextToken`; without it, pages are full as before.
 * - The organisation lives in the world's default account (the management account). A caller in another
 *   account of the world gets `AccessDeniedException` (member accounts may not list the organisation),
 *   unless the world lists that account in `organizations.delegatedAdministrators`: a delegated
 *   administrator gets read-only access to the organisation's data, so its calls are answered as the
 *   management account's (Organizations API Reference, "Reference: API operations by account", and
 *   RegisterDelegatedAdministrator; read 2026-12-07). In a world without `organizations`,
 *   `AWSOrganizationsNotInUseException`.
 * - An unknown parent is `ParentNotFoundException`. Throttling answers `TooManyRequestsException`.
 *
 * World: `organizations: { id?, rootId?, legacyStatus?, pageSizes?: number[], delegatedAdministrators?:
 * string[], organizationalUnits?: [{ id, name, parentId? }], accounts?: [{ id, name?, email?, state?,
 * parentId? }] }`. Parents default to the root; the management
 * account is a member (in the root) unless it is listed.
 */
import { AwsError } from '../framework/errors.js';
import { paginate } from '../framework/pagination.js';
import { defineService, type ServiceRequest } from '../framework/service.js';

/** Account states of the `State` field. */
export type OrganizationsAccountState =
  | 'ACTIVE'
  | 'SUSPENDED'
  | 'PENDING_CLOSURE'
  | 'CLOSED'
  | 'PENDING_ACTIVATION';

/** One account of the organisation, as seeded. */
export interface OrganizationsAccountSeed {
  id: string;
  name?: string;
  email?: string;
  /** Default `ACTIVE`. */
  state?: OrganizationsAccountState;
  /** Root or OU id (default the root). */
  parentId?: string;
}

/** One organizational unit, as seeded. */
export interface OrganizationalUnitSeed {
  /** `ou-<root suffix>-<8 to 32 lower-case letters or digits>`. */
  id: string;
  name: string;
  /** Root or OU id (default the root). */
  parentId?: string;
}

/** The `organizations` key of a world. */
export interface OrganizationsSeed {
  /** `o-` and 10 to 32 lower-case letters or digits (default `o-exampleorg1`). */
  id?: string;
  /** `r-` and 4 to 32 lower-case letters or digits (default `r-ex12`). */
  rootId?: string;
  /** Also answer the retired `Status` field. */
  legacyStatus?: boolean;
  /**
   * Sizes of successive pages of every list call (0 to 20 each, at least one above 0), repeated: AWS may
   * answer fewer results than `MaxResults`, even none, with a `NextToken`. Default: full pages.
   */
  pageSizes?: number[];
  /** Member accounts registered as delegated administrators: they may read the organisation. */
  delegatedAdministrators?: string[];
  organizationalUnits?: OrganizationalUnitSeed[];
  accounts?: OrganizationsAccountSeed[];
}

interface OrgAccount {
  id: string;
  name: string;
  email: string;
  state: OrganizationsAccountState;
  parentId: string;
  joined: number;
}

interface Organization {
  id: string;
  rootId: string;
  managementAccountId: string;
  legacyStatus: boolean;
  pageSizes: number[] | undefined;
  delegatedAdministrators: ReadonlySet<string>;
  ous: Array<{ id: string; name: string; parentId: string }>;
  accounts: OrgAccount[];
}

/** Organizations state of one account: the organisation when this account is its management account. */
export interface OrganizationsState {
  org?: Organization;
}

const STATES: ReadonlySet<string> = new Set([
  'ACTIVE',
  'SUSPENDED',
  'PENDING_CLOSURE',
  'CLOSED',
  'PENDING_ACTIVATION',
]);

function seedOrganization(seed: OrganizationsSeed, managementAccountId: string, now: number): Organization {
  const id = seed.id ?? 'o-exampleorg1';
  const rootId = seed.rootId ?? 'r-ex12';
  if (!/^o-[a-z0-9]{10,32}$/.test(id))
    throw new TypeError(`organizations.id ${id} must match o-[a-z0-9]{10,32}`);
  if (!/^r-[0-9a-z]{4,32}$/.test(rootId))
    throw new TypeError(`organizations.rootId ${rootId} must match r-[0-9a-z]{4,32}`);
  const ous = (seed.organizationalUnits ?? []).map((ou, i) => {
    if (!/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/.test(ou.id))
      throw new TypeError(
        `organizations.organizationalUnits[${i}].id ${ou.id} must match ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}`,
      );
    return { id: ou.id, name: ou.name, parentId: ou.parentId ?? rootId };
  });
  const parents = new Set([rootId, ...ous.map((o) => o.id)]);
  ous.forEach((ou, i) => {
    if (!parents.has(ou.parentId))
      throw new TypeError(
        `organizations.organizationalUnits[${i}].parentId ${ou.parentId} is not the root or an OU`,
      );
  });
  const accounts: OrgAccount[] = (seed.accounts ?? []).map((a, i) => {
    if (!/^\d{12}$/.test(a.id)) throw new TypeError(`organizations.accounts[${i}].id must be 12 digits`);
    const state = a.state ?? 'ACTIVE';
    if (!STATES.has(state))
      throw new TypeError(`organizations.accounts[${i}].state ${state} is not an account state`);
    const parentId = a.parentId ?? rootId;
    if (!parents.has(parentId))
      throw new TypeError(`organizations.accounts[${i}].parentId ${parentId} is not the root or an OU`);
    return {
      id: a.id,
      name: a.name ?? `account-${a.id}`,
      email: a.email ?? `aws+${a.id}@example.com`,
      state,
      parentId,
      joined: now,
    };
  });
  if (!accounts.some((a) => a.id === managementAccountId)) {
    accounts.unshift({
      id: managementAccountId,
      name: 'management',
      email: `aws+${managementAccountId}@example.com`,
      state: 'ACTIVE',
      parentId: rootId,
      joined: now,
    });
  }
  const pageSizes = seed.pageSizes;
  if (
    pageSizes !== undefined &&
    (!Array.isArray(pageSizes) ||
      pageSizes.length === 0 ||
      pageSizes.some((n) => !Number.isInteger(n) || n < 0 || n > 20) ||
      !pageSizes.some((n) => n > 0))
  ) {
    throw new TypeError('organizations.pageSizes must be whole numbers from 0 to 20, at least one above 0');
  }
  const delegated = seed.delegatedAdministrators ?? [];
  delegated.forEach((a, i) => {
    if (a === managementAccountId || !accounts.some((m) => m.id === a))
      throw new TypeError(
        `organizations.delegatedAdministrators[${i}] ${a} is not a member account of the organisation`,
      );
  });
  return {
    id,
    rootId,
    managementAccountId,
    legacyStatus: seed.legacyStatus === true,
    pageSizes: pageSizes ? [...pageSizes] : undefined,
    delegatedAdministrators: new Set(delegated),
    ous,
    accounts,
  };
}

/** The organisation the caller may read, or the error AWS answers. */
function organizationOf(request: ServiceRequest<OrganizationsState>): Organization {
  if (request.state.org) return request.state.org;
  const management = request.accounts()[0] as string;
  const org = request.stateOfAccount<OrganizationsState>('organizations', management)?.org;
  // A delegated administrator reads the organisation as its management account does.
  if (org?.delegatedAdministrators.has(request.accountId)) return org;
  if (org?.accounts.some((a) => a.id === request.accountId)) {
    throw new AwsError('AccessDeniedException', "You don't have permissions to access this resource.", 400);
  }
  throw new AwsError(
    'AWSOrganizationsNotInUseException',
    'Your account is not a member of an organization.',
    400,
  );
}

function pageSize(input: Record<string, unknown>): number {
  const raw = input.MaxResults;
  if (raw === undefined) return 20;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1 || raw > 20) {
    throw new AwsError(
      'InvalidInputException',
      'You provided a value that does not match the required pattern.',
      400,
      {
        fields: { Reason: 'INVALID_PATTERN' },
      },
    );
  }
  return raw;
}

const invalidToken = () =>
  new AwsError('InvalidInputException', 'The provided pagination token is not valid.', 400, {
    fields: { Reason: 'INVALID_NEXT_TOKEN' },
  });

/** A page of a world with `pageSizes`: the token holds the next item and the next page's number. */
function shortPage<T>(
  items: readonly T[],
  input: Record<string, unknown>,
  sizes: readonly number[],
): { items: T[]; NextToken?: string } {
  const max = pageSize(input);
  let start = 0;
  let n = 0;
  if (typeof input.NextToken === 'string') {
    const decoded = /^s(\d+)\.(\d+)$/.exec(Buffer.from(input.NextToken, 'base64url').toString('utf8'));
    if (!decoded) throw invalidToken();
    start = Number(decoded[1]);
    n = Number(decoded[2]);
  }
  const end = Math.min(items.length, start + Math.min(max, sizes[n % sizes.length] as number));
  const next = Buffer.from(`s${end}.${n + 1}`, 'utf8').toString('base64url');
  return { items: items.slice(start, end), ...(end < items.length ? { NextToken: next } : {}) };
}

function page<T>(
  items: readonly T[],
  input: Record<string, unknown>,
  sizes?: readonly number[],
): { items: T[]; NextToken?: string } {
  if (sizes) return shortPage(items, input, sizes);
  const token = typeof input.NextToken === 'string' ? input.NextToken : undefined;
  let cut: { items: T[]; nextToken: string | undefined };
  try {
    cut = paginate(items, token, pageSize(input), 'InvalidInputException');
  } catch (error) {
    if (error instanceof AwsError && error.code === 'InvalidInputException' && !error.options.fields) {
      throw invalidToken();
    }
    throw error;
  }
  return { items: cut.items, ...(cut.nextToken ? { NextToken: cut.nextToken } : {}) };
}

function accountOut(org: Organization, a: OrgAccount): Record<string, unknown> {
  const status = a.state === 'CLOSED' ? 'SUSPENDED' : a.state === 'PENDING_ACTIVATION' ? 'ACTIVE' : a.state;
  return {
    Id: a.id,
    Arn: `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${a.id}`,
    Email: a.email,
    Name: a.name,
    State: a.state,
    ...(org.legacyStatus ? { Status: status } : {}),
    JoinedMethod: a.id === org.managementAccountId ? 'CREATED' : 'INVITED',
    JoinedTimestamp: new Date(a.joined),
  };
}

function requireParent(org: Organization, input: Record<string, unknown>): string {
  const parentId = input.ParentId;
  if (typeof parentId !== 'string' || parentId === '') {
    throw new AwsError('InvalidInputException', 'You must specify a value for ParentId.', 400, {
      fields: { Reason: 'INVALID_INPUT' },
    });
  }
  if (parentId !== org.rootId && !org.ous.some((o) => o.id === parentId)) {
    throw new AwsError(
      'ParentNotFoundException',
      "We can't find a root or OU with the ParentId that you specified.",
      400,
    );
  }
  return parentId;
}

/** The Organizations module. */
export const organizations = defineService<OrganizationsState>({
  signingName: 'organizations',
  protocol: { kind: 'json', targetPrefix: 'AWSOrganizationsV20161128', jsonVersion: '1.1' },
  errors: { throttling: { code: 'TooManyRequestsException', status: 400 } },
  createState: (world, context) => {
    const seed = world.organizations as OrganizationsSeed | undefined;
    return seed ? { org: seedOrganization(seed, context.accountId, context.clock.now()) } : {};
  },
  operations: {
    DescribeOrganization: {
      handler: (request) => {
        const org = organizationOf(request);
        const management = org.accounts.find((a) => a.id === org.managementAccountId);
        return {
          Organization: {
            Id: org.id,
            Arn: `arn:aws:organizations::${org.managementAccountId}:organization/${org.id}`,
            FeatureSet: 'ALL',
            MasterAccountArn: `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${org.managementAccountId}`,
            MasterAccountId: org.managementAccountId,
            MasterAccountEmail: management?.email,
            AvailablePolicyTypes: [],
          },
        };
      },
    },
    ListRoots: {
      handler: (request) => {
        const org = organizationOf(request);
        const { items, ...rest } = page(
          [
            {
              Id: org.rootId,
              Arn: `arn:aws:organizations::${org.managementAccountId}:root/${org.id}/${org.rootId}`,
              Name: 'Root',
              PolicyTypes: [],
            },
          ],
          request.input,
          org.pageSizes,
        );
        return { Roots: items, ...rest };
      },
    },
    ListAccounts: {
      handler: (request) => {
        const org = organizationOf(request);
        const { items, ...rest } = page(org.accounts, request.input, org.pageSizes);
        return { Accounts: items.map((a) => accountOut(org, a)), ...rest };
      },
    },
    ListAccountsForParent: {
      handler: (request) => {
        const org = organizationOf(request);
        const parentId = requireParent(org, request.input);
        const { items, ...rest } = page(
          org.accounts.filter((a) => a.parentId === parentId),
          request.input,
          org.pageSizes,
        );
        return { Accounts: items.map((a) => accountOut(org, a)), ...rest };
      },
    },
    ListOrganizationalUnitsForParent: {
      handler: (request) => {
        const org = organizationOf(request);
        const parentId = requireParent(org, request.input);
        const { items, ...rest } = page(
          org.ous.filter((o) => o.parentId === parentId),
          request.input,
          org.pageSizes,
        );
        return {
          OrganizationalUnits: items.map((o) => ({
            Id: o.id,
            Arn: `arn:aws:organizations::${org.managementAccountId}:ou/${org.id}/${o.id}`,
            Name: o.name,
          })),
          ...rest,
        };
      },
    },
  },
});
