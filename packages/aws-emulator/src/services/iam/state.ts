/**
 * IAM state: roles, managed policies (with versions), OIDC providers; seeding from the world.
 * Names are unique and looked up case-insensitively, as in IAM.
 */
import type { SeedContext } from '../../framework/service.js';
import type { World } from '../../types.js';

/** A tag. */
export interface Tag {
  Key: string;
  Value: string;
}

/** A role. */
export interface IamRole {
  name: string;
  path: string;
  id: string;
  arn: string;
  /** Emulated epoch ms. */
  createdAt: number;
  /** Trust policy JSON as sent (decoded). */
  trustPolicy: string;
  description?: string;
  maxSessionDuration: number;
  permissionsBoundaryArn?: string;
  tags: Tag[];
  /** Inline policies: name -> JSON. */
  inline: Map<string, { name: string; document: string }>;
  /** Attached managed policy ARNs in attachment order. */
  attached: string[];
}

/** A managed policy version. */
export interface PolicyVersion {
  versionId: string;
  document: string;
  createdAt: number;
}

/** A managed policy (customer or AWS managed). */
export interface ManagedPolicy {
  name: string;
  path: string;
  id: string;
  arn: string;
  description?: string;
  createdAt: number;
  updatedAt: number;
  defaultVersionId: string;
  versions: PolicyVersion[];
  nextVersion: number;
  tags: Tag[];
  awsManaged: boolean;
}

/** An OIDC identity provider. */
export interface OidcProvider {
  arn: string;
  /** URL without `https://`. */
  url: string;
  clientIds: string[];
  thumbprints: string[];
  createdAt: number;
  tags: Tag[];
}

/** The IAM state. */
export interface IamState {
  accountId: string;
  /** Keyed by lowercased role name. */
  roles: Map<string, IamRole>;
  /** Keyed by ARN. */
  policies: Map<string, ManagedPolicy>;
  /** Keyed by ARN. */
  oidcProviders: Map<string, OidcProvider>;
  /** Makes ids such as AROA... */
  newId(prefix: string): string;
}

const READ_ONLY =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["*:Describe*","*:Get*","*:List*"],"Resource":"*"}]}';

/** AWS managed policies that exist for attachment (documents abridged). */
export const AWS_MANAGED_POLICIES: ReadonlyArray<{ name: string; path: string; document: string }> = [
  {
    name: 'AdministratorAccess',
    path: '/',
    document: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
  },
  { name: 'ReadOnlyAccess', path: '/', document: READ_ONLY },
  { name: 'AmazonEKSClusterPolicy', path: '/', document: READ_ONLY },
  { name: 'AmazonEKSWorkerNodePolicy', path: '/', document: READ_ONLY },
  { name: 'AmazonEKS_CNI_Policy', path: '/', document: READ_ONLY },
  { name: 'AmazonEC2ContainerRegistryReadOnly', path: '/', document: READ_ONLY },
  { name: 'AmazonEC2ContainerRegistryPowerUser', path: '/', document: READ_ONLY },
  { name: 'AmazonSSMManagedInstanceCore', path: '/', document: READ_ONLY },
  { name: 'AWSLambdaBasicExecutionRole', path: '/service-role/', document: READ_ONLY },
];

/**
 * The ARN of a role.
 * @example roleArn('123456789012', '/', 'ci') // 'arn:aws:iam::123456789012:role/ci'
 */
export function roleArn(accountId: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:role${path}${name}`;
}

/**
 * The ARN of an OIDC provider from its issuer URL (`https://` dropped).
 * @example oidcProviderArn('123456789012', 'https://oidc.eks.us-east-1.amazonaws.com/id/ABC') // 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC'
 */
export function oidcProviderArn(accountId: string, url: string): string {
  return `arn:aws:iam::${accountId}:oidc-provider/${url.replace(/^https:\/\//, '').replace(/\/$/, '')}`;
}

/**
 * A role by name (case-insensitive), or by ARN.
 * @example findRole(state, 'ci')
 */
export function findRole(state: IamState, nameOrArn: string): IamRole | undefined {
  const name = nameOrArn.startsWith('arn:') ? nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1) : nameOrArn;
  const role = state.roles.get(name.toLowerCase());
  if (role && nameOrArn.startsWith('arn:') && role.arn !== nameOrArn) return undefined;
  return role;
}

function toJson(document: unknown): string {
  return typeof document === 'string' ? document : JSON.stringify(document);
}

function toTags(tags: Record<string, string> | undefined): Tag[] {
  return Object.entries(tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
}

/**
 * Builds the IAM state from `world.iam`.
 * @example createIamState({ iam: { roles: [{ name: 'ci' }] } }, context)
 */
export function createIamState(world: World, context: SeedContext): IamState {
  const { accountId, random, clock } = context;
  const state: IamState = {
    accountId,
    roles: new Map(),
    policies: new Map(),
    oidcProviders: new Map(),
    newId: (prefix) => random.id(prefix, 17),
  };
  const longAgo = clock.now() - 86_400_000;
  for (const p of AWS_MANAGED_POLICIES) {
    const arn = `arn:aws:iam::aws:policy${p.path}${p.name}`;
    state.policies.set(arn, {
      name: p.name,
      path: p.path,
      id: `ANPA${p.name
        .toUpperCase()
        .replace(/[^A-Z0-9]/g, '')
        .padEnd(17, 'X')
        .slice(0, 17)}`,
      arn,
      createdAt: longAgo,
      updatedAt: longAgo,
      defaultVersionId: 'v1',
      versions: [{ versionId: 'v1', document: p.document, createdAt: longAgo }],
      nextVersion: 2,
      tags: [],
      awsManaged: true,
    });
  }
  for (const r of world.iam?.roles ?? []) {
    const path = r.path ?? '/';
    const inline = new Map<string, { name: string; document: string }>();
    for (const [name, doc] of Object.entries(r.inlinePolicies ?? {})) {
      inline.set(name.toLowerCase(), { name, document: toJson(doc) });
    }
    state.roles.set(r.name.toLowerCase(), {
      name: r.name,
      path,
      id: state.newId('AROA'),
      arn: roleArn(accountId, path, r.name),
      createdAt: clock.now() - (r.ageSeconds ?? 86_400) * 1000,
      trustPolicy: toJson(
        r.assumeRolePolicyDocument ?? {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        },
      ),
      ...(r.description !== undefined ? { description: r.description } : {}),
      maxSessionDuration: 3600,
      tags: toTags(r.tags),
      inline,
      attached: [...(r.attachedPolicyArns ?? [])],
    });
  }
  for (const url of world.iam?.oidcProviders ?? []) {
    const arn = oidcProviderArn(accountId, url);
    state.oidcProviders.set(arn, {
      arn,
      url: url.replace(/^https:\/\//, '').replace(/\/$/, ''),
      clientIds: ['sts.amazonaws.com'],
      thumbprints: [],
      createdAt: longAgo,
      tags: [],
    });
  }
  return state;
}
