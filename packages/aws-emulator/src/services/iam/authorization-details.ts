/**
 * GetAccountAuthorizationDetails (issue 21): every role (and managed policy) of the account with its
 * policies and tags, one page of up to 1,000 entities per call.
 *
 * As IAM answers it (IAM API Reference, GetAccountAuthorizationDetails and RoleDetail,
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html and
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_RoleDetail.html, read 2026-12-07): `Filter`
 * (`Filter.member.N`, each one of User, Role, Group, LocalManagedPolicy, AWSManagedPolicy; none = every
 * type), `MaxItems` 1-1000 (default 100) and `Marker`, answered with `IsTruncated` and `Marker`;
 * `RoleDetailList` members carry Path, RoleName, RoleId, Arn, CreateDate, the URL-encoded
 * AssumeRolePolicyDocument, InstanceProfileList, RolePolicyList (name and URL-encoded document of each
 * inline policy), AttachedManagedPolicies, PermissionsBoundary, Tags and RoleLastUsed; `Policies` holds
 * ManagedPolicyDetail members with their PolicyVersionList. The emulator has no users, groups or
 * instance profiles: those lists are always empty.
 */
import { AwsError } from '../../framework/errors.js';
import { asList } from '../../framework/params.js';
import type { OperationSpec, ServiceRequest } from '../../framework/service.js';
import { encodeDocument } from './documents.js';
import { iamPage, policyShape } from './shapes.js';
import type { IamRole, IamState, ManagedPolicy } from './state.js';

type Req = ServiceRequest<IamState>;

const ENTITY_TYPES = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const;
type EntityType = (typeof ENTITY_TYPES)[number];

type Entity = { kind: 'role'; role: IamRole } | { kind: 'policy'; policy: ManagedPolicy };

function readFilter(input: Record<string, unknown>): Set<EntityType> {
  const values = asList<unknown>(input.Filter);
  if (values.length === 0) return new Set(ENTITY_TYPES);
  const out = new Set<EntityType>();
  values.forEach((v, i) => {
    if (!ENTITY_TYPES.includes(v as EntityType)) {
      throw new AwsError(
        'ValidationError',
        `1 validation error detected: Value '${String(v)}' at 'filter.${i + 1}.member' failed to satisfy constraint: Member must satisfy enum value set: [${ENTITY_TYPES.join(', ')}]`,
      );
    }
    out.add(v as EntityType);
  });
  return out;
}

function roleDetail(req: Req, role: IamRole): Record<string, unknown> {
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.id,
    Arn: role.arn,
    CreateDate: new Date(role.createdAt),
    AssumeRolePolicyDocument: encodeDocument(role.trustPolicy),
    InstanceProfileList: [],
    RolePolicyList: [...role.inline.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((p) => ({ PolicyName: p.name, PolicyDocument: encodeDocument(p.document) })),
    AttachedManagedPolicies: role.attached.flatMap((arn) => {
      const p = req.state.policies.get(arn);
      return p ? [{ PolicyName: p.name, PolicyArn: p.arn }] : [];
    }),
    PermissionsBoundary: role.permissionsBoundaryArn
      ? { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: role.permissionsBoundaryArn }
      : undefined,
    Tags: role.tags,
    RoleLastUsed: {},
  };
}

function policyDetail(req: Req, policy: ManagedPolicy): Record<string, unknown> {
  return {
    // GetPolicy's shape with its description; ManagedPolicyDetail carries no tags.
    ...policyShape(req.state, policy, true),
    Tags: undefined,
    PolicyVersionList: policy.versions.map((v) => ({
      Document: encodeDocument(v.document),
      VersionId: v.versionId,
      IsDefaultVersion: v.versionId === policy.defaultVersionId,
      CreateDate: new Date(v.createdAt),
    })),
  };
}

/** The entities a filter selects, in a stable order (roles, then managed policies, each by name). */
function entities(req: Req, filter: Set<EntityType>): Entity[] {
  const out: Entity[] = [];
  if (filter.has('Role'))
    for (const role of [...req.state.roles.values()].sort((a, b) => a.name.localeCompare(b.name)))
      out.push({ kind: 'role', role });
  const policies = [...req.state.policies.values()]
    .filter((p) => (p.awsManaged ? filter.has('AWSManagedPolicy') : filter.has('LocalManagedPolicy')))
    .sort((a, b) => a.arn.localeCompare(b.arn));
  for (const policy of policies) out.push({ kind: 'policy', policy });
  return out;
}

/** GetAccountAuthorizationDetails by name. */
export const authorizationDetailsOperations: Record<string, OperationSpec<IamState>> = {
  GetAccountAuthorizationDetails: {
    logInput: ['Filter', 'Marker', 'MaxItems'],
    handler(req) {
      const filter = readFilter(req.input);
      const { items, page } = iamPage(entities(req, filter), req.input);
      return {
        UserDetailList: [],
        GroupDetailList: [],
        RoleDetailList: items.flatMap((e) => (e.kind === 'role' ? [roleDetail(req, e.role)] : [])),
        Policies: items.flatMap((e) => (e.kind === 'policy' ? [policyDetail(req, e.policy)] : [])),
        ...page,
      };
    },
  },
};
